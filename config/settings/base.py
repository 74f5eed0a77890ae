"""Settings shared by every environment. Nothing secret or permissive here."""

import os
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
    "django_tasks",
    "django_tasks_db",
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body (sessions, CSRF, views): a too big one is refused unread.
    "pvd.core.middleware.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "comptes:login"
LOGIN_REDIRECT_URL = "dossiers:list"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
