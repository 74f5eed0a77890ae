"""The roll-up of fiche indicators to an axe's result indicator (pvd.suivi.rollup)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pvd.actions.tests.factories import FicheFactory
from pvd.dossiers.models import Role
from pvd.dossiers.perms import Access
from pvd.dossiers.tests.factories import DossierFactory
from pvd.suivi import rollup, services, status
from pvd.suivi.models import Agregation, Indicateur, IndicateurKind
from tests.utils import assert_queries_do_not_grow

from .factories import IndicateurFactory, MesureFactory
from .factories_etat import axe_indicator, contributor

pytestmark = pytest.mark.django_db
D = datetime.date
V = Decimal
AT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
TODAY = D(2025, 7, 1)


def test_compute_sum_and_latest():
    latests = [(D(2025, 3, 1), V(10), AT), None, (D(2025, 5, 1), V(7), AT), (D(2025, 5, 1), V(4), AT.replace(day=2))]
    total = rollup.compute(Agregation.SOMME, latests)
    assert (total.valeur, total.date, total.avec_valeur, total.contributeurs) == (V(21), D(2025, 5, 1), 3, 4)
    # The latest: 1 May; on the same date, the value entered last (4, entered on 2 January).
    latest = rollup.compute(Agregation.DERNIERE, latests)
    assert (latest.valeur, latest.date) == (V(4), D(2025, 5, 1))
    assert rollup.compute(Agregation.SOMME, [None, None]).latest is None


def test_computed_series_over_time():
    a = [(D(2025, 1, 1), V(10), AT), (D(2025, 6, 1), V(30), AT)]
    b = [(D(2025, 3, 1), V(5), AT)]
    assert rollup.computed_series(Agregation.SOMME, [a, b]) == [
        (D(2025, 1, 1), V(10)),
        (D(2025, 3, 1), V(15)),
        (D(2025, 6, 1), V(35)),
    ]
    assert rollup.computed_series(Agregation.DERNIERE, [a, b]) == [
        (D(2025, 1, 1), V(10)),
        (D(2025, 3, 1), V(5)),
        (D(2025, 6, 1), V(30)),
    ]


def _access(dossier, role):
    return Access(role=role)


def test_the_axe_indicator_shows_the_sum_of_its_contributors_latest_values(dossier):
    target = axe_indicator(dossier)
    contributor(target, values=[(D(2024, 6, 1), 10), (D(2025, 1, 1), 30)])
    contributor(target, values=[(D(2025, 3, 1), 25)])
    contributor(target)  # no value yet: left out, and counted as such
    MesureFactory(indicateur=target, date=D(2025, 4, 1), valeur=V(2))  # its own typed value, shown apart
    (row,) = status.with_etats(
        Indicateur.objects.filter(pk=target.pk), access=_access(dossier, Role.LECTEUR), today=TODAY
    )
    assert (row.calcul.valeur, row.calcul.date, row.calcul.avec_valeur, row.calcul.contributeurs) == (
        V(55),
        D(2025, 3, 1),
        2,
        3,
    )
    assert row.courante == (D(2025, 3, 1), V(55))
    assert row.derniere == (D(2025, 4, 1), V(2))
    # 1 March 2025: 425 of 731 days → 58.14 expected, tolerance 5: 55 is on track (own 2 would be late).
    assert row.etat.code == status.BONNE_VOIE


def test_the_latest_rule(dossier):
    target = axe_indicator(dossier, agregation=Agregation.DERNIERE, cible=V(40))
    contributor(target, values=[(D(2025, 1, 1), 30)])
    contributor(target, values=[(D(2025, 3, 1), 45)])
    (row,) = status.with_etats(
        Indicateur.objects.filter(pk=target.pk), access=_access(dossier, Role.LECTEUR), today=TODAY
    )
    assert row.courante == (D(2025, 3, 1), V(45))
    assert row.etat.code == status.ATTEINT


def test_a_confidential_fiche_counts_only_for_who_sees_it(dossier):
    target = axe_indicator(dossier)
    contributor(target, values=[(D(2025, 1, 1), 30)])
    contributor(target, values=[(D(2025, 2, 1), 40)], confidentielle=True)
    queryset = Indicateur.objects.filter(pk=target.pk)
    (equipe,) = status.with_etats(queryset, access=_access(dossier, Role.EQUIPE), today=TODAY)
    (lecteur,) = status.with_etats(queryset, access=_access(dossier, Role.LECTEUR), today=TODAY)
    (public,) = status.with_etats(queryset, access=None, today=TODAY)
    assert equipe.calcul.valeur == V(70)
    assert lecteur.calcul.valeur == public.calcul.valeur == V(30)
    assert len(lecteur.contributeurs_visibles) == 1


def test_statuses_in_two_queries_whatever_the_number(dossier):
    def run():
        rows = status.with_etats(
            Indicateur.objects.filter(dossier=dossier), access=_access(dossier, Role.CHEF_DE_PROJET)
        )
        return sorted((row.nom, row.etat.code) for row in rows)

    target = axe_indicator(dossier)
    contributor(target, values=[(D(2025, 1, 1), 30)])

    def grow():
        for _ in range(3):
            other = axe_indicator(dossier, nom="Autre")
            contributor(other, values=[(D(2025, 1, 1), 3), (D(2025, 2, 1), 4)])
            contributor(target, values=[(D(2025, 2, 1), 1)])

    assert_queries_do_not_grow(run, grow=grow)


# --- The link, through the services --------------------------------------------------------


def _fiche_indicator(dossier, **kwargs):
    fiche = FicheFactory(dossier=dossier)
    return services.indicateur_create(
        dossier=dossier, fiche=fiche, nom="Logements rénovés (fiche)", kind="mise_en_oeuvre", **kwargs
    )


def test_link_set_through_create_and_update(dossier):
    target = axe_indicator(dossier)
    created = _fiche_indicator(dossier, unite="Logements ", contribue_a=target)  # case and spaces do not count
    assert created.contribue_a == target
    other = _fiche_indicator(dossier, unite="logements")
    services.indicateur_update(indicateur=other, contribue_a=target)
    assert set(target.contributeurs.all()) == {created, other}
    services.indicateur_update(indicateur=other, contribue_a=None)
    assert set(target.contributeurs.all()) == {created}


@pytest.mark.parametrize(
    "case,message",
    [
        ("unit", "seules des valeurs de même unité"),
        ("other_dossier", "appartient à un autre dossier"),
        ("mise_en_oeuvre", "pas à un indicateur de mise en œuvre"),
        ("fiche_target", "Choisissez un indicateur d'un axe"),
    ],
)
def test_link_refused(dossier, case, message):
    target = axe_indicator(dossier)
    if case == "other_dossier":
        target = axe_indicator(DossierFactory())
    elif case == "mise_en_oeuvre":
        target = axe_indicator(dossier, kind=IndicateurKind.MISE_EN_OEUVRE)
    elif case == "fiche_target":
        target = _fiche_indicator(dossier, unite="logements")
    with pytest.raises(ValidationError) as error:
        _fiche_indicator(dossier, unite="€" if case == "unit" else "logements", contribue_a=target)
    assert message in " ".join(error.value.message_dict["contribue_a"])
    assert not Indicateur.objects.filter(nom="Logements rénovés (fiche)", contribue_a__isnull=False).exists()


def test_an_axe_indicator_does_not_contribute(dossier):
    target = axe_indicator(dossier)
    with pytest.raises(ValidationError, match="Seul l'indicateur d'une fiche"):
        services.indicateur_update(indicateur=axe_indicator(dossier, nom="Autre"), contribue_a=target)


def test_an_axe_indicator_with_contributors_keeps_its_unit_and_kind(dossier):
    target = axe_indicator(dossier)
    contributor(target)
    with pytest.raises(ValidationError) as error:
        services.indicateur_update(indicateur=target, unite="€")
    assert "retirez d'abord leurs contributions" in error.value.message_dict["unite"][0]
    with pytest.raises(ValidationError) as error:
        services.indicateur_update(indicateur=target, kind=IndicateurKind.MISE_EN_OEUVRE)
    assert "reste un indicateur de résultat" in error.value.message_dict["kind"][0]
    target.refresh_from_db()
    assert (target.unite, target.kind) == ("logements", IndicateurKind.RESULTAT)
    services.indicateur_update(indicateur=target, agregation=Agregation.DERNIERE, unite="Logements")
    target.refresh_from_db()
    assert (target.agregation, target.unite) == (Agregation.DERNIERE, "Logements")


def test_a_fiche_indicator_changing_unit_is_refused_while_linked(dossier):
    target = axe_indicator(dossier)
    linked = contributor(target)
    with pytest.raises(ValidationError, match="seules des valeurs de même unité"):
        services.indicateur_update(indicateur=linked, unite="m²")


def test_deleting_the_axe_indicator_unlinks_its_contributors(dossier):
    target = axe_indicator(dossier)
    linked = contributor(target)
    target.delete()
    linked.refresh_from_db()
    assert linked.contribue_a is None


def test_targets_offered_are_the_dossier_axes_result_indicators(dossier):
    target = axe_indicator(dossier)
    axe_indicator(dossier, kind=IndicateurKind.MISE_EN_OEUVRE)
    axe_indicator(DossierFactory())
    IndicateurFactory(dossier=dossier, fiche=FicheFactory(dossier=dossier))
    assert list(rollup.contribution_targets(dossier)) == [target]
