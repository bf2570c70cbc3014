"""年度考核登记表 (annual appraisal registration forms): write a unit's forms to a workbook, or the whole scope's to
a zip of one workbook per top-level unit; start that as an export job. The forms are read by
``appraisal.selectors.registration``.

Set-based and streaming, whatever the number of officials: one count, one query for the grades (joined with the
official, the units and the head who wrote the 评语), one for the summaries and one for the current written
notices, the three read with ``iterator()`` in the same order (``GRADE_ORDER``) and matched in one pass
(``_Follower``), so neither the queries nor the memory grow with the count — plus at most about
``PROGRESS_STEPS`` (50) progress updates (``appraisal.services.progress``).
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.display.registration import RegistrationEntry
from appraisal.excel.registration import RegistrationFormWriter
from appraisal.models import AppraisalPeriod, ExportJob, PeriodKind
from appraisal.selectors.exports import forms_file_name
from appraisal.selectors.registration import forms_grades, registration_entries
from appraisal.services.progress import progress_every
from common.errors import ApplicationError
from org.models import OrgUnit, User
from org.selectors import access_for

PROGRESS_EVERY = 200
# xlsxwriter writes two temporary files a sheet (the rows, then the sheet's part of the package), so a workbook of
# forms creates and deletes thousands of files. On a RAM file system that costs nothing; on the measured machine's
# disk it cost 9 ms a sheet, two thirds of the whole export. The files of a workbook take about 30 KB a form and
# are deleted when it is done: /dev/shm is used when it has room for all the forms at 64 KB each.
RAM_DIR = "/dev/shm"
SCRATCH_BYTES_PER_FORM = 64 * 1024

Progress = Callable[[int, int], None]


# -- writing -------------------------------------------------------------------------------------------------
def scratch_dir(forms: int) -> str | None:
    """Return where the workbooks' temporary files go: the RAM file system when it has room, else the default."""
    try:
        room = shutil.disk_usage(RAM_DIR).free
    except OSError:
        return None
    return RAM_DIR if os.access(RAM_DIR, os.W_OK) and room > forms * SCRATCH_BYTES_PER_FORM else None


def registration_forms_write(
    *, period: AppraisalPeriod, unit: OrgUnit | None, target: str, by: User | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the registration forms of a year to the file ``target``; return how many.

    With a ``unit``: one workbook of that unit's officials. Without: a zip holding one workbook per top-level unit
    (``GradeDecision.unit``) of the scope. ``progress(done, total)`` is called about 50 times (``progress_every``) and
    at the end.
    """
    grades = forms_grades(period=period, unit=unit, by=by)
    total = grades.count()
    done = 0
    step = progress_every(total, PROGRESS_EVERY)

    def advance() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % step == 0:
            progress(done, total)

    exported_on = timezone.localdate()
    with tempfile.TemporaryDirectory(prefix="forms-", dir=scratch_dir(total)) as tmpdir:
        entries = registration_entries(grades, period)
        if unit is not None:
            writer = RegistrationFormWriter(target, exported_on=exported_on, tmpdir=tmpdir)
            try:
                for entry in entries:
                    writer.write(entry)
                    advance()
            finally:
                writer.close()
        else:
            _write_zip(entries, target=target, year=period.key, tmpdir=tmpdir, exported_on=exported_on,
                       advance=advance)
    if progress is not None:
        progress(done, total)
    return done


def _write_zip(entries: Iterator[RegistrationEntry], *, target: str, year: str, tmpdir: str,
               exported_on: date, advance: Callable[[], None]) -> None:
    """One workbook per top-level unit, each written to a temporary file, added to the zip and deleted."""
    used: set[str] = set()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        writer: RegistrationFormWriter | None = None
        unit_id: int | None = None
        path, name = "", ""

        def finish() -> None:
            if writer is not None:
                writer.close()
                archive.write(path, name)
                os.unlink(path)
                # A workbook's sheets hold reference cycles: free them now, not when the collector next runs,
                # so the memory is that of one unit's workbook whatever the number of units.
                gc.collect()

        try:
            for entry in entries:
                if entry.unit_id != unit_id:
                    finish()
                    unit_id = entry.unit_id
                    name = forms_file_name(entry.unit_name, year)
                    if name in used:  # two units of the same name: tell them apart by their id
                        name = forms_file_name(f"{entry.unit_name}-{entry.unit_id}", year)
                    used.add(name)
                    path = os.path.join(tmpdir, f"unit-{unit_id}.xlsx")
                    writer = RegistrationFormWriter(path, exported_on=exported_on, tmpdir=tmpdir)
                assert writer is not None
                writer.write(entry)
                advance()
        finally:
            finish()


def registration_job_write(job: ExportJob, *, target: str, progress: Progress) -> int:
    """Write the file of a forms export job (called by ``appraisal.services.exports.export_run``)."""
    return registration_forms_write(period=job.period, unit=job.unit, target=target, by=job.created_by,
                                    progress=progress)


# -- actions -------------------------------------------------------------------------------------------------
def registration_export_start(*, by: User, period: AppraisalPeriod, unit: OrgUnit | None = None) -> ExportJob:
    """Queue the export of a year's registration forms (organization department; the unit must be in scope):
    one workbook for a unit, a zip of one workbook per top-level unit for the whole scope."""
    access = access_for(by)
    if not access.has_role("org"):
        raise ApplicationError(_("Only the organization department may export the registration forms."),
                               code="forbidden")
    if unit is not None and not access.covers(unit.path, ("org",)):
        raise ApplicationError(_("This unit is outside your scope."), code="forbidden")
    if period.kind != PeriodKind.YEAR:
        raise ApplicationError(_("Registration forms are made for a year: choose a year."), code="not_a_year")
    if not forms_grades(period=period, unit=unit, by=by).exists():
        raise ApplicationError(
            _("There are no annual grades for %(year)s yet: propose the year's grades first.") % {"year": period.key},
            code="no_grades")
    with transaction.atomic():
        job = ExportJob(kind=ExportJob.Kind.FORMS, period=period, unit=unit, created_by=by)
        job.full_clean()
        job.save()
        from appraisal.jobs import register_export_job

        transaction.on_commit(lambda: register_export_job.delay(job.pk))
    return job
