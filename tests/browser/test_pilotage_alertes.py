"""The Alertes block of the dossier home and the tableau de bord de suivi: links followed to the
late object, axe-core on both pages, screenshots."""

import datetime
from decimal import Decimal

from playwright.sync_api import expect

from pvd.actions.models import Etape
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi.models import Frequence
from pvd.suivi.tests.factories import IndicateurFactory, MesureFactory

from .helpers import assert_accessible, force_login, screenshot


def _late_things(dossier):
    axe = AxeFactory(dossier=dossier, numero=1, titre="Habitat")
    fiche = FicheFactory(
        dossier=dossier, titre="Réhabilitation de la halle", date_debut=None, date_fin=datetime.date(2024, 6, 30)
    )
    fiche.axes.set([axe])
    Etape.objects.create(fiche=fiche, nom="Dépôt du permis", date=datetime.date(2024, 3, 1))
    LigneFactory(fiche=fiche, statut="sollicite", date=datetime.date(2024, 1, 15), montant=Decimal("120000"))
    indicateur = IndicateurFactory(dossier=dossier, axe=axe, nom="Logements vacants", frequence=Frequence.ANNUELLE)
    MesureFactory(indicateur=indicateur, date=datetime.date(2023, 12, 31), valeur=Decimal("14"))
    return fiche


def test_the_chef_follows_an_alert_and_reads_the_dashboard(page, live_server, chef, chef_dossier):
    fiche = _late_things(chef_dossier)
    force_login(page, live_server, chef)
    # The live server's first page imports the views and compiles the templates: on a busy
    # 2-core machine that alone took 4 to 5 s, so that one navigation gets more time.
    page.goto(f"/dossiers/{chef_dossier.pk}/", timeout=30000)
    block = page.locator("#alertes")
    expect(block.locator("h2")).to_have_text("Alertes (4)")
    assert_accessible(page)
    screenshot(page, "dossier-home-alertes")

    block.get_by_role("link", name="Fiche").filter(has_text="Réhabilitation de la halle").first.click()
    expect(page.locator("h1")).to_contain_text("Réhabilitation de la halle")
    assert page.url.endswith(f"/fiches/{fiche.pk}/")

    page.goto(f"/dossiers/{chef_dossier.pk}/")
    page.get_by_role("link", name="Tableau de bord de suivi").first.click()
    expect(page.locator("h1")).to_have_text("Tableau de bord de suivi")
    expect(page.locator("#table-fiches tbody tr").first).to_contain_text("Axe 1 — Habitat")
    assert_accessible(page)
    screenshot(page, "tableau-de-bord-suivi")
