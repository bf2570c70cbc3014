"""The working-day calendar (法定节假日与调休), kept by the organization department: mark a day, unmark it,
import a year from Excel. Reads live in ``org.workdays``.

A row is stored only where it changes the weekly rhythm: a weekday off (放假) or a weekend worked (上班). A
weekday marked 上班 or a weekend marked 放假 would change nothing, so it is refused with a message saying so
rather than stored silently.

The workbook's column headers and type labels are Chinese on purpose: they are the file format the
organization department fills in, not interface text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.errors import ApplicationError, from_validation_error
from common.excel import CellError, cell_text, open_xlsx, template_workbook
from common.history import delete_as, set_actor

# The roster's sheet reader and cell parsers; one reader for every org workbook.
from org.excel import ErrorSink, _choice, _date, _optional_text, _read_sheet
from org.models import CalendarDay, User
from org.selectors import access_for
from org.workdays import is_weekend

MIN_YEAR, MAX_YEAR = 2000, 2100

CALENDAR_SHEET = "工作日历"
MAX_ROWS = 1_000
TYPE_LABELS = {"放假": False, "上班": True}
# (header, required, width)
CALENDAR_COLUMNS = [("日期", True, 14), ("类型", True, 10), ("名称", False, 20), ("备注", False, 40)]
CALENDAR_GUIDE = [
    "工作日历导入模板（法定节假日与调休）",
    "1. “工作日历”表：每行一天。日期必填，格式为 2026-10-01。",
    "2. 类型：放假（工作日放假，如法定节假日）或上班（周末调休上班）。",
    "3. 只需填写改变正常作息的日子：周一至周五默认上班，周六、周日默认休息。"
    "工作日填“上班”、周末填“放假”没有意义，会被拒绝。",
    "4. 名称如“春节”“国庆节调休上班”，可不填；备注可不填。",
    "5. 按日期更新：已有的日期会被覆盖，文件中没有的日期保持不变。文件中任一行有误，则整个文件不导入。",
    "6. 请以国务院办公厅当年《关于部分节假日安排的通知》为准。",
]


def _require_org(by: User) -> None:
    if not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may change the working-day calendar."),
                               code="forbidden")


def _pointless(day: date, is_working_day: bool) -> str | None:
    """Return why marking ``day`` this way is refused, or ``None`` when the mark changes something."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return _("%(date)s is outside the years the calendar keeps (%(first)s–%(last)s).") % {
            "date": day.isoformat(), "first": MIN_YEAR, "last": MAX_YEAR}
    if is_working_day and not is_weekend(day):
        return _("%(date)s is a weekday, so it is a working day already; there is no need to mark it as one.") % {
            "date": day.isoformat()}
    if not is_working_day and is_weekend(day):
        return _("%(date)s is a weekend day, so it is a day off already; there is no need to mark it as a "
                 "holiday.") % {"date": day.isoformat()}
    return None


@transaction.atomic
def calendar_day_set(*, day: date, is_working_day: bool, name: str = "", note: str = "", by: User) -> CalendarDay:
    """Mark ``day`` as a holiday (a weekday off) or a working day (a weekend worked), creating or updating its
    row. Organization department only."""
    _require_org(by)
    problem = _pointless(day, is_working_day)
    if problem:
        raise ApplicationError(problem, code="pointless_day", extra={"fields": {"date": [problem]}})
    row = CalendarDay.objects.select_for_update().filter(date=day).first() or CalendarDay(date=day)
    row.is_working_day = is_working_day
    row.name = (name or "").strip()
    row.note = (note or "").strip()
    row.updated_by = by
    try:
        row.full_clean(validate_unique=False)
    except ValidationError as error:
        raise from_validation_error(row, error) from error
    set_actor(row, by)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # someone marked the same day at the same moment
        raise ApplicationError(_("This day was just marked by someone else; reload and try again."),
                               code="conflict") from None
    return row


@transaction.atomic
def calendar_day_delete(*, day: date, by: User) -> None:
    """Remove the mark on ``day``, so it follows the weekly rhythm again. Organization department only."""
    _require_org(by)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        raise ApplicationError(_("%(date)s is not marked in the calendar.") % {"date": day.isoformat()},
                               code="not_found")
    delete_as(row, by)


# -- Excel ----------------------------------------------------------------------------------------------------


def calendar_template() -> bytes:
    """Return the empty calendar workbook with instructions and the 放假/上班 drop-down."""
    return template_workbook(CALENDAR_GUIDE, [(CALENDAR_SHEET, CALENDAR_COLUMNS, {1: list(TYPE_LABELS)})],
                             max_rows=MAX_ROWS)


@dataclass
class CalendarRow:
    row: int
    day: date | None
    is_working_day: bool | None
    name: str
    note: str


@dataclass
class CalendarImportResult:
    errors: list[CellError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_row(number: int, cells: dict[str, Any], error: ErrorSink) -> CalendarRow:
    day = _date(cells, "日期", error)
    if day is None and not cell_text(cells.get("日期")):
        error("日期", _("This column is required."))
    is_working_day = _choice(cells, "类型", error, TYPE_LABELS, required=True, default=None)
    if day is not None and is_working_day is not None:
        problem = _pointless(day, is_working_day)
        if problem:
            error("类型" if MIN_YEAR <= day.year <= MAX_YEAR else "日期", problem)
    return CalendarRow(row=number, day=day, is_working_day=is_working_day,
                       name=_optional_text(cells, "名称", error, 50), note=_optional_text(cells, "备注", error, 200))


def _read_calendar(file: IO[bytes]) -> tuple[list[CalendarRow], list[CellError]]:
    """Parse a calendar workbook into rows, collecting every problem rather than stopping at the first."""
    wb = open_xlsx(file, max_bytes=settings.ROSTER_MAX_UPLOAD_BYTES)
    rows: list[CalendarRow] = []
    errors: list[CellError] = []
    try:
        if CALENDAR_SHEET not in wb.sheetnames:
            errors.append(CellError("-", 0, "-", _("The workbook has no “工作日历” sheet; please use the template.")))
            return rows, errors
        _read_sheet(wb[CALENDAR_SHEET], CALENDAR_SHEET, CALENDAR_COLUMNS, _parse_row, rows, errors)
    finally:
        wb.close()
    if not rows and not errors:
        errors.append(CellError(CALENDAR_SHEET, 2, "-", _("The sheet has no days to import.")))
    seen: dict[date, int] = {}
    for row in rows:
        assert row.day is not None
        if row.day in seen:
            errors.append(CellError(CALENDAR_SHEET, row.row, "日期",
                                    _("Duplicate of row %(row)s.") % {"row": seen[row.day]}))
        seen.setdefault(row.day, row.row)
    return rows, errors


@transaction.atomic
def calendar_import(*, file: IO[bytes], by: User) -> CalendarImportResult:
    """Import calendar days from a workbook, all or nothing: every bad row is reported and, if there is any,
    nothing changes. Days are matched by date, so importing the same file again changes nothing.
    File-level problems (not an .xlsx, too large, malformed) raise ``ApplicationError``."""
    _require_org(by)
    rows, errors = _read_calendar(file)
    result = CalendarImportResult(errors=errors)
    if not result.ok:
        return result
    existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__in=[r.day for r in rows])}
    now = timezone.now()
    created: list[CalendarDay] = []
    changed: list[CalendarDay] = []
    for row in rows:
        assert row.day is not None and row.is_working_day is not None
        current = existing.get(row.day)
        if current is None:
            created.append(CalendarDay(date=row.day, is_working_day=row.is_working_day, name=row.name,
                                       note=row.note, updated_by=by, updated_at=now))
        elif (current.is_working_day, current.name, current.note) != (row.is_working_day, row.name, row.note):
            current.is_working_day, current.name, current.note = row.is_working_day, row.name, row.note
            current.updated_by, current.updated_at = by, now
            changed.append(current)
    bulk_create_with_history(created, CalendarDay, default_user=by)
    bulk_update_with_history(changed, CalendarDay, ["is_working_day", "name", "note", "updated_by", "updated_at"],
                             default_user=by)
    result.created, result.updated = len(created), len(changed)
    return result
