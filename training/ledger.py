"""The training ledger (培训台账) of a unit for a year, as an Excel workbook written as a stream.

One row per official of the unit and its sub-units (hours from sessions, approved external hours, total,
target, behind, unexcused absences, lectures given), then a sheet of the sessions the unit organised.
Written with xlsxwriter in constant-memory mode, as the appraisal register (``appraisal.excel.register``): rows
strictly in order, and every text through ``safe_text`` so no user text becomes a formula. Two queries.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from common.excel import safe_text, streaming_workbook
from org.models import Official, OrgUnit, RankLevel
from training.models import AttendanceStatus, SessionKind, TrainingSession
from training.progress import GroupedCoalesce, progress_of, unit_progress, year_bounds

HEADER_ROW = 2  # title, scope, then the header (frozen with everything above it)


def ledger_officials(unit: OrgUnit, year: int) -> QuerySet[Official]:
    """The unit's active officials (with sub-units) annotated for the ledger, in one query."""
    start, end = year_bounds(year)
    lectures = (TrainingSession.objects.filter(lecturer=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end)
                .order_by().values("lecturer").annotate(n=Count("pk")).values("n"))
    return unit_progress(unit, year=year).annotate(
        lectures_given=GroupedCoalesce(Subquery(lectures, output_field=IntegerField()), Value(0)),
    )


def ledger_sessions(unit: OrgUnit, year: int) -> QuerySet[TrainingSession]:
    """The sessions organised by the unit or its sub-units in the year, with attendance counts (one query)."""
    start, end = year_bounds(year)
    return (TrainingSession.objects.filter(unit.subtree_q("organiser__"), starts_at__gte=start,
                                           starts_at__lt=end)
            .select_related("organiser", "lecturer")
            .annotate(attended=Count("attendance", filter=~Q(attendance__status__in=(
                AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED))),
                absent=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
                excused=Count("attendance", filter=Q(attendance__status=AttendanceStatus.EXCUSED)))
            .order_by("starts_at", "pk"))


def write_ledger(target: Any, *, unit: OrgUnit, year: int, today: date | None = None) -> int:
    """Write the ledger of ``unit`` for ``year`` to ``target`` (a path); return the number of official rows."""
    today = today or timezone.localdate()
    as_of = min(today, date(year, 12, 31))
    workbook = streaming_workbook(target)
    bold = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "border": 1,
                                  "text_wrap": True, "valign": "vcenter"})
    hours = workbook.add_format({"num_format": "0.0"})
    whole = workbook.add_format({"num_format": "0"})
    title = _("Training ledger %(year)s") % {"year": year}
    scope = _("%(unit)s, exported %(time)s") % {
        "unit": unit.name, "time": f"{timezone.localtime():%Y-%m-%d %H:%M}"}

    sheet = workbook.add_worksheet(_("Officials"))
    headers = [_("Unit"), _("Name"), _("Staff number"), _("Rank level"), _("Hours from sessions"),
               _("Approved external hours"), _("Total hours"), _("Annual target"), _("Pro-rata target"),
               _("Behind"), _("Unexcused absences"), _("Lectures given")]
    _start_sheet(sheet, title, scope, headers, [18, 10, 12, 12, 10, 10, 10, 10, 10, 8, 10, 10], bold, header)
    rows = 0
    for official in ledger_officials(unit, year).iterator(chunk_size=2000):
        progress = progress_of(official, year=year, as_of=as_of)
        row = HEADER_ROW + 1 + rows
        sheet.write_string(row, 0, safe_text(official.unit.name))
        sheet.write_string(row, 1, safe_text(official.name))
        sheet.write_string(row, 2, safe_text(official.staff_number))
        sheet.write_string(row, 3, safe_text(RankLevel(official.rank_level).label))
        sheet.write_number(row, 4, float(Decimal(official.att_hours or 0)), hours)  # type: ignore[attr-defined]
        sheet.write_number(row, 5, float(Decimal(official.ext_hours or 0)), hours)  # type: ignore[attr-defined]
        sheet.write_number(row, 6, float(progress.hours), hours)
        sheet.write_number(row, 7, float(progress.target), hours)
        sheet.write_number(row, 8, float(progress.prorata_target), hours)
        sheet.write_string(row, 9, _("yes") if progress.behind else _("no"))
        sheet.write_number(row, 10, official.absences, whole)  # type: ignore[attr-defined]
        sheet.write_number(row, 11, official.lectures_given or 0, whole)  # type: ignore[attr-defined]
        rows += 1

    sessions = workbook.add_worksheet(_("Sessions"))
    headers = [_("Date"), _("Kind"), _("Title"), _("Credited hours"), _("Organising unit"), _("Lecturer"),
               _("Required"), _("Attended"), _("Excused"), _("Absent"), _("Place")]
    _start_sheet(sessions, title, scope, headers, [16, 12, 30, 8, 18, 12, 8, 8, 8, 8, 18], bold, header)
    for index, session in enumerate(ledger_sessions(unit, year).iterator(chunk_size=2000)):
        row = HEADER_ROW + 1 + index
        lecturer = session.lecturer.name if session.lecturer else session.lecturer_name
        sessions.write_string(row, 0, f"{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M}")
        sessions.write_string(row, 1, safe_text(SessionKind(session.kind).label))
        sessions.write_string(row, 2, safe_text(session.title))
        sessions.write_number(row, 3, float(session.hours), hours)
        sessions.write_string(row, 4, safe_text(session.organiser.name))
        sessions.write_string(row, 5, safe_text(lecturer))
        sessions.write_string(row, 6, _("yes") if session.is_required else _("no"))
        sessions.write_number(row, 7, session.attended, whole)  # type: ignore[attr-defined]
        sessions.write_number(row, 8, session.excused, whole)  # type: ignore[attr-defined]
        sessions.write_number(row, 9, session.absent, whole)  # type: ignore[attr-defined]
        sessions.write_string(row, 10, safe_text(session.place))
    workbook.close()
    return rows


def _start_sheet(sheet: Any, title: str, scope: str, headers: list[str], widths: list[int], bold: Any,
                 header: Any) -> None:
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.write_string(0, 0, safe_text(title), bold)
    sheet.write_string(1, 0, safe_text(scope))
    for column, text in enumerate(headers):
        sheet.write_string(HEADER_ROW, column, text, header)
