"""Settings shared by every environment. Nothing secret or permissive here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "widget_tweaks",  # required by django-dsfr's checkbox and radio field templates
    "dsfr",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pvd.core",
    "pvd.territoires",
    "pvd.comptes",
    "pvd.dossiers",
    "simple_history",
    "pvd.journal",
    "pvd.gouvernance",
    "pvd.strategie",
    "pvd.diagnostic",
    "pvd.actions",
    "pvd.suivi",
    "pvd.conventions",
    "pvd.participation",
    "pvd.documents",
    "pvd.pilotage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise: the static files (the SVG map of the départements) get the policy too.
    "pvd.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body (sessions, CSRF, views): a too big one is refused unread.
    "pvd.core.middleware.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pvd.comptes.middleware.SessionExpiryMiddleware",
    "pvd.dossiers.middleware.DoubleFacteurMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lockout noted by the authentication backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pvd.core.context_processors.site",
                "pvd.dossiers.context_processors.national_perms",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "comptes.User"
# django-axes first: it refuses any login attempt, a correct password included, while the
# account or the address is locked out (it needs the request: tests log in through the
# login form or with force_login, never client.login()).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "comptes:login"
LOGIN_REDIRECT_URL = "dossiers:list"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sécurité des comptes (README « Sécurité des comptes ») -----------------------------------
# Lockout after repeated failed logins (site and admin): per account whatever the address, and
# per address whatever the accounts tried. The address is read like the participation rate limit
# (PVD_TRUSTED_PROXIES below), never from a forgeable X-Forwarded-For.
AXES_FAILURE_LIMIT = int(os.environ.get("PVD_CONNEXION_ECHECS_MAX", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PVD_CONNEXION_VERROUILLAGE_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "pvd.comptes.lockout.username"
AXES_CLIENT_IP_CALLABLE = "pvd.comptes.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "pvd.comptes.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a known account must not wipe the failures of an address
AXES_VERBOSE = False
# Sessions: logged out after PVD_SESSION_INACTIVITE_MINUTES without a request, and in any case
# PVD_SESSION_DUREE_MAX_HEURES after the login (pvd.comptes.middleware.SessionExpiryMiddleware).
PVD_SESSION_INACTIVITE_MINUTES = int(os.environ.get("PVD_SESSION_INACTIVITE_MINUTES", "120"))
PVD_SESSION_DUREE_MAX_HEURES = int(os.environ.get("PVD_SESSION_DUREE_MAX_HEURES", "12"))
SESSION_COOKIE_AGE = PVD_SESSION_DUREE_MAX_HEURES * 3600
# Two-factor authentication (TOTP): the name shown in the authenticator application.
OTP_TOTP_ISSUER = os.environ.get("PVD_SITE_TITLE", "Petites villes de demain")
# OpenID Connect (ProConnect): off unless the issuer's endpoints and the client are given.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email given_name usual_name")
# ProConnect asks for the level of assurance in the authorisation request.
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": os.environ.get("OIDC_ACR_VALUES", "eidas1")}
OIDC_CREATE_USER = False  # accounts are created by invitation only
OIDC_STORE_ID_TOKEN = True  # for ProConnect's logout (id_token_hint)
OIDC_AUTHENTICATION_CALLBACK_URL = "comptes:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/comptes/connexion/"
PVD_OIDC_ENABLED = all(
    (
        OIDC_RP_CLIENT_ID,
        OIDC_RP_CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    )
)
if PVD_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("pvd.comptes.oidc.ProConnectBackend")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Bounded inputs. The reverse proxy refuses a larger body first (nginx `client_max_body_size`,
# see the README, « Entrées bornées »): keep it at PVD_REQUEST_MAX_BYTES. Django then refuses a body of
# fields (not files) above DATA_UPLOAD_MAX_MEMORY_SIZE and more than DATA_UPLOAD_MAX_NUMBER_FIELDS
# fields with a 400 page; `pvd.core.middleware.RequestSizeMiddleware` refuses a declared body above
# PVD_REQUEST_MAX_BYTES with a 413 page; forms refuse each file above its own limit.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "2000"))
DATA_UPLOAD_MAX_NUMBER_FILES = 20
PVD_REQUEST_MAX_BYTES = int(os.environ.get("PVD_REQUEST_MAX_BYTES", 25 * 1024 * 1024))
# One uploaded file (documents, attachments, signed conventions), at most.
PVD_UPLOAD_MAX_BYTES = int(os.environ.get("PVD_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# Imports (plan d'action XLSX, sectors GeoJSON): the file, what an XLSX may unpack to (a zip
# bomb is refused before it is opened), the rows of each sheet and the features of a GeoJSON.
PVD_IMPORT_MAX_BYTES = int(os.environ.get("PVD_IMPORT_MAX_BYTES", 2 * 1024 * 1024))
PVD_XLSX_MAX_UNCOMPRESSED = int(os.environ.get("PVD_XLSX_MAX_UNCOMPRESSED", 30 * 1024 * 1024))
PVD_IMPORT_MAX_ROWS = int(os.environ.get("PVD_IMPORT_MAX_ROWS", "2000"))
PVD_IMPORT_MAX_FEATURES = int(os.environ.get("PVD_IMPORT_MAX_FEATURES", "200"))
# The commune and EPCI search: longer queries are cut (a name has fewer words than this).
PVD_SEARCH_MAX_CHARS = 100
PVD_SEARCH_MAX_WORDS = 6
# Lists (plan d'action, sectors, contributions, documents, dossiers): rows per page.
PVD_PAGE_SIZE = int(os.environ.get("PVD_PAGE_SIZE", "50"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Petites villes de demain <ne-pas-repondre@pvd.local>")

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# "documents": the generated PDF and DOCX, keyed by a hash of their content (pvd.core.rendered),
# so that asking again for an unchanged document never renders it again. Files on disk, apart
# from the default cache (the database table in production), bounded by MAX_ENTRIES.
PVD_DOCUMENTS_CACHE_DIR = Path(os.environ.get("PVD_DOCUMENTS_CACHE_DIR", BASE_DIR / "cache" / "documents"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": PVD_DOCUMENTS_CACHE_DIR,
        "TIMEOUT": 30 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "pvd.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp) on every response, in every environment: scripts and
# styles from the site's own files only (no inline script, no style attribute, no <style>);
# see docs/securite.md. `pvd.core.csp` adds the map tiles' host (PVD_MAP_TILES_URL) to img-src
# and the single sign-on provider's (OIDC_OP_AUTHORIZATION_ENDPOINT) to form-action.
# PVD_CSP_REPORT_ONLY=1 sends it as Content-Security-Policy-Report-Only (the browser reports
# without blocking), to try a change of the policy on a running site; PVD_CSP_REPORT_URI names
# where browsers send their reports.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if os.environ.get("PVD_CSP_REPORT_URI"):
    _CSP["DIRECTIVES"]["report-uri"] = [os.environ["PVD_CSP_REPORT_URI"]]
if env_bool("PVD_CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Everything that makes the platform look like a State service lives here and in
# templates/core/branding/: another operator switches it off with PVD_STATE_BRANDING=0.
PVD_BRANDING = {
    "state": env_bool("PVD_STATE_BRANDING", True),
    "site_title": os.environ.get("PVD_SITE_TITLE", "Petites villes de demain"),
    "site_tagline": os.environ.get("PVD_SITE_TAGLINE", "Piloter le projet de territoire, de l'adhésion au suivi"),
    "operator": os.environ.get("PVD_OPERATOR", "Agence nationale de la cohésion des territoires"),
    "operator_short": os.environ.get("PVD_OPERATOR_SHORT", "ANCT"),
    "contact_email": os.environ.get("PVD_CONTACT_EMAIL", "contact@pvd.local"),
}
# The site's address, for the links of e-mails sent outside a request (the weekly digest of
# alerts): "https://pvd.exemple.fr". Empty: `manage.py envoyer_digest` refuses to run.
# Days a deleted object stays in a dossier's bin before `vider_corbeille` removes it and its files.
PVD_CORBEILLE_JOURS = int(os.environ.get("PVD_CORBEILLE_JOURS", "90"))
# Days the audit trail keeps a change before `purger_journal` removes it (5 years by default).
PVD_CONSERVATION_JOURNAL_JOURS = int(os.environ.get("PVD_CONSERVATION_JOURNAL_JOURS", "1825"))

PVD_BASE_URL = os.environ.get("PVD_BASE_URL", "")
# Map tiles cannot be reached offline: the URL is a setting, empty means no base layer.
PVD_MAP_TILES_URL = os.environ.get("PVD_MAP_TILES_URL", "")
PVD_MAP_TILES_ATTRIBUTION = os.environ.get("PVD_MAP_TILES_ATTRIBUTION", "")
# The IGN Géoplateforme « Plan IGN » (WMTS, no key): the base layer of `make run` and production.
IGN_PLAN_TILES_URL = (
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
)
IGN_PLAN_TILES_ATTRIBUTION = '<a href="https://geoservices.ign.fr/">© IGN – Plan IGN</a>'
# The DOCX templates of the generated conventions: point to a folder of restyled copies.
PVD_CONVENTION_TEMPLATES_DIR = Path(
    os.environ.get("PVD_CONVENTION_TEMPLATES_DIR") or BASE_DIR / "pvd" / "conventions" / "templates_docx"
)

# Anti-spam of the public participation pages.
PVD_CONTRIBUTION_RATE_LIMIT = int(os.environ.get("PVD_CONTRIBUTION_RATE_LIMIT", "5"))
PVD_CONTRIBUTION_RATE_WINDOW = int(os.environ.get("PVD_CONTRIBUTION_RATE_WINDOW", "3600"))
# Number of reverse proxies in front of the application that append to X-Forwarded-For
# (0: REMOTE_ADDR is the person's address). Never more than there really are: the
# addresses further left in X-Forwarded-For are written by the client and can be forged.
PVD_TRUSTED_PROXIES = int(os.environ.get("PVD_TRUSTED_PROXIES", "0"))

# Personal data (pvd/comptes/rgpd.py, the register « Données personnelles »): the name and e-mail
# address of a resident's contribution are erased this many days after it was posted, by
# `manage.py appliquer_conservation` (run daily by cron); the text and its moderation stay.
PVD_CONSERVATION_CONTRIBUTIONS_JOURS = int(os.environ.get("PVD_CONSERVATION_CONTRIBUTIONS_JOURS", "1095"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The PDF library reports every step of every document at INFO: only its warnings matter.
    # django-axes reports every login at INFO: only the lockouts (WARNING) matter.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
}
