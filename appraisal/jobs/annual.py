"""The annual procedure's daily job: remind officials of a written notice still to sign, and record as 未签署 the
notices not signed by their due date. Thin and idempotent: reminders carry a dedupe key, a notice recorded once
is not recorded again."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraisal.models import GradeNotice, SignStatus
from appraisal.services.finalize import notices_mark_unsigned
from common.notifications import Notice, notify_many

__all__ = ["annual_daily"]

REMIND_DAYS_BEFORE = 3


@shared_task
def annual_daily(day: str | None = None) -> dict[str, int]:
    """On day D: remind those whose notice is due within three days, then record the overdue ones 未签署."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        due_soon = (GradeNotice.objects.filter(
            is_current=True, status=SignStatus.PENDING, sign_due__gte=today,
            sign_due__lte=today + timedelta(days=REMIND_DAYS_BEFORE), official__user__isnull=False)
            .values_list("pk", "official__user_id", "sign_due"))
        reminded = notify_many(
            Notice(user_id=user_id, kind="grade_notice_due", url=reverse("appraisal:grade_notice_detail", args=[pk]),
                   title=_("Sign the written notice of your annual appraisal by %(date)s") % {
                       "date": due.isoformat()}, dedupe_key=f"grade-notice-due:{pk}")
            for pk, user_id, due in due_soon)
        unsigned = notices_mark_unsigned(today=today)
    return {"reminded": reminded, "unsigned": unsigned}
