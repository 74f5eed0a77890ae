"""Structural guarantees of the project, checked over every URL and every shipped file.

- Login is required by default: every page redirects an anonymous visitor to the login page,
  except the public views, which opt out with `login_not_required` AND are listed below.
- The roles table of the `pvd/dossiers/perms.py` docstring says what `PERMISSIONS` does.
- The vendored front-end files are the ones `static/vendor/VERSIONS.md` describes, and
  `THIRD_PARTY.md` names every vendored directory.
"""

import hashlib
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pvd.dossiers import perms

ROOT = Path(__file__).resolve().parents[1]

# A new public page must be added here on purpose (and decorated with `login_not_required`).
PUBLIC_URL_NAMES = {
    "core:home",
    "core:healthz",
    "core:accessibilite",
    "core:mentions",
    "comptes:login",
    "comptes:password_reset",
    "comptes:password_reset_done",
    "comptes:password_reset_confirm",
    "comptes:password_reset_complete",
    "comptes:invitation",
    # The register of personal data (pvd.comptes.rgpd).
    "comptes:donnees_personnelles",
    "gouvernance:feed_token",
    "strategie:public",
    "participation:public",
    "participation:contribution",
    # The open data of the published fiches (pvd.pilotage.opendata).
    "pilotage:opendata",
    "pilotage:opendata_csv",
    "pilotage:opendata_geojson",
}
SKIPPED_PREFIXES = ("admin/", "static/", "media/")
DUMMY_VALUES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": str(uuid.UUID(int=1)),
}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _dummy(match: re.Match) -> str:
    converter = match["converter"] or "str"
    if converter not in DUMMY_VALUES:
        raise AssertionError(f"Convertisseur d'URL sans valeur de test : {converter} (ajoutez-le à DUMMY_VALUES)")
    return DUMMY_VALUES[converter]


def _walk(patterns, prefix="", namespace=""):
    """(name, path with dummy values, view) for every URL pattern, through every include()."""
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            child_namespace = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, prefix + route, child_namespace)
        elif isinstance(entry, URLPattern):
            full = prefix + route
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or full
            yield name, "/" + PARAMETER.sub(_dummy, full), entry.callback


def project_urls():
    urls = []
    for name, path, view in _walk(get_resolver().url_patterns):
        if path.lstrip("/").startswith(SKIPPED_PREFIXES) or "^" in path:
            continue  # the Django admin, static and media files (regex patterns)
        urls.append((name, path, view))
    return urls


def is_public(view) -> bool:
    return getattr(view, "login_required", True) is False


def test_the_url_walk_finds_the_whole_project():
    names = {name for name, _path, _view in project_urls()}
    # Private pages of every app and the public ones are all found (a walk that stopped early
    # would make the next test pass on nothing).
    assert {"dossiers:list", "dossiers:detail", "core:home", "comptes:logout"} <= names
    assert len(names) > 100


def test_public_views_are_exactly_the_expected_ones():
    public = {name for name, _path, view in project_urls() if is_public(view)}
    assert public == PUBLIC_URL_NAMES, (
        "Vue publique inattendue ou disparue : une page publique s'ajoute à PUBLIC_URL_NAMES exprès."
    )


@pytest.mark.django_db
def test_every_other_page_sends_anonymous_visitors_to_the_login_page(client):
    login = reverse(settings.LOGIN_URL)
    open_pages = []
    for name, path, view in project_urls():
        if is_public(view) and name in PUBLIC_URL_NAMES:
            continue
        response = client.get(path)
        if not (response.status_code == 302 and response["Location"].startswith(login + "?next=")):
            open_pages.append(f"{name} {path} → {response.status_code}")
    assert open_pages == [], "Pages accessibles sans connexion :\n" + "\n".join(open_pages)


# --- The roles table of perms.py --------------------------------------------------------------

TABLE_ROLES = {
    "chef": "chef_de_projet",
    "équipe": "equipe",
    "élu": "elu",
    "partenaire": "partenaire",
    "lecteur": "lecteur",
    "préfecture": perms.PREFECTURE,
    "ANCT": perms.ANCT,
}


def docstring_table() -> dict[str, set[str]]:
    rows = [line for line in perms.__doc__.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[0] == "permission" and set(header[1:]) == set(TABLE_ROLES), header
    table = {}
    for row in rows[2:]:  # after the header and its separator
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert set(cells[1:]) <= {"", "x"}, row
        table[cells[0]] = {TABLE_ROLES[role] for role, cell in zip(header[1:], cells[1:], strict=True) if cell}
    return table


def test_the_documented_roles_table_is_the_permissions_table():
    assert set(TABLE_ROLES.values()) == {str(role) for role in perms.ROLE_LABELS}
    documented = docstring_table()
    actual = {perm: {str(role) for role in roles} for perm, roles in perms.PERMISSIONS.items()}
    assert sorted(documented) == sorted(actual), "Permissions du tableau ≠ PERMISSIONS"
    for label, role in TABLE_ROLES.items():
        said = sorted(perm for perm, roles in documented.items() if role in roles)
        done = sorted(perm for perm, roles in actual.items() if role in roles)
        assert said == done, f"Rôle « {label} » : le tableau dit {said}, PERMISSIONS donne {done}"


# --- Vendored files ---------------------------------------------------------------------------

VENDOR = ROOT / "static" / "vendor"
VENDOR_DIRS = [VENDOR, ROOT / "tests" / "browser" / "vendor"]
CHECKSUM = re.compile(r"^(?P<sha>[0-9a-f]{64})  (?P<path>\S.*)$")


def recorded_checksums() -> dict[Path, str]:
    """The `sha256sum` block of VERSIONS.md: paths under static/vendor, or from the repository root."""
    text = (VENDOR / "VERSIONS.md").read_text(encoding="utf-8")
    block = text.split("## SHA-256 of vendored files", 1)[1].split("```")[1]
    recorded = {}
    for line in block.strip().splitlines():
        match = CHECKSUM.match(line)
        assert match, f"Ligne illisible dans VERSIONS.md : {line!r}"
        relative = match["path"]
        path = ROOT / relative if relative.startswith("tests/") else VENDOR / relative
        recorded[path] = match["sha"]
    return recorded


def vendored_files() -> set[Path]:
    return {
        path
        for directory in VENDOR_DIRS
        for path in directory.rglob("*")
        if path.is_file() and path != VENDOR / "VERSIONS.md"
    }


def test_vendored_files_match_their_recorded_checksums():
    recorded = recorded_checksums()
    assert set(recorded) == vendored_files(), "Fichiers vendus absents de VERSIONS.md, ou l'inverse"
    changed = [
        str(path.relative_to(ROOT))
        for path, sha in recorded.items()
        if hashlib.sha256(path.read_bytes()).hexdigest() != sha
    ]
    assert changed == [], f"Fichiers vendus modifiés depuis scripts/update_vendor.sh : {changed}"


def test_third_party_names_every_vendored_directory():
    notice = (ROOT / "THIRD_PARTY.md").read_text(encoding="utf-8")
    directories = [path for base in VENDOR_DIRS for path in base.iterdir() if path.is_dir()]
    assert directories
    missing = []
    for directory in directories:
        relative = directory.relative_to(VENDOR if directory.parent == VENDOR else ROOT)
        if f"`{relative}/`" not in notice:
            missing.append(str(relative))
    assert missing == [], f"Dossiers vendus absents de THIRD_PARTY.md : {missing}"


def test_third_party_names_the_data_of_every_import_command():
    notice = (ROOT / "THIRD_PARTY.md").read_text(encoding="utf-8")
    commands = {path.stem for path in ROOT.glob("pvd/*/management/commands/import_*.py")}
    assert {"import_cog", "import_pvd", "import_contours_epci"} <= commands
    missing = sorted(command for command in commands if f"`{command}`" not in notice)
    assert missing == [], f"Données importées sans source ni licence dans THIRD_PARTY.md : {missing}"
