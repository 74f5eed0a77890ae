"""Markup and script in every text field: shown as text everywhere, never run.

Every text field of every row of the world is set to markup (`<script>…`, `"><img onerror…>`),
every URL field to a `javascript:` address; then every page and file the register lists is read
by an allowed viewer: no raw markup in an HTML page, no `javascript:` link, the text literally in
the PDF and DOCX files, the ICS feed and the GeoJSON exports, and no formula in a CSV.
"""

import io
import json
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from tests.attack.expect import OK, expected, login, send
from tests.attack.surface import REGISTER
from tests.attack.world import VIEWERS

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
URL = "javascript:alert(1)"
# Fields that hold no free text (identifiers, secrets, codes).
NOT_TEXT = {"token", "password", "code", "code_insee", "siren", "email", "key", "indicateur", "annee", "millesime"}


def markup_everywhere() -> int:
    """Sets every free text field of the platform's rows to PAYLOAD (cut to the field's length), every
    URL field to a javascript: address. Returns the number of fields set."""
    count = 0
    for config in apps.get_app_configs():
        if not config.name.startswith("pvd."):
            continue
        for model in config.get_models():
            fields = []
            for field in model._meta.concrete_fields:
                if isinstance(field, models.URLField):
                    fields.append((field, URL))
                elif (
                    isinstance(field, models.CharField | models.TextField)
                    and not field.choices
                    and not isinstance(field, models.EmailField | models.SlugField)
                    and field.name not in NOT_TEXT
                    and not field.unique
                    and (field.max_length or 1000) >= len(SCRIPT) + 8
                ):
                    fields.append((field, PAYLOAD))
            # Row by row, the primary key first: names unique in their dossier stay unique.
            for pk in model._base_manager.values_list("pk", flat=True) if fields else ():
                values = {field.name: f"{pk} {text}"[: field.max_length] for field, text in fields}
                values.update({field.name: text for field, text in fields if text == URL})
                model._base_manager.filter(pk=pk).update(**values)
            count += len(fields)
    return count


@pytest.fixture(scope="module")
def marked(world, django_db_blocker):
    with django_db_blocker.unblock():
        assert markup_everywhere() > 50
    return world


def reader(entry):
    return next((kind for kind in VIEWERS if expected(entry, "GET", kind) == OK), None)


# Files uploaded by users, given back as they were (not made by the platform).
UPLOADED = {"diagnostic:plan_download", "actions:piece_download", "conventions:document", "documents:download"}
GETS = [entry for entry in REGISTER if "GET" in entry.methods and reader(entry)]


def text_of(response) -> tuple[str, str]:
    """(kind of content, its text)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").split(";")[0]
    if kind == "application/pdf":
        return "pdf", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if kind.endswith("wordprocessingml.document"):
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            xml = docx.read("word/document.xml").decode()
        return "docx", "".join(BeautifulSoup(xml, "xml").find_all(string=True))
    return kind, content.decode("utf-8", errors="replace")


def raw_markup(html: str) -> list[str]:
    """Elements and attributes that the markup became (none when it stayed text)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all("script"):
        if (tag.string or "").strip() == "alert(1)":  # the payload became an element
            found.append(str(tag))
    found += [str(tag) for tag in soup.find_all("img", attrs={"onerror": True})]
    for tag in soup.find_all(href=True):
        if tag["href"].strip().lower().startswith("javascript:"):
            found.append(str(tag))
    return found


@pytest.mark.parametrize("entry", GETS, ids=[entry.name for entry in GETS])
def test_markup_stays_text(marked, w, client, entry):
    login(client, w, reader(entry))
    path = reverse(entry.name, kwargs=entry.kwargs(w)) + entry.query
    response = send(client, "GET", path)
    if response.status_code != 200:
        assert response.status_code in entry.ok, response.status_code
        return
    if entry.name in UPLOADED:
        return
    kind, text = text_of(response)
    if kind == "text/html":
        assert raw_markup(text) == []
    elif kind in ("pdf", "docx", "text/calendar"):
        # Shown literally: the markup's characters are there as text (not dropped nor entities).
        flat = text.replace("\r\n ", "").replace("\n", "").replace("\\", "")
        assert "alert(1)" not in flat or SCRIPT in flat, flat[:500]
        assert "&lt;" not in flat
    elif kind in ("application/geo+json", "application/json"):
        flat = json.dumps(json.loads(text), ensure_ascii=False)
        assert "alert(1)" not in flat or SCRIPT in flat
    elif kind == "text/csv":
        for line in text.splitlines():
            for cell in line.split(";") + line.split(","):
                assert not cell.strip('"').startswith(("=", "+", "@")), cell
