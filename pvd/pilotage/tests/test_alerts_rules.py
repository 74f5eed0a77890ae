"""Each alert rule at its boundary, the confidentiality of what they name, and their query count."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pvd.actions.models import Etape, FicheStatut
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import ConventionFactory
from pvd.dossiers.models import Role
from pvd.dossiers.perms import Access
from pvd.dossiers.tests.factories import DossierFactory
from pvd.gouvernance.models import Instance
from pvd.gouvernance.tests.factories import InstanceFactory, SeanceFactory
from pvd.pilotage import alerts
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi.models import Frequence
from pvd.suivi.tests.factories import IndicateurFactory, MesureFactory
from tests.utils import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
TEAM = Access(Role.EQUIPE)
D = datetime.date


def kinds(dossier, access=TEAM, today=TODAY):
    return [(a.kind, a.key) for a in alerts.dossier_alerts(dossier, access, today=today)]


def keys_of(dossier, kind, today=TODAY, access=TEAM):
    return [a.key for a in alerts.dossier_alerts(dossier, access, today=today) if a.kind == kind]


# Late fiches --------------------------------------------------------------------------------


def test_a_fiche_is_late_the_day_after_its_end_date(dossier):
    fiche = FicheFactory(dossier=dossier, date_fin=D(2026, 3, 9), statut=FicheStatut.EN_COURS)
    assert keys_of(dossier, alerts.FICHE_EN_RETARD, today=D(2026, 3, 9)) == []
    assert keys_of(dossier, alerts.FICHE_EN_RETARD, today=D(2026, 3, 10)) == [f"fiche-en-retard:{fiche.pk}:2026-03-09"]
    alerte = alerts.dossier_alerts(dossier, TEAM, today=TODAY)[0]
    assert alerte.url == f"/dossiers/{dossier.pk}/plan-action/fiches/{fiche.pk}/"
    assert alerte.text == f"Fiche {fiche.numero} « {fiche.titre} » : fin prévue le 09/03/2026, statut « En cours »."
    assert alerte.date == D(2026, 3, 9)


@pytest.mark.parametrize("statut", [FicheStatut.REALISE, FicheStatut.ABANDONNE])
def test_a_closed_fiche_is_never_late(dossier, statut):
    FicheFactory(dossier=dossier, date_fin=D(2025, 1, 1), statut=statut)
    assert keys_of(dossier, alerts.FICHE_EN_RETARD) == []


def test_a_fiche_without_end_date_is_not_late(dossier):
    FicheFactory(dossier=dossier, date_debut=None, date_fin=None)
    assert kinds(dossier) == []


# Overdue étapes ----------------------------------------------------------------------------


def test_an_etape_is_late_the_day_after_its_date_until_done(dossier):
    fiche = FicheFactory(dossier=dossier, date_fin=D(2027, 1, 1))
    etape = Etape.objects.create(fiche=fiche, nom="Dépôt du permis", date=D(2026, 3, 9))
    assert keys_of(dossier, alerts.ETAPE_EN_RETARD, today=D(2026, 3, 9)) == []
    assert keys_of(dossier, alerts.ETAPE_EN_RETARD) == [f"etape-en-retard:{etape.pk}:2026-03-09"]
    assert alerts.dossier_alerts(dossier, TEAM, today=TODAY)[0].url.endswith(f"/fiches/{fiche.pk}/#etapes")
    etape.faite = True
    etape.save()
    assert keys_of(dossier, alerts.ETAPE_EN_RETARD) == []


def test_the_etapes_of_a_closed_fiche_are_not_late(dossier):
    fiche = FicheFactory(dossier=dossier, date_fin=D(2025, 1, 1), statut=FicheStatut.REALISE)
    Etape.objects.create(fiche=fiche, nom="Réception", date=D(2025, 1, 1))
    assert kinds(dossier) == []


# Financing without answer -----------------------------------------------------------------


def test_a_request_is_unanswered_after_more_than_six_months(dossier):
    fiche = FicheFactory(dossier=dossier, date_fin=D(2027, 1, 1))
    ligne = LigneFactory(fiche=fiche, statut="sollicite", date=D(2025, 9, 10))
    # 10 September → 10 March: exactly six months, not more.
    assert keys_of(dossier, alerts.FINANCEMENT_SANS_REPONSE, today=D(2026, 3, 10)) == []
    assert keys_of(dossier, alerts.FINANCEMENT_SANS_REPONSE, today=D(2026, 3, 11)) == [
        f"financement-sans-reponse:{ligne.pk}:2025-09-10"
    ]


def test_six_months_after_the_end_of_august_is_the_end_of_february(dossier):
    fiche = FicheFactory(dossier=dossier, date_fin=D(2027, 1, 1))
    LigneFactory(fiche=fiche, statut="sollicite", date=D(2025, 8, 31))
    assert keys_of(dossier, alerts.FINANCEMENT_SANS_REPONSE, today=D(2026, 2, 28)) == []
    assert len(keys_of(dossier, alerts.FINANCEMENT_SANS_REPONSE, today=D(2026, 3, 1))) == 1


@pytest.mark.parametrize("statut", ["accorde", "refuse"])
def test_an_answered_request_raises_nothing(dossier, statut):
    fiche = FicheFactory(dossier=dossier, date_fin=D(2027, 1, 1))
    LigneFactory(fiche=fiche, statut=statut, date=D(2024, 1, 1))
    assert kinds(dossier) == []


def test_a_request_without_date_or_on_an_abandoned_fiche_raises_nothing(dossier):
    LigneFactory(fiche=FicheFactory(dossier=dossier, date_fin=D(2027, 1, 1)), statut="sollicite", date=None)
    abandoned = FicheFactory(dossier=dossier, statut=FicheStatut.ABANDONNE)
    LigneFactory(fiche=abandoned, statut="sollicite", date=D(2024, 1, 1))
    assert kinds(dossier) == []


# Indicators without a recent value ----------------------------------------------------------


@pytest.mark.parametrize(
    ("frequence", "last", "due"),
    [
        # The status' rule (pvd.suivi.status): the frequency plus a month of grace.
        (Frequence.MENSUELLE, D(2026, 1, 9), D(2026, 3, 9)),
        (Frequence.TRIMESTRIELLE, D(2025, 11, 9), D(2026, 3, 9)),
        (Frequence.SEMESTRIELLE, D(2025, 8, 9), D(2026, 3, 9)),
        (Frequence.ANNUELLE, D(2025, 2, 9), D(2026, 3, 9)),
    ],
)
def test_an_indicator_lacks_a_value_the_day_after_its_frequency(dossier, frequence, last, due):
    indicateur = IndicateurFactory(dossier=dossier, frequence=frequence)
    MesureFactory(indicateur=indicateur, date=last)
    assert keys_of(dossier, alerts.INDICATEUR_SANS_VALEUR, today=due) == []
    assert keys_of(dossier, alerts.INDICATEUR_SANS_VALEUR, today=due + datetime.timedelta(days=1)) == [
        f"indicateur-sans-valeur:{indicateur.pk}:{due.isoformat()}"
    ]


def test_a_ponctuel_indicator_never_lacks_a_value(dossier):
    IndicateurFactory(dossier=dossier, frequence=Frequence.PONCTUELLE, date_initiale=D(2020, 1, 1))
    assert kinds(dossier) == []


def test_without_any_value_the_reference_date_counts(dossier):
    indicateur = IndicateurFactory(dossier=dossier, frequence=Frequence.ANNUELLE, date_initiale=D(2025, 2, 9))
    [alerte] = alerts.dossier_alerts(dossier, TEAM, today=TODAY)
    assert alerte.key == f"indicateur-sans-valeur:{indicateur.pk}:2026-03-09"
    assert "aucune valeur saisie" in alerte.text
    assert alerte.url == f"/dossiers/{dossier.pk}/strategie/"


def test_a_new_value_ends_the_alert_and_a_later_lapse_is_a_new_one(dossier):
    indicateur = IndicateurFactory(dossier=dossier, frequence=Frequence.MENSUELLE)
    MesureFactory(indicateur=indicateur, date=D(2026, 1, 1))
    first = keys_of(dossier, alerts.INDICATEUR_SANS_VALEUR)
    MesureFactory(indicateur=indicateur, date=D(2026, 3, 1))
    assert keys_of(dossier, alerts.INDICATEUR_SANS_VALEUR) == []
    later = keys_of(dossier, alerts.INDICATEUR_SANS_VALEUR, today=D(2026, 5, 2))
    assert later and later != first


# Indicators below their path ----------------------------------------------------------------


def _trajectoire(dossier, **kwargs):
    """From 10 on 1 January 2026 to 20 on 1 January 2027 (365 days): 15 expected on 2 July 2026."""
    values = {
        "valeur_initiale": Decimal("10"),
        "date_initiale": D(2026, 1, 1),
        "cible": Decimal("20"),
        "echeance": D(2027, 1, 1),
        "frequence": Frequence.PONCTUELLE,
    }
    values.update(kwargs)
    return IndicateurFactory(dossier=dossier, **values)


def test_the_path_is_the_straight_line_from_baseline_to_target(dossier):
    indicateur = _trajectoire(dossier)
    assert alerts.valeur_trajectoire(indicateur, D(2025, 6, 1)) == Decimal("10")
    assert alerts.valeur_trajectoire(indicateur, D(2026, 7, 2)) == Decimal("14.9863")  # 10 + 10 × 182 / 365
    assert alerts.valeur_trajectoire(indicateur, D(2028, 1, 1)) == Decimal("20")


def test_a_value_below_the_path_is_off_target_and_on_it_is_not(dossier):
    indicateur = _trajectoire(dossier, echeance=D(2026, 1, 11))  # +1 a day over 10 days
    mesure = MesureFactory(indicateur=indicateur, date=D(2026, 1, 6), valeur=Decimal("14.5"))  # on the path, less 5 %
    assert keys_of(dossier, alerts.INDICATEUR_HORS_TRAJECTOIRE) == []  # within the status' tolerance
    mesure.valeur = Decimal("14.49")
    mesure.save()
    [alerte] = [a for a in alerts.dossier_alerts(dossier, TEAM, today=TODAY) if a.kind != "indicateur_sans_valeur"]
    assert alerte.key == f"indicateur-hors-trajectoire:{indicateur.pk}:2026-01-06"
    assert "14,49 % au 06/01/2026, pour 15 % attendus" in alerte.text


def test_only_the_latest_value_counts(dossier):
    indicateur = _trajectoire(dossier, echeance=D(2026, 1, 11))
    MesureFactory(indicateur=indicateur, date=D(2026, 1, 3), valeur=Decimal("1"))
    MesureFactory(indicateur=indicateur, date=D(2026, 1, 6), valeur=Decimal("16"))
    assert keys_of(dossier, alerts.INDICATEUR_HORS_TRAJECTOIRE) == []


def test_a_falling_target_is_off_target_above_the_path(dossier):
    indicateur = _trajectoire(dossier, valeur_initiale=Decimal("20"), cible=Decimal("10"), echeance=D(2026, 1, 11))
    MesureFactory(indicateur=indicateur, date=D(2026, 1, 6), valeur=Decimal("15.51"))  # beyond 15 + 5 % of 10
    assert keys_of(dossier, alerts.INDICATEUR_HORS_TRAJECTOIRE) == [
        f"indicateur-hors-trajectoire:{indicateur.pk}:2026-01-06"
    ]


def test_without_a_complete_path_nothing_is_said(dossier):
    indicateur = _trajectoire(dossier, cible=None)
    MesureFactory(indicateur=indicateur, date=D(2026, 6, 1), valeur=Decimal("0"))
    assert kinds(dossier) == []


# The 18-month deadline ----------------------------------------------------------------------


def test_the_deadline_warns_three_months_before_and_once_past(dossier):
    ConventionFactory(dossier=dossier, kind=ConventionType.ADHESION, signee=True)  # 31/08/2022 → 29/02/2024
    assert keys_of(dossier, alerts.ECHEANCE_CADRE, today=D(2023, 11, 28)) == []
    assert keys_of(dossier, alerts.ECHEANCE_CADRE, today=D(2023, 11, 29)) == [
        f"echeance-cadre:{dossier.pk}:bientot:2024-02-29"
    ]
    assert keys_of(dossier, alerts.ECHEANCE_CADRE, today=D(2024, 2, 29)) == [
        f"echeance-cadre:{dossier.pk}:bientot:2024-02-29"
    ]
    assert keys_of(dossier, alerts.ECHEANCE_CADRE, today=D(2024, 3, 1)) == [
        f"echeance-cadre:{dossier.pk}:depassee:2024-02-29"
    ]
    [alerte] = alerts.dossier_alerts(dossier, TEAM, today=D(2024, 3, 1))
    assert alerte.url == f"/dossiers/{dossier.pk}/conventions/"


def test_a_signed_cadre_ends_the_deadline_alert(dossier):
    ConventionFactory(dossier=dossier, kind=ConventionType.ADHESION, signee=True)
    ConventionFactory(dossier=dossier, kind=ConventionType.CADRE, signee=True, date_signature=D(2024, 5, 1))
    assert keys_of(dossier, alerts.ECHEANCE_CADRE, today=D(2024, 6, 1)) == []


# Séances without compte rendu ---------------------------------------------------------------


def _seance_on(dossier, day, **kwargs):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 30)))
    instance = Instance.objects.filter(dossier=dossier).first() or InstanceFactory(dossier=dossier)
    return SeanceFactory(instance=instance, date=moment, **kwargs)


def test_a_seance_needs_its_compte_rendu_after_thirty_days(dossier):
    seance = _seance_on(dossier, D(2026, 2, 8))  # 30 days before 10 March
    assert keys_of(dossier, alerts.COMPTE_RENDU_MANQUANT) == []
    assert keys_of(dossier, alerts.COMPTE_RENDU_MANQUANT, today=D(2026, 3, 11)) == [
        f"compte-rendu-manquant:{seance.pk}:2026-02-08"
    ]
    [alerte] = alerts.dossier_alerts(dossier, TEAM, today=D(2026, 3, 11))
    assert alerte.text.endswith("du 08/02/2026 : compte rendu pas encore rédigé.")
    assert alerte.url == f"/dossiers/{dossier.pk}/gouvernance/seances/{seance.pk}/"


def test_a_written_compte_rendu_still_waits_for_its_approval(dossier):
    _seance_on(dossier, D(2026, 1, 8), compte_rendu="Le comité a validé…")
    [alerte] = alerts.dossier_alerts(dossier, TEAM, today=TODAY)
    assert alerte.text.endswith("compte rendu pas encore approuvé.")


def test_an_approved_compte_rendu_raises_nothing(dossier):
    _seance_on(dossier, D(2026, 1, 8), compte_rendu="…", compte_rendu_approuve_le=timezone.now())
    assert kinds(dossier) == []


# Confidentiality, other dossiers, order, queries -------------------------------------------


def _everything(dossier, *, confidential=False):
    fiche = FicheFactory(dossier=dossier, date_fin=D(2026, 1, 1), confidential=confidential)
    Etape.objects.create(fiche=fiche, nom="Étude", date=D(2026, 1, 2))
    LigneFactory(fiche=fiche, statut="sollicite", date=D(2025, 1, 1))
    indicateur = IndicateurFactory(dossier=dossier, fiche=fiche, frequence=Frequence.MENSUELLE)
    MesureFactory(indicateur=indicateur, date=D(2025, 1, 1))
    return fiche


def test_confidential_fiches_raise_alerts_only_for_who_sees_them(dossier):
    _everything(dossier, confidential=True)
    assert len(kinds(dossier, TEAM)) == 4
    for access in (Access(Role.ELU), Access(Role.LECTEUR), None):
        assert kinds(dossier, access) == []


def test_the_alerts_of_another_dossier_stay_there(dossier):
    _everything(DossierFactory())
    assert kinds(dossier) == []


def test_alerts_come_in_the_order_of_their_kinds(dossier):
    _everything(dossier)
    _seance_on(dossier, D(2025, 1, 1))
    ConventionFactory(dossier=dossier, kind=ConventionType.ADHESION, signee=True)
    assert [kind for kind, _key in kinds(dossier)] == list(alerts.KINDS)[:5] + [alerts.COMPTE_RENDU_MANQUANT]


def test_the_rules_make_a_fixed_number_of_queries(dossier):
    other = DossierFactory()

    def grow():
        for target in (dossier, other):
            for _ in range(3):
                _everything(target)
                _seance_on(target, D(2025, 1, 1))
            ConventionFactory(dossier=target, kind=ConventionType.ADHESION, signee=True)
        AxeFactory(dossier=dossier)

    _everything(dossier)
    small, large = assert_queries_do_not_grow(
        lambda: alerts.alerts_for([dossier.pk, other.pk], TEAM, today=TODAY), grow=grow
    )
    assert len(large[dossier.pk]) > len(small[dossier.pk]) and large[other.pk]
