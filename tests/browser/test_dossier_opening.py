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


def test_anct_replaces_a_wrong_chef_address_and_the_right_person_joins(new_page, page, live_server, transactional_db):
    langres = _langres()
    anct = UserFactory(email="agathe@anct.gouv.fr", first_name="Agathe", last_name="Anct", anct=True)

    # ANCT opens the dossier with a mistyped address for its chef de projet.
    login(page, live_server, anct)
    page.get_by_role("link", name="Ouvrir un dossier").click()
    page.get_by_label("Nom du dossier").fill("PVD Langres")
    page.locator("[name=communes]").fill(langres.code)
    page.get_by_label("Adresse électronique du chef de projet").fill("claire.chef@langre.fr")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.locator("h1")).to_have_text("PVD Langres")
    wrong_link = link_in_mail("claire.chef@langre.fr")

    # The home page says that nobody has joined yet, and to whom the invitation went.
    alert = page.locator("#chef-en-attente")
    expect(alert).to_contain_text("Aucun chef de projet n'a encore rejoint le dossier : invitation envoyée à")
    expect(alert).to_contain_text("claire.chef@langre.fr")
    screenshot(page, "dossier-chef-en-attente")
    alert.get_by_role("link", name="Gérer l'invitation du chef de projet").click()
    expect(page.locator("h1")).to_have_text("Membres")
    assert_accessible(page)
    screenshot(page, "membres-chef-en-attente")

    # Cancel the wrong invitation, then invite the right address.
    page.get_by_role("button", name="Annuler l'invitation de claire.chef@langre.fr").click()
    expect(page.get_by_role("status")).to_contain_text("L'invitation de claire.chef@langre.fr est annulée")
    expect(page.locator("#invitations-chef")).to_have_text("Aucune invitation de chef de projet n'est en attente.")
    page.get_by_label("Adresse électronique du chef de projet").fill("claire.chef@langres.fr")
    page.get_by_role("button", name="Inviter le chef de projet").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation à être chef de projet envoyée à claire.chef@langres.fr"
    )
    expect(page.locator("#invitations-chef")).to_contain_text("claire.chef@langres.fr")
    # The State gets no other member-management power on this page.
    expect(page.get_by_role("button", name="Envoyer l'invitation", exact=True)).to_have_count(0)

    # The wrong link no longer works; the right person joins as chef de projet.
    chef = new_page()
    assert chef.goto(wrong_link).status == 404
    chef.goto(link_in_mail("claire.chef@langres.fr"))
    expect(chef.locator("h1")).to_have_text("Rejoindre le dossier PVD Langres")
    chef.get_by_label("Prénom").fill("Claire")
    chef.get_by_role("textbox", name="Nom", exact=True).fill("Chef")
    chef.get_by_label("Mot de passe").fill("Langres-2026-chef")
    chef.get_by_role("button", name="Créer mon compte et rejoindre le dossier").click()
    expect(chef.locator("h1")).to_have_text("PVD Langres")
    dossier = Dossier.objects.get(nom="PVD Langres")
    assert [(m.user.email, m.role) for m in dossier.membres.all()] == [("claire.chef@langres.fr", Role.CHEF_DE_PROJET)]

    # Once the chef has joined, ANCT's home page no longer shows the notice, nor the members page its tools.
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.locator("h1")).to_have_text("PVD Langres")
    expect(page.locator("#chef-en-attente")).to_have_count(0)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/membres/")
    expect(page.locator("#membres-table")).to_contain_text("Claire Chef")
    expect(page.locator("#chef-de-projet")).to_have_count(0)
