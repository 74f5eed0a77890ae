"""The bilan annuel: its content on known data (hand-checked figures), the PDF's extracted text,
the DOCX read back, the assessment's form, the submission to the comité de projet and its
decision, refusals per role, and a fixed number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from conftest import ALL_VIEWERS
from pvd.dossiers.tests.factories import MembreFactory
from pvd.gouvernance import services as gouvernance
from pvd.gouvernance.models import PointOrdreDuJour
from pvd.gouvernance.selectors import targetable_objects, validation_state
from pvd.pilotage import bilan as bilans
from pvd.pilotage.bilan_documents import bilan_docx, bilan_pdf
from pvd.pilotage.models import BilanAnnuel
from pvd.suivi.tests.factories import IndicateurFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, edit_fields, expected_status, main

from .factories_bilan import SECRET, XSS, BilanFactory, held, last_year, year_of_programme

pytestmark = pytest.mark.django_db

ASSESSMENT = f"La halle a pris six mois de retard {XSS} ; la Maison France services est ouverte."


@pytest.fixture
def chef(dossier):
    return MembreFactory(dossier=dossier, role="chef_de_projet").user


@pytest.fixture
def programme(dossier, chef):
    made = year_of_programme(dossier, chef)
    BilanFactory(dossier=dossier, annee=last_year(), appreciation=ASSESSMENT)
    return made


def _url(name, dossier, annee=None):
    kwargs = {"dossier_pk": dossier.pk} | ({"annee": annee} if annee else {})
    return reverse(f"pilotage:{name}", kwargs=kwargs)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).replace("\u00a0", " ").replace("\u202f", " ").split())


# Content on known data ------------------------------------------------------------------------


def test_money_shows_actual_spending_and_payments(dossier, programme):
    from pvd.actions.models import BudgetAnnuel as Budget
    from pvd.actions.models import LigneFinancement

    Budget.objects.filter(fiche__dossier=dossier, fiche__confidentielle=False).update(
        realise_investissement=Decimal("32000"), realise_fonctionnement=None
    )
    LigneFinancement.objects.filter(fiche__dossier=dossier, fiche__confidentielle=False, statut="accorde").update(
        montant_verse=Decimal("6000")
    )
    argent = bilans.bilan_content(dossier, last_year(), BilanAnnuel.objects.get())["argent"]
    total = {k: v.replace("\xa0", " ") for k, v in argent["total"].items()}
    assert (total["realise"], total["verse"]) == ("32 000 €", "6 000 €")  # the confidential fiche's left out


def test_content_hand_checked(dossier, programme):
    content = bilans.bilan_content(dossier, last_year(), BilanAnnuel.objects.get())
    # Two fiches shown (the confidential one never): one en cours and late, one réalisée.
    assert [f["titre"] for f in content["fiches_fiches"]] == [
        "Réhabilitation de la halle 0",
        "Maison France services 0",
    ]
    assert content["fiches_par_statut"] == [{"statut": "En cours", "nombre": 1}, {"statut": "Réalisé", "nombre": 1}]
    assert [f["titre"] for f in content["fiches_en_retard"]] == ["Réhabilitation de la halle 0"]
    # Étapes of the year of the visible fiches: 1 done out of 2 (the confidential one's left out).
    assert (content["fiches_etapes_faites"], content["fiches_etapes_prevues"]) == (1, 2)
    vacance = content["indicateurs"][0]
    assert vacance["nom"] == "Taux de vacance des logements 0"
    assert [v["valeur"] for v in vacance["valeurs"]] == ["13,4", "12,8"]
    assert (vacance["reference"], vacance["date_reference"], vacance["cible"]) == ("14,2", "01/01/2021", "10")
    # The vacancy rate must go down: 12,8 is above the target of 10.
    assert vacance["etat"] == "Cible non atteinte"
    assert vacance["chart"].labels == [
        "Référence (01/01/2021)",
        f"31/03/{last_year()}",
        f"30/09/{last_year()}",
        "Cible (31/12/2030)",
    ]
    assert [i["nom"] for i in content["indicateurs"]] == [
        "Taux de vacance des logements 0",
        "Visiteurs France services 0",
    ]
    argent = content["argent"]
    assert {k: v.replace("\xa0", " ") for k, v in argent["total"].items()} == {
        "prevu": "40 000 €",
        "realise": "0 €",
        "accorde": "15 000 €",
        "sollicite": "5 000 €",
        "verse": "0 €",
    }
    assert argent["fiches"][0]["realise"] == "non renseigné"  # not typed: not 0
    assert [ligne["statut"] for ligne in argent["lignes_de_l_annee"]] == ["accordé", "sollicité"]
    assert [(d["objet"], d["resultat"]) for d in content["decisions"]] == [("Validation du plan guide 1", "Validé")]
    assert content["appreciation"] == ASSESSMENT


@pytest.mark.parametrize(
    ("initiale", "cible", "derniere", "code"),
    [
        (None, Decimal("10"), None, "aucune_valeur"),
        (None, None, Decimal("3"), "sans_cible"),
        (Decimal("14.2"), Decimal("10"), Decimal("10"), "atteinte"),  # going down, reached at the target
        (Decimal("14.2"), Decimal("10"), Decimal("10.1"), "non_atteinte"),
        (Decimal("2"), Decimal("10"), Decimal("10"), "atteinte"),  # going up
        (None, Decimal("10"), Decimal("9.9"), "non_atteinte"),
    ],
)
def test_indicator_reading_at_its_boundaries(initiale, cible, derniere, code):
    indicateur = IndicateurFactory.build(valeur_initiale=initiale, cible=cible)
    assert bilans.etat_indicateur(indicateur, derniere).code == code


def test_a_fiche_is_late_once_its_end_or_an_etape_is_past(dossier):
    from pvd.actions.tests.factories import FicheFactory

    fiche = FicheFactory.build(statut="en_cours", date_fin=datetime.date(2025, 6, 30))
    assert not bilans.fiche_en_retard(fiche, [], datetime.date(2025, 6, 30))
    assert bilans.fiche_en_retard(fiche, [], datetime.date(2025, 7, 1))
    fiche.statut = "realise"
    assert not bilans.fiche_en_retard(fiche, [], datetime.date(2026, 1, 1))


# Documents ------------------------------------------------------------------------------------


def test_pdf_text(dossier, programme):
    text = pdf_text(bilan_pdf(bilans.bilan_content(dossier, last_year(), BilanAnnuel.objects.get())))
    assert f"Bilan annuel {last_year()}" in text
    assert "Réhabilitation de la halle 0" in text and "Maison France services 0" in text
    assert "Taux de vacance des logements 0" in text and "12,8" in text
    assert XSS in text  # the assessment's markup is text, written as typed
    assert "La halle a pris six mois de retard" in text
    assert "40 000 €" in text and "Plan guide adopté à l'unanimité." in text
    assert SECRET not in text and "999 999" not in text and "777 777" not in text and "Indicateur secret" not in text


def test_docx_read_back(dossier, programme):
    text = docx_text(bilan_docx(bilans.bilan_content(dossier, last_year(), BilanAnnuel.objects.get())))
    assert "Réhabilitation de la halle 0" in text and "Taux de vacance des logements 0" in text
    assert "12,8" in text and ASSESSMENT in text and "15 000 €" in text
    assert SECRET not in text and "999 999" not in text and "Indicateur secret" not in text


def test_pdf_svg_escapes_an_indicator_name(dossier, chef):
    IndicateurFactory(dossier=dossier, nom=XSS, cible=Decimal(5))
    content = bilans.bilan_content(dossier, last_year())
    from pvd.diagnostic.charts import chart_svg

    svg = chart_svg(content["indicateurs"][0]["chart"])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert XSS in pdf_text(bilan_pdf(content))


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_downloads_for_every_viewer(client_for, dossier, programme, kind):
    client = client_for(dossier, kind)
    for name, magic in (("bilan_pdf", b"%PDF"), ("bilan_docx", b"PK")):
        response = client.get(_url(name, dossier, last_year()))
        if expected_status(kind, ALL_VIEWERS) == 200 and kind not in ("anonymous",):
            assert response.status_code == 200, (kind, name)
            assert response.content.startswith(magic)
        else:
            assert_refused(response, kind)


def test_documents_in_fixed_queries(dossier, chef):
    year_of_programme(dossier, chef)
    BilanFactory(dossier=dossier)

    def run():
        return bilans.bilan_content(dossier, last_year(), BilanAnnuel.objects.get(dossier=dossier))

    small, large = assert_queries_do_not_grow(run, grow=lambda: year_of_programme(dossier, chef, n=3))
    assert len(large["fiches_fiches"]) == 8 and len(large["decisions"]) == 2


# Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_pages_per_role(client_for, dossier, programme, kind):
    client = client_for(dossier, kind)
    for url in (_url("bilans", dossier), _url("bilan", dossier, last_year())):
        response = client.get(url)
        status = expected_status(kind, ALL_VIEWERS)
        if kind == "anonymous" or status != 200:
            assert_refused(response, kind)
            continue
        assert response.status_code == 200
    edit = client.get(_url("bilan_edit", dossier, last_year()))
    submit = client.post(_url("bilan_submit", dossier, last_year()))
    if kind == "chef_de_projet":
        assert edit.status_code == 200 and submit.status_code == 302
    else:
        assert_refused(edit, kind)
        assert_refused(submit, kind)


def test_the_page_shows_the_year(client_for, dossier, programme):
    page = main(client_for(dossier, "lecteur").get(_url("bilan", dossier, last_year())))
    assert "La halle a pris six mois de retard" in page.select_one("#appreciation").get_text()
    assert page.select_one("#appreciation script") is None
    assert [li.get_text(" ", strip=True) for li in page.select("#fiches-en-retard li")] == [
        f"Fiche n° {programme['fiches'][0].numero} — Réhabilitation de la halle 0 "
        f"(en cours, fin prévue 30/06/{last_year()})"
    ]
    assert SECRET not in page.get_text()
    assert page.select("#bilan-actions a")[0].get_text(strip=True) == "Télécharger le bilan (PDF)"  # no edit link


def test_page_in_fixed_queries(client_for, dossier, chef):
    year_of_programme(dossier, chef)
    BilanFactory(dossier=dossier)
    client = client_for(dossier, "equipe")
    url = _url("bilan", dossier, last_year())
    assert_queries_do_not_grow(lambda: client.get(url), grow=lambda: year_of_programme(dossier, chef, n=3))


def test_a_year_outside_the_programme_is_not_found(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    assert client.get(_url("bilan", dossier, 2019)).status_code == 404
    assert client.get(_url("bilan", dossier, last_year() + 2)).status_code == 404


def test_the_chef_writes_the_assessment(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    url = _url("bilan_edit", dossier, last_year())
    response = client.post(url, {"appreciation": ASSESSMENT, **edit_fields(client, url)})
    assert response.status_code == 302
    bilan = BilanAnnuel.objects.get(dossier=dossier, annee=last_year())
    assert (bilan.appreciation, bilan.updated_by) == (ASSESSMENT, client.user)
    client.post(url, {"appreciation": "Deuxième version.", **edit_fields(client, url)})
    assert BilanAnnuel.objects.get().appreciation == "Deuxième version."


def test_the_year_is_checked_by_the_service(dossier, chef):
    with pytest.raises(ValidationError) as error:
        bilans.bilan_save(dossier=dossier, annee=2019, appreciation="x", by=chef)
    assert "2020" in str(error.value)
    assert not BilanAnnuel.objects.exists()


# The comité de projet --------------------------------------------------------------------------


def test_submit_then_decide(client_for, dossier, programme):
    client = client_for(dossier, "chef_de_projet")
    bilan = BilanAnnuel.objects.get()
    # The bilan is among the objects the agenda form offers.
    groups = {key: objects for key, _label, objects in targetable_objects(dossier)}
    assert groups["bilan"] == [bilan]
    page = main(client.get(_url("bilan", dossier, last_year())))
    assert page.select_one("#bilan-actions button").get_text(strip=True) == "Soumettre au comité de projet"
    response = client.post(_url("bilan_submit", dossier, last_year()), follow=True)
    assert "soumis au comité de projet" in response.content.decode()
    point = PointOrdreDuJour.objects.get(target_type=ContentType.objects.get_for_model(BilanAnnuel))
    assert point.titre == f"Bilan annuel {last_year()} — {dossier.nom}"
    assert validation_state(bilan).code == "soumis"
    # Twice: refused with a message, no second point.
    response = client.post(_url("bilan_submit", dossier, last_year()), follow=True)
    assert "déjà soumis" in response.content.decode()
    assert PointOrdreDuJour.objects.filter(target_id=bilan.pk, target_type=point.target_type).count() == 1
    seance = held(dossier, 11)
    gouvernance.point_add(seance=seance, pending=point, by=client.user)
    gouvernance.decision_record(point=point, resultat="valide", by=client.user)
    assert validation_state(bilan).is_validated
    page = main(client.get(_url("bilan", dossier, last_year())))
    assert page.select_one("#bilan-etat .fr-badge").get_text(strip=True) == "Validé"
    assert page.select_one("#bilan-actions button") is None
    assert "Validé" in pdf_text(client.get(_url("bilan_pdf", dossier, last_year())).content)


def test_an_empty_assessment_is_not_submitted(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(_url("bilan_submit", dossier, last_year()), follow=True)
    assert "Rédigez l&#x27;appréciation du bilan" in response.content.decode()
    BilanFactory(dossier=dossier, appreciation="  ")
    response = client.post(_url("bilan_submit", dossier, last_year()), follow=True)
    assert "Rédigez l&#x27;appréciation du bilan" in response.content.decode()
    assert not PointOrdreDuJour.objects.exists()
