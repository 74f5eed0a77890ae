"""Snapshots of the fragments that matter on the key pages, and of the queries those pages make.

A change of template or of query shows here as a diff to read. When it is wanted, rewrite the
snapshots with `SNAPSHOT_UPDATE=1 .venv/bin/pytest -n0 tests/test_snapshots.py` (on SQLite and on
PostgreSQL they are the same files) and commit them with the change.

The data is fixed (names, numbers, dates, amounts) and the day is fixed too: nothing depends on
the order the tests run in or on the date they run."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions import services as convention_services
from pvd.conventions.models import ConventionType
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.tests.factories import InstanceFactory
from pvd.territoires.models import OrganisationType
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory, OrganisationFactory
from tests.utils import assert_snapshot, count_queries, main, normalise_html, normalise_sql

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    """The pages read « today » through django.utils.timezone: a fixed Monday at noon."""
    moment = timezone.make_aware(datetime.datetime(2025, 6, 2, 12, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: TODAY)


@pytest.fixture
def langres():
    """A dossier with fixed names: one commune, a chef de projet, a plan of two fiches with their
    funding, a comité de projet and a convention d'adhésion half signed."""
    epci = EpciFactory(siren="200069987", nom="Communauté de communes du Grand Langres")
    commune = CommuneFactory(code="52269", nom="Langres", epci=epci)
    dossier = DossierFactory(nom="Langres", epci=epci, communes=[commune])
    user = UserFactory(email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    MembreFactory(dossier=dossier, user=user, role=Role.CHEF_DE_PROJET)
    etat = OrganisationFactory(nom="État", kind=OrganisationType.ETAT)
    region = OrganisationFactory(nom="Région Grand Est", kind=OrganisationType.REGION)
    halle = FicheFactory(
        dossier=dossier,
        numero=1,
        titre="Réhabilitation de la halle",
        date_debut=datetime.date(2025, 1, 1),
        date_fin=datetime.date(2026, 6, 30),
        cout_ht=Decimal("250000"),
        inscrite_crte=True,
    )
    LigneFactory(fiche=halle, financeur=etat, dispositif="detr", montant=Decimal("100000"), statut="accorde")
    LigneFactory(fiche=halle, financeur=region, dispositif="autre", montant=Decimal("50000"), statut="sollicite")
    FicheFactory(
        dossier=dossier,
        numero=2,
        titre="Maison de santé",
        date_debut=datetime.date(2025, 9, 1),
        date_fin=datetime.date(2027, 12, 31),
        cout_ht=Decimal("1200000"),
    )
    InstanceFactory(dossier=dossier, nom="Comité de projet")
    convention = convention_services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    # The commune, the EPCI and the préfet are added with the convention: the maire is named.
    maire = convention.signataires.get(organisation__kind=OrganisationType.COMMUNE)
    convention.signataires.filter(pk=maire.pk).update(
        representant="Anne Rousseau", engagements="Mettre à disposition un chef de projet."
    )
    maire.refresh_from_db()
    convention_services.signature_record(signataire=maire, signe_le=datetime.date(2025, 3, 14))
    client = _client(user)
    return {"dossier": dossier, "fiche": halle, "convention": convention, "client": client}


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _url(name, data, **kwargs):
    return reverse(name, kwargs={"dossier_pk": data["dossier"].pk, **kwargs})


PAGES = {
    "dossier_home": lambda d: _url("dossiers:detail", d),
    "plan": lambda d: _url("actions:plan", d),
    "fiche": lambda d: _url("actions:fiche", d, fiche_pk=d["fiche"].pk),
    "gouvernance_index": lambda d: _url("gouvernance:index", d),
    "conventions_index": lambda d: _url("conventions:index", d),
}

FRAGMENTS = [
    ("dossier_home", "#etapes", "dossier_home_steps.html"),
    ("plan", "#plan-table", "plan_table.html"),
    ("fiche", "h1, #etat", "fiche_header.html"),
    ("convention", "#signataires-table", "convention_signatories.html"),
]


@pytest.mark.parametrize(("page", "selector", "name"), FRAGMENTS, ids=[f[2] for f in FRAGMENTS])
def test_fragment(langres, page, selector, name):
    if page == "convention":
        url = _url("conventions:detail", langres, pk=langres["convention"].pk)
    else:
        url = PAGES[page](langres)
    response = langres["client"].get(url)
    assert response.status_code == 200
    nodes = main(response).select(selector)
    assert nodes, selector
    assert_snapshot("".join(normalise_html(node) for node in nodes), f"html/{name}")


@pytest.mark.parametrize("page", list(PAGES))
def test_queries(langres, page):
    client, url = langres["client"], PAGES[page](langres)
    client.get(url)  # caches warmed (ContentType, the session's user)
    response, queries = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert_snapshot(normalise_sql(queries), f"sql/{page}.sql")
