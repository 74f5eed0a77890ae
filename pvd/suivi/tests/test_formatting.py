"""Indicator values in French: no "18,5000", a decimal comma, narrow-space thousands."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.suivi.formatting import date_courte, nombre
from pvd.suivi.tests.factories import IndicateurFactory

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("18.5000"), "18,5"),
        (Decimal("12.0000"), "12"),
        (Decimal("0.0000"), "0"),
        (Decimal("62000.0000"), f"62{NNBSP}000"),
        (Decimal("1234567.25"), f"1{NNBSP}234{NNBSP}567,25"),
        (Decimal("-1500.5"), f"-1{NNBSP}500,5"),
        ("235.9", "235,9"),  # snapshots store numbers as strings
        (7656, f"7{NNBSP}656"),
        (None, "—"),
    ],
)
def test_nombre(value, expected):
    assert nombre(value) == expected


def test_nombre_with_fixed_decimals():
    assert nombre(2359000 / 10_000, 2) == "235,90"
    assert nombre(12345.678, 2) == f"12{NNBSP}345,68"


def test_date_courte():
    assert date_courte("2020-01-01") == "01/01/2020"
    assert date_courte(datetime.date(2028, 12, 31)) == "31/12/2028"
    assert date_courte(None) == ""


def test_valeur_filter():
    template = Template("{% load suivi_tags %}{{ v|valeur }}")
    assert template.render(Context({"v": Decimal("18.5000")})) == "18,5"


def test_fiche_page_shows_the_target_in_french(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    IndicateurFactory(dossier=dossier, fiche=fiche, nom="Logements rénovés", unite="logements", cible=Decimal("18.5"))
    client = client_for(dossier, "elu")
    response = client.get(reverse("actions:fiche", args=[dossier.pk, fiche.pk]))
    item = BeautifulSoup(response.content, "html.parser").select_one("#indicateurs-liste li")
    assert "cible 18,5" in item.get_text(" ", strip=True)
    assert "18,50" not in item.get_text()
