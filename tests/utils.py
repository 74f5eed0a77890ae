"""What every app's tests share: the fragment of a page that matters, the refusal a viewer gets,
query counts that must not grow with the data, and snapshots of HTML fragments and query lists.

Imported as `from tests.utils import main` from any test file: the root `conftest.py` puts the
repository on the import path.
"""

import difflib
import os
import re
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Viewers who cannot see the dossier at all: the page does not exist for them.
CANNOT_SEE = {"outsider", "prefecture_autre"}


def main(response):
    """The page's content fragment (`#content`, inside `<main>`): what a test reads, not the layout."""
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def refusal_status(kind: str, *, hidden: bool = False) -> int:
    """The status a refused viewer gets: the login page (302) for an anonymous visitor, « not
    found » (404) for who cannot see the dossier (or an object hidden from them), « forbidden »
    (403) for who sees the dossier without the right."""
    if kind == "anonymous":
        return 302
    if hidden or kind in CANNOT_SEE:
        return 404
    return 403


def expected_status(kind: str, allowed, ok: int = 200) -> int:
    """The status a kind of viewer gets on a page that the `allowed` kinds may use."""
    if kind == "anonymous" or kind in CANNOT_SEE:
        return refusal_status(kind)
    return ok if kind in allowed else 403


def assert_refused(response, kind: str, *, hidden: bool = False) -> None:
    """The response refuses `kind` as `refusal_status` says; an anonymous visitor goes to the login page."""
    assert response.status_code == refusal_status(kind, hidden=hidden), (kind, response.status_code)
    if kind == "anonymous":
        assert "/comptes/connexion/" in response["Location"]


def count_queries(run: Callable):
    """(result of run(), the queries it made)."""
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return result, captured.captured_queries


def assert_queries_do_not_grow(run: Callable, *, grow: Callable, warm: bool = True):
    """Runs `run` on the data there is, then again after `grow()` has added more: both runs must
    make the same number of queries. With `warm`, `run` runs once before each count (caches such
    as ContentType's filled). Returns the results of the two counted runs."""
    counted = []
    for step in ("small", "large"):
        if step == "large":
            grow()
        if warm:
            run()
        counted.append(count_queries(run))
    (small, small_queries), (large, large_queries) = counted
    if len(large_queries) != len(small_queries):
        diff = difflib.unified_diff(
            [q["sql"] for q in small_queries], [q["sql"] for q in large_queries], "small", "large", lineterm=""
        )
        raise AssertionError(
            f"{len(small_queries)} requêtes, puis {len(large_queries)} avec plus de données :\n" + "\n".join(diff)
        )
    return small, large


# Snapshots ------------------------------------------------------------------------------------

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = "SNAPSHOT_UPDATE"


# Attributes that hold primary keys (URLs, ids and what points at them, chosen values).
_PK_ATTRIBUTES = {"href", "action", "src", "id", "for", "name", "headers", "value", "list", "form"}


def normalise_html(fragment) -> str:
    """A fragment as indented HTML that does not depend on the database: the numbers in the
    attributes that hold primary keys (URLs, ids, `for`, values, `aria-*`, `data-*`) become `N`,
    CSRF tokens `CSRF`; classes and text are kept as they are."""
    soup = BeautifulSoup(str(fragment), "html.parser")
    for tag in soup.find_all(True):
        for name, value in list(tag.attrs.items()):
            if tag.get("name") == "csrfmiddlewaretoken" and name == "value":
                tag[name] = "CSRF"
            elif isinstance(value, str) and (name in _PK_ATTRIBUTES or name.startswith(("aria-", "data-"))):
                tag[name] = re.sub(r"\d+", "N", value)
    lines = (line.rstrip() for line in soup.prettify().splitlines())
    return "\n".join(line for line in lines if line.strip()) + "\n"


def _ilike(match) -> str:
    return f"{match.group(1) or match.group(2)} ILIKE ?"


_SQL_RULES = [
    (re.compile(r'"'), ""),  # quoted names
    (re.compile(r"'(?:[^']|'')*'"), "?"),  # string and date literals
    (re.compile(r"::(?:timestamp with time zone|[a-z_]+)(?:\(\d+\))?(?:\[\])?"), ""),  # PostgreSQL casts
    (re.compile(r"^DECLARE \S+ NO SCROLL CURSOR (?:WITH HOLD )?FOR "), ""),  # PostgreSQL's .iterator()
    (re.compile(r"\b(?:true|false)\b", re.IGNORECASE), "?"),
    (re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?\b"), "?"),  # numbers
    # Case-insensitive lookups: SQLite's LIKE is one, PostgreSQL compares upper cases.
    (re.compile(r"UPPER\(([\w.]+)\) (?:=|LIKE) UPPER\(\?\)|([\w.]+) LIKE \? ESCAPE \?"), _ilike),
    (re.compile(r"\bIN \((?:\?, )*\?\)"), "IN (…)"),  # lists of any length
    # PostgreSQL groups by the primary key alone, SQLite by every selected column of the table.
    (re.compile(r"GROUP BY (\w+)\.id(?:, \1\.\w+)*"), r"GROUP BY \1.id"),
    (re.compile(r"\b(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) \S+"), r"\1 S"),
    (re.compile(r"\s+"), " "),
]


def normalise_sql(queries) -> str:
    """One line per query, with no literal value, no quote and no cast: the same text on SQLite
    and on PostgreSQL for the ORM's ordinary queries."""
    lines = []
    for query in queries:
        sql = query["sql"] if isinstance(query, dict) else str(query)
        for pattern, replacement in _SQL_RULES:
            sql = pattern.sub(replacement, sql)
        lines.append(sql.strip())
    return "\n".join(lines) + "\n"


def assert_snapshot(text: str, name: str) -> None:
    """`text` equals the stored snapshot `tests/snapshots/<name>`. With `SNAPSHOT_UPDATE=1` in the
    environment, the snapshot is (re)written instead: review the diff, then commit it."""
    path = SNAPSHOTS / name
    if os.environ.get(UPDATE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        return
    if not path.exists():
        raise AssertionError(f"Pas d'instantané {path} : lancez ce test avec {UPDATE}=1 pour l'écrire.")
    stored = path.read_text()
    if stored != text:
        diff = "\n".join(difflib.unified_diff(stored.splitlines(), text.splitlines(), "stocké", "obtenu", lineterm=""))
        raise AssertionError(
            f"L'instantané {name} a changé (si c'est voulu : {UPDATE}=1 puis relire le diff) :\n{diff}"
        )


def form_fields(response, action: str | None = None) -> dict:
    """What a browser would post from the page's form whose action is `action` (the page's own
    address by default): every named input, select and textarea with its current value, lists
    for a multiple choice. To post an edit form as it was read, with the version it carries
    (pvd.core.concurrency), and change only what a test types."""
    soup = BeautifulSoup(response.content, "html.parser")
    action = action or response.request["PATH_INFO"]
    forms = [form for form in soup.select("form") if (form.get("action") or response.request["PATH_INFO"]) == action]
    assert len(forms) == 1, f"{len(forms)} forms post to {action}"
    data: dict = {}

    def add(name, value, multiple=False):
        if multiple or name in data:
            current = data.get(name, [])
            data[name] = [*(current if isinstance(current, list) else [current]), value]
        else:
            data[name] = value

    for element in forms[0].select("input, select, textarea"):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            text = element.text
            data[name] = text[1:] if text.startswith("\n") else text  # as a browser drops the first newline
        elif element.name == "select":
            options = element.select("option")
            chosen = [o for o in options if o.has_attr("selected")] or (
                [] if element.has_attr("multiple") else options[:1]
            )
            if element.has_attr("multiple"):
                data[name] = [o.get("value", o.text) for o in chosen]
            elif chosen:
                data[name] = chosen[0].get("value", chosen[0].text)
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                add(name, element.get("value", "on"), multiple=element.get("type") == "checkbox")
        elif element.get("type") not in ("file", "submit", "button", "reset", "image"):
            data[name] = element.get("value", "")
    return data


def edit_fields(client, page_url: str, action: str | None = None) -> dict:
    """The hidden fields of an edit form as the page `page_url` gives them (the version it was
    read at and the values read, pvd.core.concurrency): to add to the data a test posts. Empty
    for a viewer the page refuses or shows without the form (the post is refused before its
    form is read), and for a page without an edit form."""
    from pvd.core.forms import READ_FIELD, VERSION_FIELD

    response = client.get(page_url)
    if response.status_code != 200:
        return {}
    action = action or response.request["PATH_INFO"]
    soup = BeautifulSoup(response.content, "html.parser")
    for form in soup.select("form"):
        if (form.get("action") or response.request["PATH_INFO"]) != action:
            continue
        hidden = {
            element["name"]: element.get("value", "")
            for element in form.select("input[type=hidden][name]")
            if element["name"].endswith((VERSION_FIELD, READ_FIELD))
        }
        if hidden:
            return hidden
    return {}
