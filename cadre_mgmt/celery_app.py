"""The Celery application. Jobs live in each app's ``jobs.py`` (``tasks`` is an app name here)."""

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")

app = Celery("cadre_mgmt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")


@app.on_after_configure.connect
def beat_schedule(sender: Celery, **kwargs: Any) -> None:
    """Set the beat schedule, one commented line per job, once Django's settings are loaded."""
    from django.conf import settings

    # report_deadline() caps the deadline day at 28, so the monthly run is on the 29th at the latest.
    day_after_deadline = min(settings.MONTHLY_REPORT_DEADLINE_DAY, 28) + 1
    sender.conf.beat_schedule = {
        # 06:30 every day: overdue tasks, deadline reminders, overdue supervision letters.
        "tasks-daily": {"task": "tasks.jobs.daily", "schedule": crontab(hour=6, minute=30)},
        # 07:00 on Mondays: tell heads which tasks have no weekly update for the week just ended.
        "tasks-weekly": {"task": "tasks.jobs.weekly", "schedule": crontab(hour=7, minute=0, day_of_week=1)},
        # 07:30 the day after the monthly report deadline: flag last month's missing and late reports.
        "tasks-monthly": {
            "task": "tasks.jobs.monthly", "schedule": crontab(hour=7, minute=30, day_of_month=day_after_deadline),
        },
    }
