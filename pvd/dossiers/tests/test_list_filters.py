"""The dossier list's filters: the convention-cadre's deadline (every state) and bad values."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import ConventionFactory
from pvd.dossiers import deadline
from pvd.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def signed(dossier, type_, on):
    ConventionFactory(dossier=dossier, kind=type_, signee=True, date_signature=on)


@pytest.fixture
def dossiers_in_each_state():
    """One dossier per deadline state, dated from today (the due date is adhésion + 18 months)."""
    today = timezone.localdate()
    months = deadline.add_months
    made = {}
    for nom, adhesion, cadre in [
        ("Dans les temps", months(today, -6), None),  # due in 12 months
        ("Bientôt", months(today, -17), None),  # due in 1 month
        ("Dernier jour", months(today, -18), None),  # due today: still "bientôt"
        ("Dépassée", months(today, -19), None),
        ("Respectée", months(today, -24), months(today, -7)),  # signed 1 month before its due date
        ("Hors délai", months(today, -24), months(today, -5)),  # signed 1 month after its due date
        ("Sans adhésion", None, None),
    ]:
        dossier = DossierFactory(nom=nom)
        if adhesion:
            signed(dossier, ConventionType.ADHESION, adhesion)
        if cadre:
            signed(dossier, ConventionType.CADRE, cadre)
        made[nom] = dossier
    return made


def names(client, **query):
    response = client.get(reverse("dossiers:list"), query)
    assert response.status_code == 200
    content = BeautifulSoup(response.content, "html.parser").select_one("#content")
    return sorted(a.get_text() for a in content.select("#dossiers-table tbody td:first-child a")), content


@pytest.mark.parametrize(
    "value, expected",
    [
        ("dans_les_temps", ["Dans les temps"]),
        ("bientot", ["Bientôt", "Dernier jour"]),
        ("depassee", ["Dépassée"]),
        ("respectee", ["Respectée"]),
        ("hors_delai", ["Hors délai"]),
        ("", ["Bientôt", "Dans les temps", "Dernier jour", "Dépassée", "Hors délai", "Respectée", "Sans adhésion"]),
    ],
)
def test_the_deadline_filter_shows_the_dossiers_in_that_state(client, dossiers_in_each_state, value, expected):
    client.force_login(UserFactory(anct=True))
    shown, content = names(client, echeance=value)
    assert shown == expected
    selected = content.select_one("#filtre-echeance option[selected]")
    assert (selected["value"] if selected else "") == value


def test_the_deadline_filter_offers_every_state_once(client, db):
    client.force_login(UserFactory(anct=True))
    _, content = names(client)
    options = [(o["value"], o.get_text()) for o in content.select("#filtre-echeance option")]
    assert options == [
        ("", "Toutes"),
        ("dans_les_temps", "Dans les temps (échéance dans plus de 3 mois)"),
        ("bientot", "Échéance proche (dans 3 mois ou moins)"),
        ("depassee", "Échéance dépassée (convention-cadre non signée)"),
        ("respectee", "Signée dans le délai"),
        ("hors_delai", "Signée après l'échéance"),
    ]


def test_an_unknown_deadline_value_is_an_error_not_every_dossier(client, dossiers_in_each_state):
    client.force_login(UserFactory(anct=True))
    shown, content = names(client, echeance="nimporte")
    assert shown == []
    error = content.select_one("#filtre-echeance-erreur").get_text(" ", strip=True)
    assert error == "Échéance inconnue : « nimporte ». Choisissez une valeur de la liste."
    assert content.select_one("#filtre-echeance")["aria-describedby"] == "filtre-echeance-erreur"
    assert "Les filtres ne sont pas valides" in content.select_one("#filtre-erreur").get_text()


def test_the_deadline_filter_keeps_to_the_dossiers_the_user_sees(client, dossiers_in_each_state):
    from pvd.dossiers.tests.factories import MembreFactory

    membre = MembreFactory(dossier=dossiers_in_each_state["Hors délai"], role="lecteur")
    client.force_login(membre.user)
    assert names(client, echeance="hors_delai")[0] == ["Hors délai"]
    assert names(client, echeance="dans_les_temps")[0] == []
