"""The diagnostic's page for the chef: accessible (axe-core), the synthesis submitted to the
comité de projet from the page, the badge then says so; the PDF and XLSX links download."""

from playwright.sync_api import expect

from pvd.diagnostic.tests.factories_export import DiagnosticFactory

from .helpers import assert_accessible, force_login, screenshot


def test_the_chef_submits_the_diagnostic_and_downloads_it(page, live_server, chef, chef_dossier):
    DiagnosticFactory(dossier=chef_dossier)
    force_login(page, live_server, chef)
    page.goto(f"/dossiers/{chef_dossier.pk}/diagnostic/")
    expect(page.locator("#validation [data-etat=non_soumis]")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Soumettre au comité de projet").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Le diagnostic est soumis au comité de projet")
    expect(page.locator("#validation [data-etat=soumis]")).to_be_visible()
    expect(page.get_by_role("button", name="Soumettre au comité de projet")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "diagnostic-soumis")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Télécharger le diagnostic (PDF)").click()
    assert pdf.value.suggested_filename == f"diagnostic-{chef_dossier.pk}.pdf"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Données (XLSX)").click()
    assert xlsx.value.suggested_filename == f"diagnostic-donnees-{chef_dossier.pk}.xlsx"
