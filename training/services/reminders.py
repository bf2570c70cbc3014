"""Reminders of required sessions (in-app, once per session and person): the daily job's work."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.notifications import Notice, notify_many
from training.models import TrainingSession
from training.selectors.sessions import audience_user_ids, required_sessions_on


def _session_url(session: TrainingSession) -> str:
    try:
        return reverse("training:session_detail", args=[session.pk])
    except NoReverseMatch:
        return ""


def sessions_remind_required(*, day: date) -> dict[str, int]:
    """Tell the audience of each required session starting on ``day``; a reminder already sent is not sent again
    (its dedupe key). Return the number of sessions and of reminders written."""
    sessions = list(required_sessions_on(day))
    notices: list[Notice] = []
    with translation.override(settings.LANGUAGE_CODE):  # stored, and shown in the interface's language
        for session in sessions:
            starts = timezone.localtime(session.starts_at)
            title = _("Required session “%(title)s” on %(date)s at %(time)s") % {
                "title": session.title, "date": starts.date().isoformat(), "time": f"{starts:%H:%M}"}
            url = _session_url(session)
            notices.extend(Notice(user_id=user_id, kind="training", title=title, url=url, body=session.place,
                                  dedupe_key=f"training-remind-{session.pk}")
                           for user_id in audience_user_ids(session))
    return {"sessions": len(sessions), "notified": notify_many(notices)}
