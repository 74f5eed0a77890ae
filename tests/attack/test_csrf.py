"""CSRF on every form: every pattern that takes a POST refuses one without the token (403), even
from a viewer allowed to send it, and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.attack.expect import OK, assert_unchanged, expected, login, snapshot
from tests.attack.surface import REGISTER
from tests.attack.world import VIEWERS

pytestmark = pytest.mark.django_db


def allowed_viewer(entry):
    return next((kind for kind in VIEWERS if expected(entry, "POST", kind) == OK), None)


POSTS = [entry for entry in REGISTER if "POST" in entry.methods and allowed_viewer(entry)]


def switched_off(entry) -> bool:
    """A feature off in the tests (ProConnect without its OIDC settings): 404 to every viewer."""
    return set(entry.special) == set(VIEWERS) and set(entry.special.values()) == {404}


def test_every_post_pattern_is_checked():
    # Every pattern that takes a POST has a viewer allowed to send it: none escapes this test.
    posts = {entry.name for entry in REGISTER if "POST" in entry.methods and not switched_off(entry)}
    assert posts == {entry.name for entry in POSTS}
    assert len(POSTS) > 100


@pytest.mark.parametrize("entry", POSTS, ids=[entry.name for entry in POSTS])
def test_a_post_without_the_csrf_token_is_refused(w, entry):
    client = login(Client(enforce_csrf_checks=True), w, allowed_viewer(entry))
    path = reverse(entry.name, kwargs=entry.kwargs(w)) + entry.query
    before = snapshot()
    response = client.post(path, {"titre": "Sans jeton", "nom": "Sans jeton", "texte": "Sans jeton"})
    assert response.status_code == 403, response.status_code
    assert_unchanged(before, snapshot(), f"Un POST sans jeton CSRF sur {path}")
