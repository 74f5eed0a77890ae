"""Quarterly snapshots: the quarters, the figures of known data, idempotence, the command and
the task, a fixed number of queries with 2 and 20 dossiers, and their display."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.participation.tests.factories import ContributionFactory
from pvd.pilotage import snapshots
from pvd.pilotage.models import InstantaneTrimestriel
from tests.utils import assert_queries_do_not_grow, main

from .factories_bilan import SECRET, last_year, year_of_programme

pytestmark = pytest.mark.django_db


def test_quarters():
    assert snapshots.fin_de_trimestre(datetime.date(2026, 2, 10)) == datetime.date(2026, 3, 31)
    assert snapshots.fin_de_trimestre(datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 31)
    assert snapshots.dernier_trimestre_clos(datetime.date(2026, 4, 1)) == datetime.date(2026, 3, 31)
    assert snapshots.dernier_trimestre_clos(datetime.date(2026, 3, 31)) == datetime.date(2025, 12, 31)
    assert snapshots.parse_trimestre("2026-T3") == datetime.date(2026, 9, 30)
    assert snapshots.libelle_trimestre(datetime.date(2026, 9, 30)) == "T3 2026"
    for bad in ("2026-3", "T1 2026", "2026-T5"):
        with pytest.raises(ValidationError, match="par exemple 2026-T1"):
            snapshots.parse_trimestre(bad)


def test_figures_hand_checked(dossier):
    chef = MembreFactory(dossier=dossier, role="chef_de_projet").user
    year_of_programme(dossier, chef)
    from pvd.participation.models import Contribution

    published = ContributionFactory(dossier=dossier, statut="publiee")
    pending = ContributionFactory(dossier=dossier, statut="en_attente")
    later = ContributionFactory(dossier=dossier, statut="publiee")
    september = timezone.make_aware(datetime.datetime(last_year(), 9, 30, 23, 59))
    Contribution.objects.filter(pk__in=[published.pk, pending.pk]).update(created_at=september)
    Contribution.objects.filter(pk=later.pk).update(created_at=september + datetime.timedelta(minutes=1))
    other = DossierFactory()
    figures = snapshots.compute(datetime.date(last_year(), 9, 30))
    c = figures[dossier.pk]
    # The confidential fiche, its étape, financing and indicator are never counted.
    assert c["fiches"] == {"en_cours": 1, "realise": 1} and c["fiches_total"] == 2
    assert Decimal(c["cout_total"]) == Decimal("200000")
    assert (c["etapes_prevues"], c["etapes_faites"]) == (2, 1)  # Permis (done, Feb.), Travaux (due 15 Sept.)
    assert (Decimal(c["accorde"]), Decimal(c["sollicite"])) == (Decimal("15000"), Decimal("5000"))
    assert (c["indicateurs"], c["indicateurs_renseignes"]) == (2, 1)
    (valeur,) = c["valeurs"].values()
    assert valeur == {
        "nom": "Taux de vacance des logements 0",
        "unite": "%",
        "valeur": "12.8",
        "date": f"{last_year()}-09-30",
    }
    assert c["contributions"] == 1  # published by the end of 30 September only
    assert c["decisions"] == 0  # the séance is in October
    assert figures[other.pk]["fiches_total"] == 0
    june = snapshots.compute(datetime.date(last_year(), 6, 30))[dossier.pk]
    assert (june["etapes_prevues"], june["valeurs"][str(next(iter(c["valeurs"])))]["valeur"]) == (1, "13.4")
    assert snapshots.compute(datetime.date(last_year(), 12, 31))[dossier.pk]["decisions"] == 1


def test_record_is_idempotent(dossier):
    quarter = datetime.date(last_year(), 12, 31)
    assert snapshots.instantanes_record(trimestre=quarter) == 1
    assert snapshots.instantanes_record(trimestre=quarter) == 0
    kept = InstantaneTrimestriel.objects.get()
    assert kept.chiffres["fiches_total"] == 0
    from pvd.actions.tests.factories import FicheFactory

    FicheFactory(dossier=dossier)
    snapshots.instantanes_record(trimestre=quarter)
    assert InstantaneTrimestriel.objects.get().chiffres["fiches_total"] == 0  # kept as it was
    assert snapshots.instantanes_record(trimestre=quarter, replace=True) == 1
    assert InstantaneTrimestriel.objects.get().chiffres["fiches_total"] == 1
    assert InstantaneTrimestriel.objects.count() == 1


def test_a_quarter_not_over_or_not_ending_is_refused(dossier):
    with pytest.raises(ValidationError, match="pas terminé"):
        snapshots.instantanes_record(trimestre=snapshots.fin_de_trimestre(timezone.localdate()))
    with pytest.raises(ValidationError, match="dernier jour d'un trimestre"):
        snapshots.instantanes_record(trimestre=datetime.date(last_year(), 5, 31))
    assert not InstantaneTrimestriel.objects.exists()


def test_command_and_task(dossier, capsys):
    call_command("instantanes_trimestriels", "--trimestre", f"{last_year()}-T2")
    assert "1 instantané(s) enregistré(s)" in capsys.readouterr().out
    call_command("instantanes_trimestriels", "--trimestre", f"{last_year()}-T2")
    assert f"T2 {last_year()} : 0 instantané(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="illisible"):
        call_command("instantanes_trimestriels", "--trimestre", "T2")
    from pvd.pilotage.tasks_bilan import instantanes_trimestriels

    result = instantanes_trimestriels.enqueue()
    assert result.return_value == 1  # the immediate backend of the tests ran it
    assert InstantaneTrimestriel.objects.filter(trimestre=snapshots.dernier_trimestre_clos()).count() == 1


def test_queries_do_not_grow_with_dossiers(db):
    def make(n):
        for _ in range(n):
            dossier = DossierFactory()
            year_of_programme(dossier, MembreFactory(dossier=dossier, role="chef_de_projet").user)

    make(2)
    quarter = datetime.date(last_year(), 12, 31)
    small, large = assert_queries_do_not_grow(
        lambda: snapshots.instantanes_record(trimestre=quarter, replace=True), grow=lambda: make(18)
    )
    assert (small, large) == (2, 20)
    assert InstantaneTrimestriel.objects.count() == 20


def test_progress_on_the_pages(client_for, dossier):
    chef = MembreFactory(dossier=dossier, role="chef_de_projet").user
    year_of_programme(dossier, chef)
    for month in (3, 6, 9, 12):
        snapshots.instantanes_record(trimestre=snapshots.fin_de_trimestre(datetime.date(last_year(), month, 1)))
    client = client_for(dossier, "lecteur")
    for url in (
        reverse("pilotage:bilans", kwargs={"dossier_pk": dossier.pk}),
        reverse("pilotage:bilan", kwargs={"dossier_pk": dossier.pk, "annee": last_year()}),
    ):
        page = main(client.get(url))
        rows = [
            [c.get_text(" ", strip=True) for c in tr.select("th, td")]
            for tr in page.select("#table-instantanes tbody tr")
        ]
        assert [row[0] for row in rows] == [f"T{q} {last_year()}" for q in (1, 2, 3, 4)]
        assert rows[0][4] == "1 sur 1" and rows[3][4] == "1 sur 2"  # étapes due by the quarter's end
        assert rows[3][8] == "0" and rows[3][9] == "1"
        # Each chart has its data (json_script) and its table alternative.
        for key in ("instantanes-fiches", "instantanes-financements"):
            assert page.select_one(f"canvas#canvas-{key}")["data-chart"] == f"donnees-{key}"
            assert page.select_one(f"script#donnees-{key}") is not None
            assert len(page.select(f"table#table-{key} tbody tr")) == 4
        assert SECRET not in page.get_text()
