"""Register exports (考核登记表导出): start one as a job, run it with a progress bar, write it from the command.

The rows come from one ``select_related`` query read in chunks (``iterator(chunk_size=2000)``), the grades of
the year and the per-unit summary from one query each, so an export costs the same few queries for 10 or
10,000 officials (plus at most about 50 progress updates, ``appraisal.services.progress``).

The same jobs (``ExportJob``, one Celery job, one page with its progress bar) export the year's registration
forms (登记表, ``ExportJob.Kind.FORMS``): ``export_run`` dispatches on the job's kind to
``appraisal.services.registration``. The reads (the rows, the jobs a user sees, a download's name) are in
``appraisal.selectors.exports``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.excel.register import REGISTER_FIELDS, RegisterRow, RegisterWriter
from appraisal.models import AppraisalPeriod, ExportJob, PeriodKind
from appraisal.selectors.exports import export_suffix, register_grades, register_scorecards, register_summaries
from appraisal.services.progress import progress_every
from appraisal.services.registration import registration_job_write
from common.errors import ApplicationError
from org.models import OrgUnit, User
from org.selectors import access_for

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 1000  # rows between two progress updates at the least
CHUNK = 2000


# -- writing -------------------------------------------------------------------------------------------
def register_write(
    *, period: AppraisalPeriod, target: str, unit: OrgUnit | None = None, by: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the register of a period (optionally one unit) to the file ``target``; return the row count.

    ``progress(done, total)`` is called about ``PROGRESS_STEPS`` times (every ``PROGRESS_EVERY`` rows at the least) and
    at the end.
    """
    cards = register_scorecards(period=period, unit=unit, by=by)
    total = cards.count()
    grades = register_grades(period, cards)
    scope = _("Unit: %(unit)s") % {"unit": unit.name} if unit is not None else _("Unit: all units")
    writer = RegisterWriter(
        target,
        title=_("Appraisal register · %(period)s") % {"period": period.key},
        scope=f"{scope}    " + _("Exported at %(time)s") % {"time": f"{timezone.localtime():%Y-%m-%d %H:%M}"},
        with_grades=period.kind == PeriodKind.YEAR,
    )
    rows = (cards.select_related("official", "unit")
            .order_by("unit__path", "rank_in_unit", "official__name", "official_id")
            .values_list(*REGISTER_FIELDS))
    unit_of: dict[int, int] = {}
    done = 0
    step = progress_every(total, PROGRESS_EVERY)
    try:
        for values in rows.iterator(chunk_size=CHUNK):
            row = RegisterRow._make(values)
            writer.write(row, grades.get(row.official_id))
            unit_of[row.official_id] = row.unit_id
            done += 1
            if progress is not None and done % step == 0:
                progress(done, total)
        writer.write_summary(register_summaries(period, cards, grades, unit_of))
    finally:
        writer.close()
    if progress is not None:
        progress(done, total)
    return done


# -- actions -------------------------------------------------------------------------------------------
def export_start(*, by: User, period: AppraisalPeriod, unit: OrgUnit | None = None) -> ExportJob:
    """Queue the export of a period's register (organization department; the unit must be in scope)."""
    access = access_for(by)
    if not access.has_role("org"):
        raise ApplicationError(_("Only the organization department may export the appraisal register."),
                               code="forbidden")
    if unit is not None and not access.covers(unit.path, ("org",)):
        raise ApplicationError(_("This unit is outside your scope."), code="forbidden")
    if not register_scorecards(period=period, unit=unit, by=by).exists():
        raise ApplicationError(
            _("There are no scorecards for %(period)s yet: run the rollup first.") % {"period": period.key},
            code="no_scorecards",
        )
    with transaction.atomic():
        job = ExportJob(period=period, unit=unit, created_by=by)
        job.full_clean()
        job.save()
        from appraisal.jobs import register_export_job

        transaction.on_commit(lambda: register_export_job.delay(job.pk))
    return job


def export_run(*, job_id: int) -> ExportJob | None:
    """Run a queued export: write the file, save it to the default storage, record progress and the end.

    Only a queued job runs (a conditional update claims it), so a repeated delivery does nothing.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, progress=0)
    if not claimed:
        return None
    job = ExportJob.objects.select_related("period", "unit", "created_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 99
        ExportJob.objects.filter(pk=job_id).update(progress=percent, rows=done)

    suffix = export_suffix(job)
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        if job.kind == ExportJob.Kind.FORMS:
            rows = registration_job_write(job, target=path, progress=progress)
        else:
            rows = register_write(period=job.period, target=path, unit=job.unit, by=job.created_by,
                                  progress=progress)
        name = f"{job.kind}-{job.period.key}-{job.unit.code if job.unit else 'all'}-{job.pk}{suffix}"
        with open(path, "rb") as handle_in:
            job.file.save(name, File(handle_in), save=False)
        job.status, job.progress, job.rows, job.finished_at = ExportJob.Status.DONE, 100, rows, timezone.now()
        job.save(update_fields=["file", "status", "progress", "rows", "finished_at"])
    except Exception as error:  # the job's page shows the failure; the log has the traceback
        logger.exception("%s export %s failed", job.kind, job_id)
        job.status, job.error, job.finished_at = ExportJob.Status.FAILED, str(error)[:2000], timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    finally:
        os.unlink(path)
    return job
