"""The demo's AFOM, plans, studies and initiatives of Langres: seeded once, a second run changes nothing."""

from decimal import Decimal

import pytest

from pvd.diagnostic import demo as diagnostic_demo
from pvd.diagnostic.models import AfomItem, DocumentPlanification, Donnee, Etude, Initiative
from pvd.documents.models import Document
from pvd.dossiers import demo
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

pytestmark = pytest.mark.django_db


def _state(dossier):
    return (
        list(AfomItem.objects.filter(dossier=dossier).values_list("theme", "categorie", "ordre", "texte")),
        list(AfomItem.donnees.through.objects.values_list("afomitem_id", "donnee_id")),
        list(DocumentPlanification.objects.filter(dossier=dossier).values_list("nom", "statut")),
        list(Etude.objects.filter(dossier=dossier).values_list("objet", "livrable_id")),
        list(Initiative.objects.filter(dossier=dossier).values_list("nom", "porteur_kind")),
        Document.objects.filter(dossier=dossier).count(),
    )


def test_demo_is_seeded_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    DepartementFactory()
    CommuneFactory(code=demo.DEMO_COMMUNE, nom="Langres", epci=EpciFactory(nom="CC du Grand Langres"))
    context = demo.seed()
    dossier = context.dossier
    vacance = Donnee.objects.create(
        dossier=dossier,
        theme="habitat",
        indicateur="taux_vacance",
        libelle="Taux de logements vacants",
        echelle="commune",
        valeur=Decimal("14.2"),
        unite="%",
        source="INSEE, recensement de la population 2021",
        millesime="2021",
    )
    diagnostic_demo._seed_afom(context)
    diagnostic_demo._seed_references(context)
    first = _state(dossier)
    diagnostic_demo._seed_afom(context)
    diagnostic_demo._seed_references(context)
    assert _state(dossier) == first
    themes = set(AfomItem.objects.filter(dossier=dossier).values_list("theme", flat=True))
    assert len(themes) >= 8
    assert list(vacance.afom_items.values_list("theme", "categorie")) == [("habitat", "faiblesse")]
    assert {p.kind for p in DocumentPlanification.objects.filter(dossier=dossier)} == {
        "scot",
        "plui",
        "spr",
        "pcaet",
        "pat",
    }
    etudes = {e.objet: e for e in Etude.objects.filter(dossier=dossier)}
    assert len(etudes) == 2
    livrable = etudes["Étude de revitalisation commerciale du centre-ville"].livrable
    assert livrable.kind == "etude"
    with livrable.versions.get().file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")
    assert etudes["Étude pré-opérationnelle d'OPAH-RU du centre ancien"].livrable is None
    assert Initiative.objects.filter(dossier=dossier).count() == 3
