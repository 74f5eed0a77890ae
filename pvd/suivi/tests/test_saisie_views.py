"""The pages that enter values: an indicator's values, the saisie grid, the import. Per role with
the refusals, the confidential fiches' indicators, another dossier's indicator smuggled in,
all-or-nothing saves, and query counts at two sizes."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory
from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie.tests.factories import AxeFactory, IndicateurFactory
from pvd.suivi.models import Mesure
from tests.utils import assert_queries_do_not_grow, assert_refused, edit_fields, expected_status, main

pytestmark = pytest.mark.django_db
D = datetime.date
TEAM = {"chef_de_projet", "equipe"}
# Who may enter an indicator open to the State and to the partners: everyone with suivi.enter.
ALLOWED_WHEN_OPEN = TEAM | {"partenaire", "prefecture", "anct"}


def url(name, dossier, **kwargs):
    return reverse(f"suivi:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


def grid_url(dossier, periode="2026-T1"):
    return url("grille", dossier) + f"?periode={periode}"


# --- An indicator's values ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_values_page_reads_for_every_viewer_and_adds_for_who_may_enter(client_for, dossier, kind):
    indicateur = IndicateurFactory(axe=AxeFactory(dossier=dossier), unite="logements")
    Mesure.objects.create(indicateur=indicateur, date=D(2025, 12, 31), periode="année 2025", valeur=Decimal("1234.5"))
    client = client_for(dossier, kind)
    page = url("valeurs", dossier, pk=indicateur.pk)
    response = client.get(page)
    if kind == "anonymous" or kind in {"outsider", "prefecture_autre"}:
        assert_refused(response, kind)
        assert_refused(client.post(page, {"date": "2026-03-31", "valeur": "3"}), kind)
        assert Mesure.objects.count() == 1
        return
    assert response.status_code == 200
    row = main(response).select_one("#valeurs tbody tr").get_text(" ", strip=True)
    assert "Année 2025" in row and "1\u00a0234,5" in row
    may_enter = kind in TEAM
    assert (main(response).select_one("#valeur-form") is not None) is may_enter
    response = client.post(page, {"date": "2026-03-31", "valeur": "1 300,25", "source": "Anah"})
    if not may_enter:
        assert response.status_code == 403
        assert Mesure.objects.count() == 1
        return
    assert response.status_code == 302
    added = Mesure.objects.get(date=D(2026, 3, 31))
    assert (added.valeur, added.source, added.entered_by) == (Decimal("1300.25"), "Anah", client.user)


def test_values_page_shows_the_form_errors_in_french(client_for, dossier):
    indicateur = IndicateurFactory(axe=AxeFactory(dossier=dossier))
    Mesure.objects.create(indicateur=indicateur, date=D(2026, 3, 31), valeur=1)
    client = client_for(dossier, "equipe")
    page = url("valeurs", dossier, pk=indicateur.pk)
    cases = [
        ({"date": "2026-03-31", "valeur": "2"}, "Cet indicateur a déjà une valeur à cette date : corrigez-la plutôt."),
        ({"periode": "T1 2026", "valeur": "2"}, "Cet indicateur a déjà une valeur à cette date"),
        ({"date": "2026-04-01", "valeur": "1.234"}, "se lit de deux façons"),
        ({"valeur": "3"}, "Indiquez la date de la mesure, ou sa période."),
        ({"date": "2026-04-01", "periode": "2026", "valeur": "3"}, "une date ou une période, pas les deux"),
        ({"periode": "printemps", "valeur": "3"}, "Période illisible"),
    ]
    for data, message in cases:
        response = client.post(page, data)
        assert response.status_code == 400, data
        assert message in main(response).get_text(" "), data
    assert Mesure.objects.count() == 1
    response = client.post(page, {"periode": "T2 2026", "valeur": "2"})
    assert response.status_code == 302
    assert Mesure.objects.filter(date=D(2026, 6, 30), periode="2e trimestre 2026").exists()


@pytest.mark.parametrize("kind", ["partenaire", "prefecture", "anct", "elu", "lecteur"])
def test_open_indicators_accept_the_state_and_partners_only(client_for, dossier, kind):
    axe = AxeFactory(dossier=dossier)
    etat = IndicateurFactory(axe=axe, saisie_etat=True)
    partenaires = IndicateurFactory(axe=axe, saisie_partenaires=True)
    client = client_for(dossier, kind)
    statuses = {
        name: client.post(url("valeurs", dossier, pk=i.pk), {"date": "2026-03-31", "valeur": "1"}).status_code
        for name, i in (("etat", etat), ("partenaires", partenaires))
    }
    expected = {
        "partenaire": {"etat": 403, "partenaires": 302},
        "prefecture": {"etat": 302, "partenaires": 403},
        "anct": {"etat": 302, "partenaires": 403},
        "elu": {"etat": 403, "partenaires": 403},
        "lecteur": {"etat": 403, "partenaires": 403},
    }[kind]
    assert statuses == expected
    assert Mesure.objects.count() == list(expected.values()).count(302)


@pytest.mark.parametrize("kind", ["partenaire", "prefecture", "anct", "elu", "lecteur", "equipe"])
def test_a_confidential_fiche_indicator_exists_only_for_the_team(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier, confidentielle=True)
    indicateur = IndicateurFactory(axe=None, fiche=fiche, dossier=dossier, saisie_etat=True, saisie_partenaires=True)
    client = client_for(dossier, kind)
    response = client.get(url("valeurs", dossier, pk=indicateur.pk))
    assert response.status_code == (200 if kind == "equipe" else 404)
    grid = client.get(grid_url(dossier))
    if grid.status_code == 200:
        assert (main(grid).select_one(f"[data-indicateur='{indicateur.pk}']") is not None) is (kind == "equipe")


def test_correct_and_delete_a_value(client_for, dossier):
    indicateur = IndicateurFactory(axe=AxeFactory(dossier=dossier))
    mesure = Mesure.objects.create(indicateur=indicateur, date=D(2025, 12, 31), periode="année 2025", valeur=7)
    client = client_for(dossier, "equipe")
    edit = url("valeur_update", dossier, pk=indicateur.pk, mesure_pk=mesure.pk)
    form = main(client.get(edit))
    assert form.select_one("input[name=periode]")["value"] == "2025"  # the period shown as it is typed
    data = {"periode": "2025", "valeur": "7,5", "commentaire": "Chiffre définitif", **edit_fields(client, edit)}
    response = client.post(edit, data)
    assert response.status_code == 302
    mesure.refresh_from_db()
    assert (mesure.valeur, mesure.commentaire, mesure.updated_by) == (Decimal("7.5"), "Chiffre définitif", client.user)
    page = main(client.get(url("valeurs", dossier, pk=indicateur.pk))).select_one("#valeurs").get_text(" ")
    assert "corrigée par" in page
    delete = url("valeur_delete", dossier, pk=indicateur.pk, mesure_pk=mesure.pk)
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Mesure.objects.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_correct_and_delete_refusals(client_for, dossier, kind):
    indicateur = IndicateurFactory(axe=AxeFactory(dossier=dossier))
    mesure = Mesure.objects.create(indicateur=indicateur, date=D(2025, 12, 31), valeur=7)
    client = client_for(dossier, kind)
    edit = url("valeur_update", dossier, pk=indicateur.pk, mesure_pk=mesure.pk)
    delete = url("valeur_delete", dossier, pk=indicateur.pk, mesure_pk=mesure.pk)
    edited = client.post(edit, {"date": "2025-12-31", "valeur": "8", **edit_fields(client, edit)})
    deleted = client.post(delete)
    if kind in TEAM:
        assert (edited.status_code, deleted.status_code) == (302, 302)
        assert not Mesure.objects.exists()
        return
    assert_refused(edited, kind)
    assert_refused(deleted, kind)
    mesure.refresh_from_db()
    assert mesure.valeur == 7


def test_a_value_of_another_dossier_under_this_url_is_not_found(client_for, dossier):
    other = IndicateurFactory()
    mesure = Mesure.objects.create(indicateur=other, date=D(2025, 12, 31), valeur=7)
    client = client_for(dossier, "chef_de_projet")
    assert client.get(url("valeurs", dossier, pk=other.pk)).status_code == 404
    assert client.post(url("valeur_delete", dossier, pk=other.pk, mesure_pk=mesure.pk)).status_code == 404
    mine = IndicateurFactory(axe=AxeFactory(dossier=dossier))
    assert client.post(url("valeur_delete", dossier, pk=mine.pk, mesure_pk=mesure.pk)).status_code == 404
    assert Mesure.objects.count() == 1


# --- The saisie grid ---------------------------------------------------------------------------


def grid_world(dossier):
    axe = AxeFactory(dossier=dossier, numero=1)
    fiche = FicheFactory(dossier=dossier, numero=3)
    vacance = IndicateurFactory(axe=axe, nom="Vacance", unite="%", frequence="trimestrielle", source="LOVAC")
    renoves = IndicateurFactory(axe=None, fiche=fiche, dossier=dossier, nom="Rénovés", unite="logements")
    Mesure.objects.create(indicateur=vacance, date=D(2025, 12, 31), periode="4e trimestre 2025", valeur=Decimal("16"))
    return vacance, renoves


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_grid_per_viewer(client_for, dossier, kind):
    vacance, renoves = grid_world(dossier)
    client = client_for(dossier, kind)
    data = {f"valeur_{vacance.pk}": "15,5", f"valeur_{renoves.pk}": "12"}
    response = client.get(grid_url(dossier))
    posted = client.post(grid_url(dossier), data)
    if kind not in ALLOWED_WHEN_OPEN:
        assert_refused(response, kind)
        assert_refused(posted, kind)
    elif kind in TEAM:
        assert response.status_code == 200 and posted.status_code == 302
    else:
        # May be allowed, but no indicator is open to them: an empty grid, and the values refused.
        assert response.status_code == 200 and main(response).select_one("#grille-form") is None
        assert posted.status_code == 400
        assert "ne sont pas dans cette grille" in main(posted).get_text(" ")
    assert Mesure.objects.count() == (3 if kind in TEAM else 1)


def test_grid_shows_each_indicator_with_its_last_value_and_saves_in_one_go(client_for, dossier):
    vacance, renoves = grid_world(dossier)
    client = client_for(dossier, "chef_de_projet")
    response = client.get(grid_url(dossier))
    rows = {
        int(tr["data-indicateur"]): [cell.get_text(" ", strip=True) for cell in tr.select("th, td")[:4]]
        for tr in main(response).select("#grille tbody tr")
    }
    assert list(rows) == [vacance.pk, renoves.pk]  # the axes' indicators first, then the fiches'
    assert rows[vacance.pk][1:] == ["%", "16 (4e trimestre 2025)", "Trimestrielle"]
    assert rows[vacance.pk][0].startswith("Vacance Axe 1")
    assert rows[renoves.pk][1:] == ["logements", "—", "Annuelle"]
    assert rows[renoves.pk][0].startswith("Rénovés Fiche 3")
    assert main(response).select_one(f"[name=source_{vacance.pk}]")["value"] == "LOVAC"
    # A blank row is ignored; a filled one is saved at the period's end, named by the period.
    response = client.post(grid_url(dossier), {f"valeur_{vacance.pk}": "15,5", f"valeur_{renoves.pk}": ""})
    assert response.status_code == 302 and response["Location"].endswith("?periode=2026-T1")
    saved = Mesure.objects.get(date=D(2026, 3, 31))
    assert (saved.indicateur, saved.valeur, saved.periode, saved.source) == (
        vacance, Decimal("15.5"), "1er trimestre 2026", "",
    )  # fmt: skip
    # The value of the period is shown back, and changing it corrects it.
    page = main(client.get(grid_url(dossier)))
    assert page.select_one(f"[name=valeur_{vacance.pk}]")["value"] == "15,5"
    client.post(grid_url(dossier), {f"valeur_{vacance.pk}": "15,4"})
    saved.refresh_from_db()
    assert saved.valeur == Decimal("15.4") and saved.updated_by == client.user
    assert Mesure.objects.count() == 2


def test_grid_one_bad_value_saves_nothing_and_shows_its_row(client_for, dossier):
    vacance, renoves = grid_world(dossier)
    client = client_for(dossier, "equipe")
    response = client.post(
        grid_url(dossier), {f"valeur_{vacance.pk}": "15,5", f"valeur_{renoves.pk}": "1.500", "periode": "x"}
    )
    assert response.status_code == 400
    row = main(response).select_one(f"[data-indicateur='{renoves.pk}']")
    assert "se lit de deux façons" in row.select_one(".fr-error-text").get_text()
    assert main(response).select_one(f"[name=valeur_{vacance.pk}]")["value"] == "15,5"  # kept to correct
    response = client.post(grid_url(dossier), {f"commentaire_{renoves.pk}": "sans valeur"})
    assert "Saisissez la valeur, ou videz la source et le commentaire." in main(response).get_text(" ")
    assert "Aucune valeur saisie" in main(client.post(grid_url(dossier), {})).get_text(" ")
    assert Mesure.objects.count() == 1


def test_grid_refuses_another_dossiers_indicator_smuggled_in(client_for, dossier):
    vacance, _ = grid_world(dossier)
    other = IndicateurFactory(axe=AxeFactory(dossier=DossierFactory()))
    confidential = IndicateurFactory(
        axe=None, fiche=FicheFactory(dossier=dossier, confidentielle=True), dossier=dossier
    )
    closed = IndicateurFactory(axe=AxeFactory(dossier=dossier), saisie_partenaires=False)
    open_ = IndicateurFactory(axe=AxeFactory(dossier=dossier), saisie_partenaires=True)
    chef = client_for(dossier, "chef_de_projet")
    response = chef.post(grid_url(dossier), {f"valeur_{vacance.pk}": "1", f"valeur_{other.pk}": "2"})
    assert response.status_code == 400 and "ne sont pas dans cette grille" in main(response).get_text(" ")
    assert Mesure.objects.count() == 1
    chef.logout()
    partner = client_for(dossier, "partenaire")
    for smuggled in (confidential, closed, other):
        response = partner.post(grid_url(dossier), {f"valeur_{open_.pk}": "1", f"valeur_{smuggled.pk}": "2"})
        assert response.status_code == 400
    assert Mesure.objects.count() == 1
    assert partner.post(grid_url(dossier), {f"valeur_{open_.pk}": "1"}).status_code == 302
    assert Mesure.objects.get(indicateur=open_).entered_by == partner.user


def test_grid_defaults_to_the_current_quarter(client_for, dossier):
    grid_world(dossier)
    response = client_for(dossier, "equipe").get(url("grille", dossier))
    today = datetime.date.today()
    quarter = (today.month - 1) // 3 + 1
    assert main(response).select_one("select[name=periode] option[selected]")["value"] == f"{today.year}-T{quarter}"


def test_grid_queries_do_not_grow(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    axe = AxeFactory(dossier=dossier)
    state = {"n": 0}

    def grow():
        for _ in range(5):
            fiche = FicheFactory(dossier=dossier)
            for target in (IndicateurFactory(axe=axe), IndicateurFactory(axe=None, fiche=fiche, dossier=dossier)):
                Mesure.objects.create(indicateur=target, date=D(2025, 12, 31), valeur=1)

    IndicateurFactory(axe=axe)

    def page():
        response = client.get(grid_url(dossier))
        assert response.status_code == 200
        return len(main(response).select("#grille tbody tr"))

    small, large = assert_queries_do_not_grow(page, grow=grow)
    assert (small, large) == (1, 11)

    def save():
        state["n"] += 1
        data = {f"valeur_{i.pk}": str(state["n"]) for i in dossier.indicateurs.all()}
        response = client.post(grid_url(dossier, f"2024-{state['n']:02d}"), data)
        assert response.status_code == 302, main(response).get_text(" ")
        return len(data)

    # One value per indicator, all new at each run: as many queries with 11 rows as with 21.
    small, large = assert_queries_do_not_grow(save, grow=grow, warm=False)
    assert (small, large) == (11, 21)


# --- Import --------------------------------------------------------------------------------------


def upload(client, dossier, content: bytes, name="valeurs.csv"):
    return client.post(url("valeurs_import", dossier), {"fichier": SimpleUploadedFile(name, content)})


def confirm(client, dossier, response):
    empreinte = main(response).select_one("input[name=empreinte]")["value"]
    return client.post(url("valeurs_import", dossier), {"confirm": "1", "empreinte": empreinte})


def test_import_preview_then_confirm(client_for, dossier):
    vacance, renoves = grid_world(dossier)
    client = client_for(dossier, "chef_de_projet")
    content = (
        "Indicateur;Date;Valeur;Source;Commentaire;Remarque\n"
        f"{vacance.pk};T4 2025;15,8;LOVAC;révisé;x\n"
        f"Rénovés;31/03/2026;1 250;Anah;;\n"
        f"rénovés;2026;1300;;;\n"
    ).encode()
    response = upload(client, dossier, content)
    assert response.status_code == 200
    page = main(response)
    assert "1 valeur à ajouter" not in page.select_one("#resume").get_text()
    assert "2 valeurs à ajouter, 1 valeur à corriger" in page.select_one("#resume").get_text()
    assert "Remarque" in page.select_one("#colonnes-ignorees").get_text()
    assert Mesure.objects.count() == 1  # nothing saved before the confirmation
    response = confirm(client, dossier, response)
    assert response.status_code == 302
    assert sorted((m.indicateur.nom, m.date, m.valeur, m.periode) for m in Mesure.objects.all()) == [
        ("Rénovés", D(2026, 3, 31), Decimal("1250"), ""),
        ("Rénovés", D(2026, 12, 31), Decimal("1300"), "année 2026"),
        ("Vacance", D(2025, 12, 31), Decimal("15.8"), "4e trimestre 2025"),
    ]
    assert Mesure.objects.get(indicateur=vacance).updated_by == client.user


def test_import_errors_by_line_and_column_save_nothing(client_for, dossier):
    vacance, renoves = grid_world(dossier)
    other = IndicateurFactory(axe=AxeFactory(dossier=DossierFactory()))
    confidential = IndicateurFactory(
        axe=None, fiche=FicheFactory(dossier=dossier, confidentielle=True), dossier=dossier
    )
    IndicateurFactory(axe=AxeFactory(dossier=dossier), nom="Vacance")  # a second « Vacance »
    content = (
        "indicateur,date,valeur\n"
        f"{renoves.pk},2026-T1,12\n"
        f"{other.pk},2026-T1,12\n"
        "Inconnu,2026-T1,12\n"
        "Vacance,2026-T1,12\n"
        f"{renoves.pk},mars,12\n"
        f'{renoves.pk},2026-T2,"1,500"\n'
        f"{renoves.pk},31/03/2026,13\n"
    ).encode()
    response = upload(client_for(dossier, "equipe"), dossier, content)
    assert response.status_code == 400
    errors = [[td.get_text(strip=True) for td in tr.select("td")] for tr in main(response).select("#erreurs tbody tr")]
    assert [e[:2] for e in errors] == [
        ["3", "indicateur"],
        ["4", "indicateur"],
        ["5", "indicateur"],
        ["6", "date"],
        ["7", "valeur"],
        ["8", "date"],
    ]
    assert errors[0][2] == f"Indicateur inconnu dans ce dossier : « {other.pk} »."
    assert "Plusieurs indicateurs s'appellent « Vacance »" in errors[2][2]
    assert errors[5][2] == "Même indicateur et même date que la ligne 2."
    assert main(response).select_one("input[name=empreinte]") is None
    # A partner sees neither the confidential fiche's indicator nor may enter a closed one.
    partner = client_for(dossier, "partenaire")
    content = f"indicateur;date;valeur\n{confidential.pk};2026;1\n{vacance.pk};2026;1\n".encode()
    errors = main(upload(partner, dossier, content)).select("#erreurs tbody tr")
    assert [tr.select("td")[2].get_text(strip=True) for tr in errors] == [
        f"Indicateur inconnu dans ce dossier : « {confidential.pk} ».",
        "Vous ne pouvez pas saisir les valeurs de « Vacance ».",
    ]
    assert Mesure.objects.count() == 1


def test_import_reads_xlsx_and_refuses_bad_files(client_for, dossier):
    vacance, _ = grid_world(dossier)
    client = client_for(dossier, "equipe")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Indicateur", "Date", "Valeur"])
    sheet.append([vacance.nom, datetime.datetime(2026, 3, 31), 14.2])
    sheet.append([vacance.pk, "2026-T2", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, dossier, buffer.getvalue(), "valeurs.xlsx")
    assert "Formule sans valeur calculée" in main(response).select_one("#erreurs").get_text()
    del sheet["C3"]
    sheet["C3"] = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, dossier, buffer.getvalue(), "valeurs.xlsx")
    assert response.status_code == 200, main(response).get_text(" ")
    assert confirm(client, dossier, response).status_code == 302
    assert sorted(vacance.mesures.values_list("valeur", flat=True)) == [Decimal("14"), Decimal("14.2"), 16]
    cases = [
        (b"", "valeurs.csv", "Le fichier soumis est vide"),
        (b"date;valeur\n2026;1\n", "valeurs.csv", "Colonne « indicateur » absente"),
        (b"indicateur;date;valeur\n", "valeurs.csv", "aucune ligne de valeurs"),
        ("indicateur;date;valeur\nVacancé;2026;1\n".encode("latin-1"), "valeurs.csv", "pas encodé en UTF-8"),
        (b"PK\x03\x04nothing", "valeurs.xlsx", "pas un classeur Excel"),
        (b"x", "valeurs.ods", "Le fichier doit être un CSV"),
    ]
    for content, name, message in cases:
        response = upload(client, dossier, content, name)
        assert response.status_code == 400 and message in main(response).get_text(" "), message


def test_import_size_and_row_limits(client_for, dossier, monkeypatch):
    from pvd.suivi import importer

    vacance, _ = grid_world(dossier)
    client = client_for(dossier, "equipe")
    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    content = "indicateur;date;valeur\n" + "".join(f"{vacance.pk};{2020 + i};1\n" for i in range(4))
    assert "dépasse 2 lignes" in main(upload(client, dossier, content.encode())).get_text(" ")
    monkeypatch.setattr(importer, "MAX_SIZE", 10)
    assert "dépasse 1 Mo" in main(upload(client, dossier, content.encode())).get_text(" ")


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_import_pages_refusals(client_for, dossier, kind):
    vacance, _ = grid_world(dossier)
    client = client_for(dossier, kind)
    status = expected_status(kind, ALLOWED_WHEN_OPEN)
    assert client.get(url("valeurs_import", dossier)).status_code == status
    assert client.get(url("valeurs_import_modele", dossier)).status_code == status
    response = upload(client, dossier, f"indicateur;date;valeur\n{vacance.pk};2026;1\n".encode())
    if kind in TEAM:
        assert confirm(client, dossier, response).status_code == 302
        assert Mesure.objects.count() == 2
    else:
        assert response.status_code in {302, 400, 403, 404}
        assert Mesure.objects.count() == 1


def test_import_template_lists_the_indicators_to_fill(client_for, dossier):
    vacance, renoves = grid_world(dossier)
    response = client_for(dossier, "equipe").get(url("valeurs_import_modele", dossier))
    lines = response.content.decode("utf-8-sig").splitlines()
    today = datetime.date.today()
    quarter = f"{today.year}-T{(today.month - 1) // 3 + 1}"
    assert lines == [
        "indicateur;date;valeur;source;commentaire",
        f"{vacance.pk};{quarter};;LOVAC;",
        f"{renoves.pk};{quarter};;;",
    ]


def test_import_confirm_queries_do_not_grow(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    axe = AxeFactory(dossier=dossier)
    indicateurs = [IndicateurFactory(axe=axe)]
    state = {"n": 0}

    def grow():
        indicateurs.extend(IndicateurFactory(axe=axe) for _ in range(10))

    def run():
        state["n"] += 1
        content = "indicateur;date;valeur\n" + "".join(
            f"{i.pk};{2000 + state['n']};{state['n']}\n" for i in indicateurs
        )
        preview = upload(client, dossier, content.encode())
        assert preview.status_code == 200, main(preview).get_text(" ")
        empreinte = main(preview).select_one("input[name=empreinte]")["value"]
        from tests.utils import count_queries

        response, queries = count_queries(
            lambda: client.post(url("valeurs_import", dossier), {"confirm": "1", "empreinte": empreinte})
        )
        assert response.status_code == 302
        return len(queries)

    small, large = assert_queries_do_not_grow(run, grow=grow, warm=False)
    assert small == large
    assert Mesure.objects.count() == 1 + 11


def test_import_refuses_a_workbook_that_unpacks_too_big(client_for, dossier, settings):
    """A zip bomb is refused from the sizes its archive declares, before any sheet is read."""
    vacance, _ = grid_world(dossier)
    client = client_for(dossier, "equipe")
    workbook = Workbook()
    workbook.active.append(["Indicateur", "Date", "Valeur"])
    workbook.active.append([vacance.pk, "2026", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    settings.PVD_XLSX_MAX_UNCOMPRESSED = 2048
    before = vacance.mesures.count()
    response = upload(client, dossier, buffer.getvalue(), "valeurs.xlsx")
    assert response.status_code == 400
    assert "Le fichier décompressé dépasserait 2 ko" in main(response).get_text(" ")
    assert vacance.mesures.count() == before
