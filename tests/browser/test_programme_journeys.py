"""Journeys through the programme: strategy and ORT map, fiche action, comité de projet, convention-cadre,
public participation. Real clicks and typing; the data a journey does not exercise comes from factories."""

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from pvd.actions.columns import FICHE_COLUMNS
from pvd.actions.models import FicheAction
from pvd.actions.services import fiche_submit
from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.dossiers.models import Dossier, Role
from pvd.dossiers.tests.factories import MembreFactory
from pvd.gouvernance.selectors import validation_state
from pvd.gouvernance.tests.factories import InstanceFactory
from pvd.participation.models import Contribution
from pvd.participation.tests.factories import PageParticipationFactory
from pvd.strategie.models import AxeStrategique, SecteurIntervention
from pvd.strategie.tests.factories import AxeFactory
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory

from .helpers import (
    assert_accessible,
    assert_keyboard_reaches,
    assert_keyboard_reaches_all,
    login,
    screenshot,
    tab_to,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _url(name, dossier, **kwargs):
    return reverse(name, kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.fixture
def signed_in(page, live_server, chef):
    """The page, after the chef de projet logged in through the real login form (a journey starts there)."""
    login(page, live_server, chef)
    expect(page.locator("h1")).to_have_text("Dossiers")
    return page


def test_chef_creates_two_axes_with_indicators_and_draws_an_ort_sector(signed_in, chef_dossier):
    page, dossier = signed_in, chef_dossier
    page.goto(_url("strategie:index", dossier))
    expect(page.locator("h1")).to_have_text("Stratégie")

    for numero, titre, indicateur in (
        (1, "Habiter le centre-bourg", "Logements vacants remis sur le marché"),
        (2, "Commerces et services", "Taux de vacance commerciale"),
    ):
        page.get_by_role("link", name="Ajouter un axe").click()
        page.get_by_label("Numéro").fill(str(numero))
        page.get_by_label("Titre").fill(titre)
        page.get_by_label("Échelle").select_option(label="Commune")
        page.get_by_role("button", name="Enregistrer").click()
        card = page.locator(".pvd-axe").filter(has_text=f"Axe {numero} — {titre}")
        expect(card).to_be_visible()

        card.get_by_role("link", name=f"Ajouter un indicateur à l'axe {numero}").click()
        page.locator("#main-form").get_by_label("Nom").fill(indicateur)
        page.locator("#id_unite").fill("%")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator(".pvd-axe").filter(has_text=titre)).to_contain_text(indicateur)

    axes = AxeStrategique.objects.filter(dossier=dossier).order_by("numero")
    assert [(a.numero, a.indicateurs.count()) for a in axes] == [(1, 1), (2, 1)]

    # The ORT perimeter, drawn with geoman's polygon tool (moved here from pvd/strategie/tests/test_browser.py).
    page.get_by_role("link", name="Dessiner un secteur").click()
    page.get_by_role("button", name="Dessiner des polygones").click()
    box = page.locator("[data-secteur-editor]").bounding_box()
    points = [(300, 150), (500, 160), (480, 350), (320, 330)]
    for x, y in [*points, points[0]]:
        page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page.locator("#id_geometry")).to_have_value(_polygon_of(5))
    geometry = json.loads(page.locator("#id_geometry").input_value())
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 5
    page.get_by_label("Nom").fill("Périmètre ORT du centre")
    page.get_by_label("Type").select_option(label="Périmètre ORT")
    page.locator("#main-form").get_by_role("button", name="Enregistrer").click()

    expect(page.locator("#secteurs-table")).to_contain_text("Périmètre ORT du centre")
    expect(page.locator("[data-secteurs-map] path.leaflet-interactive")).to_have_count(1)
    secteur = SecteurIntervention.objects.get(dossier=dossier, nom="Périmètre ORT du centre")
    assert secteur.kind == "perimetre_ort" and secteur.surface_m2 > 0


def _polygon_of(count):
    """A regular expression matching a GeoJSON Polygon whose ring has `count` positions."""
    import re

    position = r"\[\s*-?[\d.]+\s*,\s*-?[\d.]+\s*\]"
    ring = r"\[\s*" + r"\s*,\s*".join([position] * count) + r"\s*\]"
    return re.compile(r'"type":\s*"Polygon".*' + ring)


def test_chef_writes_a_fiche_with_financing_and_submits_it(signed_in, chef_dossier):
    page, dossier = signed_in, chef_dossier
    AxeFactory(dossier=dossier, numero=1, titre="Revitaliser le centre-bourg")
    page.goto(_url("actions:plan", dossier))
    page.get_by_role("link", name="Nouvelle fiche action").click()
    page.get_by_label("Titre").fill("Rénover les halles")
    page.get_by_label("Coût HT (€)").fill("200000")
    # A DSFR checkbox is drawn by its label: click the label, as a person does.
    page.locator("label", has_text="Axe 1 — Revitaliser le centre-bourg").click()
    expect(page.get_by_label("Axe 1 — Revitaliser le centre-bourg")).to_be_checked()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.locator("h1")).to_contain_text("Rénover les halles")
    # The fiche reads first: the financing form opens on demand.
    page.get_by_text("Ajouter une ligne de financement").click()
    ligne = page.locator("form#ligne")
    ligne.get_by_label(re.compile("Nouveau financeur")).fill("Région Grand Est")
    ligne.get_by_label("Dispositif").select_option(index=1)
    ligne.get_by_label("Montant (€)").fill("80000")
    ligne.get_by_label("Statut").select_option(label="Accordé")
    ligne.get_by_role("button", name="Ajouter").click()
    expect(page.locator("#financements")).to_contain_text("Région Grand Est")
    expect(page.locator("#synthese")).to_contain_text("40,00 %")

    page.get_by_role("button", name="Soumettre au comité de projet").click()
    expect(page.locator("#validation")).to_contain_text("Soumis")
    fiche = FicheAction.objects.get(dossier=dossier, titre="Rénover les halles")
    assert validation_state(fiche).code == "soumis"
    assert fiche.financements.get().montant == 80000


def test_comite_de_projet_validates_the_submitted_fiche(signed_in, chef, chef_dossier):
    page, dossier = signed_in, chef_dossier
    fiche = FicheFactory(dossier=dossier, numero=1, titre="Rénover les halles")
    fiche_submit(fiche=fiche, by=chef)
    comite = InstanceFactory(dossier=dossier, nom="Comité de projet de Langres")

    page.goto(_url("gouvernance:instance", dossier, pk=comite.pk))
    seance_form = page.locator("#seance-form")
    # A séance already held: decisions are recorded only once the séance has taken place.
    seance_form.get_by_label("Date et heure").fill(
        (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    )
    seance_form.get_by_label("Lieu").fill("Hôtel de ville")
    seance_form.get_by_role("button", name="Créer la séance").click()
    expect(page.locator("h1")).to_contain_text("Comité de projet de Langres — séance du")

    point_form = page.locator("#point-form")
    point_form.get_by_label("Soumission en attente").select_option(label="Fiche action n° 1 : Rénover les halles")
    point_form.get_by_role("button", name="Inscrire le point").click()
    decision = page.locator("form[action*='/decision/']").filter(has_text="Rénover les halles")
    decision.get_by_label("Résultat").select_option(label="Validé")
    decision.get_by_label("Texte de la décision").fill("Le comité valide la fiche.")
    decision.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("form[action*='/decision/']").get_by_role("button")).to_contain_text("Modifier la décision")

    page.goto(_url("actions:fiche", dossier, fiche_pk=fiche.pk))
    expect(page.locator("#validation")).to_contain_text("Validée le")
    expect(page.get_by_role("button", name="Soumettre au comité de projet")).to_have_count(0)
    assert validation_state(fiche).code == "valide"


def test_chef_generates_the_convention_cadre_and_downloads_docx_and_pdf(signed_in, chef_dossier):
    page, dossier = signed_in, chef_dossier
    convention = ConventionFactory(dossier=dossier, kind=ConventionType.CADRE)
    SignataireFactory(convention=convention, representant="Anne Maire")

    page.goto(_url("conventions:detail", dossier, pk=convention.pk))
    documents = {}
    for fmt in ("DOCX", "PDF"):
        page.get_by_role("button", name=f"Générer le projet ({fmt})").click()
        expect(page.get_by_role("status")).to_contain_text("version 1 générée")
        with page.expect_download() as download_info:
            page.locator("#documents").get_by_role("link", name=f"Projet généré ({fmt})").click()
        download = download_info.value
        assert download.suggested_filename.endswith(f".{fmt.lower()}"), download.suggested_filename
        documents[fmt] = Path(download.path()).read_bytes()

    text = "\n".join(p.text for p in Document(io.BytesIO(documents["DOCX"])).paragraphs)
    assert "PVD Langres" in text
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(documents["PDF"])).pages)
    assert "PVD Langres" in pdf_text


def test_resident_proposes_equipe_publishes_and_answers(new_page, live_server, chef_dossier):
    dossier = chef_dossier
    PageParticipationFactory(dossier=dossier, titre="Participez au projet de Langres")
    equipe = MembreFactory(dossier=dossier, role=Role.EQUIPE).user

    resident = new_page()
    resident.goto(reverse("participation:public", args=[dossier.pk]))
    expect(resident.locator("h1")).to_have_text("Participez au projet de Langres")
    form = resident.locator("#contribution-form")
    form.get_by_label("Nature de votre contribution").select_option(label="Proposition")
    form.get_by_label("Thème").select_option(index=1)
    form.get_by_role("textbox", name="Votre contribution").fill("Des bancs ombragés sur la place Diderot.")
    form.get_by_label("Votre nom").fill("Jeanne")
    form.get_by_role("button", name="Envoyer ma contribution").click()
    expect(resident.get_by_role("status")).to_contain_text("publiée après modération")
    expect(resident.locator("#contributions")).not_to_contain_text("bancs ombragés")
    contribution = Contribution.objects.get(dossier=dossier)

    moderator = new_page()
    login(moderator, live_server, equipe)
    moderator.goto(_url("participation:moderation", dossier))
    item = moderator.locator("#moderation")
    item.get_by_role("button", name=f"Publier la contribution n° {contribution.pk}").click()
    expect(moderator.get_by_role("status")).to_contain_text("La contribution est publiée")
    moderator.get_by_label("Réponse").fill("Merci : des bancs seront posés au printemps.")
    moderator.get_by_role("button", name=f"Répondre à la contribution n° {contribution.pk}").click()
    expect(moderator.get_by_role("status")).to_contain_text("La réponse est enregistrée")

    resident.reload()
    published = resident.locator("#contributions")
    expect(published).to_contain_text("Des bancs ombragés sur la place Diderot.")
    expect(published.locator(".reponse")).to_contain_text("des bancs seront posés au printemps")
    published.get_by_role("link", name=f"n° {contribution.pk} —").click()
    expect(resident.locator(".reponse")).to_contain_text("des bancs seront posés au printemps")
    assert_accessible(resident)


def test_commune_picker_finds_a_commune_typed_without_accents(page, live_server, transactional_db):
    epci = EpciFactory(siren="200070928", nom="CC du Pays Châtillonnais")
    CommuneFactory(code="21154", nom="Châtillon-sur-Seine", epci=epci, codes_postaux=["21400"])
    CommuneFactory(code="52269", nom="Langres")
    login(page, live_server, UserFactory(anct=True))

    page.goto(reverse("dossiers:create"))
    page.get_by_label("Nom du dossier").fill("PVD Châtillon-sur-Seine")
    search = page.get_by_role("searchbox", name="Rechercher une commune")
    search.press_sequentially("chatillon")
    page.get_by_role("button", name="Châtillon-sur-Seine (21154)").click()
    expect(page.locator("[name=communes]")).to_have_value("21154")
    expect(page.locator("[data-picker-target=id_communes] [data-picker-tags]")).to_contain_text("Châtillon-sur-Seine")
    page.get_by_label("Adresse électronique du chef de projet").fill("chef@chatillon-sur-seine.fr")
    page.get_by_role("button", name="Ouvrir le dossier").click()

    expect(page.locator("h1")).to_have_text("PVD Châtillon-sur-Seine")
    dossier = Dossier.objects.get(nom="PVD Châtillon-sur-Seine")
    assert [c.code for c in dossier.communes.all()] == ["21154"]


# --- The keyboard alone ------------------------------------------------------------------------


def test_fiche_action_created_with_the_keyboard_alone(signed_in, chef_dossier):
    page, dossier = signed_in, chef_dossier
    page.goto(_url("actions:fiche_create", dossier))
    assert_keyboard_reaches(
        page, ["#id_numero", "#id_titre", "#id_description", "#id_cout_ht", "main form button[type=submit]"]
    )
    page.goto(_url("actions:fiche_create", dossier))
    tab_to(page, "#id_titre")
    page.keyboard.type("Créer une maison de santé")
    tab_to(page, "#id_cout_ht")
    page.keyboard.type("350000")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_contain_text("Créer une maison de santé")
    fiche = FicheAction.objects.get(dossier=dossier)
    assert (fiche.titre, fiche.cout_ht) == ("Créer une maison de santé", 350000)


def test_public_contribution_with_the_keyboard_alone(page, chef_dossier):
    dossier = chef_dossier
    PageParticipationFactory(dossier=dossier)
    page.goto(reverse("participation:public", args=[dossier.pk]))
    assert_keyboard_reaches(
        page, ["#id_kind", "#id_theme", "#id_texte", "#id_auteur", "#contribution-form button[type=submit]"]
    )
    page.goto(reverse("participation:public", args=[dossier.pk]))
    tab_to(page, "#id_kind")
    page.keyboard.press("Home")  # first nature: proposition
    tab_to(page, "#id_theme")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_texte")
    page.keyboard.type("Ouvrir la médiathèque le dimanche matin.")
    tab_to(page, "#id_auteur")
    page.keyboard.type("Paul")
    tab_to(page, "#contribution-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("publiée après modération")
    contribution = Contribution.objects.get(dossier=dossier)
    assert (contribution.texte, contribution.auteur) == ("Ouvrir la médiathèque le dimanche matin.", "Paul")


def test_chef_imports_the_platform_template_and_checks_the_preview(signed_in, chef_dossier):
    """The import preview only exists after a POST: upload the downloaded template, check the preview."""
    page, dossier = signed_in, chef_dossier
    AxeFactory(dossier=dossier, numero=1, titre="Revitaliser le centre-bourg")
    page.goto(_url("actions:import", dossier))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="modèle de plan d'action (XLSX)").click()
    # Filled in as a person would in a spreadsheet: one fiche on the first sheet.
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    sheet = workbook.worksheets[0]
    values = {"titre": "Rénover les halles", "axes": "1", "cout_ht": 200000}
    sheet.append([values.get(key) for key, _ in FICHE_COLUMNS])
    filled = io.BytesIO()
    workbook.save(filled)

    page.get_by_label("Fichier XLSX du plan d'action").set_input_files(
        files=[{"name": "plan.xlsx", "mimeType": XLSX, "buffer": filled.getvalue()}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("h1")).to_have_text("Importer un plan d'action")
    expect(page.locator("#apercu")).to_contain_text("Rénover les halles")
    screenshot(page, "plan-action-import-apercu")
    assert_accessible(page)
    assert_keyboard_reaches_all(page)

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status")).to_contain_text("1 fiche action importée.")
    fiche = dossier.fiches.get()
    assert (fiche.titre, fiche.cout_ht, [a.numero for a in fiche.axes.all()]) == ("Rénover les halles", 200000, [1])
