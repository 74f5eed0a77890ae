"""Article 10 of the convention-cadre, « Suivi et évaluation »: the indicators with their
baseline (value and date) and target (value and échéance), the evaluation calendar and the
bilan annuel, in the generated DOCX and PDF."""

import datetime
import io
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from pvd.actions.tests.factories import FicheFactory
from pvd.conventions import documents, selectors
from pvd.conventions.sections import CADRE_SECTIONS
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi.tests.factories import IndicateurFactory

pytestmark = pytest.mark.django_db

ARTICLE = "Article 10 — Suivi et évaluation"


@pytest.fixture
def indicateurs(dossier):
    axe = AxeFactory(dossier=dossier, numero=1)
    IndicateurFactory(
        dossier=dossier,
        axe=axe,
        nom="Taux de vacance des logements",
        unite="%",
        valeur_initiale=Decimal("14.2"),
        date_initiale=datetime.date(2021, 1, 1),
        cible=Decimal("10"),
        echeance=datetime.date(2030, 12, 31),
        frequence="annuelle",
    )
    fiche = FicheFactory(dossier=dossier, numero=1)
    IndicateurFactory(
        dossier=dossier, fiche=fiche, nom="Visiteurs de la halle", unite="visiteurs", frequence="mensuelle"
    )
    secret = FicheFactory(dossier=dossier, numero=2, confidential=True)
    IndicateurFactory(dossier=dossier, fiche=secret, nom="Indicateur secret", frequence="trimestrielle")


def _article(text: str) -> str:
    start = text.index(ARTICLE)
    return text[start : text.index(CADRE_SECTIONS[CADRE_SECTIONS.index(ARTICLE) + 1], start)]


def _check(article: str) -> None:
    assert "Taux de vacance des logements" in article
    assert "14,2 au 01/01/2021" in article and "10 au 31/12/2030" in article
    assert "Indicateurs mesurés chaque année : Taux de vacance des logements." in article
    assert "Indicateurs mesurés chaque mois : Visiteurs de la halle." in article
    assert "Chaque année, au cours du premier trimestre : bilan annuel de l'année écoulée" in article
    assert "Bilan annuel : Chaque année, le chef de projet établit le bilan annuel" in article
    assert "Indicateur secret" not in article and "chaque trimestre :" not in article


def test_content(dossier, indicateurs):
    content = selectors.convention_cadre_content(dossier)
    vacance = content["indicateurs"][0]
    assert (vacance["reference"], vacance["objectif"], vacance["frequence"]) == (
        "14,2 au 01/01/2021",
        "10 au 31/12/2030",
        "annuelle",
    )
    visiteurs = content["indicateurs"][1]
    assert (visiteurs["reference"], visiteurs["objectif"]) == ("À compléter", "À compléter")
    assert content["evaluation"]["calendrier"][:2] == [
        "Indicateurs mesurés chaque mois : Visiteurs de la halle.",
        "Indicateurs mesurés chaque année : Taux de vacance des logements.",
    ]
    assert documents.template_problems("cadre", content) == []


def test_docx(dossier, indicateurs):
    data = documents.render_docx("cadre", selectors.convention_cadre_content(dossier))
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [" ".join(cell.text for cell in row.cells) for table in document.tables for row in table.rows]
    text = "\n".join(parts).replace("\u00a0", " ")
    # Table cells come after the paragraphs: read the article's paragraphs, then its table's row.
    _check(_article(text) + "\n".join(p for p in parts if "Taux de vacance des logements" in p))
    row = next(p for p in parts if p.startswith("Taux de vacance des logements Axe 1"))
    assert row == "Taux de vacance des logements Axe 1 % 14,2 au 01/01/2021 10 au 31/12/2030 annuelle"


def test_pdf(dossier, indicateurs):
    data = documents.render_pdf("cadre", selectors.convention_cadre_content(dossier))
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\u00a0", " ").split()
    )
    _check(_article(text))
