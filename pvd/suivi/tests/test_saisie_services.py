"""Entering measured values: how a value, a date and a period are read; who may enter an
indicator's values (`rules.may_enter`); one value added, corrected, deleted; many values saved
all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.perms import ANCT, PREFECTURE, Access
from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie.tests.factories import AxeFactory, IndicateurFactory
from pvd.suivi import rules, services_mesures
from pvd.suivi.models import Indicateur, Mesure
from pvd.suivi.services_mesures import Saisie, SaisieRefused
from pvd.suivi.values import UnreadableValue, read_date, read_valeur

D = datetime.date
TEAM = Access("chef_de_projet")


# --- Reading what a person writes ------------------------------------------------------------


@pytest.mark.parametrize(
    "written, expected",
    [
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("1234.5", "1234.5"),
        ("-3", "-3"),
        ("18,5 %", "18.5"),
        ("12 000", "12000"),
        ("0,1234", "0.1234"),
        (7, "7"),
        (2.5, "2.5"),
    ],
)
def test_french_numbers_are_read(written, expected):
    assert read_valeur(written) == Decimal(expected)


@pytest.mark.parametrize(
    "written, message",
    [
        ("1.234", "se lit de deux façons : écrivez 1234 ou 1 234"),
        ("1,234", "se lit de deux façons"),
        ("1,23456", "4 chiffres au plus après la virgule"),
        ("douze", "Valeur non numérique"),
        ("1 2345", "Valeur non numérique"),
        ("", "Valeur absente"),
        ("1000000000000", "trop grande"),
    ],
)
def test_numbers_with_two_readings_or_none_are_refused(written, message):
    with pytest.raises(UnreadableValue, match=message):
        read_valeur(written)


@pytest.mark.parametrize(
    "written, date, periode",
    [
        ("2025", D(2025, 12, 31), "année 2025"),
        (2025, D(2025, 12, 31), "année 2025"),
        ("T1 2026", D(2026, 3, 31), "1er trimestre 2026"),
        ("2026-T2", D(2026, 6, 30), "2e trimestre 2026"),
        ("02/2024", D(2024, 2, 29), "février 2024"),
        ("2026-11", D(2026, 11, 30), "novembre 2026"),
        ("15/03/2026", D(2026, 3, 15), ""),
        ("2026-03-15", D(2026, 3, 15), ""),
        (datetime.datetime(2026, 3, 15, 0, 0), D(2026, 3, 15), ""),
    ],
)
def test_dates_and_periods_are_read(written, date, periode):
    assert read_date(written) == (date, periode)


@pytest.mark.parametrize("written", ["2026-13", "T5 2026", "32/01/2026", "mars"])
def test_unreadable_dates_say_how_to_write_them(written):
    with pytest.raises(UnreadableValue, match="JJ/MM/AAAA, ou une année"):
        read_date(written)


# --- Who may enter ---------------------------------------------------------------------------

ROLES = {
    "chef_de_projet": {(): True, ("etat",): True, ("partenaires",): True},
    "equipe": {(): True, ("etat",): True, ("partenaires",): True},
    "partenaire": {(): False, ("etat",): False, ("partenaires",): True},
    PREFECTURE: {(): False, ("etat",): True, ("partenaires",): False},
    ANCT: {(): False, ("etat",): True, ("partenaires",): False},
    "elu": {(): False, ("etat",): False, ("partenaires",): False, ("etat", "partenaires"): False},
    "lecteur": {(): False, ("etat",): False, ("partenaires",): False, ("etat", "partenaires"): False},
    None: {(): False, ("etat", "partenaires"): False},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
def test_may_enter_per_role_and_per_indicator_allowance(role):
    access = Access(role)
    for flags, expected in ROLES[role].items():
        indicateur = IndicateurFactory(saisie_etat="etat" in flags, saisie_partenaires="partenaires" in flags)
        assert rules.may_enter(access, indicateur) is expected, (role, flags)
        # The filter says the same as the function.
        filtered = rules.enterable(Indicateur.objects.filter(pk=indicateur.pk), access).exists()
        assert filtered is expected, (role, flags)
    assert rules.may_enter(None, IndicateurFactory(saisie_etat=True, saisie_partenaires=True)) is False


# --- One value -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_value_is_added_corrected_and_deleted_with_who_and_when():
    indicateur = IndicateurFactory()
    chef, equipe = UserFactory(), UserFactory()
    mesure = services_mesures.mesure_create(
        indicateur=indicateur, date=D(2026, 6, 30), periode="2e trimestre 2026", valeur=Decimal("12.5"),
        source="Relevé", access=TEAM, by=chef,
    )  # fmt: skip
    assert (mesure.entered_by, mesure.updated_by, mesure.updated_at) == (chef, None, None)
    services_mesures.mesure_update(mesure=mesure, access=TEAM, by=equipe, valeur=Decimal("12.5"))
    mesure.refresh_from_db()
    assert mesure.updated_at is None  # nothing changed: no correction recorded
    services_mesures.mesure_update(mesure=mesure, access=TEAM, by=equipe, valeur=Decimal("13"), commentaire="Recompté")
    mesure.refresh_from_db()
    assert (mesure.valeur, mesure.commentaire, mesure.entered_by, mesure.updated_by) == (
        Decimal("13"), "Recompté", chef, equipe,
    )  # fmt: skip
    assert mesure.updated_at is not None
    services_mesures.mesure_delete(mesure=mesure, access=TEAM, by=chef)
    assert not Mesure.objects.exists()


@pytest.mark.django_db
def test_one_value_per_date_and_indicator():
    indicateur = IndicateurFactory()
    services_mesures.mesure_create(indicateur=indicateur, date=D(2026, 1, 1), valeur=1, access=TEAM, by=None)
    with pytest.raises(ValidationError) as error:
        services_mesures.mesure_create(indicateur=indicateur, date=D(2026, 1, 1), valeur=2, access=TEAM, by=None)
    assert error.value.message_dict == {"date": ["Cet indicateur a déjà une valeur à cette date : corrigez-la plutôt."]}
    other = services_mesures.mesure_create(indicateur=indicateur, date=D(2026, 2, 1), valeur=2, access=TEAM, by=None)
    with pytest.raises(ValidationError, match="déjà une valeur à cette date"):
        services_mesures.mesure_update(mesure=other, access=TEAM, by=None, date=D(2026, 1, 1))
    assert sorted(Mesure.objects.values_list("valeur", flat=True)) == [1, 2]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["partenaire", PREFECTURE, ANCT, "elu", "lecteur"])
def test_the_service_refuses_who_may_not_enter(role):
    indicateur = IndicateurFactory()
    mesure = Mesure.objects.create(indicateur=indicateur, date=D(2026, 1, 1), valeur=1)
    access = Access(role)
    with pytest.raises(PermissionDenied):
        services_mesures.mesure_create(indicateur=indicateur, date=D(2026, 2, 1), valeur=1, access=access, by=None)
    with pytest.raises(PermissionDenied):
        services_mesures.mesure_update(mesure=mesure, access=access, by=None, valeur=Decimal(2))
    with pytest.raises(PermissionDenied):
        services_mesures.mesure_delete(mesure=mesure, access=access, by=None)
    assert list(Mesure.objects.values_list("valeur", flat=True)) == [1]


# --- Many values, all or nothing --------------------------------------------------------------


@pytest.mark.django_db
def test_many_values_are_created_or_corrected_together():
    axe = AxeFactory()
    a, b, c = (IndicateurFactory(axe=axe) for _ in range(3))
    user = UserFactory()
    Mesure.objects.create(indicateur=b, date=D(2026, 3, 31), valeur=5)
    Mesure.objects.create(indicateur=c, date=D(2026, 3, 31), valeur=7)
    result = services_mesures.mesures_save(
        dossier=axe.dossier,
        saisies=[
            Saisie(key=1, indicateur=a, date=D(2026, 3, 31), valeur=Decimal(1), periode="1er trimestre 2026"),
            Saisie(key=2, indicateur=b, date=D(2026, 3, 31), valeur=Decimal(6)),
            Saisie(key=3, indicateur=c, date=D(2026, 3, 31), valeur=Decimal(7)),
        ],
        access=TEAM,
        by=user,
    )
    assert ([s.key for s in result.created], [s.key for s in result.updated], [s.key for s in result.unchanged]) == (
        [1], [2], [3],
    )  # fmt: skip
    new, corrected, same = (Mesure.objects.get(indicateur=i) for i in (a, b, c))
    assert (new.valeur, new.periode, new.entered_by) == (1, "1er trimestre 2026", user)
    assert (corrected.valeur, corrected.updated_by) == (6, user) and corrected.updated_at is not None
    assert same.updated_by is None


@pytest.mark.django_db
def test_one_bad_value_saves_nothing_and_names_its_row():
    axe = AxeFactory()
    good, other = IndicateurFactory(axe=axe), IndicateurFactory(dossier=DossierFactory(), axe=None)
    partner_only = IndicateurFactory(axe=axe, saisie_partenaires=False)
    saisies = [
        Saisie(key=1, indicateur=good, date=D(2026, 3, 31), valeur=Decimal(1)),
        Saisie(key=2, indicateur=good, date=D(2026, 3, 31), valeur=Decimal(2)),
        Saisie(key=3, indicateur=other, date=D(2026, 3, 31), valeur=Decimal(3)),
        Saisie(key=4, indicateur=good, date=D(2026, 6, 30), valeur=Decimal(4), source="x" * 301),
    ]
    with pytest.raises(SaisieRefused) as refused:
        services_mesures.mesures_save(dossier=axe.dossier, saisies=saisies, access=TEAM, by=None)
    assert refused.value.errors == {
        2: [("date", "Même indicateur et même date que la ligne 1.")],
        3: [("indicateur", "Cet indicateur n'appartient pas à ce dossier.")],
        4: [("source", "Assurez-vous que cette valeur comporte au plus 300 caractères (actuellement 301).")],
    }
    with pytest.raises(SaisieRefused) as refused:
        services_mesures.mesures_save(
            dossier=axe.dossier,
            saisies=[Saisie(key=9, indicateur=partner_only, date=D(2026, 3, 31), valeur=Decimal(1))],
            access=Access("partenaire"),
            by=None,
        )
    assert refused.value.errors == {9: [("indicateur", "Vous ne pouvez pas saisir les valeurs de cet indicateur.")]}
    assert not Mesure.objects.exists()


@pytest.mark.django_db
def test_a_fiche_indicator_is_entered_like_an_axe_one():
    fiche = FicheFactory()
    indicateur = IndicateurFactory(axe=None, fiche=fiche, dossier=fiche.dossier)
    services_mesures.mesures_save(
        dossier=fiche.dossier,
        saisies=[Saisie(key=1, indicateur=indicateur, date=D(2026, 3, 31), valeur=Decimal(1))],
        access=TEAM,
        by=None,
    )
    assert indicateur.mesures.count() == 1
