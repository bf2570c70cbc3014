"""Celery jobs of the appraisal app (autodiscovered as ``appraisal.jobs``). Each is thin: it looks its objects
up and calls a service; re-running one is harmless (a rollup recomputes the same scorecards, a run already finished
is not run again when the broker delivers it twice, the feed and the notices are idempotent)."""


from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod, GradeNotice, PeriodStatus, RollupRun, SignStatus
from appraisal.scoring.periods import MONTH, QUARTER, WEEK, YEAR, period_key_for
from appraisal.services.derive_training import training_feed
from appraisal.services.exports import export_run
from appraisal.services.finalize import notices_mark_unsigned
from appraisal.services.periods import period_get_or_create
from appraisal.services.rescore import scorecards_refresh
from appraisal.services.rollup import rollup_period
from common.dates import day_or_today, month_end, previous_month
from common.jobs import RETRY
from common.notifications import Notice, notify_many

# --- Rollup jobs: a run queued from the period's page, and the beat-scheduled rollups of the period just ended
logger = logging.getLogger(__name__)
KINDS = (WEEK, MONTH, QUARTER, YEAR)


@shared_task
def rollup_job(run_id: int) -> dict[str, Any]:
    """Run a queued rollup; a failure is recorded on the run (status ``failed`` and the error) for the page."""
    run = RollupRun.objects.select_related("period").filter(pk=run_id).first()
    if run is None or run.status in (RollupRun.Status.DONE, RollupRun.Status.FAILED):
        return {"run": run_id, "skipped": True}
    try:
        done = rollup_period(period=run.period, final=run.final, run=run)
    except Exception as error:
        logger.exception("rollup run %s of %s failed", run_id, run.period.key)
        RollupRun.objects.filter(pk=run_id).exclude(status=RollupRun.Status.FAILED).update(
            status=RollupRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        return {"run": run_id, "status": RollupRun.Status.FAILED, "error": str(error)}
    return {"run": run_id, "status": done.status, "officials": done.officials}


def due_period_key(kind: str, day: date) -> str:
    """Return the key of the period of ``kind`` that ended last before ``day``.

    Weekly: the ISO week before ``day``'s week; monthly, quarterly, yearly: the month, quarter or year
    containing the last day of the month before ``day``'s month (beat runs them early in the next month,
    after the monthly report deadline, so the reports' late and missing flags are in).
    """
    if kind == WEEK:
        return period_key_for(WEEK, day - timedelta(days=day.weekday() + 1))
    return period_key_for(kind, day.replace(day=1) - timedelta(days=1))


@shared_task
def rollup_due(kind: str, date_iso: str | None = None) -> dict[str, Any]:
    """Roll up the ``kind`` period that ended before ``date_iso`` (default today), provisionally.

    The organization department closes the period (which runs the final rollup); a period already closed or
    published is left alone.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown period kind {kind!r}")
    day = date.fromisoformat(date_iso) if date_iso else timezone.localdate()
    period = period_get_or_create(key=due_period_key(kind, day))
    if period.status != PeriodStatus.OPEN:
        return {"period": period.key, "skipped": period.status}
    run = rollup_period(period=period)
    return {"period": period.key, "status": run.status, "officials": run.officials}


@shared_task
def scorecards_refresh_job(period_ids: list[int], official_ids: list[int], changed_at: str) -> dict[str, Any]:
    """Recompute the scorecards of officials whose facts changed, in the open periods already rolled up
    (queued by ``appraisal.services.consequences`` when the change commits). A period closed meanwhile is
    skipped; running it twice writes nothing the second time."""
    at = datetime.fromisoformat(changed_at)
    done = {}
    for period in AppraisalPeriod.objects.filter(pk__in=period_ids).order_by("start", "pk"):
        done[period.key] = scorecards_refresh(period=period, official_ids=official_ids, changed_at=at)
    return {"periods": done}


# --- The monthly training feed: the training facts of the month just ended into the ledger, before its rollup
@shared_task(**RETRY)
def monthly_feed(date_iso: str | None = None) -> dict[str, int]:
    """Feed the training facts of the month before ``date_iso`` into the ledger (before the monthly rollup)."""
    start = previous_month(day_or_today(date_iso))
    return training_feed(start=start, end=month_end(start))


# --- The annual procedure's daily job: remind officials of a written notice still to sign, and record as 未签署 the
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


# --- Celery job of the register export: thin, takes the job's id, calls the service
@shared_task(**RETRY)
def register_export_job(job_id: int) -> dict[str, int | str]:
    """Write the register of an ``ExportJob``; a job already claimed or finished is left alone."""
    with translation.override(settings.LANGUAGE_CODE):  # the workbook's headers are in the interface language
        job = export_run(job_id=job_id)
    return {"job": job_id, "status": job.status if job else "skipped", "rows": job.rows if job else 0}
