"""The journeys with the keyboard alone (RGAA 12.9 and 7.3): Tab to move, typing, arrows in lists,
Enter to activate. No click in this file; each journey starts from the login form."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from pvd.actions.services import fiche_submit
from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.models import User
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.dossiers.models import Dossier, Invitation, Role
from pvd.gouvernance.selectors import validation_state
from pvd.gouvernance.tests.factories import InstanceFactory, SeanceFactory
from pvd.participation.models import Contribution, ContributionStatut
from pvd.participation.tests.factories import ContributionFactory, PageParticipationFactory
from pvd.strategie.models import AxeStrategique
from pvd.strategie.tests.factories import AxeFactory
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory

from .helpers import kb_choose, kb_press, kb_type, login_with_keyboard


def _url(name, dossier, **kwargs):
    return reverse(name, kwargs={"dossier_pk": dossier.pk, **kwargs})


def test_invitation_accepted_with_the_keyboard_alone(page, chef, chef_dossier):
    invitation = Invitation.objects.create(
        dossier=chef_dossier, email="eric.elu@langres.fr", role=Role.ELU, invited_by=chef
    )
    page.goto(reverse("comptes:invitation", args=[invitation.token]))
    kb_type(page, page.get_by_label("Prénom"), "Éric")
    kb_type(page, page.get_by_role("textbox", name="Nom", exact=True), "Élu")
    kb_type(page, page.get_by_label("Mot de passe"), "Langres-2026-pvd")
    kb_press(page, page.get_by_role("button", name="Créer mon compte et rejoindre le dossier"))

    expect(page.get_by_role("status")).to_contain_text("Vous avez rejoint le dossier PVD Langres")
    assert User.objects.get(email="eric.elu@langres.fr").memberships.get().role == Role.ELU


def test_commune_picker_with_the_keyboard_alone(page, live_server, transactional_db):
    from pvd.comptes.tests.factories import UserFactory

    epci = EpciFactory(siren="200070928", nom="CC du Pays Châtillonnais")
    CommuneFactory(code="21154", nom="Châtillon-sur-Seine", epci=epci, codes_postaux=["21400"])
    login_with_keyboard(page, live_server, UserFactory(anct=True))
    page.goto(reverse("dossiers:create"))
    kb_type(page, "#id_nom", "PVD Châtillon-sur-Seine")
    kb_type(page, "#id_communes-recherche", "chatillon")
    result = page.get_by_role("button", name="Châtillon-sur-Seine (21154)")
    expect(result).to_be_visible()
    kb_press(page, result)
    expect(page.locator("[name=communes]")).to_have_value("21154")
    kb_type(page, "#id_chef_email", "chef@chatillon-sur-seine.fr")
    kb_press(page, page.get_by_role("button", name="Ouvrir le dossier"))

    expect(page.locator("h1")).to_have_text("PVD Châtillon-sur-Seine")
    assert [c.code for c in Dossier.objects.get(nom="PVD Châtillon-sur-Seine").communes.all()] == ["21154"]


def test_axe_with_an_indicator_with_the_keyboard_alone(page, live_server, chef, chef_dossier):
    dossier = chef_dossier
    login_with_keyboard(page, live_server, chef)
    page.goto(_url("strategie:index", dossier))
    kb_press(page, page.get_by_role("link", name="Ajouter un axe"))
    expect(page.locator("h1")).to_have_text("Nouvel axe stratégique")
    kb_type(page, "#id_titre", "Habiter le centre-bourg")
    kb_choose(page, "#id_echelle", "Commune")
    kb_press(page, "#main-form button[type=submit]")
    card = page.locator(".pvd-axe").filter(has_text="Habiter le centre-bourg")
    expect(card).to_be_visible()

    kb_press(page, card.get_by_role("link", name="Ajouter un indicateur à l'axe 1"))
    expect(page.locator("h1")).to_have_text("Nouvel indicateur de l'axe 1")
    kb_type(page, "#main-form #id_nom", "Logements vacants remis sur le marché")
    kb_type(page, "#id_unite", "logements")
    kb_press(page, "#main-form button[type=submit]")
    expect(page.locator(".pvd-axe").filter(has_text="Habiter le centre-bourg")).to_contain_text(
        "Logements vacants remis sur le marché"
    )
    axe = AxeStrategique.objects.get(dossier=dossier)
    assert (axe.titre, axe.indicateurs.get().unite) == ("Habiter le centre-bourg", "logements")


def test_financing_line_and_submission_with_the_keyboard_alone(page, live_server, chef, chef_dossier):
    dossier = chef_dossier
    AxeFactory(dossier=dossier, numero=1)
    fiche = FicheFactory(dossier=dossier, numero=1, titre="Rénover les halles", cout_ht=200000)
    login_with_keyboard(page, live_server, chef)
    page.goto(_url("actions:fiche", dossier, fiche_pk=fiche.pk))
    kb_press(page, "#ajout-ligne > summary")  # the financing form opens on demand
    kb_choose(page, "#ligne_dispositif", page.locator("#ligne_dispositif option").nth(1).inner_text().strip())
    kb_type(page, "#ligne_montant", "80000")
    kb_choose(page, "#ligne_statut", "Accordé")
    kb_type(page, "#ligne_nouveau_financeur", "Région Grand Est")
    kb_press(page, "form#ligne button[type=submit]")
    expect(page.locator("#financements")).to_contain_text("Région Grand Est")

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    kb_press(page, page.get_by_role("button", name="Soumettre au comité de projet"))
    expect(page.locator("#validation")).to_contain_text("Soumis")
    fiche.refresh_from_db()
    assert fiche.financements.get().montant == 80000
    assert validation_state(fiche).code == "soumis"


def test_seance_decision_with_the_keyboard_alone(page, live_server, chef, chef_dossier):
    dossier = chef_dossier
    fiche = FicheFactory(dossier=dossier, numero=1, titre="Rénover les halles")
    fiche_submit(fiche=fiche, by=chef)
    seance = SeanceFactory(
        instance=InstanceFactory(dossier=dossier, nom="Comité de projet"), date=timezone.now() - timedelta(days=1)
    )
    login_with_keyboard(page, live_server, chef)
    page.goto(_url("gouvernance:seance", dossier, pk=seance.pk))
    kb_choose(page, "#id_point-pending", "Fiche action n° 1 : Rénover les halles")
    kb_press(page, page.locator("#point-form").get_by_role("button", name="Inscrire le point"))
    decision = page.locator("form[action*='/decision/']").filter(has_text="Rénover les halles")
    expect(decision).to_be_visible()

    kb_choose(page, decision.get_by_label("Résultat"), "Validé")
    kb_type(page, decision.get_by_label("Texte de la décision"), "Le comité valide la fiche.")
    kb_press(page, decision.get_by_role("button", name="Enregistrer la décision"))
    expect(page.locator("form[action*='/decision/']").get_by_role("button")).to_contain_text("Modifier la décision")
    assert validation_state(fiche).code == "valide"


def test_convention_generated_and_downloaded_with_the_keyboard_alone(page, live_server, chef, chef_dossier):
    convention = ConventionFactory(dossier=chef_dossier, kind=ConventionType.CADRE)
    SignataireFactory(convention=convention, representant="Anne Maire")
    login_with_keyboard(page, live_server, chef)
    page.goto(_url("conventions:detail", chef_dossier, pk=convention.pk))
    kb_press(page, page.get_by_role("button", name="Générer le projet (DOCX)"))
    expect(page.get_by_role("status")).to_contain_text("version 1 générée")
    with page.expect_download() as download_info:
        kb_press(page, page.locator("#documents").get_by_role("link", name="Projet généré (DOCX)"))
    assert download_info.value.suggested_filename.endswith(".docx")


def test_moderation_publish_and_answer_with_the_keyboard_alone(page, live_server, chef, chef_dossier):
    dossier = chef_dossier
    PageParticipationFactory(dossier=dossier)
    contribution = ContributionFactory(dossier=dossier, texte="Des bancs sur la place.")
    login_with_keyboard(page, live_server, chef)
    page.goto(_url("participation:moderation", dossier))
    kb_press(page, page.get_by_role("button", name=f"Publier la contribution n° {contribution.pk}"))
    expect(page.get_by_role("status")).to_contain_text("La contribution est publiée")
    kb_type(page, f"#reponse-{contribution.pk}", "Merci : des bancs seront posés au printemps.")
    kb_press(page, page.get_by_role("button", name=f"Répondre à la contribution n° {contribution.pk}"))
    expect(page.get_by_role("status")).to_contain_text("La réponse est enregistrée")
    contribution = Contribution.objects.get(pk=contribution.pk)
    assert contribution.statut == ContributionStatut.PUBLIEE and contribution.reponse.startswith("Merci : des bancs")
