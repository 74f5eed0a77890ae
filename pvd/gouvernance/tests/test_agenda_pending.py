"""« Inscrire tous les points en attente »: every submission waiting in the dossier goes on
the agenda of a séance of the comité de projet to come, in one action."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import PointOrdreDuJour

from .factories import InstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db

CAN_SET_AGENDA = {"chef_de_projet", "equipe"}
QUERIES = 8


@pytest.fixture
def a_venir(comite):
    return SeanceFactory(instance=comite)


def _submit(dossier, user, count):
    fiches = FicheFactory.create_batch(count, dossier=dossier)
    return [services.object_submit(dossier=dossier, target=f, titre=f"Fiche {f.numero}", by=user) for f in fiches]


def _url(seance):
    return reverse("gouvernance:pending_schedule", kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk})


def test_all_pending_points_go_on_the_agenda_after_the_existing_ones(client_for, dossier, a_venir, user):
    existing = services.point_add(seance=a_venir, titre="Point d'information", by=user)
    pending = _submit(dossier, user, 3)
    client = client_for(dossier, "chef_de_projet")
    response = client.post(_url(a_venir), follow=True)
    page = BeautifulSoup(response.content, "html.parser")
    assert "3 points en attente ont été inscrits à l'ordre du jour." in page.select_one(".fr-alert--success").text
    points = list(a_venir.points.order_by("ordre"))
    assert points == [existing, *pending]
    assert [p.ordre for p in points] == [1, 2, 3, 4]
    assert not PointOrdreDuJour.objects.filter(seance__isnull=True).exists()
    assert page.select_one("#inscrire-en-attente") is None  # nothing left to add


def test_one_point_is_told_in_the_singular(client_for, dossier, a_venir, user):
    _submit(dossier, user, 1)
    response = client_for(dossier, "equipe").post(_url(a_venir), follow=True)
    page = BeautifulSoup(response.content, "html.parser")
    assert "1 point en attente a été inscrit à l'ordre du jour." in page.select_one(".fr-alert--success").text


def test_an_object_already_on_an_agenda_is_skipped(dossier, a_venir, user):
    first, second = _submit(dossier, user, 2)
    # The same object was also put directly on another séance still waiting for its decision.
    other = SeanceFactory(instance=a_venir.instance)
    services.point_add(seance=other, titre="Halle", target=first.target, by=user)
    assert services.pending_points_schedule(seance=a_venir, by=user) == 1
    first.refresh_from_db(), second.refresh_from_db()
    assert first.seance_id is None and second.seance == a_venir
    assert services.pending_points_schedule(seance=a_venir, by=user) == 0


def test_the_button_counts_the_points_to_add_for_the_team_only(client_for, dossier, a_venir, user):
    _submit(dossier, user, 2)
    url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": a_venir.pk})
    page = BeautifulSoup(client_for(dossier, "chef_de_projet").get(url).content, "html.parser")
    assert page.select_one("#inscrire-en-attente button").get_text(strip=True) == (
        "Inscrire tous les points en attente (2)"
    )
    page = BeautifulSoup(client_for(dossier, "elu").get(url).content, "html.parser")
    assert page.select_one("#inscrire-en-attente") is None


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_only_who_sets_the_agenda_may_add_the_pending_points(client_for, dossier, a_venir, user, kind):
    _submit(dossier, user, 2)
    response = client_for(dossier, kind).post(_url(a_venir))
    added = a_venir.points.count()
    if kind in CAN_SET_AGENDA:
        assert response.status_code == 302 and added == 2
    else:
        expected = {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)
        assert response.status_code == expected and added == 0


def test_a_get_changes_nothing(client_for, dossier, a_venir, user):
    _submit(dossier, user, 1)
    assert client_for(dossier, "chef_de_projet").get(_url(a_venir)).status_code == 405
    assert a_venir.points.count() == 0


def test_refused_on_a_held_seance_or_another_instance(client_for, dossier, seance, user):
    _submit(dossier, user, 2)
    client = client_for(dossier, "chef_de_projet")
    response = client.post(_url(seance), follow=True)  # `seance` is past
    assert "Cette séance a déjà eu lieu" in BeautifulSoup(response.content, "html.parser").text
    technique = SeanceFactory(instance=InstanceFactory(dossier=dossier, technique=True))
    with pytest.raises(ValidationError, match="comité de projet"):
        services.pending_points_schedule(seance=technique, by=user)
    assert not PointOrdreDuJour.objects.filter(seance__isnull=False).exists()


def test_a_seance_of_another_dossier_is_not_found(client_for, dossier, user):
    other = SeanceFactory()
    _submit(other.instance.dossier, user, 1)
    response = client_for(dossier, "chef_de_projet").post(
        reverse("gouvernance:pending_schedule", kwargs={"dossier_pk": dossier.pk, "pk": other.pk})
    )
    assert response.status_code == 404 and other.points.count() == 0


@pytest.mark.parametrize("size", [2, 8])
def test_query_count_does_not_grow_with_the_points(dossier, a_venir, user, size, django_assert_num_queries):
    _submit(dossier, user, size)
    # savepoint, séance lock, its date, pending points, last ordre, one bulk update, the journal's
    # one INSERT, release.
    with django_assert_num_queries(QUERIES):
        assert services.pending_points_schedule(seance=a_venir, by=user) == size
