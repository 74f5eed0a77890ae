"""Journeys from login to the visible result, with real clicks and typing (and the keyboard alone)."""

import re

from django.core import mail
from playwright.sync_api import expect

from pvd.comptes.models import User
from pvd.comptes.tests.factories import PASSWORD, UserFactory
from pvd.dossiers.models import Dossier, Invitation, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

from .helpers import assert_accessible, assert_keyboard_reaches, login, tab_to

LINK = re.compile(r"https?://\S+")


def link_in_mail(to: str) -> str:
    """The link of the last e-mail sent to `to` (locmem backend: the live server runs in this process)."""
    messages = [message for message in mail.outbox if to in message.to]
    assert messages, f"Aucun courriel envoyé à {to} (boîte : {[m.to for m in mail.outbox]})"
    return LINK.findall(messages[-1].body)[-1]


def test_anct_opens_dossier_chef_joins_and_invites_elu_who_sees_it(new_page, page, live_server, transactional_db):
    epci = EpciFactory(siren="200069682", nom="CC du Grand Langres")
    CommuneFactory(code="52269", nom="Langres", epci=epci)
    anct = UserFactory(first_name="Agathe", last_name="ANCT", anct=True)

    # ANCT opens the dossier and invites its chef de projet; it keeps its State role.
    login(page, live_server, anct)
    expect(page.locator("h1")).to_have_text("Dossiers")
    page.get_by_role("link", name="Ouvrir un dossier").click()
    expect(page.locator("h1")).to_have_text("Ouvrir un dossier")
    assert_keyboard_reaches(
        page, ["#id_nom", "#id_epci", "#id_chef_email", "#id_pvd_id", "#id_date_entree", "main button[type=submit]"]
    )
    page.get_by_label("Nom du dossier").fill("PVD Langres")
    # A JS commune picker may enhance this field; the INSEE code typed in it is the plain-HTML contract.
    page.locator("[name=communes]").fill("52269")
    page.get_by_label("Adresse électronique du chef de projet").fill("claire.chef@langres.fr")
    page.get_by_role("button", name="Ouvrir le dossier").click()

    expect(page.locator("h1")).to_have_text("PVD Langres")
    expect(page.get_by_role("status").filter(has_text="Le dossier est ouvert")).to_be_visible()
    dossier = Dossier.objects.get(nom="PVD Langres")
    assert dossier.epci == epci and not dossier.membres.exists()

    # The chef de projet follows the invitation, creates an account and leads the dossier.
    page = new_page()
    page.goto(link_in_mail("claire.chef@langres.fr"))
    expect(page.locator("h1")).to_have_text("Rejoindre le dossier PVD Langres")
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Chef")
    page.get_by_label("Mot de passe").fill("Langres-2026-chef")
    page.get_by_role("button", name="Créer mon compte et rejoindre le dossier").click()
    expect(page.locator("h1")).to_have_text("PVD Langres")
    assert dossier.membres.get().role == Role.CHEF_DE_PROJET

    page.locator(".fr-sidemenu").get_by_role("link", name="Membres").click()
    expect(page.locator("h1")).to_have_text("Membres")
    expect(page.locator("#membres-table")).to_contain_text("Claire Chef")
    invite = page.locator("main form:has(#id_email)")
    invite.get_by_label("Adresse électronique").fill("eric.elu@langres.fr")
    invite.get_by_label("Rôle").select_option(label="Élu")
    invite.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à eric.elu@langres.fr")
    expect(page.locator("#invitations")).to_contain_text("eric.elu@langres.fr — Élu")

    link = link_in_mail("eric.elu@langres.fr")
    assert link.startswith(live_server.url), link

    # The élu, in another browser session, follows the link and creates an account.
    elu_page = new_page()
    elu_page.goto(link)
    expect(elu_page.locator("h1")).to_have_text("Rejoindre le dossier PVD Langres")
    assert_accessible(elu_page)
    elu_page.get_by_label("Prénom").fill("Éric")
    elu_page.get_by_role("textbox", name="Nom", exact=True).fill("Élu")
    elu_page.get_by_label("Mot de passe").fill("Langres-2026-pvd")
    elu_page.get_by_role("button", name="Créer mon compte et rejoindre le dossier").click()

    expect(elu_page.locator("h1")).to_have_text("PVD Langres")
    expect(elu_page.get_by_role("status")).to_contain_text("Vous avez rejoint le dossier PVD Langres")
    elu_page.get_by_role("link", name="Mes dossiers").click()
    expect(elu_page.locator("#dossiers-table")).to_contain_text("PVD Langres")
    elu = User.objects.get(email="eric.elu@langres.fr")
    assert elu.memberships.get().role == Role.ELU


def test_keyboard_only_login_and_invitation(page, live_server, transactional_db):
    chef = MembreFactory(dossier=DossierFactory(nom="PVD Chaumont"), role=Role.CHEF_DE_PROJET).user
    dossier = chef.memberships.get().dossier

    page.goto("/comptes/connexion/")
    assert_keyboard_reaches(page, ["#id_username", "#id_password", "main button[type=submit]"])
    page.goto("/comptes/connexion/")
    tab_to(page, "#id_username")
    page.keyboard.type(chef.email)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Dossiers")

    page.goto(f"/dossiers/{dossier.pk}/membres/")
    assert_keyboard_reaches(
        page,
        [
            "a[href='#content']",
            ".fr-sidemenu__link[aria-current=page]",
            "#id_email",
            "#id_role",
            "main form:has(#id_email) button",
        ],
    )
    page.goto(f"/dossiers/{dossier.pk}/membres/")
    tab_to(page, "#id_email")
    page.keyboard.type("lea.lectrice@exemple.fr")
    page.keyboard.press("Tab")
    expect(page.locator("#id_role")).to_be_focused()
    page.keyboard.press("End")  # last role: Lecteur
    expect(page.locator("#id_role")).to_have_value(Role.LECTEUR)
    tab_to(page, "main form:has(#id_email) button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à lea.lectrice@exemple.fr")
    invitation = Invitation.objects.get(email="lea.lectrice@exemple.fr")
    assert (invitation.dossier, invitation.role) == (dossier, Role.LECTEUR)


def test_prefecture_sees_its_departement_only(page, live_server, transactional_db):
    haute_marne = DepartementFactory(code="52", nom="Haute-Marne")
    corse = DepartementFactory(code="2A", nom="Corse-du-Sud")
    ici = DossierFactory(nom="PVD Langres", communes=[CommuneFactory(departement=haute_marne)])
    DossierFactory(nom="PVD Saint-Dizier", communes=[CommuneFactory(departement=haute_marne)])
    ailleurs = DossierFactory(nom="PVD Sartène", communes=[CommuneFactory(code="2A272", departement=corse)])
    prefet = UserFactory(prefecture=True, departement=haute_marne)

    login(page, live_server, prefet)
    table = page.locator("#dossiers-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("PVD Langres")
    expect(table).to_contain_text("PVD Saint-Dizier")
    expect(table).not_to_contain_text("PVD Sartène")

    table.get_by_role("link", name="PVD Langres").click()
    expect(page.locator("h1")).to_have_text("PVD Langres")
    assert page.url.endswith(f"/dossiers/{ici.pk}/")

    response = page.goto(f"/dossiers/{ailleurs.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    expect(page.locator("#content")).not_to_contain_text("PVD Sartène")
    assert_accessible(page)


def test_password_reset_through_the_emailed_link(page, live_server, transactional_db):
    user = UserFactory(email="oubli@exemple.fr")

    page.goto("/comptes/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.locator("h1")).to_have_text("Mot de passe oublié")
    page.get_by_label("Adresse électronique").fill("oubli@exemple.fr")
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.locator("h1")).to_have_text("Lien envoyé")

    page.goto(link_in_mail("oubli@exemple.fr"))
    expect(page.locator("h1")).to_have_text("Nouveau mot de passe")
    page.locator("[name=new_password1]").fill("Un-nouveau-secret-2026")
    page.locator("[name=new_password2]").fill("Un-nouveau-secret-2026")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator("h1")).to_have_text("Mot de passe changé")

    login(page, live_server, user, password="Un-nouveau-secret-2026")
    expect(page.locator("h1")).to_have_text("Dossiers")
