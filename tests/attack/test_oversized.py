"""Oversized input: every form of every page, its text fields filled with 100,000 characters and
sent by a viewer allowed to: a form error or a value within the field's length, never a server
error (PostgreSQL refuses a value longer than its column: a form without the limit answers 500)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.attack.expect import OK, expected, login, send, send_and_undo
from tests.attack.surface import REGISTER
from tests.attack.world import VIEWERS

pytestmark = pytest.mark.django_db

LONG = "x" * 100_000
TEXT_INPUTS = {"text", "search", "url", "email", "tel", ""}


def allowed(entry):
    return next((kind for kind in VIEWERS if expected(entry, "GET", kind) == OK), None)


PAGES = [entry for entry in REGISTER if "GET" in entry.methods and allowed(entry) and not entry.heavy]


def forms_of(html: str, path: str):
    """(action, data) of each POST form of the page, its text fields filled with LONG."""
    soup = BeautifulSoup(html, "html.parser")
    for form in soup.select("form"):
        if (form.get("method") or "get").lower() != "post" or form.find("input", attrs={"type": "file"}):
            continue
        data, long_fields = {}, 0
        for field in form.select("input[name], textarea[name], select[name]"):
            name = field["name"]
            if field.name == "textarea" or (field.name == "input" and field.get("type", "") in TEXT_INPUTS):
                data[name], long_fields = LONG, long_fields + 1
            elif field.name == "select":
                option = field.find("option", selected=True) or field.find("option", attrs={"value": True})
                data[name] = option["value"] if option else ""
            elif field.get("type") in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data[name] = field.get("value", "on")
            else:
                data.setdefault(name, field.get("value", ""))
        if long_fields:
            yield form.get("action") or path, data


@pytest.mark.parametrize("entry", PAGES, ids=[entry.name for entry in PAGES])
def test_a_very_long_text_is_never_a_server_error(w, client, entry):
    login(client, w, allowed(entry))
    path = reverse(entry.name, kwargs=entry.kwargs(w)) + entry.query
    response = send(client, "GET", path)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return
    for action, data in forms_of(response.content.decode(), path):
        response = send_and_undo(client, "POST", action, data)
        # The test client raises the view's exception: reaching here means no server error.
        assert response.status_code < 500, (action, response.status_code)
