"""Celery jobs of the training app: thin wrappers that turn a date into a window and call the services.

Each job takes an ISO date (default: today) so a run can be replayed for any day; re-running one is
harmless (reminders carry a dedupe key). Beat schedules them in ``cadre_mgmt/celery_app.py``. The monthly feed
of the training facts into the ledger is the appraisal's (``appraisal.jobs.monthly_feed``).
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from common.dates import day_or_today
from common.jobs import RETRY
from training.services.reminders import sessions_remind_required

REMIND_DAYS_AHEAD = 2


@shared_task(**RETRY)
def remind_required_sessions(date_iso: str | None = None) -> dict[str, int]:
    """Tell the audience of each required session starting two days after ``date_iso`` (in-app, once)."""
    return sessions_remind_required(day=day_or_today(date_iso) + timedelta(days=REMIND_DAYS_AHEAD))
