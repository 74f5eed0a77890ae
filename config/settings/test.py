"""Test settings: SQLite in memory by default, PostgreSQL when DATABASE_URL says so."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import BASE_DIR, TEMPLATES

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"
# Offline: maps on a blank base, whatever the environment says.
PVD_MAP_TILES_URL = ""
PVD_MAP_TILES_ATTRIBUTION = ""

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    # Parallel worktrees and CI runs must not share one test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PG_TEST_NAME", "test_pvd")}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}


class _InvalidVariable(str):
    """Makes a misspelt variable in one of the project's templates fail the test that renders it.

    Third-party templates (django-dsfr, admin) rely on missing variables being empty, so only
    templates under the project's directory raise.
    """

    def __mod__(self, other):
        import sys

        from django.template.base import Node

        frame = sys._getframe(1)
        while frame is not None:
            node = frame.f_locals.get("self")
            if isinstance(node, Node) and getattr(node, "origin", None) is not None:
                name = str(node.origin.name)
                if name.startswith(str(BASE_DIR)) and "/.venv/" not in name:
                    raise NameError(f"Variable de gabarit inconnue : {other!r} dans {name}")
                return ""
            frame = frame.f_back
        return ""


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = _InvalidVariable("%s")

# Serve static files from the apps and static/ directly (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

PVD_BASE_URL = "http://testserver"

# Generated documents are rendered every time in tests (the tests of the cache turn one on).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
