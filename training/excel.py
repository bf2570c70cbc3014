"""Excel files of the training app: the attendance sign-in sheet (签到表) template and its parsing.

The column headers are Chinese on purpose: they are the file format units fill in, not interface text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from common.excel import cell_text, open_xlsx, template_workbook
from common.imports import FILE, ErrorSink, RowErrors, sheet_rows
from common.text_limits import limit_of, too_long
from training.models import Attendance, AttendanceStatus

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
