"""Wording and layout of the governance pages: agreement of the validation labels, attendance
in nouns, nothing to fill in or approve before a séance has taken place, narrow member table."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.conventions import services as convention_services
from pvd.conventions.models import ConventionType
from pvd.documents.tests.factories import DocumentFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import Presence, PresenceStatut
from pvd.gouvernance.selectors import validation_state
from pvd.strategie.tests.factories import AxeFactory

from .factories import MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def content(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def seance_url(seance):
    return reverse("gouvernance:seance", kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk})


def _decide(dossier, seance, target, resultat, user):
    point = services.object_submit(dossier=dossier, target=target, titre=str(target), by=user)
    point = services.point_add(seance=seance, pending=point, by=user)
    services.decision_record(point=point, resultat=resultat, by=user)
    return point


def test_validation_labels_agree_with_the_target(dossier, seance, user):
    fiche = FicheFactory(dossier=dossier)
    convention = convention_services.convention_create(dossier=dossier, type=ConventionType.ADHESION)
    axe = AxeFactory(dossier=dossier)
    document = DocumentFactory(dossier=dossier)
    assert validation_state(fiche).label == "Non soumise"
    assert validation_state(convention).label == "Non soumise"
    assert validation_state(axe).label == "Non soumis"
    assert validation_state(document).label == "Non soumis"
    services.object_submit(dossier=dossier, target=fiche, titre="Fiche", by=user)
    assert validation_state(fiche).label == "Soumise au comité de projet"
    _decide(dossier, seance, convention, "ajourne", user)
    _decide(dossier, seance, axe, "valide", user)
    other = FicheFactory(dossier=dossier)
    _decide(dossier, seance, other, "rejete", user)
    assert (validation_state(convention).label, validation_state(convention).code) == ("Ajournée", "ajourne")
    assert (validation_state(axe).label, validation_state(axe).code) == ("Validé", "valide")
    assert (validation_state(other).label, validation_state(other).code) == ("Rejetée", "rejete")


def test_decision_on_the_seance_page_agrees_with_its_target(client_for, dossier, seance, user):
    fiche = FicheFactory(dossier=dossier)
    axe = AxeFactory(dossier=dossier)
    on_fiche = _decide(dossier, seance, fiche, "ajourne", user)
    on_axe = _decide(dossier, seance, axe, "valide", user)
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    decision = page.select_one(f'li[data-point="{on_fiche.pk}"] .decision strong').get_text(strip=True)
    assert decision == "Ajournée"
    assert page.select_one(f'li[data-point="{on_axe.pk}"] .decision strong').get_text(strip=True) == "Validé"


def test_attendance_reads_as_nouns(client_for, dossier, seance, user):
    assert dict(PresenceStatut.choices) == {"present": "Présence", "excuse": "Absence excusée", "absent": "Absence"}
    presente = MembreInstanceFactory(instance=seance.instance, nom="Anne Rousseau")
    excusee = MembreInstanceFactory(instance=seance.instance, nom="Julie Petit")
    services.presences_record(seance=seance, statuts={presente: "present", excusee: "excuse"}, by=user)
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    options = [o.get_text(strip=True) for o in page.select(f"#presence-{presente.pk} option")]
    assert options == ["Non renseignée", "Présence", "Absence excusée", "Absence"]
    # Read-only for a reader: the noun, no "Présent" that a woman would have to read.
    page = content(client_for(dossier, "lecteur").get(seance_url(seance)))
    rows = {tr.select_one("td").get_text(strip=True): tr for tr in page.select("#presences tbody tr")}
    assert rows["Anne Rousseau"].select("td")[-1].get_text(strip=True) == "Présence"
    assert rows["Julie Petit"].select("td")[-1].get_text(strip=True) == "Absence excusée"


def test_future_seance_offers_no_attendance_no_approval_no_minutes_pdf(client_for, dossier, comite):
    future = SeanceFactory(instance=comite)
    MembreInstanceFactory(instance=comite)
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(future)))
    assert page.select_one("#presences") is None
    assert "n'a pas encore eu lieu" in page.select_one("#presences-a-venir").get_text()
    assert "Approuver le compte rendu" not in page.get_text()
    assert "une fois la séance tenue" in page.select_one("#approbation-a-venir").get_text()
    assert page.select_one("#compte-rendu-pdf") is None
    # The minutes can still be drafted.
    assert page.select_one("#compte-rendu-form") is not None


def test_past_seance_offers_attendance_approval_and_a_draft_pdf(client_for, dossier, seance):
    MembreInstanceFactory(instance=seance.instance)
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
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
    client_for(dossier, "chef_de_projet").post(url, {f"presence-{membre.pk}": "present"})
    assert not Presence.objects.filter(seance=future).exists()


def test_seance_headings_are_spaced_from_the_buttons_above(client_for, dossier, seance):
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    headings = {h.get_text(strip=True): h.get("class", []) for h in page.select("h2")}
    for title in ("Présences", "Compte rendu", "Modifier la date ou le lieu"):
        assert any(c.startswith("fr-mt-") for c in headings[title]), title


def test_member_table_is_narrow_and_folds_the_end_of_term_form(client_for, dossier, comite):
    membre = MembreInstanceFactory(instance=comite, nom="Claire Martin", fonction="Cheffe de projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    response = client_for(dossier, "chef_de_projet").get(url)
    assert "{#" not in response.content.decode()  # a template comment left in the page
    table = content(response).select_one("#membres")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Membre", "Organisation", "Rôle", "Actions"]
    row = table.select_one(f'tr[data-membre="{membre.pk}"]')
    assert "Cheffe de projet" in row.select_one("th").get_text()
    # The date field of the end of term is inside a <details>: rows stay one or two lines high.
    assert row.select_one("details input[type=date]") is not None
    assert all(field.find_parent("details") for field in table.select("input[type=date]"))
    reader = content(client_for(dossier, "lecteur").get(url)).select_one("#membres")
    assert [th.get_text(strip=True) for th in reader.select("thead th")] == ["Membre", "Organisation", "Rôle"]


def test_empty_lists_read_as_sentences(client_for, dossier):
    from bs4 import BeautifulSoup
    from django.urls import reverse

    client = client_for(dossier, "chef_de_projet")
    page = BeautifulSoup(
        client.get(reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})).content, "html.parser"
    )
    for ident, text in (("seances", "Aucune séance."), ("soumissions", "Aucune soumission en attente.")):
        node = page.select_one(f"#{ident}")
        assert node.name == "p" and node.get_text(strip=True) == text
