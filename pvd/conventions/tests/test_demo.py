import datetime

import pytest

from pvd.conventions import demo, steps
from pvd.conventions.models import Convention, ConventionEtat, ConventionType, Signataire
from pvd.dossiers import demo as dossiers_demo
from pvd.territoires.models import Organisation
from pvd.territoires.services import prefecture_organisation
from pvd.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    CommuneFactory(code="52269", nom="Langres")
    context = dossiers_demo.seed()
    demo.seed(context)
    counts = (Convention.objects.count(), Signataire.objects.count(), Organisation.objects.count())
    demo.seed(dossiers_demo.seed())
    assert (Convention.objects.count(), Signataire.objects.count(), Organisation.objects.count()) == counts
    adhesion = Convention.objects.get(kind=ConventionType.ADHESION)
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == datetime.date(2021, 6, 18)
    assert set(adhesion.signataires.values_list("organisation__nom", flat=True)) == {
        "Commune de Langres",
        context.dossier.epci.nom,
        prefecture_organisation(context.dossier.communes.get().departement).nom,
    }
    # The required signatories added with the convention are completed, not doubled.
    assert sorted(adhesion.signataires.values_list("representant", "requis")) == [
        ("Anne Rousseau", True),
        ("Jacques Moreau", True),
        ("Le préfet de la Haute-Marne", True),
    ]
    cadre = Convention.objects.get(kind=ConventionType.CADRE)
    assert list(cadre.signataires.order_by("ordre").values_list("representant", "requis")) == [
        ("Anne Rousseau", True),
        ("Jacques Moreau", True),
        ("Le préfet de la Haute-Marne", True),
        ("La directrice régionale Grand Est", False),
    ]
    assert cadre.etat == ConventionEtat.EN_SIGNATURE
    assert cadre.signataires.filter(signe_le__isnull=False).count() == 2
    assert steps.phase(context.dossier) == "elaboration"
