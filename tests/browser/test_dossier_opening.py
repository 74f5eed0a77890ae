"""Opening a dossier on request: somebody without a role asks for a commune's dossier, the préfecture
accepts (or refuses) it from its page, and the requester leads the dossier as chef de projet."""

from django.core import mail
from playwright.sync_api import expect

from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import DemandeDossier, Dossier, Role
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

from .helpers import assert_accessible, login, screenshot
from .test_journeys import link_in_mail


def _langres():
    haute_marne = DepartementFactory(code="52", nom="Haute-Marne")
    epci = EpciFactory(siren="200069682", nom="CC du Grand Langres")
    return CommuneFactory(code="52269", nom="Langres", epci=epci, departement=haute_marne, pvd=True)


def test_a_request_accepted_by_the_prefecture_makes_the_requester_chef(new_page, page, live_server, transactional_db):
    langres = _langres()
    prefecture = UserFactory(
        email="pref@haute-marne.gouv.fr",
        first_name="Paul",
        last_name="Préfet",
        prefecture=True,
        departement=langres.departement,
    )
    demandeur = UserFactory(email="dgs@langres.fr", first_name="Dominique", last_name="Dgs")

    login(page, live_server, demandeur)
    page.get_by_role("link", name="Demander un dossier").click()
    expect(page.locator("h1")).to_have_text("Demander un dossier")
    assert_accessible(page)
    page.locator("[name=commune]").fill("52269")
    page.get_by_label("Message à la préfecture").fill("Directrice générale des services de Langres.")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("h1")).to_have_text("Demandes de dossier")
    expect(page.get_by_role("status")).to_contain_text("Votre demande pour Langres (52269) est envoyée")
    expect(page.locator("#mes-demandes")).to_contain_text("en attente")
    link = link_in_mail(prefecture.email)
    assert link.startswith(live_server.url) and link.endswith("/dossiers/demandes/"), link

    # The préfecture opens its page from the e-mail and accepts the request.
    pref_page = new_page()
    login(pref_page, live_server, prefecture)
    pref_page.goto(link)
    table = pref_page.locator("#demandes-a-traiter")
    expect(table).to_contain_text("Dominique Dgs")
    expect(table).to_contain_text("Directrice générale des services de Langres.")
    assert_accessible(pref_page)
    screenshot(pref_page, "demandes-prefecture")
    table.get_by_role("button", name="Accepter la demande de Dominique Dgs pour Langres").click()
    expect(pref_page.get_by_role("status")).to_contain_text("Demande acceptée : le dossier « PVD Langres » est ouvert")
    expect(pref_page.locator("#demandes-a-traiter")).to_have_text("Aucune demande en attente.")

    # The requester is told by e-mail and leads the dossier; the préfecture got no membership.
    dossier = Dossier.objects.get(nom="PVD Langres")
    assert [(m.user, m.role) for m in dossier.membres.all()] == [(demandeur, Role.CHEF_DE_PROJET)]
    page.goto(link_in_mail(demandeur.email))
    expect(page.locator("h1")).to_have_text("PVD Langres")
    page.locator(".fr-sidemenu").get_by_role("link", name="Membres").click()
    expect(page.locator("#membres-table")).to_contain_text("Chef de projet")
    expect(page.get_by_role("button", name="Envoyer l'invitation")).to_be_visible()


def test_a_refused_request_tells_the_requester_why(new_page, page, live_server, transactional_db):
    langres = _langres()
    anct = UserFactory(anct=True)  # no préfecture account in Haute-Marne: ANCT decides
    demandeur = UserFactory(email="elu@langres.fr")
    DemandeDossier.objects.create(commune=langres, demandeur=demandeur)

    login(page, live_server, anct)
    page.goto("/dossiers/demandes/")
    page.locator("#demandes-a-traiter").get_by_role("link", name="Refuser").click()
    expect(page.locator("h1")).to_have_text("Refuser la demande")
    page.get_by_role("button", name="Refuser la demande").click()  # no reason: refused
    expect(page.locator("#content")).to_contain_text("Ce champ est obligatoire")
    page.get_by_label("Motif du refus").fill("La commune a déjà désigné sa cheffe de projet.")
    page.get_by_role("button", name="Refuser la demande").click()
    expect(page.get_by_role("status")).to_contain_text("Demande refusée")
    assert [m.to for m in mail.outbox] == [[demandeur.email]]
    assert "La commune a déjà désigné sa cheffe de projet." in mail.outbox[0].body

    requester = new_page()
    login(requester, live_server, demandeur)
    requester.goto("/dossiers/demandes/")
    expect(requester.locator("#mes-demandes")).to_contain_text("refusée")
    expect(requester.locator("#mes-demandes")).to_contain_text("La commune a déjà désigné sa cheffe de projet.")
    assert not langres.dossiers.exists()
