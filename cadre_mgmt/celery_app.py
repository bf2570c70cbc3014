"""The Celery application. Jobs live in each app's ``jobs.py`` (``tasks`` is an app name here)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")

app = Celery("cadre_mgmt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")

# The beat schedule lives here, one commented line per job, as the apps add them.
app.conf.beat_schedule = {}
