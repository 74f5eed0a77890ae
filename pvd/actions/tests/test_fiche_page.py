"""The fiche page reads before it edits: the add forms are closed disclosures after what they
add to, the one that failed opens with its errors, a saved add goes back to its section."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
ADD_FORMS = ["ligne", "budget", "etape", "indicateur", "note", "piece"]


def url(name, fiche, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": fiche.dossier_id, "fiche_pk": fiche.pk, **kwargs})


@pytest.fixture
def fiche(dossier):
    fiche = FicheFactory(dossier=dossier, titre="Halle", cout_ht=Decimal("1000000"), description="Une halle.")
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="Préfecture"), montant=Decimal("300000"))
    return fiche


def test_add_forms_are_closed_and_come_after_the_reading(client_for, dossier, fiche, main):
    content = main(client_for(dossier, "chef_de_projet").get(url("fiche", fiche)))
    for key in ADD_FORMS:
        details = content.select_one(f"details#ajout-{key}")
        assert details is not None and not details.has_attr("open"), key
        assert details.summary.get_text(strip=True).startswith(("Ajouter", "Saisir")), key
        assert details.select_one(f"form#{key}") or details.select_one("form#budget-form"), key
    # Each add form is after what it adds to (the page reads from top to bottom).
    elements = list(content.descendants)
    for section, key in (("#financements", "ligne"), ("#etapes", "etape"), ("#notes", "note"), ("#pieces", "piece")):
        assert elements.index(content.select_one(section)) < elements.index(content.select_one(f"#ajout-{key}"))
    assert elements.index(content.select_one("#description")) < elements.index(content.select_one("#ajout-ligne"))


@pytest.mark.parametrize("kind", ["elu", "partenaire", "lecteur"])
def test_readers_get_no_add_form_they_cannot_use(client_for, dossier, fiche, main, kind):
    content = main(client_for(dossier, kind).get(url("fiche", fiche)))
    assert content.select_one("#financements") is not None
    shown = {details["id"] for details in content.select("details.pvd-ajout")}
    assert shown == ({"ajout-note"} if kind in {"elu", "partenaire"} else set())


def test_a_failed_add_shows_its_form_open_with_its_errors(client_for, dossier, fiche, main):
    response = client_for(dossier, "chef_de_projet").post(url("etape_add", fiche), {"nom": ""})
    assert response.status_code == 400
    content = main(response)
    assert content.select_one("details#ajout-etape").has_attr("open")
    assert "Ce champ est obligatoire" in content.select_one("form#etape").get_text()
    assert [d["id"] for d in content.select("details.pvd-ajout[open]")] == ["ajout-etape"]


def test_a_saved_add_goes_back_to_its_section(client_for, dossier, fiche):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(url("note_add", fiche), {"date": "2025-04-15", "texte": "Point d'étape."})
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    response = client.post(url("etape_add", fiche), {"nom": "Études", "date": "2025-05-01"})
    assert response.status_code == 302 and response["Location"].endswith("#etapes")
    assert fiche.notes.get().texte == "Point d'étape." and fiche.etapes.get().nom == "Études"


def test_catalogue_choice_opens_the_indicator_form(client_for, dossier, fiche, main):
    content = main(client_for(dossier, "equipe").get(url("fiche", fiche), {"modele": "logements_vacants"}))
    assert content.select_one("details#ajout-indicateur").has_attr("open")
    assert content.select_one("form#indicateur input[name=nom]")["value"] == "Taux de logements vacants"
