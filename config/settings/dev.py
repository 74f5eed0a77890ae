"""Local development: `make run`."""

import os

from .base import *  # noqa: F403
from .base import IGN_PLAN_TILES_ATTRIBUTION, IGN_PLAN_TILES_URL, env_list

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost"]

# Serve static files from the apps and static/ directly (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Maps on the IGN « Plan IGN » unless the environment names other tiles (PVD_MAP_TILES_URL=""
# for none, offline).
PVD_MAP_TILES_URL = os.environ.get("PVD_MAP_TILES_URL", IGN_PLAN_TILES_URL)
PVD_MAP_TILES_ATTRIBUTION = os.environ.get("PVD_MAP_TILES_ATTRIBUTION", IGN_PLAN_TILES_ATTRIBUTION)

PVD_BASE_URL = os.environ.get("PVD_BASE_URL", "http://127.0.0.1:8000")
