import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from pvd.actions.models import FicheAction
from pvd.actions.tests.factories import LigneFactory, OrganisationFactory
from pvd.conventions import documents, selectors
from pvd.conventions.models import ConventionType
from pvd.conventions.sections import ADHESION_SECTIONS, CADRE_SECTIONS
from pvd.conventions.tests.factories import SignataireFactory
from pvd.diagnostic.tests.factories_export import AfomItemFactory, DiagnosticFactory, DonneeFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory
from pvd.gouvernance.models import Instance, InstanceType, MembreInstance
from pvd.strategie.models import AxeStrategique, ProjetTerritoire
from pvd.strategie.tests.factories import SecteurFactory
from pvd.suivi.models import Indicateur
from pvd.territoires.names import de_commune

pytestmark = pytest.mark.django_db

# The committed templates (the default of settings.PVD_CONVENTION_TEMPLATES_DIR, the one place
# the platform names them): the tests restyle copies of them.
SHIPPED_TEMPLATES_DIR = Path(documents.__file__).resolve().parent / "templates_docx"


@pytest.fixture
def full_dossier(dossier, adhesion):
    cadre = SignataireFactory(
        convention__dossier=dossier,
        convention__kind=ConventionType.CADRE,
        organisation=OrganisationFactory(nom="Commune de Langres"),
        representant="Anne Rousseau",
        qualite="Maire",
        engagements="Recruter un chef de projet et mobiliser les services municipaux.",
    ).convention
    SignataireFactory(
        convention=cadre,
        organisation=OrganisationFactory(nom="Caisse des Dépôts", kind="bdt"),
        representant="Paul Lefèvre",
        qualite="Directeur régional",
        engagements="Cofinancer l'ingénierie.",
    )
    SignataireFactory(convention=cadre, organisation=OrganisationFactory(nom="Département"), representant="Marc Petit")
    cadre.duree_annees = 6
    cadre.save()
    # Article 2 comes from the diagnostic: its synthesis, key figures, AFOM.
    DiagnosticFactory(dossier=dossier, synthese="Vacance commerciale de 18 % dans le centre ancien.")
    DonneeFactory(dossier=dossier, indicateur="pop_totale", origine="reference")
    AfomItemFactory(dossier=dossier, categorie="atout", texte="Patrimoine des remparts")
    AfomItemFactory(dossier=dossier, categorie="menace", texte="Concurrence des zones commerciales")
    MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET, user__first_name="Claire", user__last_name="Martin")
    comite = Instance.objects.create(
        dossier=dossier, kind=InstanceType.COMITE_PROJET, nom="Comité de projet PVD de Langres"
    )
    mairie = OrganisationFactory(nom="Ville de Langres", kind="commune")
    MembreInstance.objects.create(
        instance=comite, nom="Jean Dupont", fonction="maire", organisation=mairie, role="president"
    )
    MembreInstance.objects.create(instance=comite, nom="Sophie Bernard", role="prefet")
    ProjetTerritoire.objects.create(dossier=dossier, resume="Redonner vie au centre ancien de Langres.")
    centre = SecteurFactory(dossier=dossier, nom="Centre ancien", kind="perimetre_ort")
    habitat = AxeStrategique.objects.create(
        dossier=dossier, numero=1, titre="Habiter le centre-ville", enjeux="Vacance"
    )
    commerce = AxeStrategique.objects.create(dossier=dossier, numero=2, titre="Commerce de proximité")
    Indicateur.objects.create(
        dossier=dossier,
        axe=habitat,
        nom="Logements vacants remis sur le marché",
        kind="resultat",
        unite="logements",
        cible=40,
    )
    halles = FicheAction.objects.create(
        dossier=dossier, numero=1, titre="Rénovation des halles", cout_ht=Decimal("1250000")
    )
    halles.axes.add(commerce)
    halles.secteur = centre
    halles.save()
    etat, region = OrganisationFactory(nom="État"), OrganisationFactory(nom="Région Grand Est")
    LigneFactory(fiche=halles, financeur=etat, dispositif="detr", montant=Decimal("300000"), statut="accorde")
    LigneFactory(fiche=halles, financeur=region, dispositif="region", montant=Decimal("200000"), statut="sollicite")
    LigneFactory(
        fiche=halles, financeur=OrganisationFactory(nom="Banque des Territoires"), dispositif="bdt", statut="refuse"
    )
    opah = FicheAction.objects.create(
        dossier=dossier, numero=2, titre="OPAH-RU du centre ancien", cout_ht=Decimal("480000.50")
    )
    opah.axes.add(habitat)
    LigneFactory(fiche=opah, financeur=OrganisationFactory(nom="Anah"), dispositif="anah", montant=Decimal("150000"))
    Indicateur.objects.create(
        dossier=dossier, fiche=opah, nom="Logements rénovés par l'OPAH-RU", kind="mise_en_oeuvre", unite="logements"
    )
    mobilite = FicheAction.objects.create(dossier=dossier, numero=3, titre="Étude de mobilité")  # no cost yet
    secret = FicheAction.objects.create(
        dossier=dossier, numero=4, titre="Projet confidentiel", cout_ht=1, confidentielle=True
    )
    LigneFactory(fiche=secret, financeur=OrganisationFactory(nom="Financeur secret"), montant=Decimal("1"))
    Indicateur.objects.create(dossier=dossier, fiche=secret, nom="Indicateur secret", kind="resultat", unite="u")
    # The comité de projet validated the halles and adjourned the study; the OPAH-RU is not submitted yet.
    halles.description = "Rénover la charpente et ouvrir les halles sur la place."
    halles.objectifs = "Un marché couvert ouvert six jours sur sept."
    halles.maitre_ouvrage_texte = "Ville de Langres"
    halles.save()
    validate(halles, dossier)
    validate(mobilite, dossier, "ajourne")
    return dossier


def validate(obj, dossier, resultat="valide"):
    """A decision of the comité de projet on `obj`, at a séance of 12/03/2026."""
    from django.contrib.contenttypes.models import ContentType

    from pvd.gouvernance.models import Decision, PointOrdreDuJour, Seance

    instance, _ = Instance.objects.get_or_create(
        dossier=dossier, kind=InstanceType.COMITE_PROJET, defaults={"nom": "Comité de projet"}
    )
    seance = Seance.objects.create(instance=instance, date="2026-03-12T18:00:00Z")
    point = PointOrdreDuJour.objects.create(
        dossier=dossier,
        seance=seance,
        titre="Validation",
        target_type=ContentType.objects.get_for_model(obj),
        target_id=obj.pk,
    )
    Decision.objects.create(point=point, resultat=resultat)


def docx_text(data: bytes) -> tuple[list[str], str]:
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return headings, "\n".join(parts).replace("\u00a0", " ")


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


NUMBERS = ["1 250 000,00 €", "480 000,50 €", "1 730 000,50 €"]
# The maquette as the plan d'action computes it (pvd.actions.finance): accordé 450 000, sollicité
# 200 000, reste à financer = coût HT − accordé, reste à trouver = − sollicité too; refused lines out.
MAQUETTE = [
    "Financements accordés : 450 000,00 € (26,01 % du coût HT) ; financements sollicités : 200 000,00 €",
    "Reste à financer (coût HT moins les financements accordés) : 1 280 000,50 €",
    "reste à trouver (hors financements sollicités) : 1 080 000,50 €",
]
SECRETS = ["Projet confidentiel", "Financeur secret", "Indicateur secret", "Banque des Territoires"]
ENGAGEMENTS = [
    "Commune de Langres s'engage à : Recruter un chef de projet et mobiliser les services municipaux.",
    "Caisse des Dépôts s'engage à : Cofinancer l'ingénierie.",
    "Département s'engage à : À compléter",
]


def section_text(text: str, title: str) -> str:
    """The text of a section, from its heading to the next one's."""
    start = text.index(title)
    following = CADRE_SECTIONS[CADRE_SECTIONS.index(title) + 1]
    return text[start : text.index(following, start)]


def check_linked_content(text):
    """What the other apps bring into the convention-cadre, in a document's text."""
    for line in MAQUETTE:
        assert line in text
    assert "Redonner vie au centre ancien de Langres." in text  # projet de territoire (strategie)
    assert "Centre ancien — Périmètre ORT" in text  # secteur d'intervention (strategie)
    assert "Jean Dupont, maire — Ville de Langres (Président)" in text  # membres du comité (gouvernance)
    assert "Sophie Bernard (Préfet ou délégué de l'ANCT)" in text
    assert "Logements rénovés par l'OPAH-RU" in text and "Fiche action n° 2" in text  # indicateur (suivi)
    assert "État (DETR) 300 000,00 € accordé ; Région Grand Est (Région) 200 000,00 € sollicité" in text
    assert "secteur d'intervention : Centre ancien" in text
    for secret in SECRETS:
        assert secret not in text


def test_docx_of_the_convention_cadre_has_every_section_and_the_numbers(full_dossier):
    _, data = documents.generate("cadre", full_dossier, "docx")
    headings, text = docx_text(data)
    for section in CADRE_SECTIONS:
        assert section in headings
    assert "Axe 1 — Habiter le centre-ville" in headings
    assert "Fiche action n° 1 — Rénovation des halles" in headings
    for number in NUMBERS:
        assert number in text
    assert "Coût total HT du plan d'action : 1 730 000,50 €" in text
    assert "Axe 2 — Commerce de proximité" in text  # maquette by axe
    assert "CRTE" in text and "Anne Rousseau" in text and "Claire Martin" in text
    assert "Comité de projet PVD de Langres" in text
    assert "Logements vacants remis sur le marché" in text
    assert "6 ans" in text
    assert "Projet confidentiel" not in text  # a convention is shared: confidential fiches stay out
    assert "{{" not in text and "{%" not in text
    article = section_text(text, CADRE_SECTIONS[3])
    assert "Vacance commerciale de 18 % dans le centre ancien." in article
    assert "Atouts : Patrimoine des remparts" in article and "Menaces : Concurrence des zones commerciales" in article
    assert (
        "Population municipale (Langres) : 7 503 habitants — source : INSEE, populations légales 2023 (COG 2026), "
        "millésime 2023" in article
    )
    assert "Diagnostic non encore validé par le comité de projet." in article
    check_linked_content(text)
    # The maquette tables: by axe (cost, accordé, sollicité), by funder and by dispositif.
    tables = {
        tuple(c.text for c in table.rows[0].cells): [
            [c.text.replace("\u00a0", " ") for c in r.cells] for r in table.rows[1:]
        ]
        for table in Document(io.BytesIO(data)).tables
    }
    assert tables[("Financeur", "Accordé", "Sollicité")] == [
        ["Anah", "150 000,00 €", "0,00 €"],
        ["Région Grand Est", "0,00 €", "200 000,00 €"],
        ["État", "300 000,00 €", "0,00 €"],
    ]
    assert ["Axe 2 — Commerce de proximité", "1 250 000,00 €", "300 000,00 €", "200 000,00 €"] in tables[
        ("Axe", "Coût HT", "Accordé", "Sollicité")
    ]
    assert ["DETR", "300 000,00 €", "0,00 €"] in tables[("Dispositif", "Accordé", "Sollicité")]


def test_pdf_of_the_convention_cadre_has_every_section_and_the_numbers(full_dossier):
    _, data = documents.generate("cadre", full_dossier, "pdf")
    text = pdf_text(data)
    positions = [text.index(section) for section in CADRE_SECTIONS]
    assert positions == sorted(positions)  # every section, in order
    for number in NUMBERS:
        assert number in text
    assert "Rénovation des halles" in text and "Projet confidentiel" not in text
    assert "29/02/2024" in text  # the due date: adhésion 31/08/2022 + 18 months
    check_linked_content(text)
    # Parties: the signatories' table (organisation, representative, capacity).
    parties = section_text(text, "Parties")
    assert "Commune de Langres, représentée par Anne Rousseau, maire" in parties
    assert "Caisse des Dépôts, représentée par Paul Lefèvre, directeur régional" in parties
    assert "L'État, représenté par le préfet de la Haute-Marne" in parties
    preambule = section_text(text, "Préambule")
    assert "Contrat de relance et de transition écologique (CRTE)" in preambule
    assert "Convention d'adhésion signée le 31/08/2022" in preambule
    assert "vaut opération de revitalisation de territoire (ORT)" in section_text(text, CADRE_SECTIONS[2])
    article = section_text(text, CADRE_SECTIONS[3])
    assert "Vacance commerciale de 18 % dans le centre ancien." in article
    assert "Atouts : Patrimoine des remparts" in article and "Menaces : Concurrence des zones commerciales" in article
    assert (
        "Population municipale (Langres) : 7 503 habitants — source : INSEE, populations légales 2023 (COG 2026), "
        "millésime 2023" in article
    )
    assert "Diagnostic non encore validé par le comité de projet." in article
    perimetre = section_text(text, CADRE_SECTIONS[5])
    assert "Périmètre de l'ORT et secteurs d'intervention" in perimetre.removeprefix(CADRE_SECTIONS[5])  # map caption
    assert "Centre ancien — Périmètre ORT" in perimetre
    maquette = section_text(text, CADRE_SECTIONS[7])
    assert "Coût total HT du plan d'action : 1 730 000,50 €" in maquette
    # The tables by axe, by funder and by dispositif, row by row.
    assert "Axe 2 — Commerce de proximité 1 250 000,00 € 300 000,00 € 200 000,00 €" in maquette
    assert (
        "Financeur Accordé Sollicité Anah 150 000,00 € 0,00 € Région Grand Est 0,00 € 200 000,00 € "
        "État 300 000,00 € 0,00 €" in maquette
    )
    assert (
        "Dispositif Accordé Sollicité Anah 150 000,00 € 0,00 € DETR 300 000,00 € 0,00 € Région 0,00 € 200 000,00 €"
        in maquette
    )
    engagements = section_text(text, "Article 7 — Engagements des parties")
    for line in ENGAGEMENTS:
        assert line in engagements
    assert "Chef de projet : Claire Martin" in section_text(text, "Article 9 — Gouvernance")
    assert "durée de 6 ans." in section_text(text, "Article 11 — Entrée en vigueur et durée de la convention")
    signatures = section_text(text, "Signatures")
    assert "Pour Commune de Langres, Anne Rousseau, Maire" in signatures


def test_pdf_map_is_the_svg_of_the_sectors(full_dossier):
    """The map reaches the PDF as inline SVG in the HTML that WeasyPrint renders."""
    from bs4 import BeautifulSoup
    from django.template.loader import render_to_string

    content = selectors.convention_cadre_content(full_dossier)
    html = render_to_string(documents.KINDS["cadre"]["html"], {"c": content, "sections": CADRE_SECTIONS})
    svg = BeautifulSoup(html, "html.parser").select_one("figure svg")
    assert svg is not None and svg["role"] == "img"
    assert [title.get_text() for title in svg.select("polygon title")] == ["Centre ancien"]
    assert len(svg.select_one("polygon")["points"].split()) >= 3


def test_docx_and_pdf_show_the_partners_commitments(full_dossier):
    _, text = docx_text(documents.generate("cadre", full_dossier, "docx")[1])
    docx_section = section_text(text, "Article 7 — Engagements des parties")
    pdf_section = section_text(
        pdf_text(documents.generate("cadre", full_dossier, "pdf")[1]), "Article 7 — Engagements des parties"
    )
    for line in ENGAGEMENTS:
        assert line in docx_section and line in pdf_section


def test_empty_dossier_generates_with_a_completer(dossier):
    for kind in ("cadre", "adhesion"):
        _, data = documents.generate(kind, dossier, "docx")
        headings, text = docx_text(data)
        sections = CADRE_SECTIONS if kind == "cadre" else ADHESION_SECTIONS
        assert all(section in headings for section in sections)
        assert "À compléter" in text
        pdf = pdf_text(documents.generate(kind, dossier, "pdf")[1])
        assert all(section in pdf for section in sections)
        assert "À compléter" in pdf
    content = selectors.convention_cadre_content(dossier)
    assert content["diagnostic"] == {
        "synthese": "À compléter",
        "chiffres": [],
        "afom": [],
        "validation": "Diagnostic non encore validé par le comité de projet.",
    }
    assert content["fiches"] == [] and content["maquette"]["cout_total"] == "0,00\u00a0€"
    assert content["projet_territoire"] == "À compléter" and content["secteurs"]["liste"] == []
    assert content["gouvernance"]["comite"] == {"nom": "À compléter", "description": "", "membres": []}
    assert content["maquette"]["taux_accorde"] == "À compléter"


def test_adhesion_document_from_the_parties(full_dossier):
    headings, text = docx_text(documents.generate("adhesion", full_dossier, "docx")[1])
    assert all(section in headings for section in ADHESION_SECTIONS)
    commune = full_dossier.communes.first()
    assert f"La commune {de_commune(commune.nom)}, représentée par son maire" in text
    assert full_dossier.epci.nom in text
    assert "L'État, représenté par le préfet de la Haute-Marne" in text
    assert "Claire Martin" in text and "Comité de projet PVD de Langres" in text
    assert "Jean Dupont, maire — Ville de Langres (Président)" in text
    pdf = pdf_text(documents.generate("adhesion", full_dossier, "pdf")[1])
    assert all(section in pdf for section in ADHESION_SECTIONS) and "Claire Martin" in pdf


def test_the_parties_read_well_before_and_after_the_representatives_are_named(dossier):
    """The required signatories added at creation carry a placeholder (« Le maire de … »): the
    documents then say « représentée par son maire » and leave the name to complete at the
    signature; once the chef has typed the name, both use it."""
    from pvd.conventions import services
    from pvd.conventions.tests.conftest import mairie, president

    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    commune = dossier.communes.get()
    la_commune = f"La commune {de_commune(commune.nom)}"
    _, text = docx_text(documents.generate("adhesion", dossier, "docx")[1])
    pdf = pdf_text(documents.generate("adhesion", dossier, "pdf")[1])
    for shown in (text, pdf):
        assert f"{la_commune}, représentée par son maire ;" in shown
        assert f"{dossier.epci.nom}, représentée par son président ;" in shown
        assert "L'État, représenté par le préfet de la Haute-Marne" in shown
        assert f"Pour Commune {de_commune(commune.nom)}, À compléter, Maire" in shown
        assert "Le maire de" not in shown and "Le président ou la présidente" not in shown
    for signataire, name, qualite in (
        (mairie(adhesion), "Anne Rousseau", "Maire"),
        (president(adhesion), "Luc Morel", "Président"),
    ):
        services.signataire_update(
            signataire=signataire,
            organisation=signataire.organisation,
            representant=name,
            qualite=qualite,
            date_deliberation=None,
            engagements="",
            ordre=signataire.ordre,
        )
    _, text = docx_text(documents.generate("adhesion", dossier, "docx")[1])
    pdf = pdf_text(documents.generate("adhesion", dossier, "pdf")[1])
    for shown in (text, pdf):
        assert f"{la_commune}, représentée par Anne Rousseau, maire ;" in shown
        assert f"{dossier.epci.nom}, représentée par Luc Morel, président ;" in shown
        assert f"Pour Commune {de_commune(commune.nom)}, Anne Rousseau, Maire" in shown


def test_generation_is_deterministic(full_dossier):
    first, second = (
        documents.generate("cadre", full_dossier, "docx")[1],
        documents.generate("cadre", full_dossier, "docx")[1],
    )
    read = lambda data, name: zipfile.ZipFile(io.BytesIO(data)).read(name)  # noqa: E731
    assert read(first, "word/document.xml") == read(second, "word/document.xml")
    assert b"2026-01-01" in read(first, "docProps/core.xml")
    assert first == second
    pdf_one, pdf_two = (
        documents.generate("cadre", full_dossier, "pdf")[1],
        documents.generate("cadre", full_dossier, "pdf")[1],
    )
    # WeasyPrint writes no creation date: the same data gives the same bytes.
    assert pdf_one == pdf_two and b"/CreationDate" not in pdf_one


def test_svg_map_of_sectors():
    square = {"type": "Polygon", "coordinates": [[[5.33, 47.86], [5.34, 47.86], [5.34, 47.87], [5.33, 47.86]]]}
    polygons = selectors._map_polygons([("Centre <ancien>", {"type": "Feature", "geometry": square})])
    svg = selectors._svg_map(polygons)
    assert svg.startswith("<svg") and svg.count("<polygon") == 1 and "Centre &lt;ancien&gt;" in svg
    assert selectors._map_polygons([("vide", {"type": "Point", "coordinates": [1, 2]})]) == []
    assert selectors._svg_map([]) == ""


def test_docx_has_the_map_of_the_sectors_as_an_image(full_dossier):
    from PIL import Image

    from pvd.dossiers.tests.factories import DossierFactory

    document = Document(io.BytesIO(documents.generate("cadre", full_dossier, "docx")[1]))
    assert len(document.inline_shapes) == 1
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) == 1
    image = Image.open(io.BytesIO(images[0].blob))
    assert image.size == (960, 640)
    # The sector is drawn in the DSFR blue over a white background.
    colours = {colour for _, colour in image.getcolors(maxcolors=100000)}
    assert (255, 255, 255) in colours and (0, 0, 145) in colours
    empty = Document(io.BytesIO(documents.generate("cadre", DossierFactory(), "docx")[1]))
    assert len(empty.inline_shapes) == 0


@pytest.mark.parametrize("kind", ["cadre", "adhesion"])
def test_committed_docx_templates_have_every_tag_the_generator_needs(full_dossier, kind):
    """The tags are derived from the data the generator passes: every list of the full dossier
    has items, so that the fields of its items are required too."""
    content = documents.KINDS[kind]["content"](full_dossier)
    assert documents.unfilled_lists(content) == []
    path = SHIPPED_TEMPLATES_DIR / documents.KINDS[kind]["docx"]
    assert documents.template_problems(kind, content, path) == []
    if kind == "cadre":
        tags = documents.template_tags(path)
        assert {"maquette.cout_total", "fiches[].financements[].montant", "signataires[].engagements"} <= tags


def test_template_problems_name_a_missing_or_misspelt_tag_and_a_lost_heading(full_dossier, tmp_path):
    """What a restyler may break in Word, each named in the message."""
    document = Document(SHIPPED_TEMPLATES_DIR / "convention_cadre.docx")
    for paragraph in document.paragraphs:
        if "{{ maquette.cout_total }}" in paragraph.text:
            paragraph.runs[0].text = paragraph.text.replace("maquette.cout_total", "maquette.cout_totl")
        elif "{{ s.engagements }}" in paragraph.text:
            paragraph._element.getparent().remove(paragraph._element)
        elif paragraph.text == "Article 10 — Suivi et évaluation":
            paragraph.runs[0].text = "Article 10 — Suivi"
    path = tmp_path / "convention_cadre.docx"
    document.save(path)
    content = selectors.convention_cadre_content(full_dossier)
    assert documents.template_problems("cadre", content, path) == [
        "convention_cadre.docx : titre de section manquant « Article 10 — Suivi et évaluation »",
        "convention_cadre.docx : balise manquante « maquette.cout_total »",
        "convention_cadre.docx : balise manquante « signataires[].engagements »",
        "convention_cadre.docx : balise inconnue « maquette.cout_totl » (faute de frappe ?)",
    ]


def test_committed_templates_render_an_empty_and_a_full_dossier(full_dossier, settings):
    from pvd.dossiers.tests.factories import DossierFactory

    assert settings.PVD_CONVENTION_TEMPLATES_DIR == SHIPPED_TEMPLATES_DIR  # the default
    empty = DossierFactory()
    for kind, sections in (("cadre", CADRE_SECTIONS), ("adhesion", ADHESION_SECTIONS)):
        for dossier, expected in ((empty, "À compléter"), (full_dossier, "Claire Martin")):
            headings, text = docx_text(documents.generate(kind, dossier, "docx")[1])
            assert [h for h in headings if h in sections] == sections, (kind, dossier)
            assert expected in text and dossier.epci.nom in text
            assert "{{" not in text and "{%" not in text


def test_restyled_template_in_the_settings_folder_styles_the_generated_docx(full_dossier, tmp_path, settings):
    """A person restyles a copy in Word (here with python-docx), the operator points the setting
    to its folder: the generated convention-cadre has the new style, the new paragraph and the
    dossier's data; the PDF, from the HTML templates, does not change."""
    from docx.shared import Pt, RGBColor

    pdf_before = documents.generate("cadre", full_dossier, "pdf")[1]
    document = Document(SHIPPED_TEMPLATES_DIR / "convention_cadre.docx")
    heading = document.styles["Heading 1"]
    heading.font.color.rgb = RGBColor(0xC0, 0x00, 0x3C)
    heading.font.size = Pt(20)
    document.styles["Normal"].font.name = "Georgia"
    first_heading = next(p for p in document.paragraphs if p.style.name in ("Title", "Heading 1"))
    first_heading.insert_paragraph_before("[Logo] Communauté de communes du Grand Langres")
    document.save(tmp_path / "convention_cadre.docx")
    settings.PVD_CONVENTION_TEMPLATES_DIR = tmp_path
    content = selectors.convention_cadre_content(full_dossier)
    assert documents.template_problems("cadre", content) == []  # the restyle kept every tag

    data = documents.generate("cadre", full_dossier, "docx")[1]
    output = Document(io.BytesIO(data))
    style = output.styles["Heading 1"]
    assert style.font.color.rgb == RGBColor(0xC0, 0x00, 0x3C) and style.font.size == Pt(20)
    assert output.styles["Normal"].font.name == "Georgia"
    assert output.paragraphs[0].text == "[Logo] Communauté de communes du Grand Langres"
    article = next(p for p in output.paragraphs if p.text == "Article 6 — Maquette financière")
    assert article.style.name == "Heading 1"
    headings, text = docx_text(data)
    assert all(section in headings for section in CADRE_SECTIONS)
    assert "Coût total HT du plan d'action : 1 730 000,50 €" in text and "Anne Rousseau" in text
    assert "{{" not in text and "{%" not in text
    assert documents.generate("cadre", full_dossier, "pdf")[1] == pdf_before


def test_check_convention_templates_command_names_what_a_restyled_folder_lacks(full_dossier, tmp_path, settings):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("check_convention_templates", str(full_dossier.pk), stdout=out)
    assert "Gabarits complets." in out.getvalue()

    document = Document(SHIPPED_TEMPLATES_DIR / "convention_cadre.docx")
    paragraph = next(p for p in document.paragraphs if "{{ diagnostic.synthese }}" in p.text)
    paragraph.runs[0].text = "{{ diagnostik.synthese }}"
    document.save(tmp_path / "convention_cadre.docx")
    settings.PVD_CONVENTION_TEMPLATES_DIR = tmp_path  # the adhésion is not copied there
    with pytest.raises(CommandError) as error:
        call_command("check_convention_templates", str(full_dossier.pk), stdout=io.StringIO())
    assert str(error.value).splitlines() == [
        "convention_cadre.docx : balise manquante « diagnostic.synthese »",
        "convention_cadre.docx : balise inconnue « diagnostik.synthese » (faute de frappe ?)",
        f"{tmp_path / 'convention_adhesion.docx'} : fichier introuvable",
    ]
    with pytest.raises(CommandError, match="Aucun dossier n° 0"):
        call_command("check_convention_templates", "0")


def test_check_convention_templates_command_says_which_lists_it_could_not_check(tmp_path):
    from django.core.management import call_command

    from pvd.dossiers.tests.factories import DossierFactory

    out = io.StringIO()
    call_command("check_convention_templates", str(DossierFactory().pk), stdout=out)
    unchecked = "convention_cadre.docx : « fiches » est vide dans ce dossier, ses champs ne sont pas vérifiés"
    assert unchecked in out.getvalue()
    assert "Gabarits complets." in out.getvalue()
