"""The embedded default and development (``DEBUG=1``): debug pages, a throw-away key, static files from the source
folders. ``make run`` uses these with no other environment: a SQLite file, eager jobs, a local-memory cache."""

from cadre_mgmt.settings.base import *  # noqa: F403
from cadre_mgmt.settings.base import STORAGES
from cadre_mgmt.settings.env import env_list

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "") or "insecure-development-key-only-for-debug"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
