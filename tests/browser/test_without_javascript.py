"""With JavaScript disabled, the main pages read and the main forms submit as plain HTML."""

import json
import re

from django.core import mail
from playwright.sync_api import expect

from pvd.actions.models import FicheAction
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Dossier, Invitation, Role
from pvd.gouvernance.selectors import validation_state
from pvd.participation.models import Contribution, ContributionStatut
from pvd.strategie.models import SecteurIntervention
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory

from .helpers import assert_no_horizontal_scroll, login, screenshot
from .pages import make_world


def test_reading_without_javascript(nojs_page, live_server, transactional_db):
    world = make_world()
    page = nojs_page
    login(page, live_server, world.chef)
    expect(page.locator("#dossiers-table")).to_contain_text("PVD Langres")

    page.get_by_role("link", name="PVD Langres").click()
    expect(page.locator("h1")).to_have_text("PVD Langres")
    # The side menu is a collapsed disclosure with JS; without JS its links must still be reachable.
    membres = page.locator(".fr-sidemenu").get_by_role("link", name="Membres")
    expect(membres).to_be_visible()
    membres.click()
    expect(page.locator("#membres-table")).to_contain_text("Éric Élu")
    assert_no_horizontal_scroll(page, width=320)
    # On a phone too, the sections of the dossier and the main menu stay reachable without JS.
    expect(page.locator(".fr-sidemenu").get_by_role("link", name="Tableau de bord", exact=True)).to_be_visible()
    expect(page.locator("header").get_by_role("link", name="Mes dossiers")).to_be_visible()
    screenshot(page, "sans-javascript-membres")


def test_main_forms_without_javascript(nojs_page, live_server, transactional_db):
    CommuneFactory(code="52269", nom="Langres", epci=EpciFactory(nom="CC du Grand Langres"))
    page = nojs_page
    login(page, live_server, UserFactory(anct=True))

    page.goto("/dossiers/nouveau/")
    page.get_by_label("Nom du dossier").fill("PVD Langres")
    page.locator("[name=communes]").fill("52269")
    page.get_by_label("Adresse électronique du chef de projet").fill("claire.chef@langres.fr")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.locator("h1")).to_have_text("PVD Langres")
    dossier = Dossier.objects.get(nom="PVD Langres")
    assert [m.to for m in mail.outbox] == [["claire.chef@langres.fr"]]
    mail.outbox.clear()
    # The chef de projet (who joined through the invitation) invites a partner.
    page.context.clear_cookies()
    chef = UserFactory(email="claire.chef@langres.fr")
    dossier.membres.create(user=chef, role=Role.CHEF_DE_PROJET)
    login(page, live_server, chef)

    page.goto(f"/dossiers/{dossier.pk}/membres/")
    invite = page.locator("main form:has(#id_email)")
    invite.get_by_label("Adresse électronique").fill("pat.partenaire@exemple.fr")
    invite.get_by_label("Rôle").select_option(Role.PARTENAIRE)
    invite.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator("#invitations")).to_contain_text("pat.partenaire@exemple.fr")
    assert Invitation.objects.filter(dossier=dossier, role=Role.PARTENAIRE).count() == 1
    assert [m.to for m in mail.outbox] == [["pat.partenaire@exemple.fr"]]

    # A form with an error answers with the error, not a silent failure.
    page.goto("/dossiers/demandes/nouvelle/")
    page.locator("[name=commune]").fill("99999")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.locator("#content")).to_contain_text("Code de commune inconnu : 99999")


def test_plan_tabs_read_without_javascript(nojs_page, live_server, transactional_db):
    """DSFR hides the unselected tab panels: without JS, the calendar and the map's list still read."""
    import datetime
    from decimal import Decimal

    from pvd.actions.tests.factories import FicheFactory

    world = make_world()
    FicheFactory(
        dossier=world.dossier,
        numero=7,
        titre="Halle couverte",
        date_debut=datetime.date(2025, 3, 1),
        date_fin=datetime.date(2026, 9, 30),
        latitude=Decimal("47.862"),
        longitude=Decimal("5.333"),
    )
    page = nojs_page
    login(page, live_server, world.chef)
    page.goto(live_server.url + world.dossier_url("actions:plan"))
    calendrier = page.locator("#gantt")
    expect(calendrier).to_be_visible()
    expect(calendrier.get_by_role("rowheader", name="7. Halle couverte")).to_contain_text("mars 2025 – septembre 2026")
    expect(calendrier.locator("tbody tr", has_text="7. Halle couverte").locator(".pvd-gantt__bar")).to_have_count(1)
    expect(page.get_by_role("heading", name="Calendrier")).to_be_visible()
    carte = page.locator("#carte-liste")
    expect(carte).to_be_visible()
    expect(carte.get_by_role("link", name="7. Halle couverte")).to_be_visible()
    expect(page.locator("#plan-table")).to_be_visible()
    expect(page.locator(".fr-tabs__list")).to_be_hidden()
    assert_no_horizontal_scroll(page, width=320)


def test_public_pages_and_proposition_without_javascript(new_page, live_server, transactional_db):
    world = make_world()
    resident = new_page(java_script_enabled=False)
    resident.goto(f"/public/dossiers/{world.dossier.pk}/projet-de-territoire/")
    expect(resident.locator("h1")).to_contain_text("Projet de territoire")
    expect(resident.locator("#content")).to_contain_text("Revitaliser le centre-bourg")

    resident.goto(f"/participation/{world.dossier.pk}/")
    expect(resident.locator("#contributions")).to_contain_text("Des bancs sur la place.")
    form = resident.locator("#contribution-form")
    form.get_by_label("Nature de votre contribution").select_option(label="Proposition")
    form.get_by_label("Thème").select_option(index=1)
    form.get_by_role("textbox", name="Votre contribution").fill("Un marché de producteurs le samedi.")
    form.get_by_role("button", name="Envoyer ma contribution").click()
    expect(resident.get_by_role("status")).to_contain_text("publiée après modération")
    assert Contribution.objects.filter(
        texte="Un marché de producteurs le samedi.", statut=ContributionStatut.EN_ATTENTE
    ).exists()
    assert_no_horizontal_scroll(resident, width=320)


def test_moderation_and_fiche_financing_without_javascript(nojs_page, live_server, transactional_db):
    world = make_world()
    page = nojs_page
    login(page, live_server, world.chef)
    pending = Contribution.objects.get(statut=ContributionStatut.EN_ATTENTE)
    page.goto(world.dossier_url("participation:moderation"))
    page.get_by_role("button", name=f"Publier la contribution n° {pending.pk}").click()
    expect(page.get_by_role("status")).to_contain_text("La contribution est publiée")
    page.locator(f"#reponse-{pending.pk}").fill("Merci, nous étudions la proposition.")
    page.get_by_role("button", name=f"Répondre à la contribution n° {pending.pk}").click()
    expect(page.get_by_role("status")).to_contain_text("La réponse est enregistrée")
    pending.refresh_from_db()
    assert (pending.statut, pending.reponse) == (ContributionStatut.PUBLIEE, "Merci, nous étudions la proposition.")

    fiche = world.extra["fiche"]
    page.goto(world.dossier_url("actions:fiche", fiche_pk=fiche.pk))
    page.get_by_text("Ajouter une ligne de financement").click()  # a <details>: opens without JavaScript
    ligne = page.locator("form#ligne")
    ligne.get_by_label(re.compile("Nouveau financeur")).fill("Département de la Haute-Marne")
    ligne.get_by_label("Dispositif").select_option(index=1)
    ligne.get_by_label("Montant (€)").fill("15000")
    ligne.get_by_role("button", name="Ajouter").click()
    expect(page.locator("#financements")).to_contain_text("Département de la Haute-Marne")
    assert fiche.financements.filter(montant=15000).exists()


def test_decision_convention_and_pasted_sector_without_javascript(nojs_page, live_server, transactional_db):
    world = make_world()
    page = nojs_page
    login(page, live_server, world.chef)

    page.goto(world.dossier_url("gouvernance:seance", pk=world.extra["seance"].pk))
    decision = page.locator("form[action*='/decision/']").filter(has_text="Créer une maison de santé")
    decision.get_by_label("Résultat").select_option(label="Validé")
    decision.get_by_label("Texte de la décision").fill("Validée à l'unanimité.")
    decision.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("form[action*='/decision/']").get_by_role("button")).to_contain_text("Modifier la décision")
    assert validation_state(FicheAction.objects.get(dossier=world.dossier, numero=2)).code == "valide"

    page.goto(world.dossier_url("conventions:detail", pk=world.extra["convention"].pk))
    page.get_by_role("button", name="Générer le projet (DOCX)").click()
    expect(page.get_by_role("status")).to_contain_text("version 1 générée")
    expect(page.locator("#documents").get_by_role("link", name="Projet généré (DOCX)")).to_be_visible()

    page.goto(world.dossier_url("strategie:secteur_create"))
    form = page.locator("#main-form")
    form.get_by_label("Nom").fill("Îlot de la gare")
    form.get_by_label("Type").select_option(label="Périmètre ORT")
    form.get_by_label("Géométrie").fill(json.dumps(SQUARE))
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#secteurs-table")).to_contain_text("Îlot de la gare")
    assert SecteurIntervention.objects.get(dossier=world.dossier, nom="Îlot de la gare").surface_m2 > 0


# A small square in Langres (lon, lat), as pasted from a GIS tool.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.33, 47.86], [5.335, 47.86], [5.335, 47.863], [5.33, 47.863], [5.33, 47.86]]],
}


def test_documents_upload_without_javascript(nojs_page, live_server, transactional_db):
    """A document is deposited through the plain multipart form and is listed with its version."""
    from pvd.documents.models import Document

    world = make_world()
    page = nojs_page
    login(page, live_server, world.chef)
    page.goto(f"/dossiers/{world.dossier.pk}/documents/")
    page.get_by_role("link", name="Déposer un document").click()
    expect(page.locator("h1")).to_have_text("Déposer un document")
    page.get_by_role("textbox", name="Titre", exact=True).fill("Étude de la vacance commerciale")
    page.get_by_label("Nature").select_option("etude")
    page.get_by_label("Fichier").set_input_files(
        {"name": "vacance.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 etude"}
    )
    page.get_by_role("button", name="Déposer").click()
    expect(page.locator("h1")).to_have_text("Étude de la vacance commerciale")
    document = Document.objects.get(titre="Étude de la vacance commerciale")
    assert list(document.versions.values_list("numero", "nom")) == [(1, "vacance.pdf")]

    page.locator(".fr-breadcrumb").get_by_role("link", name="Documents").click()
    row = page.locator(f"#document-{document.pk}")
    expect(row).to_contain_text("Étude de la vacance commerciale")
    expect(row).to_contain_text("version 1")
    expect(row.locator("[data-etat]")).to_have_text("Non soumis")
