"""Hypothesis-generated bad input on the imports (plan d'action XLSX, values of indicators
CSV/XLSX, figures of the diagnostic CSV/XLSX, sectors GeoJSON): never a server error, and a
refused file saves nothing (the counts of the platform's tables are unchanged)."""

import io
import json

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pvd.diagnostic.tests.factories_imports import GENERIC_HEADER
from pvd.diagnostic.views_import import SESSION_KEY as DIAGNOSTIC_KEY
from pvd.suivi.views_saisie import SESSION_KEY as SUIVI_KEY
from tests.attack.expect import Rollback, login

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cells = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "=cmd|' /C calc'!A0", "2024-13-45", "01/02/2024", "1,5", "-", "NaN", "\x00", "﻿"]),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=8), min_size=0, max_size=6)


def counts() -> dict:
    return {
        model._meta.label: model._base_manager.count()
        for config in apps.get_app_configs()
        if config.name.startswith("pvd.")
        for model in config.get_models()
    }


def csv_file(header: str, body, sep=";") -> bytes:
    return (header + "\n" + "\n".join(sep.join(row) for row in body)).encode("utf-8", errors="replace")


def xlsx_file(header: list[str], body) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in body:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])  # what a spreadsheet can hold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attempt(client, path, data, confirm):
    """Sends the file, then confirms the preview when there is one; in a savepoint undone after.
    Returns (statuses, whether the counts changed although nothing was imported)."""
    before = counts()
    statuses = []
    try:
        with transaction.atomic():
            response = client.post(path, data)
            statuses.append(response.status_code)
            if response.status_code == 200 and confirm:
                response = client.post(path, confirm(client))
                statuses.append(response.status_code)
            # A refused file (an error, or back to the form) saves nothing.
            imported = response.status_code == 302 and (len(statuses) == 2 or not confirm)
            changed = counts() != before and not imported
            raise Rollback
    except Rollback:
        pass
    return statuses, changed


def empreinte(key):
    def confirm(client):
        stored = client.session.get(key.format(client.dossier_pk)) or {}
        return {"confirm": "1", "empreinte": stored.get("empreinte", "")}

    return confirm


def check(statuses, changed):
    assert all(status < 500 for status in statuses), statuses
    assert not changed, f"Un import refusé a enregistré des données ({statuses})"


@pytest.fixture
def chef(w, client):
    client.dossier_pk = w.dossier.pk
    return login(client, w, "chef_de_projet")


@FUZZ
@given(body=rows, as_xlsx=st.booleans())
def test_plan_import(w, chef, body, as_xlsx):
    header = ["Numéro", "Titre", "Axe", "Statut", "Coût", "Début", "Fin", "Maître d'ouvrage"]
    content = xlsx_file(header, body) if as_xlsx else csv_file(";".join(header), body)
    path = reverse("actions:import", kwargs={"dossier_pk": w.dossier.pk})
    data = {"fichier": SimpleUploadedFile("plan.xlsx", content)}
    check(*attempt(chef, path, data, lambda client: {"confirm": "1"}))


@FUZZ
@given(body=rows, as_xlsx=st.booleans())
def test_suivi_import(w, chef, body, as_xlsx):
    header = ["indicateur", "date", "valeur", "commentaire"]
    name = "valeurs.xlsx" if as_xlsx else "valeurs.csv"
    content = xlsx_file(header, body) if as_xlsx else csv_file(";".join(header), body)
    path = reverse("suivi:valeurs_import", kwargs={"dossier_pk": w.dossier.pk})
    check(*attempt(chef, path, {"fichier": SimpleUploadedFile(name, content)}, empreinte(SUIVI_KEY)))


@FUZZ
@given(body=rows, as_xlsx=st.booleans())
def test_diagnostic_import(w, chef, body, as_xlsx):
    name = "donnees.xlsx" if as_xlsx else "donnees.csv"
    content = xlsx_file(GENERIC_HEADER.split(";"), body) if as_xlsx else csv_file(GENERIC_HEADER, body)
    path = reverse("diagnostic:imports", kwargs={"dossier_pk": w.dossier.pk})
    data = {"fichier": SimpleUploadedFile(name, content), "kind": "generique"}
    check(*attempt(chef, path, data, empreinte(DIAGNOSTIC_KEY)))


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
coordinates = st.lists(st.lists(st.floats(min_value=-400, max_value=400), min_size=0, max_size=3), max_size=6)
geometries = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "LineString", "Nope"]),
        "coordinates": st.one_of(coordinates, st.lists(coordinates, max_size=3), json_values),
    }
)
features = st.fixed_dictionaries(
    {"type": st.just("Feature"), "properties": json_values, "geometry": st.one_of(geometries, json_values)}
)
geojson = st.one_of(
    json_values.map(json.dumps),
    st.lists(features, max_size=4).map(lambda f: json.dumps({"type": "FeatureCollection", "features": f})),
    st.text(max_size=200),
)


@FUZZ
@given(texte=geojson)
def test_secteurs_import(w, chef, texte):
    path = reverse("strategie:secteurs_import", kwargs={"dossier_pk": w.dossier.pk})
    data = {"texte": texte, "kind": "autre", "commune": w.commune.pk}
    check(*attempt(chef, path, data, None))


@FUZZ
@given(texte=geojson)
def test_points_import(w, chef, texte):
    path = reverse("diagnostic:points_import", kwargs={"dossier_pk": w.dossier.pk})
    check(*attempt(chef, path, {"texte": texte, "kind": "autre"}, None))
