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
        # 07:00 every day: remind the audience of required training sessions starting in two days.
        "training-remind": {"task": "training.jobs.remind_required_sessions", "schedule": crontab(hour=7, minute=0)},
        # 07:45 the day after the report deadline, before the monthly rollup: feed last month's training facts.
        "training-feed-monthly": {
            "task": "appraisal.jobs.monthly_feed",
            "schedule": crontab(hour=7, minute=45, day_of_month=day_after_deadline),
        },
        # 06:40 every day: remind officials of written notices to sign, record the overdue ones as 未签署.
        "appraisal-annual-daily": {
            "task": "appraisal.jobs.annual_daily", "schedule": crontab(hour=6, minute=40),
        },
        # 07:15 on Mondays: provisional rollup of the ISO week just ended.
        "appraisal-rollup-weekly": {
            "task": "appraisal.jobs.rollup_due", "args": ("week",),
            "schedule": crontab(hour=7, minute=15, day_of_week=1),
        },
        # 08:00 the day after the report deadline (after tasks-monthly flagged reports): last month.
        "appraisal-rollup-monthly": {
            "task": "appraisal.jobs.rollup_due", "args": ("month",),
            "schedule": crontab(hour=8, minute=0, day_of_month=day_after_deadline),
        },
        # 08:30 the same day in January, April, July and October: the quarter just ended.
        "appraisal-rollup-quarterly": {
            "task": "appraisal.jobs.rollup_due", "args": ("quarter",),
            "schedule": crontab(hour=8, minute=30, day_of_month=day_after_deadline, month_of_year="1,4,7,10"),
        },
        # 09:00 the same day in January: last year.
        "appraisal-rollup-yearly": {
            "task": "appraisal.jobs.rollup_due", "args": ("year",),
            "schedule": crontab(hour=9, minute=0, day_of_month=day_after_deadline, month_of_year=1),
        },
    }
