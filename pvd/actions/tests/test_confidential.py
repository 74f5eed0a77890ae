"""The confidential fiche is left out of every view a non-team role sees, and a few filters."""

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pvd.actions import demo
from pvd.actions.models import FicheAction, FicheStatut, LigneFinancement, StatutFinancement
from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory
from pvd.actions.tests.test_views import TEAM, url
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.demo import DemoContext

pytestmark = pytest.mark.django_db
SECRET = "Acquisition foncière secrète"
VIEWERS = ["chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"]


@pytest.fixture
def fiches(dossier):
    public = FicheFactory(dossier=dossier, titre="Halle", located=True, inscrite_crte=True, cout_ht=Decimal("1000"))
    secret = FicheFactory(
        dossier=dossier, confidential=True, located=True, inscrite_crte=True, cout_ht=Decimal("777777")
    )
    funder = OrganisationFactory(nom="Fonds secret", kind="bdt")
    LigneFactory(fiche=secret, financeur=funder, montant=Decimal("55555"))
    LigneFactory(fiche=public, montant=Decimal("100"))
    return public, secret


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("kind", VIEWERS)
def test_confidential_left_out_of_maquette_exports_gantt_and_map(client_for, dossier, fiches, kind, main):
    public, secret = fiches
    client = client_for(dossier, kind)
    shown = kind in TEAM

    maquette = main(client.get(url("maquette", dossier))).get_text()
    assert ("Fonds secret" in maquette) is shown
    assert ("777" in maquette.replace("\xa0", "").replace(" ", "")) is shown
    maquette_xlsx = _xlsx_text(client.get(url("maquette_xlsx", dossier)).content)
    assert ("Fonds secret" in maquette_xlsx) is shown
    assert (SECRET in _xlsx_text(client.get(url("plan_xlsx", dossier)).content)) is shown
    assert (SECRET in _xlsx_text(client.get(url("crte_export", dossier)).content)) is shown
    crte_csv = client.get(url("crte_export", dossier), {"format": "csv"}).content.decode("utf-8-sig")
    assert (SECRET in crte_csv) is shown

    page = main(client.get(url("plan", dossier)))
    calendar = {row["data-fiche"] for row in page.select("#gantt tbody tr")}
    points = json.loads(page.select_one("#points-data").string)
    assert (str(secret.pk) in calendar) is shown
    assert str(public.pk) in calendar
    assert any(SECRET in p["titre"] for p in points) is shown
    assert any("Halle" in p["titre"] for p in points)


def test_filter_by_maitre_ouvrage(client_for, dossier, main):
    commune = OrganisationFactory(nom="Commune de Test", kind="commune")
    epci = OrganisationFactory(nom="Communauté de communes", kind="epci")
    FicheFactory(dossier=dossier, titre="Par la commune", maitre_ouvrage=commune)
    FicheFactory(dossier=dossier, titre="Par l'EPCI", maitre_ouvrage=epci)
    FicheFactory(dossier=dossier, titre="Sans maître d'ouvrage")
    page = main(client_for(dossier, "lecteur").get(url("plan", dossier), {"maitre_ouvrage": commune.pk}))
    titles = [a.get_text(strip=True) for a in page.select("#plan-table tbody td a")]
    assert titles == ["Par la commune"]
    options = [o.get_text(strip=True) for o in page.select("select[name=maitre_ouvrage] option")]
    assert "Commune de Test" in options and "Communauté de communes" in options


def test_demo_has_every_fiche_and_financing_status(dossier):
    demo.seed(DemoContext(dossier, users={"chef@demo.pvd.fr": UserFactory()}))
    statuts = set(FicheAction.objects.filter(dossier=dossier).values_list("statut", flat=True))
    assert statuts == set(FicheStatut.values) and len(statuts) == 6
    lignes = set(LigneFinancement.objects.filter(fiche__dossier=dossier).values_list("statut", flat=True))
    assert lignes == set(StatutFinancement.values) and len(lignes) == 3


def _titles(client, dossier, main, **params):
    page = main(client.get(url("plan", dossier), params))
    return [a.get_text(strip=True) for a in page.select("#plan-table tbody td a")]


def test_sort_by_axe_and_maitre_ouvrage_blanks_last(client_for, dossier, main):
    from pvd.actions.tests.factories import AxeFactory

    axe1, axe2 = AxeFactory(dossier=dossier, numero=1), AxeFactory(dossier=dossier, numero=2)
    zoo = OrganisationFactory(nom="Zoo municipal", kind="autre")
    b = FicheFactory(dossier=dossier, numero=1, titre="B", maitre_ouvrage=zoo)
    a = FicheFactory(dossier=dossier, numero=2, titre="A", maitre_ouvrage_texte="Association des commerçants")
    FicheFactory(dossier=dossier, numero=3, titre="Sans")
    b.axes.set([axe2])
    a.axes.set([axe1, axe2])
    client = client_for(dossier, "lecteur")
    assert _titles(client, dossier, main, sort="axe") == ["A", "B", "Sans"]
    assert _titles(client, dossier, main, sort="-axe") == ["B", "A", "Sans"]
    assert _titles(client, dossier, main, sort="maitre_ouvrage") == ["A", "B", "Sans"]
    assert _titles(client, dossier, main, sort="-maitre_ouvrage") == ["B", "A", "Sans"]
    page = main(client.get(url("plan", dossier)))
    headers = {a.get_text(strip=True): a["href"] for a in page.select("#plan-table thead a")}
    assert "sort=axe" in headers["Axes"] and "sort=maitre_ouvrage" in headers["Maître d'ouvrage"]


def test_sort_by_status_in_programme_order(client_for, dossier, main):
    for numero, statut in enumerate(["abandonne", "realise", "bloque", "en_pause", "en_cours", "a_venir"], start=1):
        FicheFactory(dossier=dossier, numero=numero, titre=statut, statut=statut)
    client = client_for(dossier, "lecteur")
    expected = ["a_venir", "en_cours", "en_pause", "bloque", "realise", "abandonne"]
    assert _titles(client, dossier, main, sort="statut") == expected
    assert _titles(client, dossier, main, sort="-statut") == expected[::-1]


@pytest.mark.parametrize("sort", ["debut", "-debut", "fin", "-fin", "cout", "-cout"])
def test_blanks_last_in_both_directions(client_for, dossier, main, sort):
    import datetime

    FicheFactory(dossier=dossier, numero=1, titre="Vide", date_debut=None, date_fin=None, cout_ht=None)
    early, late = datetime.date(2024, 1, 1), datetime.date(2025, 1, 1)
    FicheFactory(dossier=dossier, numero=2, titre="Tôt", date_debut=early, date_fin=early, cout_ht=Decimal("1"))
    FicheFactory(dossier=dossier, numero=3, titre="Tard", date_debut=late, date_fin=late, cout_ht=Decimal("2"))
    titles = _titles(client_for(dossier, "lecteur"), dossier, main, sort=sort)
    assert titles[-1] == "Vide"
    assert titles[:2] == (["Tard", "Tôt"] if sort.startswith("-") else ["Tôt", "Tard"])


# --- Nits: history numbers, year filter, CRTE orientations -------------------------------------


def test_history_shows_coordinates_in_french(dossier):
    from pvd.actions import services

    fiche = FicheFactory(dossier=dossier)
    services.fiche_update(fiche=fiche, by=None, latitude=Decimal("47.862000"), longitude=Decimal("5.333"))
    rows = set(fiche.historique.values_list("champ", "nouveau"))
    assert ("latitude", "47,862") in rows and ("longitude", "5,333") in rows
    count = fiche.historique.count()
    services.fiche_update(fiche=fiche, by=None, latitude=Decimal("47.862"), longitude=Decimal("5.333000"))
    assert fiche.historique.count() == count  # the same point, written differently: no change


def test_year_filter_finds_fiche_with_only_an_end_date(client_for, dossier, main):
    import datetime

    FicheFactory(dossier=dossier, titre="Fin seule", date_debut=None, date_fin=datetime.date(2027, 6, 30))
    client = client_for(dossier, "lecteur")
    assert _titles(client, dossier, main, annee=2027) == ["Fin seule"]
    options = [o["value"] for o in main(client.get(url("plan", dossier))).select("select[name=annee] option")]
    assert "2027" in options


def test_crte_export_has_the_axes_orientations(client_for, dossier):
    from pvd.actions.tests.factories import AxeFactory

    axe1 = AxeFactory(dossier=dossier, numero=1, orientations_crte=["habitat", "mobilites"])
    axe2 = AxeFactory(dossier=dossier, numero=2, orientations_crte=["mobilites", "cohesion_sociale"])
    fiche = FicheFactory(dossier=dossier, titre="Gare", inscrite_crte=True)
    fiche.axes.set([axe1, axe2])
    client = client_for(dossier, "prefecture")
    book = load_workbook(io.BytesIO(client.get(url("crte_export", dossier)).content))
    header = [c.value for c in book["Fiches"][1]]
    row = [c.value for c in book["Fiches"][2]]
    column = header.index("Orientations du CRTE (par les axes)")
    assert row[column] == "Habitat et cadre de vie ; Mobilités ; Cohésion sociale et territoriale"
    raw = client.get(url("crte_export", dossier), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Habitat et cadre de vie ; Mobilités ; Cohésion sociale et territoriale" in raw
