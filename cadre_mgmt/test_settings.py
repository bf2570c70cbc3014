"""Settings for the test suite: the real settings plus fast hashing and eager jobs."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from cadre_mgmt.settings import *  # noqa: F403

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
