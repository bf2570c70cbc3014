"""Celery jobs of the training app: thin wrappers that turn a date into a window and call the services.

Each job takes an ISO date (default: today) so a run can be replayed for any day; re-running one is
harmless (reminders carry a dedupe key). Beat schedules them in ``cadre_mgmt/celery_app.py``. The monthly feed
of the training facts into the ledger is the appraisal's (``appraisal.jobs.training.monthly_feed``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.notifications import Notice, notify_many
from training.models import TrainingSession

RETRY: dict[str, Any] = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 3}
REMIND_DAYS_AHEAD = 2


def parse_day(day: str | None) -> date:
    return date.fromisoformat(day) if day else timezone.localdate()


def previous_month(day: date) -> tuple[date, date]:
    """Return the first and last days of the month before the one containing ``day``."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _session_url(session: TrainingSession) -> str:
    try:
        return reverse("training:session_detail", args=[session.pk])
    except NoReverseMatch:
        return ""


@shared_task(**RETRY)
def remind_required_sessions(date_iso: str | None = None) -> dict[str, int]:
    """Tell the audience of each required session starting two days after ``date_iso`` (in-app, once)."""
    from training.selectors import session_audience

    day = parse_day(date_iso) + timedelta(days=REMIND_DAYS_AHEAD)
    sessions = list(TrainingSession.objects.filter(is_required=True, starts_at__date=day).order_by("starts_at", "pk"))
    notices: list[Notice] = []
    with translation.override(settings.LANGUAGE_CODE):
        for session in sessions:
            starts = timezone.localtime(session.starts_at)
            title = _("Required session “%(title)s” on %(date)s at %(time)s") % {
                "title": session.title, "date": starts.date().isoformat(), "time": f"{starts:%H:%M}"}
            user_ids = session_audience(session).filter(
                user__isnull=False, user__is_active=True).values_list("user_id", flat=True)
            url = _session_url(session)
            notices.extend(Notice(user_id=user_id, kind="training", title=title, url=url, body=session.place,
                                  dedupe_key=f"training-remind-{session.pk}")
                           for user_id in user_ids)
    return {"sessions": len(sessions), "notified": notify_many(notices)}
