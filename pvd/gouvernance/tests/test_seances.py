"""The séance page: agenda points and their order, attendance, wording before and after the
séance is held, the governance pages' selects and empty lists, queries that do not grow."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.actions.tests.factories import FicheFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import Presence, PresenceStatut
from tests.utils import assert_queries_do_not_grow, main, refusal_status

from .factories import MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def seance_url(seance, name="gouvernance:seance"):
    return reverse(name, kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk})


def test_objet_only_when_it_adds_information(client_for, dossier, seance, user):
    fiche = FicheFactory(dossier=dossier, titre="Rénovation de la halle")
    services.point_add(seance=seance, titre="Validation de la fiche : Rénovation de la halle", target=fiche, by=user)
    services.point_add(seance=seance, titre="Point sur le commerce", target=fiche, by=user)
    items = main(client_for(dossier, "chef_de_projet").get(seance_url(seance))).select("#ordre-du-jour > li")
    assert "Objet :" not in items[0].get_text()
    assert f"Objet : {fiche}" in " ".join(items[1].get_text().split())


def test_future_seance_wording_and_move_buttons(client_for, dossier, comite, user):
    seance = SeanceFactory(instance=comite)
    for n in range(3):
        services.point_add(seance=seance, titre=f"Point {n}", by=user)
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    text = " ".join(page.get_text().split())
    for awkward in ("s'approuvera", "s'enregistreront", "se saisiront"):
        assert awkward not in text
    assert "Le compte rendu pourra être approuvé une fois la séance tenue." in text
    assert "les décisions pourront être enregistrées une fois la séance tenue" in text
    assert "les présences pourront être saisies une fois la séance tenue" in text
    buttons = [[b["value"] for b in li.select("button[name=sens]")] for li in page.select("#ordre-du-jour > li")]
    assert buttons == [["bas"], ["haut", "bas"], ["haut"]]


def test_attendance_column_is_participation(client_for, dossier, seance):
    MembreInstanceFactory(instance=seance.instance)
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    assert [th.get_text(strip=True) for th in page.select("#presences thead th")][-1] == "Participation"


def test_no_django_empty_choice_on_governance_pages(client_for, dossier, comite, seance):
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk}
    for url in (
        reverse("gouvernance:index", kwargs=kw),
        reverse("gouvernance:instance", kwargs=kw | {"pk": comite.pk}),
        seance_url(seance),
    ):
        html = client.get(url).content.decode()
        assert "---------" not in html, url
    instance_page = main(client.get(reverse("gouvernance:instance", kwargs=kw | {"pk": comite.pk})))
    assert instance_page.select_one("select[name=membre-user] option").get_text() == "— Choisir —"


def test_seance_with_decisions_cannot_be_moved_to_the_future(dossier, seance, user):
    from django.core.exceptions import ValidationError

    from pvd.gouvernance import services

    point = services.point_add(seance=seance, titre="Point", by=user)
    services.decision_record(point=point, resultat="valide", by=user)
    with pytest.raises(ValidationError, match="reportée à une date future"):
        services.seance_update(seance=seance, date=timezone.now() + datetime.timedelta(days=3), lieu="X", by=user)


def test_pending_submission_refused_on_another_instance(dossier, user):
    from django.core.exceptions import ValidationError

    from pvd.gouvernance import services
    from pvd.gouvernance.models import PointOrdreDuJour

    from .factories import InstanceFactory, SeanceFactory

    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    pending = services.object_submit(dossier=dossier, target=fiche, titre="Fiche 1", by=user)
    technique = SeanceFactory(instance=InstanceFactory(dossier=dossier, technique=True))
    with pytest.raises(ValidationError, match="comité de projet"):
        services.point_add(seance=technique, pending=pending, by=user)
    assert PointOrdreDuJour.objects.get(pk=pending.pk).seance_id is None


def test_presences_recorded_in_a_fixed_number_of_queries(seance, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pvd.gouvernance import services

    from .factories import MembreInstanceFactory

    def record(n, statut):
        membres = MembreInstanceFactory.create_batch(n, instance=seance.instance)
        services.presences_record(seance=seance, statuts=dict.fromkeys(membres, "excuse"), by=user)
        statuts = dict.fromkeys(membres, statut)
        with CaptureQueriesContext(connection) as ctx:
            services.presences_record(seance=seance, statuts=statuts | dict.fromkeys(membres[:1], "absent"), by=user)
        return len(ctx.captured_queries)

    assert record(2, "present") == record(20, "present")
    assert seance.presences.filter(statut="present").count() == 1 + 19
    assert seance.presences.filter(statut="absent").count() == 2


def _fill_seance(seance, n, user):
    """n agenda points (on fiches, axes and without object, half decided) and n members with
    their attendance."""
    from pvd.gouvernance import services
    from pvd.strategie.models import AxeStrategique

    from .factories import MembreInstanceFactory

    dossier = seance.instance.dossier
    start = seance.points.count()
    for i in range(start, start + n):
        if i % 3 == 0:
            target = FicheAction.objects.create(dossier=dossier, numero=i + 1, titre=f"Fiche {i}")
        elif i % 3 == 1:
            target = AxeStrategique.objects.create(dossier=dossier, numero=i + 1, titre=f"Axe {i}")
        else:
            target = None
        point = services.point_add(seance=seance, titre=f"Point {i}", target=target, by=user)
        if i % 2 == 0:
            services.decision_record(point=point, resultat="valide", texte="Adopté", by=user)
    membres = MembreInstanceFactory.create_batch(n, instance=seance.instance)
    services.presences_record(seance=seance, statuts=dict.fromkeys(membres, "present"), by=user)


@pytest.mark.parametrize("page", ["seance", "convocation"])
def test_seance_and_convocation_pages_queries_do_not_grow(client_for, dossier, seance, user, page):
    client = client_for(dossier, "chef_de_projet")
    url = reverse(f"gouvernance:{page}", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    _fill_seance(seance, 2, user)
    small, large = assert_queries_do_not_grow(lambda: client.get(url), grow=lambda: _fill_seance(seance, 18, user))
    assert small.status_code == large.status_code == 200
    assert len(main(small).select("#ordre-du-jour > li, #convocation li")) >= 2
    assert "Point 19" in main(large).get_text()


def test_attendance_reads_as_nouns(client_for, dossier, seance, user):
    assert dict(PresenceStatut.choices) == {"present": "Présence", "excuse": "Absence excusée", "absent": "Absence"}
    presente = MembreInstanceFactory(instance=seance.instance, nom="Anne Rousseau")
    excusee = MembreInstanceFactory(instance=seance.instance, nom="Julie Petit")
    services.presences_record(seance=seance, statuts={presente: "present", excusee: "excuse"}, by=user)
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    options = [o.get_text(strip=True) for o in page.select(f"#presence-{presente.pk} option")]
    assert options == ["Non renseignée", "Présence", "Absence excusée", "Absence"]
    # Read-only for a reader: the noun, no "Présent" that a woman would have to read.
    page = main(client_for(dossier, "lecteur").get(seance_url(seance)))
    rows = {tr.select_one("td").get_text(strip=True): tr for tr in page.select("#presences tbody tr")}
    assert rows["Anne Rousseau"].select("td")[-1].get_text(strip=True) == "Présence"
    assert rows["Julie Petit"].select("td")[-1].get_text(strip=True) == "Absence excusée"


def test_future_seance_offers_no_attendance_no_approval_no_minutes_pdf(client_for, dossier, comite):
    future = SeanceFactory(instance=comite)
    MembreInstanceFactory(instance=comite)
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(future)))
    assert page.select_one("#presences") is None
    assert "n'a pas encore eu lieu" in page.select_one("#presences-a-venir").get_text()
    assert "Approuver le compte rendu" not in page.get_text()
    assert "une fois la séance tenue" in page.select_one("#approbation-a-venir").get_text()
    assert page.select_one("#compte-rendu-pdf") is None
    # The minutes can still be drafted.
    assert page.select_one("#compte-rendu-form") is not None


def test_past_seance_offers_attendance_approval_and_a_draft_pdf(client_for, dossier, seance):
    MembreInstanceFactory(instance=seance.instance)
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    assert page.select_one("#presences select") is not None
    assert page.select_one("#approbation-a-venir") is None
    assert "Approuver le compte rendu" in page.get_text()
    assert page.select_one("#compte-rendu-pdf").get_text(strip=True) == "Compte rendu (projet, PDF)"


def test_attendance_of_a_future_seance_is_refused(client_for, dossier, comite, user):
    future = SeanceFactory(instance=comite)
    membre = MembreInstanceFactory(instance=comite)
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        services.presences_record(seance=future, statuts={membre: "present"}, by=user)
    url = reverse("gouvernance:presences", kwargs={"dossier_pk": dossier.pk, "pk": future.pk})
    client_for(dossier, "chef_de_projet").post(url, {f"presence-{membre.pk}": "present", "version_lue": future.version})
    assert not Presence.objects.filter(seance=future).exists()


def test_seance_headings_are_spaced_from_the_buttons_above(client_for, dossier, seance):
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    headings = {h.get_text(strip=True): h.get("class", []) for h in page.select("h2")}
    for title in ("Présences", "Compte rendu", "Modifier la date ou le lieu"):
        assert any(c.startswith("fr-mt-") for c in headings[title]), title


def test_empty_lists_read_as_sentences(client_for, dossier):
    from django.urls import reverse

    client = client_for(dossier, "chef_de_projet")
    page = BeautifulSoup(
        client.get(reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})).content, "html.parser"
    )
    for ident, text in (("seances", "Aucune séance."), ("soumissions", "Aucune soumission en attente.")):
        node = page.select_one(f"#{ident}")
        assert node.name == "p" and node.get_text(strip=True) == text


TEAM = {"chef_de_projet", "equipe"}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_point_move_refusals(client_for, dossier, seance, kind):
    first = services.point_add(seance=seance, titre="Premier", by=None)
    second = services.point_add(seance=seance, titre="Second", by=None)
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk, "point_pk": second.pk}
    response = client.post(reverse("gouvernance:point_move", kwargs=kw), {"sens": "haut"})
    order = list(seance.points.order_by("ordre").values_list("pk", flat=True))
    if kind in TEAM:
        assert response.status_code == 302 and order == [second.pk, first.pk]
    else:
        assert response.status_code == refusal_status(kind)
        assert order == [first.pk, second.pk]


def test_point_move_of_another_seance_is_404(client_for, dossier, seance):
    other = SeanceFactory(instance=seance.instance)
    point = services.point_add(seance=other, titre="Ailleurs", by=None)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk, "point_pk": point.pk}
    assert client.post(reverse("gouvernance:point_move", kwargs=kw), {"sens": "haut"}).status_code == 404
