"""Celery jobs of the tasks app: thin wrappers that turn a date into periods and call the periodic services.

Each job takes an ISO date (``"2026-11-06"``; default: today) so a run can be repeated or replayed for any
day, and re-running one is harmless (see ``tasks.services.periodic``). Beat schedules them in
``cadre_mgmt/celery_app.py``; ``manage.py run_jobs`` runs them by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone, translation

from tasks.selectors import week_monday
from tasks.services import periodic

# A locked or briefly unreachable database is worth another try; anything else is a bug to look at.
RETRY: dict[str, Any] = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 3}


def parse_day(day: str | None) -> date:
    return date.fromisoformat(day) if day else timezone.localdate()


def previous_week(day: date) -> date:
    """Return the Monday of the ISO week before the one containing ``day`` (the last complete week)."""
    return week_monday(day) - timedelta(days=7)


def previous_month(day: date) -> date:
    """Return the first day of the month before the one containing ``day``."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


@shared_task(**RETRY)
def daily(day: str | None = None) -> dict[str, int]:
    """Mark overdue tasks, remind of deadlines within DEADLINE_REMINDER_DAYS, flag overdue letters."""
    today = parse_day(day)
    with translation.override(settings.LANGUAGE_CODE):  # notices are stored in the interface's language
        return {
            "tasks_overdue": periodic.tasks_mark_overdue(today=today),
            "deadline_reminders": periodic.tasks_remind_deadlines(today=today),
            "letters_overdue": periodic.letters_overdue(today=today),
        }


@shared_task(**RETRY)
def weekly(day: str | None = None) -> dict[str, int | str]:
    """Tell heads which tasks have no weekly update for the ISO week before ``day``."""
    week = previous_week(parse_day(day))
    with translation.override(settings.LANGUAGE_CODE):
        return {"week": week.isoformat(), "heads_notified": periodic.weekly_updates_missing(week=week)}


@shared_task(**RETRY)
def monthly(day: str | None = None) -> dict[str, int | str]:
    """Flag the missing and late monthly reports of the month before ``day`` (once its deadline has passed)."""
    today = parse_day(day)
    month = previous_month(today)
    with translation.override(settings.LANGUAGE_CODE):
        counts = periodic.reports_flag_missing_and_late(month=month, today=today)
    return {"month": f"{month:%Y-%m}", **counts}
