"""Celery jobs of the training app: thin wrappers that turn a date into a window and call the services.

Each job takes an ISO date (default: today) so a run can be replayed for any day; re-running one is
harmless (reminders carry a dedupe key). Beat schedules them in ``cadre_mgmt/celery_app.py``. The monthly feed
of the training facts into the ledger is the appraisal's (``appraisal.jobs.monthly_feed``).
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dates import day_or_today
from common.jobs import RETRY
from common.notifications import Notice, notify_many
from training.models import TrainingSession

REMIND_DAYS_AHEAD = 2


def _session_url(session: TrainingSession) -> str:
    try:
        return reverse("training:session_detail", args=[session.pk])
    except NoReverseMatch:
        return ""


@shared_task(**RETRY)
def remind_required_sessions(date_iso: str | None = None) -> dict[str, int]:
    """Tell the audience of each required session starting two days after ``date_iso`` (in-app, once)."""
    from training.selectors import session_audience

    day = day_or_today(date_iso) + timedelta(days=REMIND_DAYS_AHEAD)
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
