"""Settings for the test suite: the production settings plus fast hashing, eager jobs, no TLS redirect and a
throw-away key, whatever ``DEBUG`` says in the environment."""

import os
import tempfile
from pathlib import Path

from cadre_mgmt.settings.production import *  # noqa: F403
from cadre_mgmt.settings.production import BASE_DIR, DATABASES  # named: changed below

# The package (cadre_mgmt/settings/__init__.py) has imported production before this module runs, so the key is set
# here rather than through the environment.
SECRET_KEY = os.environ.get("SECRET_KEY") or "test-only-secret-key"
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
