"""The diagnostic's import page: a broken file shows its faults by line and column and saves
nothing; the sample INSEE file is previewed, then confirmed; axe-core on both pages."""

from django.urls import reverse
from playwright.sync_api import expect

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic.models import Donnee, DonneeImport
from pvd.diagnostic.tests.factories_imports import INSEE_SAMPLE, generic_csv, langres_dossier
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory

from .helpers import assert_accessible, login, screenshot

FILE_LABEL = "Fichier de données (CSV ou XLSX)"


def test_chef_sees_the_faults_then_imports_the_insee_file(page, live_server, transactional_db):
    dossier = langres_dossier()
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET, user=UserFactory()).user
    login(page, live_server, chef)
    page.goto(live_server.url + reverse("diagnostic:imports", kwargs={"dossier_pk": dossier.pk}))

    broken = generic_csv("52269;Population;7.512;habitants;INSEE;2021", "99999;Population;12;habitants;INSEE;2021")
    page.get_by_label(FILE_LABEL).set_input_files(
        files=[{"name": "casse.csv", "mimeType": "text/csv", "buffer": broken}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    errors = page.locator("#erreurs tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("2valeurValeur ambiguë « 7.512 »")
    expect(errors.nth(1)).to_contain_text("3codeTerritoire inconnu : « 99999 »")
    screenshot(page, "diagnostic-import-erreurs")
    assert_accessible(page)
    assert not Donnee.objects.exists()

    page.get_by_label(FILE_LABEL).set_input_files(str(INSEE_SAMPLE))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("#resume")).to_contain_text("161 chiffres à créer")
    expect(page.locator("#colonnes-inconnues")).to_contain_text("SUPERF")
    expect(page.locator("#territoires")).to_contain_text("Comparaison, hors du dossier")
    screenshot(page, "diagnostic-import-apercu")
    assert_accessible(page)

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("161 chiffres importés")
    expect(page.locator("#imports-table")).to_contain_text("insee_comparateur_exemple.csv")
    assert DonneeImport.objects.get().nb_donnees == 161
