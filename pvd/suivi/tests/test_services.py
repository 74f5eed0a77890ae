import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pvd.actions.tests.factories import FicheFactory
from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi import services
from pvd.suivi.models import Frequence, Indicateur

from .factories import MesureFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def create(dossier, **kwargs):
    return services.indicateur_create(dossier=dossier, nom="Taux de vacance", kind="resultat", unite="%", **kwargs)


def test_indicator_on_an_axe_or_a_fiche_of_the_dossier(dossier):
    axe, fiche = AxeFactory(dossier=dossier), FicheFactory(dossier=dossier)
    on_axe = create(dossier, axe=axe, valeur_initiale=Decimal("11.2"), date_initiale=D(2020, 1, 1))
    on_fiche = create(dossier, fiche=fiche, frequence=Frequence.ANNUELLE)
    assert (on_axe.axe, on_axe.fiche, on_fiche.axe, on_fiche.fiche) == (axe, None, None, fiche)
    assert list(axe.indicateurs.all()) == [on_axe] and list(fiche.indicateurs.all()) == [on_fiche]


def test_axe_of_another_dossier_is_refused(dossier):
    with pytest.raises(ValidationError, match="n'appartient pas à ce dossier"):
        create(dossier, axe=AxeFactory(dossier=DossierFactory()))
    assert not Indicateur.objects.exists()


def test_fiche_of_another_dossier_is_refused(dossier):
    with pytest.raises(ValidationError, match="n'appartient pas à ce dossier"):
        create(dossier, fiche=FicheFactory(dossier=DossierFactory()))
    assert not Indicateur.objects.exists()


def test_both_an_axe_and_a_fiche_or_neither_is_refused(dossier):
    with pytest.raises(ValidationError, match="pas aux deux"):
        create(dossier, axe=AxeFactory(dossier=dossier), fiche=FicheFactory(dossier=dossier))
    with pytest.raises(ValidationError, match="se rattache à un axe stratégique ou à une fiche action"):
        create(dossier)
    assert not Indicateur.objects.exists()


def test_target_deadline_before_the_reference_date_is_refused(dossier):
    with pytest.raises(ValidationError, match="L'échéance de la cible doit suivre"):
        create(dossier, axe=AxeFactory(dossier=dossier), date_initiale=D(2024, 1, 1), echeance=D(2023, 12, 31))
    assert not Indicateur.objects.exists()


def test_update_changes_only_the_editable_fields(dossier):
    indicateur = create(dossier, axe=AxeFactory(dossier=dossier))
    services.indicateur_update(indicateur=indicateur, cible=Decimal("8"), echeance=D(2030, 12, 31), source="LOVAC")
    indicateur.refresh_from_db()
    assert (indicateur.cible, indicateur.echeance, indicateur.source) == (Decimal("8"), D(2030, 12, 31), "LOVAC")
    with pytest.raises(ValueError, match="axe"):
        services.indicateur_update(indicateur=indicateur, axe=AxeFactory(dossier=DossierFactory()))
    with pytest.raises(ValidationError):
        services.indicateur_update(indicateur=indicateur, unite="")
    indicateur.refresh_from_db()
    assert indicateur.unite == "%"


def test_delete_with_measures_is_refused(dossier):
    indicateur = create(dossier, axe=AxeFactory(dossier=dossier))
    MesureFactory(indicateur=indicateur)
    with pytest.raises(ValidationError, match="déjà des mesures"):
        services.indicateur_delete(indicateur=indicateur)
    assert Indicateur.objects.filter(pk=indicateur.pk).exists()


def test_delete_without_measures(dossier):
    indicateur = create(dossier, fiche=FicheFactory(dossier=dossier))
    services.indicateur_delete(indicateur=indicateur)
    assert not Indicateur.objects.exists()


def test_unknown_catalogue_key_is_refused(db):
    axe = AxeFactory()
    with pytest.raises(ValidationError) as error:
        services.indicateur_create(
            dossier=axe.dossier, axe=axe, nom="X", kind="resultat", unite="%", catalogue="inventé"
        )
    assert error.value.message_dict == {"catalogue": ["Modèle du catalogue inconnu."]}
    assert not Indicateur.objects.exists()
    services.indicateur_create(
        dossier=axe.dossier, axe=axe, nom="X", kind="resultat", unite="%", catalogue="population"
    )
