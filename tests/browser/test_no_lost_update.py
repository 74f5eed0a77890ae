"""Two colleagues edit the same fiche action in two browsers: the second save is refused with
what the first changed, keeps what was typed, and goes through once merged (pvd.core.concurrency)."""

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory

from .helpers import assert_accessible, force_login, screenshot


def test_two_colleagues_edit_the_same_fiche(new_page, live_server, chef, chef_dossier):
    fiche = FicheFactory(dossier=chef_dossier, titre="Rénover les halles", description="Les halles du centre.")
    colleague = MembreFactory(
        dossier=chef_dossier, role=Role.CHEF_DE_PROJET, user=UserFactory(first_name="Bruno", last_name="Martin")
    ).user
    edit = reverse("actions:fiche_update", kwargs={"dossier_pk": chef_dossier.pk, "fiche_pk": fiche.pk})
    claire, bruno = new_page(), new_page()
    for page, user in ((claire, chef), (bruno, colleague)):
        force_login(page, live_server, user)
        page.goto(edit)
        page.wait_for_load_state("load")

    claire.locator("#id_titre").fill("Rénover et couvrir les halles")
    claire.get_by_role("button", name="Enregistrer").click()
    claire.wait_for_load_state("load")
    expect(claire.get_by_text("La fiche action a été enregistrée.")).to_be_visible()

    bruno.locator("#id_description").fill("Les halles du centre, ouvertes le samedi.")
    bruno.get_by_role("button", name="Enregistrer").click()
    bruno.wait_for_load_state("load")
    alert = bruno.locator(".fr-alert--error")
    expect(alert).to_contain_text("Quelqu'un a modifié ces informations pendant que vous les modifiiez")
    row = alert.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("Titre")
    expect(row.locator("td")).to_have_text(["Rénover les halles", "Rénover et couvrir les halles"])
    # What Bruno typed is still there; the title shows what he read, with the other's value beside it.
    expect(bruno.locator("#id_description")).to_have_value("Les halles du centre, ouvertes le samedi.")
    expect(bruno.get_by_text("Modifié entre-temps par quelqu'un d'autre")).to_be_visible()
    assert_accessible(bruno)
    screenshot(bruno, "no-lost-update-conflict")

    bruno.locator("#id_titre").fill("Rénover et couvrir les halles")
    bruno.get_by_role("button", name="Enregistrer").click()
    bruno.wait_for_load_state("load")
    expect(bruno.get_by_text("La fiche action a été enregistrée.")).to_be_visible()
    fiche.refresh_from_db()
    assert (fiche.titre, fiche.description) == (
        "Rénover et couvrir les halles",
        "Les halles du centre, ouvertes le samedi.",
    )
