"""Celery jobs of the tasks app: thin wrappers that turn a date into periods and call the periodic services.

Each job takes an ISO date (``"2026-11-06"``; default: today) so a run can be repeated or replayed for any
day, and re-running one is harmless (see ``tasks.services.periodic``). Beat schedules them in
``cadre_mgmt/celery_app.py``; ``manage.py run_jobs`` runs them by hand.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import translation

from common.dates import day_or_today, previous_month
from common.jobs import RETRY
from tasks.selectors.tasks import week_monday
from tasks.services import periodic

__all__ = ["daily", "monthly", "previous_month", "previous_week", "weekly"]


def previous_week(day: date) -> date:
    """Return the Monday of the ISO week before the one containing ``day`` (the last complete week)."""
    return week_monday(day) - timedelta(days=7)


@shared_task(**RETRY)
def daily(day: str | None = None) -> dict[str, int]:
    """Mark overdue tasks, remind of deadlines within DEADLINE_REMINDER_DAYS, flag overdue letters."""
    today = day_or_today(day)
    with translation.override(settings.LANGUAGE_CODE):  # notices are stored in the interface's language
        return {
            "tasks_overdue": periodic.tasks_mark_overdue(today=today),
            "deadline_reminders": periodic.tasks_remind_deadlines(today=today),
            "letters_overdue": periodic.letters_notify_overdue(today=today),
        }


@shared_task(**RETRY)
def weekly(day: str | None = None) -> dict[str, int | str]:
    """Tell heads which tasks have no weekly update for the ISO week before ``day``."""
    week = previous_week(day_or_today(day))
    with translation.override(settings.LANGUAGE_CODE):
        return {"week": week.isoformat(), "heads_notified": periodic.weekly_updates_notify_missing(week=week)}


@shared_task(**RETRY)
def monthly(day: str | None = None) -> dict[str, int | str]:
    """Flag the missing and late monthly reports of the month before ``day`` (once its deadline has passed)."""
    today = day_or_today(day)
    month = previous_month(today)
    with translation.override(settings.LANGUAGE_CODE):
        counts = periodic.reports_flag_missing_and_late(month=month, today=today)
    return {"month": f"{month:%Y-%m}", **counts}
