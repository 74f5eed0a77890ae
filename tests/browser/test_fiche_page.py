"""The fiche action page reads before it edits: the add forms (financing line, budget, étape,
indicator, note, attachment) are closed disclosures under what they add to; one opens on
demand, with and without JavaScript, and a failed submit shows its form open with the errors."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions import services
from pvd.actions.tests.factories import AxeFactory, OrganisationFactory

from .helpers import login, screenshot

ADD_FORMS = ["ligne", "budget", "etape", "indicateur", "note", "piece"]


def demo_like_fiche(dossier, chef):
    """A fiche as the demo seeds them: described, financed by three funders, budgeted over
    two years, with étapes, a note and an indicator."""
    axe = AxeFactory(dossier=dossier, numero=1, titre="Revitaliser le centre-bourg")
    start = datetime.date(2025, 3, 1)
    fiche = services.fiche_create(
        dossier=dossier,
        by=chef,
        titre="Rénover les halles",
        axes=[axe],
        contexte="Le diagnostic du centre-ville a mis en évidence le besoin : rénover les halles.",
        description="Rénover les halles : description de l'opération, de son périmètre et de ses phases.",
        objectifs="Renforcer l'attractivité du cœur de ville et améliorer le cadre de vie des habitants.",
        pilote="Claire Martin, cheffe de projet PVD",
        localisation="Centre ancien",
        date_debut=start,
        date_fin=datetime.date(2026, 12, 31),
        cout_ht=Decimal("1200000"),
        cout_ttc=Decimal("1440000"),
    )
    for nom, dispositif, montant, statut in (
        ("Préfecture de la Haute-Marne", "detr", "360000", "accorde"),
        ("Région Grand Est", "region", "240000", "sollicite"),
        ("Commune de Langres", "autofinancement", "240000", "accorde"),
    ):
        services.ligne_financement_create(
            fiche=fiche,
            by=chef,
            financeur=OrganisationFactory(nom=nom),
            dispositif=dispositif,
            montant=Decimal(montant),
            statut=statut,
            date=start,
        )
    for annee in (2025, 2026):
        services.budget_set(
            fiche=fiche, by=chef, annee=annee, investissement=Decimal("540000"), fonctionnement=Decimal("60000")
        )
    services.etape_create(fiche=fiche, by=chef, nom="Études préalables", date=start, faite=True)
    services.etape_create(fiche=fiche, by=chef, nom="Travaux / mise en œuvre", date=datetime.date(2026, 1, 1))
    services.note_create(fiche=fiche, by=chef, date=datetime.date(2025, 4, 15), texte="Point d'avancement.")
    services.indicateur_create(fiche=fiche, by=chef, nom="Fréquentation du marché", kind="resultat", unite="visiteurs")
    return fiche


def _fiche_url(fiche):
    return reverse("actions:fiche", kwargs={"dossier_pk": fiche.dossier_id, "fiche_pk": fiche.pk})


@pytest.fixture
def fiche(chef, chef_dossier):
    return demo_like_fiche(chef_dossier, chef)


def test_fiche_reads_first_and_a_click_opens_the_financing_form(page, live_server, chef, fiche):
    login(page, live_server, chef)
    page.goto(_fiche_url(fiche))
    for key in ADD_FORMS:
        expect(page.locator(f"details#ajout-{key}")).not_to_have_attribute("open", re.compile(".*"))
        expect(page.locator(f"form#{key}")).to_be_hidden()
    # The reading comes first: every add control is after the content it adds to.
    expect(page.locator("#financements")).to_contain_text("Région Grand Est")
    height = page.evaluate("() => document.body.scrollHeight")
    print(f"\nHauteur de la page de la fiche (1280 px, formulaires fermés) : {height} px")
    screenshot(page, "fiche-action-lecture")

    page.get_by_text("Ajouter une ligne de financement").click()
    ligne = page.locator("form#ligne")
    expect(ligne).to_be_visible()
    ligne.get_by_label(re.compile("Nouveau financeur")).fill("Banque des Territoires")
    ligne.get_by_label("Dispositif").select_option(label="Banque des Territoires")
    ligne.get_by_label("Montant (€)").fill("120000")
    ligne.get_by_role("button", name="Ajouter").click()
    expect(page.locator("#financements")).to_contain_text("Banque des Territoires")
    expect(page.locator("form#ligne")).to_be_hidden()  # back to reading after the add
    assert fiche.financements.filter(montant=120000).exists()


def test_a_failed_add_shows_its_form_open_with_the_errors(page, live_server, chef, fiche):
    login(page, live_server, chef)
    page.goto(_fiche_url(fiche))
    page.get_by_text("Ajouter une ligne de financement").click()
    ligne = page.locator("form#ligne")
    ligne.get_by_label("Dispositif").select_option(label="DETR")
    ligne.get_by_label("Montant (€)").fill("1000")
    ligne.get_by_role("button", name="Ajouter").click()  # no funder: refused by the server
    expect(page.locator("details#ajout-ligne")).to_have_attribute("open", "")
    expect(page.locator("form#ligne")).to_be_visible()
    expect(page.locator("form#ligne")).to_contain_text("Choisissez un financeur ou saisissez-en un nouveau.")
    expect(page.locator("form#etape")).to_be_hidden()
    assert fiche.financements.count() == 3


def test_fiche_add_forms_without_javascript(nojs_page, live_server, chef, fiche):
    page = nojs_page
    login(page, live_server, chef)
    page.goto(_fiche_url(fiche))
    expect(page.locator("form#note")).to_be_hidden()
    page.get_by_text("Ajouter une ligne de financement").click()
    ligne = page.locator("form#ligne")
    expect(ligne).to_be_visible()
    ligne.get_by_label(re.compile("Nouveau financeur")).fill("Département de la Haute-Marne")
    ligne.get_by_label("Dispositif").select_option(label="Département")
    ligne.get_by_label("Montant (€)").fill("15000")
    ligne.get_by_role("button", name="Ajouter").click()
    expect(page.locator("#financements")).to_contain_text("Département de la Haute-Marne")
    assert fiche.financements.filter(montant=15000).exists()
    page.get_by_text("Ajouter une note").click()
    page.locator("form#note").get_by_label("Texte").fill("Réunion avec la Région.")
    page.locator("form#note").get_by_role("button", name="Ajouter").click()
    expect(page.locator("#liste-notes")).to_contain_text("Réunion avec la Région.")
