"""Excel files of the training app: the attendance sign-in sheet (签到表) template and its parsing, and the
training ledger (培训台账) of a unit for a year.

The sign-in sheet's column headers are Chinese on purpose: they are the file format units fill in, not interface
text.

The ledger has one row per official of the unit and its sub-units (hours from sessions, approved external hours,
total, target, behind, unexcused absences, lectures given), then a sheet of the sessions the unit organised. It is
written with xlsxwriter in constant-memory mode, as the appraisal register (``appraisal.excel.register``): rows
strictly in order, and every text through ``safe_text`` so no user text becomes a formula. Two queries
(``training.selectors.ledger``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.excel import cell_text, open_xlsx, safe_text, streaming_workbook, template_workbook
from common.imports import FILE, ErrorSink, RowErrors, sheet_rows
from common.text_limits import limit_of, too_long
from org.models import OrgUnit, RankLevel
from training.models import Attendance, AttendanceStatus, SessionKind
from training.selectors.ledger import ledger_officials, ledger_sessions
from training.selectors.progress import progress_of

SIGN_IN_SHEET = "签到表"
MAX_ROWS = 5_000
STATUS_LABELS = {"出席": AttendanceStatus.PRESENT, "迟到": AttendanceStatus.LATE,
                 "早退": AttendanceStatus.LEFT_EARLY, "请假": AttendanceStatus.EXCUSED,
                 "缺席": AttendanceStatus.ABSENT}
# (header, required, width)
SIGN_IN_COLUMNS = [("工号", True, 12), ("姓名", False, 10), ("状态", True, 10), ("学时", False, 8),
                   ("请假事由", False, 24), ("考试成绩", False, 10)]
SIGN_IN_GUIDE = [
    "学习培训签到表导入模板",
    "1. “签到表”表：每行一名干部。工号必填，须为本次学习的参学人员；姓名用于核对，可不填。",
    "2. 状态：出席、迟到、早退、请假、缺席。请假须填写请假事由。",
    "3. 学时可不填：出席按本次学时计，迟到、早退按一半计，请假、缺席计 0。考试成绩为 0–100。",
    "4. 文件中任一行有误，则整个文件不导入；同一人重复导入时以最后一次为准。",
]


@dataclass
class SignInRow:
    row: int
    staff_number: str
    name: str
    status: str
    hours: Decimal | None
    excuse_reason: str
    exam_score: Decimal | None


def sign_in_template() -> bytes:
    """Return the empty sign-in sheet with instructions and the status drop-down."""
    return template_workbook(SIGN_IN_GUIDE, [(SIGN_IN_SHEET, SIGN_IN_COLUMNS, {2: list(STATUS_LABELS)})],
                             max_rows=MAX_ROWS)


def _decimal(value: Any) -> Decimal | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    return number


def read_sign_in_sheet(file: IO[bytes], errors: RowErrors) -> list[SignInRow]:
    """Parse a sign-in sheet into rows, one per non-blank row even when some of its cells are wrong (those are
    reported in ``errors`` and left blank), so that the later checks still see the cells it has."""
    wb = open_xlsx(file, max_bytes=settings.ROSTER_MAX_UPLOAD_BYTES)
    try:
        if SIGN_IN_SHEET not in wb.sheetnames:
            errors.add(FILE, 0, FILE, _("The workbook has no “签到表” sheet; please use the template."))
            return []
        return [_parse_row(number, cells, errors.sink(SIGN_IN_SHEET, number)) for number, cells in
                sheet_rows(wb[SIGN_IN_SHEET], SIGN_IN_SHEET, SIGN_IN_COLUMNS, errors, max_rows=MAX_ROWS)]
    finally:
        wb.close()


def _parse_row(number: int, cells: dict[str, Any], error: ErrorSink) -> SignInRow:
    staff_number = cell_text(cells.get("工号"))
    if not staff_number:
        error("工号", _("Required."))
    status_label = cell_text(cells.get("状态"))
    status = STATUS_LABELS.get(status_label, "")
    if not status:
        error("状态", _("Use one of: %(values)s.") % {"values": "、".join(STATUS_LABELS)} if status_label
              else _("Required."))
    hours = score = None
    try:
        hours = _decimal(cells.get("学时"))
        if hours is not None and hours < 0:
            raise ValueError
    except ValueError:
        error("学时", _("Not a valid number of hours."))
        hours = None
    try:
        score = _decimal(cells.get("考试成绩"))
        if score is not None and not (0 <= score <= 100):
            raise ValueError
    except ValueError:
        error("考试成绩", _("The exam score must be between 0 and 100."))
        score = None
    reason = cell_text(cells.get("请假事由"))
    if status == AttendanceStatus.EXCUSED and not reason:
        error("请假事由", _("Give the reason for the leave."))
    problem = too_long(reason, limit_of(Attendance, "excuse_reason"))
    if problem:  # reported, never cut
        error("请假事由", problem)
    return SignInRow(number, staff_number, cell_text(cells.get("姓名")), status, hours, reason, score)


# -- the training ledger --------------------------------------------------------------------------------------

LEDGER_HEADER_ROW = 2  # title, scope, then the header (frozen with everything above it)


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
        row = LEDGER_HEADER_ROW + 1 + rows
        sheet.write_string(row, 0, safe_text(official.unit.name))
        sheet.write_string(row, 1, safe_text(official.name))
        sheet.write_string(row, 2, safe_text(official.staff_number))
        sheet.write_string(row, 3, safe_text(RankLevel(official.rank_level).label))
        sheet.write_number(row, 4, float(Decimal(official.att_hours or 0)), hours)
        sheet.write_number(row, 5, float(Decimal(official.ext_hours or 0)), hours)
        sheet.write_number(row, 6, float(progress.hours), hours)
        sheet.write_number(row, 7, float(progress.target), hours)
        sheet.write_number(row, 8, float(progress.prorata_target), hours)
        sheet.write_string(row, 9, _("yes") if progress.behind else _("no"))
        sheet.write_number(row, 10, official.absences, whole)
        sheet.write_number(row, 11, official.lectures_given or 0, whole)
        rows += 1

    sessions = workbook.add_worksheet(_("Sessions"))
    headers = [_("Date"), _("Kind"), _("Title"), _("Credited hours"), _("Organising unit"), _("Lecturer"),
               _("Required"), _("Attended"), _("Excused"), _("Absent"), _("Place")]
    _start_sheet(sessions, title, scope, headers, [16, 12, 30, 8, 18, 12, 8, 8, 8, 8, 18], bold, header)
    for index, session in enumerate(ledger_sessions(unit, year).iterator(chunk_size=2000)):
        row = LEDGER_HEADER_ROW + 1 + index
        lecturer = session.lecturer.name if session.lecturer else session.lecturer_name
        sessions.write_string(row, 0, f"{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M}")
        sessions.write_string(row, 1, safe_text(SessionKind(session.kind).label))
        sessions.write_string(row, 2, safe_text(session.title))
        sessions.write_number(row, 3, float(session.hours), hours)
        sessions.write_string(row, 4, safe_text(session.organiser.name))
        sessions.write_string(row, 5, safe_text(lecturer))
        sessions.write_string(row, 6, _("yes") if session.is_required else _("no"))
        sessions.write_number(row, 7, session.attended, whole)
        sessions.write_number(row, 8, session.excused, whole)
        sessions.write_number(row, 9, session.absent, whole)
        sessions.write_string(row, 10, safe_text(session.place))
    workbook.close()
    return rows


def _start_sheet(sheet: Any, title: str, scope: str, headers: list[str], widths: list[int], bold: Any,
                 header: Any) -> None:
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(LEDGER_HEADER_ROW + 1, 0)
    sheet.write_string(0, 0, safe_text(title), bold)
    sheet.write_string(1, 0, safe_text(scope))
    for column, text in enumerate(headers):
        sheet.write_string(LEDGER_HEADER_ROW, column, text, header)
