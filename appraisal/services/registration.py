"""年度考核登记表 (annual appraisal registration forms): write a unit's forms to a workbook, or the whole scope's to
a zip of one workbook per top-level unit; start that as an export job; read one official's form for the page.

Set-based and streaming, whatever the number of officials: one count, one query for the grades (joined with the
official, the units and the head who wrote the 评语), one for the summaries and one for the current written
notices, the three read with ``iterator()`` in the same order (``GRADE_ORDER``) and matched in one pass
(``_Follower``), so neither the queries nor the memory grow with the count — plus at most about
``PROGRESS_STEPS`` (50) progress updates (``appraisal.services.progress``).
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.display.registration import (
    GRADE_FIELDS,
    GRADE_ORDER,
    NOTICE_FIELDS,
    SUMMARY_FIELDS,
    FormLabels,
    RegistrationEntry,
    entry_from,
)
from appraisal.excel.registration import RegistrationFormWriter
from appraisal.models import (
    AnnualSummary,
    AppraisalPeriod,
    ExportJob,
    GradeDecision,
    GradeNotice,
    PeriodKind,
)
from appraisal.services.progress import progress_every
from common.errors import ApplicationError
from org.models import OrgUnit, User
from org.selectors import access_for, subtree_q

PROGRESS_EVERY = 200
CHUNK = 500
# xlsxwriter writes two temporary files a sheet (the rows, then the sheet's part of the package), so a workbook of
# forms creates and deletes thousands of files. On a RAM file system that costs nothing; on the measured machine's
# disk it cost 9 ms a sheet, two thirds of the whole export. The files of a workbook take about 30 KB a form and
# are deleted when it is done: /dev/shm is used when it has room for all the forms at 64 KB each.
RAM_DIR = "/dev/shm"
SCRATCH_BYTES_PER_FORM = 64 * 1024
UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

Progress = Callable[[int, int], None]


# -- reads ---------------------------------------------------------------------------------------------------
def _in_paths(paths: list[str]) -> Q:
    return subtree_q(paths, "unit__") | subtree_q(paths, "official__unit__")


def forms_grades(*, period: AppraisalPeriod, unit: OrgUnit | None = None, by: User | None = None,
                 ) -> QuerySet[GradeDecision]:
    """Return the grades whose forms an export holds: the year's, in ``unit``'s subtree (the grade's top-level
    unit or the official's own unit), within ``by``'s organization-department scope (``None``: everything)."""
    qs = GradeDecision.objects.filter(period=period)
    if unit is not None:
        qs = qs.filter(_in_paths([unit.path]))
    if by is not None:
        access = access_for(by)
        if not access.is_superuser:
            qs = qs.filter(_in_paths(access.paths(("org",))))
    return qs


def _summaries(period: AppraisalPeriod, grades: QuerySet[GradeDecision]) -> QuerySet[AnnualSummary]:
    """The summaries of the grades' officials in the procedure of their grade's unit, in the grades' order."""
    same_grade = grades.filter(official_id=OuterRef("official_id"), unit_id=OuterRef("procedure__unit_id"))
    return (AnnualSummary.objects.filter(procedure__period=period).filter(Exists(same_grade))
            .order_by("procedure__unit__path", "official__unit__path", "official__rank_level", "official_id"))


def _notices(grades: QuerySet[GradeDecision]) -> QuerySet[GradeNotice]:
    """The current written notice of each grade (the newest first, should there be two), in the grades' order."""
    return (GradeNotice.objects.filter(is_current=True, grade__in=grades.values("pk"))
            .order_by("grade__unit__path", "grade__official__unit__path", "grade__official__rank_level",
                      "grade__official_id", "-issued_at", "-id"))


def _key(row: Mapping[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(row[name] for name in names)


class _Follower:
    """Walk rows sorted by the same key as the grades, handing out the first row of each key as the grades pass
    it (rows of keys the grades never reach are skipped). The key (two paths, a rank code, an id) compares the
    same in Python as in the database."""

    def __init__(self, rows: Iterator[dict[str, Any]], names: tuple[str, ...]) -> None:
        self.rows, self.names = rows, names
        self.head = next(self.rows, None)

    def close(self) -> None:
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()

    def take(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        found = None
        while self.head is not None:
            head_key = _key(self.head, *self.names)
            if head_key > key:
                break
            if head_key == key and found is None:
                found = self.head
            self.head = next(self.rows, None)
        return found


SUMMARY_KEY = ("procedure__unit__path", "official__unit__path", "official__rank_level", "official_id")
NOTICE_KEY = ("grade__unit__path", "grade__official__unit__path", "grade__official__rank_level",
              "grade__official_id")


def registration_entries(grades: QuerySet[GradeDecision], period: AppraisalPeriod) -> Iterator[RegistrationEntry]:
    """Yield the forms of ``grades`` in order (three streamed queries, whatever their number)."""
    labels = FormLabels.current()
    rows: Iterator[dict[str, Any]] = grades.order_by(*GRADE_ORDER).values(*GRADE_FIELDS).iterator(chunk_size=CHUNK)
    summaries = _Follower(_summaries(period, grades).values(*SUMMARY_FIELDS, *SUMMARY_KEY[:3])
                          .iterator(chunk_size=CHUNK), SUMMARY_KEY)
    notices = _Follower(_notices(grades).values(*NOTICE_FIELDS, *NOTICE_KEY).iterator(chunk_size=CHUNK),
                        NOTICE_KEY)
    try:
        for row in rows:
            key = _key(row, *GRADE_ORDER)
            yield entry_from(row, summaries.take(key), notices.take(key), labels)
    finally:  # end the cursors now, also when the writing stopped half-way
        summaries.close()
        notices.close()


def registration_entry_for(*, grades: QuerySet[GradeDecision], grade_id: int) -> RegistrationEntry | None:
    """Return one official's form from a scoped queryset of grades (``None`` when it is not there): four
    queries."""
    row = grades.filter(pk=grade_id).values(*GRADE_FIELDS).first()
    if row is None:
        return None
    summary = (AnnualSummary.objects.filter(procedure__period_id=row["period_id"], procedure__unit_id=row["unit_id"],
                                            official_id=row["official_id"])
               .values(*SUMMARY_FIELDS).first())
    notice = (GradeNotice.objects.filter(grade_id=grade_id, is_current=True).order_by("-issued_at", "-id")
              .values(*NOTICE_FIELDS).first())
    return entry_from(row, summary, notice, FormLabels.current())


# -- writing -------------------------------------------------------------------------------------------------
def safe_file_name(text: str) -> str:
    return UNSAFE_FILE_CHARS.sub("_", text).strip() or "_"


def scratch_dir(forms: int) -> str | None:
    """Return where the workbooks' temporary files go: the RAM file system when it has room, else the default."""
    try:
        room = shutil.disk_usage(RAM_DIR).free
    except OSError:
        return None
    return RAM_DIR if os.access(RAM_DIR, os.W_OK) and room > forms * SCRATCH_BYTES_PER_FORM else None


def forms_file_name(unit_name: str, year: str) -> str:
    """``文化和旅游局-2025年度考核登记表.xlsx``."""
    return _("%(unit)s-%(year)s annual appraisal registration forms.xlsx") % {
        "unit": safe_file_name(unit_name), "year": year}


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
