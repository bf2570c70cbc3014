"""Settings for the test suite: the real settings plus fast hashing and eager jobs."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from cadre_mgmt.settings import *  # noqa: F403
from cadre_mgmt.settings import BASE_DIR, DATABASES  # named: changed below

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Jobs run in-process in tests; the Redis tests talk to the broker directly.
CELERY_TASK_ALWAYS_EAGER = True
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_VERBOSE = False
# Case attachments written by tests go to a throw-away folder.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cadre-private-"))

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Browser tests share the database with the live server's thread. An in-memory SQLite database in
    # shared-cache mode fails at once on a table lock ("database table is locked"); a file waits for it.
    # One file per run (process), so two test runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
