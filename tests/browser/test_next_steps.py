"""The dossier home names the next action of each step: the chef follows one to its page and
puts the waiting fiches on a séance in one click; an élu (read-only) sees no edit action."""

from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory
from pvd.conventions.tests.factories import ConventionFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory
from pvd.gouvernance import services as gouvernance
from pvd.gouvernance.tests.factories import InstanceFactory, SeanceFactory

from .helpers import assert_accessible, force_login, screenshot


def _dossier(chef, dossier):
    ConventionFactory(dossier=dossier, signee=True)
    comite = InstanceFactory(dossier=dossier, nom="Comité de projet de Langres")
    seance = SeanceFactory(instance=comite, lieu="Hôtel de ville")
    for fiche in FicheFactory.create_batch(3, dossier=dossier):
        gouvernance.object_submit(dossier=dossier, target=fiche, titre=f"Fiche {fiche.numero}", by=chef)
    return seance


def test_the_chef_follows_the_next_actions(page, live_server, chef, chef_dossier):
    seance = _dossier(chef, chef_dossier)
    force_login(page, live_server, chef)
    page.goto(f"/dossiers/{chef_dossier.pk}/")
    cards = page.locator("#etapes [data-step]")
    expect(cards).to_have_count(8)
    actions = page.locator("#etapes .pvd-next-action a")
    # Every step not done names its next action (step 8 has no content of its own yet).
    for key in ["gouvernance", "diagnostic", "strategie", "plan", "fiches", "convention_cadre"]:
        expect(page.locator(f'#etapes [data-step="{key}"] .pvd-next-action a')).to_be_visible()
    expect(actions.filter(has_text="Composer le comité de projet : il manque")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "dossier-home-next-actions")

    # The fiches wait for a séance: the chef follows the link and inscribes them all at once.
    page.locator('#etapes [data-step="fiches"] .pvd-next-action a').click()
    expect(page.locator("h1")).to_have_text("Gouvernance")
    page.goto(f"/dossiers/{chef_dossier.pk}/gouvernance/seances/{seance.pk}/")
    button = page.get_by_role("button", name="Inscrire tous les points en attente (3)")
    screenshot(page, "seance-points-en-attente")
    button.click()
    expect(page.locator(".fr-alert--success")).to_contain_text(
        "3 points en attente ont été inscrits à l'ordre du jour."
    )
    expect(page.locator("#ordre-du-jour > li")).to_have_count(3)
    expect(page.get_by_role("button", name="Inscrire tous les points en attente")).to_have_count(0)

    # Back home, the fiches now wait on that séance, which the card links to.
    page.goto(f"/dossiers/{chef_dossier.pk}/")
    link = page.locator('#etapes [data-step="fiches"] .pvd-next-action a')
    expect(link).to_contain_text("3 fiches attendent le comité (séance du ")
    link.click()
    expect(page.locator("#ordre-du-jour > li")).to_have_count(3)

    # The diagnostic's action leads to the diagnostic's page, where it is built.
    page.goto(f"/dossiers/{chef_dossier.pk}/")
    page.get_by_role("link", name="Construire le diagnostic").click()
    expect(page.locator("h1")).to_have_text("Diagnostic du territoire")


def test_an_elu_sees_no_edit_action(page, live_server, chef, chef_dossier):
    _dossier(chef, chef_dossier)
    elu = MembreFactory(dossier=chef_dossier, role=Role.ELU).user
    force_login(page, live_server, elu)
    page.goto(f"/dossiers/{chef_dossier.pk}/")
    expect(page.locator("#etapes [data-step]")).to_have_count(8)
    expect(page.locator('#etapes .pvd-next-action a[data-edit="oui"]')).to_have_count(0)
    expect(page.get_by_role("link", name="Construire le diagnostic")).to_have_count(0)
    reading = page.get_by_role("link", name="Voir la composition du comité de projet")
    expect(reading).to_be_visible()
    reading.click()
    expect(page.locator("h1")).to_have_text("Comité de projet de Langres")
    screenshot(page, "comite-as-elu")
