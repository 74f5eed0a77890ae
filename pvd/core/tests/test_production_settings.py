import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[3]
REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://pvd:secret@db.exemple.fr:5432/pvd",
    "ALLOWED_HOSTS": "pvd.exemple.fr,www.pvd.exemple.fr",
}


def load_production(monkeypatch, **env):
    for name in REQUIRED:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("config.settings.production", None)
    try:
        return importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_production_refuses_to_start_without(monkeypatch, missing):
    env = {name: value for name, value in REQUIRED.items() if name != missing}
    with pytest.raises(ImproperlyConfigured, match=f"{missing} est obligatoire en production"):
        load_production(monkeypatch, **env)
    with pytest.raises(ImproperlyConfigured, match=missing):
        load_production(monkeypatch, **env, **{missing: "   "})


def test_production_values(monkeypatch):
    production = load_production(monkeypatch, **REQUIRED)
    assert production.DEBUG is False
    secret = REQUIRED["SECRET_KEY"]
    assert secret == production.SECRET_KEY
    assert production.ALLOWED_HOSTS == ["pvd.exemple.fr", "www.pvd.exemple.fr"]
    assert production.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert production.DATABASES["default"]["HOST"] == "db.exemple.fr"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in production.MIDDLEWARE
    # Static files are served early, after the security headers and the content security policy.
    assert production.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") == 2
    assert production.MIDDLEWARE[1] == "pvd.core.csp.ContentSecurityPolicyMiddleware"
    assert production.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert production.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE


def test_check_deploy_is_clean():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in the same process: a production server never has it.
    ignored = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", *REQUIRED}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(REQUIRED)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr
