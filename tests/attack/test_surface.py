"""Every URL pattern of the platform, requested by every kind of viewer with every method.

The register (`surface.py`) lists every pattern: a new page without an entry fails here. Each
entry is requested with GET and POST by an anonymous visitor, a member of another dossier, each
role of the dossier, a préfecture (of the département, of another one) and ANCT: the allowed get
their page (a POST of an empty form, undone afterwards, is answered without an error), the others
the refusal of the project's convention, never a server error; a refused POST changes nothing.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.attack.expect import OK, assert_unchanged, expected, login, send, send_and_undo, snapshot
from tests.attack.surface import ADMIN_ENTRY, REGISTER, walk
from tests.attack.world import VIEWERS

pytestmark = pytest.mark.django_db


def test_every_url_pattern_has_an_entry_and_every_entry_a_pattern():
    names = {name for name, _route, _pattern in walk()}
    registered = {entry.name for entry in REGISTER}
    admin = {name for name in names if name.startswith("admin:")}
    assert admin, "Le walk des URL ne trouve pas l'admin de Django"
    missing = sorted(names - registered - admin)
    assert missing == [], f"URL sans entrée dans tests/attack/surface.py : {missing}"
    gone = sorted(registered - names)
    assert gone == [], f"Entrées de tests/attack/surface.py sans URL : {gone}"
    assert len(registered) == len(REGISTER), "Une URL a deux entrées"
    assert ADMIN_ENTRY.who == "admin"


def check(response, want, *, method, entry) -> str | None:
    """What is wrong with `response` (None when it is what `want` says)."""
    status = response.status_code
    if want == OK:
        allowed = entry.ok if method == "GET" else {200, 302, 400} | (entry.ok if entry.only == "POST" else set())
        return None if status in allowed else f"{status}, attendu {sorted(allowed)}"
    if status != want:
        return f"{status}, attendu {want}"
    if want == 302 and "/comptes/connexion/" not in response["Location"]:
        return f"redirigé vers {response['Location']}, pas vers la connexion"
    return None


@pytest.mark.parametrize("entry", REGISTER, ids=[entry.name for entry in REGISTER])
def test_every_viewer_gets_what_the_permissions_table_says(w, client, entry):
    path = reverse(entry.name, kwargs=entry.kwargs(w)) + entry.query
    wrong = []
    for method in ("GET", "POST"):
        before = snapshot() if method == "POST" else None
        allowed_seen = False
        for kind in VIEWERS:
            want = expected(entry, method, kind)
            if want == OK and entry.heavy and allowed_seen:
                continue
            allowed_seen = allowed_seen or want == OK
            login(client, w, kind)
            if want == OK and method == "POST":
                response = send_and_undo(client, method, path)
            else:
                response = send(client, method, path)
            problem = check(response, want, method=method, entry=entry)
            if problem:
                wrong.append(f"{method} {kind}: {problem}")
        if before is not None:
            assert_unchanged(before, snapshot(), f"Un POST refusé (ou annulé) sur {path}")
    assert wrong == [], f"{entry.name} {path}\n" + "\n".join(wrong)


ADMIN_PAGES = ["admin:index", "admin:comptes_user_changelist", "admin:dossiers_dossier_changelist"]


@pytest.mark.parametrize("name", ADMIN_PAGES)
@pytest.mark.parametrize("kind", ["anonymous", "chef_de_projet", "prefecture", "anct"])
def test_the_django_admin_is_for_staff_only(w, client, name, kind):
    login(client, w, kind)
    path = reverse(name)
    for method in ("GET", "POST"):
        before = snapshot() if method == "POST" else None
        response = send(client, method, path)
        assert response.status_code == 302, (method, response.status_code)
        # The site's login page for an anonymous visitor, the admin's for a signed-in non-staff user.
        assert response["Location"].startswith((reverse("admin:login"), reverse("comptes:login"))), response["Location"]
        if before is not None:
            assert_unchanged(before, snapshot(), f"Un POST refusé sur {path}")


def test_the_django_admin_opens_to_staff(w, client):
    client.force_login(get_user_model().objects.create_superuser(email="admin@exemple.fr", password="x"))
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
