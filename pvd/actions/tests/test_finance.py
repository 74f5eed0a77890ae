from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pvd.actions.finance import plan_financement, rate

D = Decimal


def test_hand_checked_plan():
    # Coût HT 1 000 000 €: DETR 300 000 accordé, Région 200 000 sollicité, Département 150 000 refusé,
    # Banque des Territoires 100 000 accordé.
    lignes = [
        {"financeur": "État", "montant": "300000", "statut": "accorde"},
        {"financeur": "Région", "montant": "200000", "statut": "sollicite"},
        {"financeur": "Département", "montant": "150000", "statut": "refuse"},
        {"financeur": "Banque des Territoires", "montant": "100000", "statut": "accorde"},
    ]
    plan = plan_financement(D("1000000"), lignes)
    assert plan.accorde == D("400000")
    assert plan.sollicite == D("200000")
    assert plan.refuse == D("150000")
    assert plan.reste_a_financer == D("600000")
    assert plan.reste_a_trouver == D("400000")
    assert plan.taux_accorde == D("40.00")
    assert plan.taux_total == D("60.00")
    rates = {s.nom: s.taux for s in plan.financeurs}
    assert rates == {
        "État": D("30.00"),
        "Région": D("20.00"),
        "Département": D("0.00"),
        "Banque des Territoires": D("10.00"),
    }
    assert plan.warnings == []


def test_rate_rounding_and_unknown_cost():
    assert rate(D("1"), D("3")) == D("33.33")
    assert rate(D("2"), D("3")) == D("66.67")
    assert rate(D("5"), None) is None
    assert rate(D("5"), D("0")) is None


def test_warns_when_funding_exceeds_cost():
    plan = plan_financement(
        D("100"),
        [
            {"financeur": "A", "montant": "80", "statut": "accorde"},
            {"financeur": "B", "montant": "30", "statut": "sollicite"},
        ],
    )
    assert plan.reste_a_trouver == D("-10")
    assert len(plan.warnings) == 1 and "dépassent le coût HT" in plan.warnings[0]
    plan = plan_financement(None, [{"financeur": "A", "montant": "80", "statut": "accorde"}])
    assert plan.reste_a_financer is None and "coût HT n'est pas renseigné" in plan.warnings[0]


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
lines = st.lists(
    st.fixed_dictionaries(
        {
            "financeur": st.sampled_from(["État", "Région", "Département", "Commune"]),
            "montant": amounts,
            "statut": st.sampled_from(["accorde", "sollicite", "refuse"]),
        }
    ),
    max_size=12,
)


@given(cost=amounts.filter(lambda d: d > 0), lignes=lines)
def test_sums_are_consistent(cost, lignes):
    plan = plan_financement(cost, lignes)
    assert plan.accorde + plan.sollicite + plan.refuse == sum((D(x["montant"]) for x in lignes), D(0))
    assert sum((s.accorde for s in plan.financeurs), D(0)) == plan.accorde
    assert sum((s.sollicite for s in plan.financeurs), D(0)) == plan.sollicite
    assert plan.reste_a_financer == cost - plan.accorde
    assert plan.reste_a_trouver + plan.sollicite == plan.reste_a_financer
    assert (plan.total_demande > cost) == bool(plan.warnings)


@given(cost=amounts.filter(lambda d: d > 0), lignes=lines)
def test_rates_add_up_within_rounding(cost, lignes):
    plan = plan_financement(cost, lignes)
    total_rate = sum((s.taux for s in plan.financeurs), D(0))
    # Each rate is rounded to 0.01 %: the sum is off by at most 0.005 % per funder.
    assert abs(total_rate - plan.taux_total) <= D("0.005") * (len(plan.financeurs) + 1)
    for share in plan.financeurs:
        assert share.taux >= 0


@pytest.mark.parametrize("montant", ["-1", "-0.01", "-999999999999.99"])
def test_negative_line_refused_by_service(db, montant):
    from django.core.exceptions import ValidationError

    from pvd.actions import services
    from pvd.actions.tests.factories import FicheFactory, OrganisationFactory

    fiche = FicheFactory()
    with pytest.raises(ValidationError, match="négatif"):
        services.ligne_financement_create(
            fiche=fiche,
            by=None,
            financeur=OrganisationFactory(),
            dispositif="detr",
            montant=D(montant),
            statut="accorde",
        )
    assert not fiche.financements.exists()


def test_same_line_twice_refused_but_refused_line_allowed(db):
    from django.core.exceptions import ValidationError

    from pvd.actions import services
    from pvd.actions.tests.factories import FicheFactory, OrganisationFactory

    fiche, org = FicheFactory(), OrganisationFactory()
    kwargs = {"fiche": fiche, "by": None, "financeur": org, "dispositif": "detr"}
    services.ligne_financement_create(**kwargs, montant=D("10"), statut="refuse")
    services.ligne_financement_create(**kwargs, montant=D("10"), statut="sollicite")
    with pytest.raises(ValidationError, match="déjà une ligne"):
        services.ligne_financement_create(**kwargs, montant=D("20"), statut="accorde")
    assert fiche.financements.count() == 2


def test_db_constraint_refuses_negative_amount(db):
    from django.db import IntegrityError, transaction

    from pvd.actions.models import LigneFinancement
    from pvd.actions.tests.factories import FicheFactory, OrganisationFactory

    fiche = FicheFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LigneFinancement.objects.create(
            fiche=fiche, financeur=OrganisationFactory(), dispositif="dsil", montant=D("-5"), statut="accorde"
        )
