"""The three more demo dossiers: the demo préfecture (Haute-Marne) sees three dossiers on its
dashboard, ANCT four; seeding twice adds nothing."""

import pytest
from django.urls import reverse

from pvd.actions.models import FicheAction, LigneFinancement
from pvd.comptes.models import User
from pvd.dossiers import demo
from pvd.dossiers.models import Dossier
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory, RegionFactory
from tests.utils import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    haute_marne = DepartementFactory(code="52")
    CommuneFactory(code="52269", nom="Langres", epci=EpciFactory(siren="200072999"), departement=haute_marne)
    CommuneFactory(code="52250", nom="Joinville", departement=haute_marne)
    CommuneFactory(code="52550", nom="Wassy", departement=haute_marne)
    cote_dor = DepartementFactory(code="21", nom="Côte-d'Or", region=RegionFactory(code="27", nom="Bourgogne"))
    CommuneFactory(code="21425", nom="Montbard", departement=cote_dor)


def _dashboard(client, email):
    client.force_login(User.objects.get(email=email))
    return main(client.get(reverse("pilotage:national")))


def test_demo_dashboards_of_the_prefecture_and_anct(client, communes):
    demo.seed_all()
    counts = (Dossier.objects.count(), FicheAction.objects.count(), LigneFinancement.objects.count())
    demo.seed_all()
    assert (Dossier.objects.count(), FicheAction.objects.count(), LigneFinancement.objects.count()) == counts
    prefecture = _dashboard(client, "prefecture@demo.pvd.fr")
    names = [a.get_text() for a in prefecture.select("#table-dossiers tbody td:first-child a")]
    assert names == ["Joinville", "Langres", "Wassy"]
    [idle] = [li for li in prefecture.select("#chiffres-cles li") if "sans activité" in li.get_text()]
    assert idle.strong.get_text() == "1"  # Wassy
    anct = _dashboard(client, "anct@demo.pvd.fr")
    names = [a.get_text() for a in anct.select("#table-dossiers tbody td:first-child a")]
    assert names == ["Joinville", "Langres", "Montbard", "Wassy"]
    phases = {
        tr.select("td")[0].get_text(): tr.select("td")[1].get_text() for tr in anct.select("#table-phases tbody tr")
    }
    assert phases["Mise en œuvre"] == "1"  # Montbard: convention-cadre signed, a fiche en cours
