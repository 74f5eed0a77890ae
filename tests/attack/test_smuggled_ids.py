"""Ids of another dossier smuggled into the fields of every form: refused or ignored.

Every POST form of every page the register lists is filled as a browser would (the first choice of
each list, short texts), then each choice field (list, boxes) whose name is a link to a kind of
object is given, in turn, the id of such an object of the other dossier. Whatever the answer
(a form error, or the form saved without it), no row of the platform may then point at the
other dossier's object, and none of the other dossier's rows may change (nor be deleted).
"""

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.db import models, transaction
from django.urls import reverse

from tests.attack.expect import OK, Rollback, expected, login, send, snapshot
from tests.attack.surface import REGISTER
from tests.attack.world import VIEWERS

pytestmark = pytest.mark.django_db


def allowed(entry):
    return next((kind for kind in VIEWERS if expected(entry, "GET", kind) == OK), None)


PAGES = [entry for entry in REGISTER if "GET" in entry.methods and allowed(entry) and not entry.heavy]


def link_names() -> dict:
    """For each model of the platform, the names of the fields that point at it (and its own)."""
    names = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey | models.ManyToManyField | models.OneToOneField):
                names.setdefault(field.related_model, {field.related_model._meta.model_name}).add(field.name)
    return names


# Shared by every dossier (the national list of organisations, the territories, the accounts).
SHARED_APPS = {"territoires", "comptes"}


def theirs(w) -> list:
    """The other dossier's own objects."""
    return [
        obj
        for obj in vars(w.other).values()
        if isinstance(obj, models.Model) and obj._meta.app_label not in SHARED_APPS
    ]


def forms_of(html, path):
    """(action, data, choice fields) of each POST form, filled as a browser would."""
    soup = BeautifulSoup(html, "html.parser")
    for form in soup.select("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        data, choices = {}, []
        for field in form.select("input[name], textarea[name], select[name]"):
            name, kind = field["name"], field.get("type", "")
            if field.name == "select":
                option = field.find("option", selected=True) or next(
                    (o for o in field.find_all("option") if o.get("value")), None
                )
                data[name] = option["value"] if option else ""
                choices.append(name)
            elif kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data[name] = field.get("value", "on")
                if field.get("value", "").isdigit():
                    choices.append(name)
            elif kind == "file":
                continue
            elif kind == "hidden":
                data[name] = field.get("value", "")
                if field.get("value", "").isdigit():
                    choices.append(name)
            else:
                data.setdefault(name, field.get("value") or "Texte")
        if choices:
            yield form.get("action") or path, data, sorted(set(choices))


def violations(before, after, their_keys) -> list[str]:
    found = []
    for label, rows in after.items():
        try:
            model = apps.get_model(label)
        except (LookupError, KeyError):
            continue
        if model._meta.model_name.startswith("historical"):
            continue  # the audit trail records what happened, it links nothing
        links = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        old = {row["id"]: row for row in before.get(label, []) if "id" in row}
        for row in rows:
            if old.get(row.get("id")) == row:
                continue
            for field in links:
                if (field.related_model._meta.label, row[field.attname]) in their_keys:
                    found.append(f"{label} {row.get('id')}.{field.name} → l'autre dossier")
    for label, pk in their_keys:
        was = [row for row in before.get(label, []) if row.get("id") == pk]
        now = [row for row in after.get(label, []) if row.get("id") == pk]
        if was != now:
            found.append(f"{label} {pk} de l'autre dossier modifié")
    return found


@pytest.mark.parametrize("entry", PAGES, ids=[entry.name for entry in PAGES])
def test_ids_of_another_dossier_are_refused_or_ignored(w, client, entry):
    login(client, w, allowed(entry))
    path = reverse(entry.name, kwargs=entry.kwargs(w)) + entry.query
    response = send(client, "GET", path)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return
    names = link_names()
    objects = theirs(w)
    their_keys = {(obj._meta.label, obj.pk) for obj in objects}
    before = snapshot()
    wrong = []
    for action, data, choices in forms_of(response.content.decode(), path):
        for choice in choices:
            field = choice.rsplit("-", 1)[-1]
            for obj in objects:
                if field not in names.get(type(obj), ()):
                    continue
                try:
                    with transaction.atomic():
                        answer = client.post(action, {**data, choice: str(obj.pk)})
                        assert answer.status_code < 500
                        wrong += [f"{action} {choice}={obj!r}: {v}" for v in violations(before, snapshot(), their_keys)]
                        raise Rollback
                except Rollback:
                    pass
    assert wrong == []
