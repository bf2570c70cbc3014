"""Excel files of the training app: the attendance sign-in sheet (签到表) template and its parsing.

The column headers are Chinese on purpose: they are the file format units fill in, not interface text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from common.excel import CellError, cell_text, iter_data_rows, open_xlsx, template_workbook
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


@dataclass
class SignInSheet:
    rows: list[SignInRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


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


def read_sign_in_sheet(file: IO[bytes]) -> SignInSheet:
    """Parse a sign-in sheet into rows, collecting every problem rather than stopping at the first."""
    wb = open_xlsx(file, max_bytes=settings.ROSTER_MAX_UPLOAD_BYTES)
    sheet = SignInSheet()
    try:
        ws = wb[SIGN_IN_SHEET] if SIGN_IN_SHEET in wb.sheetnames else None
        if ws is None:
            sheet.errors.append(CellError("-", 0, "-", _("The workbook has no “签到表” sheet; please use the "
                                                          "template.")))
            return sheet
        for number, values in iter_data_rows(ws, len(SIGN_IN_COLUMNS)):
            if len(sheet.rows) + len(sheet.errors) >= MAX_ROWS:
                sheet.errors.append(CellError(SIGN_IN_SHEET, number, "-", _("Too many rows.")))
                break
            sheet_row = _parse_row(number, values, sheet.errors)
            if sheet_row is not None:
                sheet.rows.append(sheet_row)
    finally:
        wb.close()
    return sheet


def _parse_row(number: int, values: tuple[Any, ...], errors: list[CellError]) -> SignInRow | None:
    before = len(errors)

    def error(column: str, message: str) -> None:
        errors.append(CellError(SIGN_IN_SHEET, number, column, message))

    staff_number = cell_text(values[0])
    if not staff_number:
        error("工号", _("Required."))
    status_label = cell_text(values[2])
    status = STATUS_LABELS.get(status_label)
    if status is None:
        error("状态", _("Use one of: %(values)s.") % {"values": "、".join(STATUS_LABELS)} if status_label
              else _("Required."))
    hours = score = None
    try:
        hours = _decimal(values[3])
        if hours is not None and hours < 0:
            raise ValueError
    except ValueError:
        error("学时", _("Not a valid number of hours."))
    try:
        score = _decimal(values[5])
        if score is not None and not (0 <= score <= 100):
            raise ValueError
    except ValueError:
        error("考试成绩", _("The exam score must be between 0 and 100."))
    reason = cell_text(values[4])
    if status == AttendanceStatus.EXCUSED and not reason:
        error("请假事由", _("Give the reason for the leave."))
    problem = too_long(reason, limit_of(Attendance, "excuse_reason"))
    if problem:
        error("请假事由", problem)
    if len(errors) > before or status is None:
        return None
    return SignInRow(number, staff_number, cell_text(values[1]), status, hours, reason, score)
