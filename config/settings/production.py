"""Production: every secret and host comes from the environment, or the process refuses to start."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, IGN_PLAN_TILES_ATTRIBUTION, IGN_PLAN_TILES_URL, env_bool, env_list


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire en production.")
    return value


SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("La variable d'environnement ALLOWED_HOSTS est obligatoire en production.")
DATABASES = {"default": dj_database_url.parse(_required("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# One cache shared by every process and server (the participation rate limit must count
# across workers): a table of the database, created once by `python manage.py createcachetable`.
# The generated PDF/DOCX stay in their own file cache (PVD_DOCUMENTS_CACHE_DIR), not in this table.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pvd_cache"},
    "documents": CACHES["documents"],
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Maps on the IGN « Plan IGN » unless the environment names other tiles (PVD_MAP_TILES_URL=""
# for none, offline).
PVD_MAP_TILES_URL = os.environ.get("PVD_MAP_TILES_URL", IGN_PLAN_TILES_URL)
PVD_MAP_TILES_ATTRIBUTION = os.environ.get("PVD_MAP_TILES_ATTRIBUTION", IGN_PLAN_TILES_ATTRIBUTION)
