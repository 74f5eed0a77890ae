"""The import page meets a file with faults a person would make: every one named, nothing saved."""

import io

from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from pvd.actions.columns import FICHE_COLUMNS
from pvd.actions.models import FicheAction
from pvd.strategie.tests.factories import AxeFactory

from .helpers import assert_accessible, login, screenshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_chef_sees_an_ambiguous_amount_and_an_unread_sheet_before_anything_is_saved(
    page, live_server, chef, chef_dossier
):
    dossier = chef_dossier
    AxeFactory(dossier=dossier, numero=1, titre="Revitaliser le centre-bourg")
    book = Workbook()
    sheet = book.active
    sheet.title = "Fiches"
    sheet.append([label for _, label in FICHE_COLUMNS])
    rows = [
        {"titre": "Rénover les halles", "axes": "revitaliser le centre bourg", "cout_ht": "250.000"},
        {"titre": "Maison de santé", "axes": "Axe 1", "etapes": "01/03/2026 | Études | peut-être"},
    ]
    for values in rows:
        sheet.append([values.get(key) for key, _ in FICHE_COLUMNS])
    book.create_sheet("Fiches 2027").append(["Numéro", "Titre"])
    content = io.BytesIO()
    book.save(content)

    login(page, live_server, chef)
    page.goto(live_server.url + reverse("actions:import", kwargs={"dossier_pk": dossier.pk}))
    page.get_by_label("Fichier XLSX du plan d'action").set_input_files(
        files=[{"name": "plan.xlsx", "mimeType": XLSX, "buffer": content.getvalue()}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("#feuilles-non-lues")).to_contain_text("Feuille non lue : « Fiches 2027 »")
    errors = page.locator("#erreurs tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("Montant ambigu « 250.000 » : écrivez 250000 ou 250 000")
    expect(errors.nth(1)).to_contain_text("état « peut-être » inconnu")
    page.get_by_text("Comment remplir le fichier").click()
    expect(page.locator("#format")).to_contain_text("Étapes : une par ligne")
    screenshot(page, "plan-action-import-erreurs")
    assert_accessible(page)
    assert not FicheAction.objects.filter(dossier=dossier).exists()
