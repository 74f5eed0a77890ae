"""The accounts' security settings, in production and from the environment."""

import importlib
import sys

from pvd.core.tests.test_production_settings import REQUIRED, load_production


def test_production_locks_out_and_expires_sessions(monkeypatch):
    production = load_production(monkeypatch, **REQUIRED)
    assert production.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert production.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    auth = production.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert production.MIDDLEWARE[auth + 1] == "django_otp.middleware.OTPMiddleware"
    assert production.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert production.AXES_CLIENT_IP_CALLABLE == "pvd.comptes.lockout.client_ip"
    assert production.AXES_FAILURE_LIMIT == 5
    assert production.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert production.PVD_SESSION_INACTIVITE_MINUTES == 120
    assert production.PVD_SESSION_DUREE_MAX_HEURES == 12
    # ProConnect is off until its endpoints and client are given.
    assert not production.PVD_OIDC_ENABLED
    assert "pvd.comptes.oidc.ProConnectBackend" not in production.AUTHENTICATION_BACKENDS


def test_the_environment_sets_the_limits_and_proconnect(monkeypatch):
    oidc = {
        "OIDC_RP_CLIENT_ID": "id",
        "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://proconnect.test/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://proconnect.test/token",
        "OIDC_OP_USER_ENDPOINT": "https://proconnect.test/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://proconnect.test/jwks",
    }
    limits = {
        "PVD_CONNEXION_ECHECS_MAX": "8",
        "PVD_CONNEXION_VERROUILLAGE_MINUTES": "15",
        "PVD_SESSION_INACTIVITE_MINUTES": "30",
        "PVD_SESSION_DUREE_MAX_HEURES": "8",
    }
    with monkeypatch.context() as env:
        for name, value in (oidc | limits).items():
            env.setenv(name, value)
        sys.modules.pop("config.settings.base", None)
        production = load_production(env, **REQUIRED)
    # The settings module read once more without these variables, for the tests that follow.
    sys.modules.pop("config.settings.base", None)
    importlib.import_module("config.settings.base")
    assert production.AXES_FAILURE_LIMIT == 8
    assert production.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert production.PVD_SESSION_INACTIVITE_MINUTES == 30
    assert production.PVD_SESSION_DUREE_MAX_HEURES == 8
    assert production.SESSION_COOKIE_AGE == 8 * 3600
    assert production.PVD_OIDC_ENABLED
    assert production.AUTHENTICATION_BACKENDS[-1] == "pvd.comptes.oidc.ProConnectBackend"
