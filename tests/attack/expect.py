"""What each viewer gets from an entry of the register: the project's convention of refusals
(anonymous → login page, cannot see the dossier → 404, sees it without the right → 403),
with the roles read from `pvd.dossiers.perms.PERMISSIONS`."""

from django.conf import settings
from django.db import transaction

from pvd.dossiers import perms
from tests.attack.surface import ADMIN, LOGGED_IN, PUBLIC
from tests.test_cross_dossier import snapshot as cross_dossier_snapshot
from tests.utils import CANNOT_SEE

OK = "ok"
# The State role of each kind of viewer, outside any dossier (a membership never counts there).
STATE_ROLE = {"prefecture": perms.PREFECTURE, "prefecture_autre": perms.PREFECTURE, "anct": perms.ANCT}
# The role of each kind of viewer in the world's dossier.
DOSSIER_ROLE = {"prefecture": perms.PREFECTURE, "anct": perms.ANCT}


def expected(entry, method: str, kind: str):
    """OK, or the status of the refusal `kind` gets for `method` on `entry`."""
    if kind in entry.special and method in entry.methods:
        return entry.special[kind]
    who = entry.who_for(method)
    if who == PUBLIC:
        return 405 if method not in entry.methods else OK
    if kind == "anonymous":
        return 302
    if method not in entry.methods:
        return 405
    if who == LOGGED_IN:
        return OK
    if who == ADMIN:
        return 302
    scope, _, perm = who.rpartition(":")
    if scope == "state":
        role = STATE_ROLE.get(kind)
    elif scope == "national":
        role = perms.ANCT if kind == "anct" else None
    else:
        if kind in CANNOT_SEE:
            return 404
        role = DOSSIER_ROLE.get(kind, kind)
    return OK if role in perms.PERMISSIONS[perm] else 403


def login(client, w, kind: str):
    """`client` as `kind` of viewer of the world (its session made once by `world.build`)."""
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    if kind != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[kind]
    return client


def snapshot() -> dict:
    """Every row of every table of the platform's apps (`test_cross_dossier.snapshot`), without
    the time of the users' last login."""
    rows = cross_dossier_snapshot()
    for row in rows["comptes.User"]:
        row.pop("last_login")
    return rows


def assert_unchanged(before: dict, after: dict, what: str) -> None:
    """The same rows; else the tables that changed (not a diff of every row of the platform)."""
    changed = sorted(label for label in before if before[label] != after[label])
    assert changed == [], f"{what} a changé des données : {changed}"


def send(client, method: str, path: str, data=None):
    """The response to one request; a streamed file is read (and closed) as a server would."""
    response = client.get(path) if method == "GET" else client.post(path, data or {})
    if response.streaming:
        b"".join(response.streaming_content)
    return response


class Rollback(Exception):
    pass


def send_and_undo(client, method, path, data=None):
    """The response to a request whose changes to the database are undone right after."""
    try:
        with transaction.atomic():
            response = send(client, method, path, data)
            raise Rollback
    except Rollback:
        pass
    return response
