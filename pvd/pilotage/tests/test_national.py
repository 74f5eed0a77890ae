"""The département's and the nation's dashboards: figures on known data, the 18-month rule in
SQL against the rule in Python, access per role, filters, sorting, the XLSX export, and the
same number of queries for 3 and 60 dossiers."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.models import ConventionEtat, ConventionType
from pvd.conventions.tests.factories import ConventionFactory
from pvd.dossiers import deadline
from pvd.dossiers.models import Dossier, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.tests.factories import SeanceFactory
from pvd.pilotage import national
from pvd.suivi.tests.factories import IndicateurFactory, MesureFactory
from pvd.territoires.models import OrganisationType
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, OrganisationFactory, RegionFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, main

URL = reverse("pilotage:national")
XLSX_URL = reverse("pilotage:national_xlsx")
TODAY = timezone.localdate()


def _signed(dossier, kind, on):
    return ConventionFactory(dossier=dossier, kind=kind, etat=ConventionEtat.SIGNEE, date_signature=on)


def _cote_dor():
    return DepartementFactory(
        code="21", nom="Côte-d'Or", region=RegionFactory(code="27", nom="Bourgogne-Franche-Comté")
    )


@pytest.fixture
def known(db):
    """Three dossiers: two in Haute-Marne (52), one in Côte-d'Or (21)."""
    d1 = DossierFactory(nom="Alpha")  # 52: adhésion signed long ago → overdue; a chef; a fiche en cours
    _signed(d1, ConventionType.ADHESION, datetime.date(2020, 1, 15))
    MembreFactory(dossier=d1, role=Role.CHEF_DE_PROJET)
    fiche = FicheFactory(dossier=d1, statut="en_cours", maturite="operationnel")
    etat = OrganisationFactory(kind=OrganisationType.ETAT)
    LigneFactory(
        fiche=fiche, financeur=etat, dispositif="detr", montant=Decimal("10000"), statut="accorde", montant_verse=4000
    )
    LigneFactory(fiche=fiche, financeur=etat, dispositif="dsil", montant=Decimal("5000"), statut="sollicite")
    secret = FicheFactory(dossier=d1, statut="realise", confidentielle=True)
    LigneFactory(fiche=secret, dispositif="fonds_vert", montant=Decimal("99999"), statut="accorde")
    logements = IndicateurFactory(dossier=d1, catalogue="logements-renoves", unite="logements")
    MesureFactory(indicateur=logements, date=datetime.date(2024, 1, 1), valeur=Decimal("4"))
    MesureFactory(indicateur=logements, date=datetime.date(2025, 1, 1), valeur=Decimal("7"))
    hidden = IndicateurFactory(dossier=d1, fiche=secret, catalogue="logements-renoves", unite="logements")
    MesureFactory(indicateur=hidden, valeur=Decimal("1000"))

    d2 = DossierFactory(nom="Bravo")  # 52: adhésion signed 16 months ago → due soon; idle for 200 days
    _signed(d2, ConventionType.ADHESION, deadline.add_months(TODAY, -16))
    SeanceFactory(instance__dossier=d2, date=timezone.now() - datetime.timedelta(days=120))
    Dossier.objects.filter(pk=d2.pk).update(updated_at=timezone.now() - datetime.timedelta(days=200))

    commune = CommuneFactory(departement=_cote_dor(), codes_postaux=["21000"])
    d3 = DossierFactory(nom="Charlie", communes=[commune])  # 21: ORT (cadre signed, fiche à venir)
    _signed(d3, ConventionType.ADHESION, datetime.date(2023, 3, 1))
    _signed(d3, ConventionType.CADRE, datetime.date(2024, 6, 1))
    FicheFactory(dossier=d3, statut="a_venir", maturite="idee")
    mesure = IndicateurFactory(dossier=d3, catalogue="logements-renoves", unite="logements")
    MesureFactory(indicateur=mesure, date=datetime.date(2025, 3, 1), valeur=Decimal("3"))
    return d1, d2, d3


def _anct():
    return UserFactory(anct=True)


def _prefecture(code="52"):
    return UserFactory(prefecture=True, departement=DepartementFactory(code=code))


def _figures(user, **filters):
    scope = national.scope_for(user)
    return national.figures(national.dossiers(scope, filters))


def _by_code(rows):
    return {row["code"]: row["n"] for row in rows}


def test_figures_for_anct_hand_checked(known):
    figures = _figures(_anct())
    totals = figures["totals"]
    assert totals["dossiers"] == 3
    assert (totals["adhesion_signee"], totals["cadre_signee"]) == (3, 1)
    assert (totals["cadre_depassee"], totals["cadre_bientot"], totals["sans_activite"]) == (1, 1, 1)
    assert (totals["engagement_termine"], totals["engagement_en_cours"], totals["engagement_a_venir"]) == (1, 2, 0)
    assert _by_code(figures["by_phase"]) == {
        "adhesion": 0, "elaboration": 2, "ort": 1, "mise_en_oeuvre": 0, "cloture": 0
    }  # fmt: skip
    # Confidential fiche (and its 99,999 € of Fonds vert, its indicator) never counted.
    assert figures["fiches_total"] == 2
    assert _by_code(figures["fiches_by_statut"])["realise"] == 0
    assert _by_code(figures["fiches_by_maturite"]) == {"idee": 1, "etude": 0, "operationnel": 1}
    money = {row["code"]: row for row in figures["money_by_dispositif"]}
    assert set(money) == {"detr", "dsil"}
    assert (money["detr"]["demande"], money["detr"]["accorde"]) == (Decimal("10000"), Decimal("10000"))
    assert (money["dsil"]["sollicite"], money["dsil"]["accorde"]) == (Decimal("5000"), None)
    assert [row["code"] for row in figures["money_by_kind"]] == [OrganisationType.ETAT]
    assert figures["money_total"]["demande"] == Decimal("15000")
    assert (money["detr"]["verse"], figures["money_total"]["verse"]) == (Decimal("4000"), Decimal("4000"))  # paid
    [indicateur] = figures["indicateurs"]
    assert (indicateur["total"], indicateur["dossiers"], indicateur["unite"]) == (Decimal("10"), 2, "logements")
    departements = {d["code"]: d["total"] for d in figures["by_departement"]}
    assert departements == {"21": 1, "52": 2}


def test_phase_mise_en_oeuvre_and_cloture(known):
    d1, _d2, d3 = known
    _signed(d1, ConventionType.CADRE, TODAY)
    Dossier.objects.filter(pk=d3.pk).update(cloture_le=TODAY)
    phases = _by_code(_figures(_anct())["by_phase"])
    assert (phases["mise_en_oeuvre"], phases["cloture"], phases["elaboration"]) == (1, 1, 1)


def test_prefecture_sees_its_departement_only(known):
    figures = _figures(_prefecture("52"))
    assert figures["totals"]["dossiers"] == 2
    assert figures["indicateurs"][0]["total"] == Decimal("7")
    assert [d["code"] for d in figures["by_departement"]] == ["52"]
    other = _figures(_prefecture("2A"))
    assert other["totals"]["dossiers"] == 0 and other["fiches_total"] == 0


def test_filters(known):
    user = _anct()
    assert _figures(user, phase="ort")["totals"]["dossiers"] == 1
    assert _figures(user, region=RegionFactory(code="27"))["totals"]["dossiers"] == 1
    assert _figures(user, departement=DepartementFactory(code="52"))["totals"]["dossiers"] == 2
    assert _figures(user, epci=known[0].epci)["totals"]["dossiers"] == 1


def test_echeance_thresholds_follow_the_rule():
    """The two dates used in SQL classify every signature date as `deadline.echeance` does
    (month ends included: 31 August, 29 February)."""
    for today, offset in itertools.product(
        (datetime.date(2026, 8, 31), datetime.date(2024, 2, 29), datetime.date(2025, 12, 2)), range(-800, 200)
    ):
        overdue_before, warning_until = national.echeance_thresholds(today)
        signed = deadline.add_months(today, -18) + datetime.timedelta(days=offset)
        expected = deadline.echeance(adhesion_signed_on=signed, cadre_signed_on=None, today=today).state
        sql = (
            deadline.DEPASSEE
            if signed < overdue_before
            else deadline.BIENTOT
            if signed <= warning_until
            else deadline.DANS_LES_TEMPS
        )
        assert sql == expected, (today, signed)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_page_per_role(known, client_for, kind):
    client = client_for(known[0], kind)
    response = client.get(URL)
    if kind in ("prefecture", "prefecture_autre", "anct"):
        assert response.status_code == 200
        names = {a.get_text() for a in main(response).select("#table-dossiers tbody a")}
        expected = {"anct": {"Alpha", "Bravo", "Charlie"}, "prefecture": {"Alpha", "Bravo"}}.get(kind, set())
        assert names == expected
        assert client.get(XLSX_URL).status_code == 200
    else:
        assert_refused(response, kind if kind == "anonymous" else "equipe")
        assert_refused(client.get(XLSX_URL), kind if kind == "anonymous" else "equipe")


def test_page_shows_the_figures(known, client):
    client.force_login(_prefecture("52"))
    content = main(client.get(URL))
    cles = content.select_one("#chiffres-cles").get_text(" ", strip=True)
    assert "2 dossiers" in cles and "Côte-d'Or" not in content.get_text()
    rows = [[c.get_text(strip=True) for c in tr.select("td")] for tr in content.select("#table-phases tbody tr")]
    assert ["Élaboration du projet de territoire", "2"] in rows
    bravo = content.select_one("#table-dossiers tbody tr:nth-of-type(2)")
    assert "Bravo" in bravo.get_text() and "Sans activité" in bravo.get_text() and "Échéance proche" in bravo.get_text()
    detr = content.select_one("#table-financements-dispositif tbody tr").get_text(" ", strip=True)
    assert detr.startswith("DETR") and "10\xa0000" in detr


def test_prefecture_cannot_filter_another_departement(known, client):
    client.force_login(_prefecture("52"))
    content = main(client.get(URL, {"departement": "21"}))
    assert "Un filtre n'est pas valide" in content.get_text()
    assert not content.select("#table-dossiers tbody a")


def test_sort_and_pagination(known, client, monkeypatch):
    client.force_login(_anct())
    names = lambda response: [a.get_text() for a in main(response).select("#table-dossiers tbody a")]  # noqa: E731
    assert names(client.get(URL, {"tri": "-demande"})) == ["Alpha", "Bravo", "Charlie"]
    assert names(client.get(URL, {"tri": "phase"})) == ["Alpha", "Bravo", "Charlie"]
    assert names(client.get(URL, {"tri": "-phase"})) == ["Charlie", "Alpha", "Bravo"]
    assert names(client.get(URL, {"tri": "activite"}))[0] == "Bravo"
    assert names(client.get(URL, {"tri": "password"})) == ["Alpha", "Bravo", "Charlie"]  # not whitelisted: by name
    header = main(client.get(URL, {"tri": "-demande"})).select_one("th[aria-sort]")
    assert header["aria-sort"] == "descending" and "tri=demande" in header.a["href"]
    monkeypatch.setattr(national, "PAGE_SIZE", 2)
    second = client.get(URL, {"tri": "nom", "page": 2})
    assert names(second) == ["Charlie"]


def test_xlsx_read_back(known, client):
    Dossier.objects.filter(pk=known[0].pk).update(nom='=HYPERLINK("http://x","y")')
    client.force_login(_anct())
    response = client.get(XLSX_URL, {"phase": "elaboration", "tri": "-demande"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Dossier" and len(rows) == 3
    assert rows[1][0] == '=HYPERLINK("http://x","y")' and sheet["A2"].data_type == "s"
    assert rows[1][4] == "Élaboration du projet de territoire" and rows[1][6] == "Échéance dépassée"
    assert (rows[1][8], rows[1][9], rows[1][10]) == (1, 15000, 10000)
    assert rows[2][0] == "Bravo" and rows[2][12] == "oui"


def _grow(count):
    def grow():
        for n in range(count):
            dossier = DossierFactory()
            _signed(dossier, ConventionType.ADHESION, datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
            fiche = FicheFactory(dossier=dossier, statut="en_cours")
            LigneFactory(fiche=fiche, dispositif=["detr", "dsil", "anah"][n % 3])
            MesureFactory(indicateur=IndicateurFactory(dossier=dossier, catalogue=f"cle-{n % 4}", unite="m²"))
            if n % 2:
                _signed(dossier, ConventionType.CADRE, datetime.date(2025, 1, 1))

    return grow


@pytest.mark.parametrize("url", [URL, XLSX_URL])
def test_queries_do_not_grow_from_3_to_60_dossiers(known, client, url):
    client.force_login(_anct())
    small, large = assert_queries_do_not_grow(lambda: client.get(url, {"tri": "-activite"}), grow=_grow(57))
    assert Dossier.objects.count() == 60
    if url == URL:
        assert "60 dossiers" in main(large).select_one("#chiffres-cles").get_text()


@pytest.mark.parametrize("kind", ["anonymous", "chef_de_projet", "prefecture", "anct"])
def test_header_and_list_link_for_state_users(known, client_for, kind):
    client = client_for(known[0], kind)
    links = [a["href"] for a in main_page_links(client.get(reverse("core:accessibilite")))]
    assert (URL in links) is (kind in ("prefecture", "anct"))
    if kind != "anonymous":
        content = main(client.get(reverse("dossiers:list")))
        assert bool(content.select(f'a[href="{URL}"]')) is (kind in ("prefecture", "anct"))


def main_page_links(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content, "html.parser").select("#fr-navigation a.fr-nav__link")
