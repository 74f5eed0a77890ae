"""The bilan annuel's page for the chef: accessible (axe-core) with the quarterly charts drawn
and their tables; the assessment written with a markup string shown as text; the bilan
submitted to the comité de projet; the PDF and DOCX download."""

import datetime

from playwright.sync_api import expect

from pvd.pilotage import snapshots
from pvd.pilotage.tests.factories_bilan import XSS, last_year, year_of_programme

from .helpers import assert_accessible, force_login, screenshot


def test_the_chef_writes_submits_and_downloads_the_bilan(page, live_server, chef, chef_dossier):
    year_of_programme(chef_dossier, chef)
    for month in (3, 6, 9, 12):
        snapshots.instantanes_record(trimestre=snapshots.fin_de_trimestre(datetime.date(last_year(), month, 1)))
    force_login(page, live_server, chef)
    page.goto(f"/dossiers/{chef_dossier.pk}/evaluation/{last_year()}/")
    expect(page.locator("canvas#canvas-instantanes-fiches[data-drawn=true]")).to_have_count(1)
    expect(page.locator("table#table-instantanes tbody tr")).to_have_count(4)
    assert_accessible(page)

    page.get_by_role("link", name="Rédiger l'appréciation").click()
    page.get_by_label("Appréciation du chef de projet").fill(f"Une bonne année {XSS}")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#appreciation")).to_contain_text(f"Une bonne année {XSS}")
    page.get_by_role("button", name="Soumettre au comité de projet").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("soumis au comité de projet")
    expect(page.locator("#bilan-etat .fr-badge")).to_have_text("Soumis au comité de projet")
    assert_accessible(page)
    screenshot(page, "bilan-annuel")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Télécharger le bilan (PDF)").click()
    assert pdf.value.suggested_filename == f"bilan-{last_year()}-{chef_dossier.pk}.pdf"
    with page.expect_download() as docx:
        page.get_by_role("link", name="Télécharger le bilan (DOCX)").click()
    assert docx.value.suggested_filename == f"bilan-{last_year()}-{chef_dossier.pk}.docx"
