"""The one French formatting module: amounts, numbers, percentages and dates, and its filters."""

import datetime
import re
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

from pvd.core.formatting import date_fr, date_longue, degres, kilo_euros, montant, nombre, pourcentage

S = "\u00a0"  # the one separator: thousands and before a unit


@pytest.mark.parametrize(
    ("value", "cents", "expected"),
    [
        (Decimal("1234.5"), None, f"1{S}234,50{S}€"),
        (Decimal("1234.00"), None, f"1{S}234{S}€"),
        (1234, None, f"1{S}234{S}€"),
        (1234.5, None, f"1{S}234,50{S}€"),
        ("1234.5", None, f"1{S}234,50{S}€"),
        (Decimal("1234"), True, f"1{S}234,00{S}€"),
        (Decimal("1234.5"), False, f"1{S}235{S}€"),  # half-up to the euro
        (Decimal("0.125"), True, f"0,13{S}€"),  # half-up, not the banker's 0,12
        (Decimal("0.005"), None, f"0,01{S}€"),
        (Decimal("2.675"), True, f"2,68{S}€"),
        (2.675, True, f"2,68{S}€"),  # a float through its repr, not 2.67499999…
        (Decimal("1234.004"), None, f"1{S}234{S}€"),  # no ",00" once rounded
        (0, None, f"0{S}€"),
        (Decimal("0"), True, f"0,00{S}€"),
        (Decimal("-1500"), True, f"-1{S}500,00{S}€"),
        (Decimal("-0.004"), True, f"0,00{S}€"),  # no "-0,00"
        (Decimal("-0.5"), None, f"-0,50{S}€"),
        (Decimal("123456789012.34"), None, f"123{S}456{S}789{S}012,34{S}€"),
        (None, None, "—"),
        ("", None, "—"),
    ],
)
def test_montant(value, cents, expected):
    assert montant(value, cents) == expected


def test_montant_without_the_euro_sign_and_with_a_chosen_empty():
    assert montant(Decimal("1234.5"), unit=False) == f"1{S}234,50"
    assert montant(None, empty="à compléter") == "à compléter"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("18.5000"), None, "18,5"),
        (Decimal("12.0000"), None, "12"),
        (Decimal("0.0000"), None, "0"),
        (Decimal("62000.0000"), None, f"62{S}000"),
        (Decimal("1234567.25"), None, f"1{S}234{S}567,25"),
        (Decimal("-1500.5"), None, f"-1{S}500,5"),
        ("235.9", None, "235,9"),  # snapshots store numbers as strings
        (7656, None, f"7{S}656"),
        (2359000 / 10_000, 2, "235,90"),
        (12345.678, 2, f"12{S}345,68"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("999.5"), 0, f"1{S}000"),
        (Decimal("1E+3"), None, f"1{S}000"),
        (Decimal("-0.04"), 1, "0,0"),
        (None, None, "—"),
        ("pas un nombre", None, "pas un nombre"),
    ],
)
def test_nombre(value, places, expected):
    assert nombre(value, places) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("25"), 2, f"25,00{S}%"),
        (Decimal("33.335"), 2, f"33,34{S}%"),
        (Decimal("12.5"), 0, f"13{S}%"),
        (0, 2, f"0,00{S}%"),
        (Decimal("-3.2"), 1, f"-3,2{S}%"),
        (None, 2, "—"),
    ],
)
def test_pourcentage(value, places, expected):
    assert pourcentage(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("15485000"), f"15{S}485"),
        (Decimal("8500"), "8,5"),
        (Decimal("8000"), "8,0"),
        (Decimal("-12000"), "-12"),
        (None, "—"),
    ],
)
def test_kilo_euros(value, expected):
    assert kilo_euros(value) == expected


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("value", "expected_fr", "expected_longue"),
    [
        (datetime.date(2026, 12, 1), "01/12/2026", "1er décembre 2026"),
        (datetime.date(2027, 3, 15), "15/03/2027", "15 mars 2027"),
        (datetime.date(2026, 8, 2), "02/08/2026", "2 août 2026"),
        ("2020-01-01", "01/01/2020", "1er janvier 2020"),  # snapshots store ISO strings
        # A datetime in local time: 23:30 UTC on 31 December is already 1 January in Paris.
        (datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC), "01/01/2026", "1er janvier 2026"),
        (None, "", ""),
        ("", "", ""),
    ],
)
def test_dates(value, expected_fr, expected_longue):
    assert date_fr(value) == expected_fr
    assert date_longue(value) == expected_longue


def test_date_longue_with_weekday_and_time():
    moment = datetime.datetime(2026, 12, 1, 14, 30, tzinfo=PARIS)
    assert date_longue(moment, jour=True, heure=True) == "mardi 1er décembre 2026 à 14:30"
    assert date_longue(moment.date(), heure=True) == "1er décembre 2026"  # a date has no time


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ("{{ v|montant }}", Decimal("1234.5"), f"1{S}234,50{S}€"),
        ('{{ v|montant:"centimes" }}', Decimal("1234"), f"1{S}234,00{S}€"),
        ('{{ v|montant:"sans_centimes" }}', Decimal("1234.5"), f"1{S}235{S}€"),
        ('{{ v|montant:"sans_symbole" }}', Decimal("1234"), f"1{S}234"),
        ('{{ v|montant:"centimes,sans_symbole" }}', Decimal("1234"), f"1{S}234,00"),
        ("{{ v|montant }}", None, "—"),
        ("{{ v|kilo_euros }}", Decimal("15485000"), f"15{S}485"),
        ("{{ v|nombre }}", Decimal("18.5000"), "18,5"),
        ("{{ v|nombre:2 }}", Decimal("1234.5"), f"1{S}234,50"),
        ("{{ v|pourcentage }}", Decimal("25"), f"25,00{S}%"),
        ("{{ v|pourcentage:0 }}", Decimal("25"), f"25{S}%"),
        ("{{ v|date_fr }}", datetime.date(2026, 12, 1), "01/12/2026"),
        ("{{ v|date_longue }}", datetime.date(2026, 12, 1), "1er décembre 2026"),
        (
            '{{ v|date_longue:"jour,heure" }}',
            datetime.datetime(2026, 12, 1, 14, 30, tzinfo=PARIS),
            "mardi 1er décembre 2026 à 14:30",
        ),
    ],
)
def test_filters(source, value, expected):
    assert Template("{% load pvd_format %}" + source).render(Context({"v": value})) == expected


def test_filter_refuses_an_unknown_option():
    with pytest.raises(TemplateSyntaxError, match="centime"):
        Template('{% load pvd_format %}{{ v|montant:"centime" }}').render(Context({"v": 1}))


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("47.862000"), None, "47,862° N"),
        (Decimal("-5.333000"), None, "5,333° S"),
        (47.8625, 5, "47,86250° N"),
        (0, None, "0° N"),
    ],
)
def test_degres(value, places, expected):
    assert degres(value, "N", "S", places) == expected


PRODUCT = Path(__file__).resolve().parents[2]  # pvd/
# What writes a French number by hand: a "," thousands format spec, a decimal point turned into a
# comma, Django's number filters (their separator is the locale's, not ours).
BY_HAND = re.compile(r"""\{[^{}]*:,|:,\.\d+f|replace\(\s*"\."\s*,\s*","\s*\)|\bfloatformat\b|\bintcomma\b""")


def test_numbers_are_formatted_in_one_place():
    """pvd.core.formatting is the one place that writes numbers; everything else calls it."""
    found = []
    for path in sorted(PRODUCT.rglob("*")):
        if path.suffix not in {".py", ".html", ".txt"} or "tests" in path.parts or path.name == "formatting.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BY_HAND.search(line):
                found.append(f"{path.relative_to(PRODUCT.parent)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
