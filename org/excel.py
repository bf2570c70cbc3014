"""The workbooks of the org app — the roster (花名册) and the working-day calendar (工作日历): their templates and
their parsing into typed rows. The services (``org.services.roster``, ``org.services.calendar``) apply them.

The column headers are Chinese on purpose: they are the file format that organization
departments fill in, not interface text, so they do not change with the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from common.excel import CellError, cell_bool, cell_date, cell_text, open_xlsx, template_workbook
from common.filters import as_int
from common.imports import FILE, ErrorSink, RowErrors, check_duplicates, sheet_rows
from common.text_limits import too_long
from org.models import Gender, PersonnelCategory, RankLevel, StaffingType, UnitKind
from org.workdays import MAX_YEAR, MIN_YEAR, mark_refusal

UNITS_SHEET = "单位"
OFFICIALS_SHEET = "人员"
MAX_ROWS = 50_000

UNIT_KIND_LABELS = {"局": UnitKind.BUREAU, "乡镇街道": UnitKind.TOWN, "园区": UnitKind.PARK,
                    "科室": UnitKind.SECTION, "其他": UnitKind.OTHER}
GENDER_LABELS = {"男": Gender.MALE, "女": Gender.FEMALE}
RANK_LABELS = {"班子成员": RankLevel.LEADERSHIP, "中层干部": RankLevel.MIDDLE, "一般干部": RankLevel.ORDINARY}
STAFFING_LABELS = {"在编": StaffingType.ESTABLISHED, "编外聘用": StaffingType.CONTRACT}
# 参公 is the usual short form of 参照公务员法管理; the template's drop-down offers the four full names.
CATEGORY_LABELS = {"公务员": PersonnelCategory.CIVIL_SERVANT,
                   "参照公务员法管理": PersonnelCategory.MANAGED_AS_CIVIL_SERVANT,
                   "事业单位": PersonnelCategory.INSTITUTION, "编外": PersonnelCategory.NON_ESTABLISHMENT,
                   "参公": PersonnelCategory.MANAGED_AS_CIVIL_SERVANT}
CATEGORY_CHOICES = ["公务员", "参照公务员法管理", "事业单位", "编外"]
STATUS_LABELS = {"在职": True, "离职": False}

# (header, required, width)
UNIT_COLUMNS = [
    ("单位编码", True, 14), ("单位名称", True, 28), ("上级单位编码", False, 14), ("单位类型", True, 12),
    ("单位类别", False, 16), ("排序", False, 8), ("是否启用", False, 10),
]
OFFICIAL_COLUMNS = [
    ("工号", True, 12), ("姓名", True, 10), ("性别", True, 6), ("出生日期", False, 12), ("单位编码", True, 14),
    ("职务", False, 20), ("职级层次", True, 12), ("编制类型", True, 12), ("是否党员", False, 10),
    ("联系电话", False, 14), ("参加工作日期", False, 14), ("任现职时间", False, 14), ("状态", False, 8),
    ("人员类别", False, 18),  # last, so rosters filled in on the earlier template keep their columns
]


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    parent_code: str
    kind: str
    category_name: str
    sort_order: int
    is_active: bool


@dataclass
class OfficialRow:
    row: int
    staff_number: str
    name: str
    gender: str
    birth_date: date | None
    unit_code: str
    position_title: str
    rank_level: str
    staffing_type: str
    personnel_category: str  # "" when the cell is empty: kept for an official already known, see the importer
    is_party_member: bool
    phone: str
    joined_on: date | None
    post_since: date | None
    is_active: bool


@dataclass
class Roster:
    units: list[UnitRow] = field(default_factory=list)
    officials: list[OfficialRow] = field(default_factory=list)
    errors: RowErrors = field(default_factory=RowErrors)


ROSTER_GUIDE = [
    "干部花名册导入模板",
    "1. “单位”表：每行一个单位。单位编码唯一；上级单位编码为空表示顶级单位；上级单位可在本表中或系统中已存在。",
    "2. “人员”表：每行一名干部。工号唯一；单位编码须在“单位”表中或系统中已存在。",
    "3. 带 * 的列必填。日期格式为 2024-01-31。单位类型：局、乡镇街道、园区、科室、其他。",
    "4. 职级层次：班子成员、中层干部、一般干部。编制类型：在编、编外聘用。状态：在职、离职。",
    "   人员类别：公务员、参照公务员法管理（可写“参公”）、事业单位、编外；决定年度考核的等次名称"
    "（事业单位为合格、基本合格、不合格）。留空时，已有人员保持原类别，新增人员按编制类型取“公务员”或“编外”。",
    "5. 重复导入同一文件时，按单位编码和工号更新，不会重复新增。文件中任一行有误，则整个文件不导入。",
    "6. 本系统不采集身份证号码，请勿填写。",
]


def roster_template() -> bytes:
    """Return the empty roster workbook with instructions and drop-down lists."""
    yes_no = ["是", "否"]
    return template_workbook(ROSTER_GUIDE, [
        (UNITS_SHEET, UNIT_COLUMNS, {3: list(UNIT_KIND_LABELS), 6: yes_no}),
        (OFFICIALS_SHEET, OFFICIAL_COLUMNS, {2: list(GENDER_LABELS), 6: list(RANK_LABELS), 7: list(STAFFING_LABELS),
                                             8: yes_no, 12: list(STATUS_LABELS), 13: CATEGORY_CHOICES}),
    ], max_rows=MAX_ROWS)


def read_roster(file: IO[bytes]) -> Roster:
    """Parse a roster workbook into rows and check it for duplicates, collecting every problem in one pass.

    Every row becomes a record, even one with problems (its unreadable cells left blank), so that the later
    checks — duplicates here, references and scope in ``roster_import`` — still look at the cells it has; a file
    with any problem is never applied."""
    wb = open_xlsx(file, max_bytes=settings.ROSTER_MAX_UPLOAD_BYTES)
    roster = Roster()
    try:
        if UNITS_SHEET not in wb.sheetnames and OFFICIALS_SHEET not in wb.sheetnames:
            roster.errors.add(FILE, 0, FILE, _("The workbook has neither a “单位” nor a “人员” sheet; "
                                               "please use the template."))
            return roster
        if UNITS_SHEET in wb.sheetnames:
            roster.units = [_parse_unit(number, cells, roster.errors.sink(UNITS_SHEET, number)) for number, cells
                            in sheet_rows(wb[UNITS_SHEET], UNITS_SHEET, UNIT_COLUMNS, roster.errors, max_rows=MAX_ROWS)]
        if OFFICIALS_SHEET in wb.sheetnames:
            roster.officials = [
                _parse_official(number, cells, roster.errors.sink(OFFICIALS_SHEET, number)) for number, cells
                in sheet_rows(wb[OFFICIALS_SHEET], OFFICIALS_SHEET, OFFICIAL_COLUMNS, roster.errors, max_rows=MAX_ROWS)]
    finally:
        wb.close()
    check_duplicates(((u.row, u.code) for u in roster.units), sheet=UNITS_SHEET, column="单位编码",
                     errors=roster.errors)
    check_duplicates(((o.row, o.staff_number) for o in roster.officials), sheet=OFFICIALS_SHEET, column="工号",
                     errors=roster.errors)
    return roster


def _read_sheet(ws: Any, title: str, columns: list[tuple[str, bool, int]], parse: Any,
                out: list[Any], errors: list[CellError]) -> None:
    """Parse a sheet's rows into ``out`` (rows with a problem left out) and their problems into ``errors``."""
    found = RowErrors()
    for number, cells in sheet_rows(ws, title, columns, found, max_rows=MAX_ROWS):
        before = len(found)
        record = parse(number, cells, found.sink(title, number))
        if len(found) == before:
            out.append(record)
    errors.extend(found)


def _required_text(cells: dict[str, Any], column: str, error: ErrorSink, max_length: int) -> str:
    text = cell_text(cells.get(column))
    if not text:
        error(column, _("This column is required."))
    elif problem := too_long(text, max_length):
        error(column, problem)
    return text


def _optional_text(cells: dict[str, Any], column: str, error: ErrorSink, max_length: int) -> str:
    text = cell_text(cells.get(column))
    if problem := too_long(text, max_length):
        error(column, problem)
    return text


def _choice(cells: dict[str, Any], column: str, error: ErrorSink, labels: dict[str, Any], *, required: bool,
            default: Any = "") -> Any:
    text = cell_text(cells.get(column))
    if not text:
        if required:
            error(column, _("This column is required."))
        return default
    if text in labels:
        return labels[text]
    values = {str(v): v for v in labels.values()}
    if text in values:
        return values[text]
    error(column, _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": "、".join(labels)})
    return default


def _date(cells: dict[str, Any], column: str, error: ErrorSink) -> date | None:
    try:
        return cell_date(cells.get(column))
    except ValueError:
        error(column, _("“%(value)s” is not a date such as 2024-01-31.") % {"value": cell_text(cells.get(column))})
        return None


def _bool(cells: dict[str, Any], column: str, error: ErrorSink, *, default: bool) -> bool:
    try:
        return cell_bool(cells.get(column), default=default)
    except ValueError:
        error(column, _("Write 是 or 否."))
        return default


def _parse_unit(number: int, cells: dict[str, Any], error: ErrorSink) -> UnitRow:
    sort_text = cell_text(cells.get("排序"))
    sort_order = 0
    if sort_text:
        if as_int(sort_text, low=0, high=32767) is not None:
            sort_order = int(sort_text)
        else:
            error("排序", _("Must be a whole number of 0 or more."))
    code = _required_text(cells, "单位编码", error, 32)
    parent_code = _optional_text(cells, "上级单位编码", error, 32)
    if code and code == parent_code:
        error("上级单位编码", _("A unit cannot be its own parent."))
    return UnitRow(
        row=number, code=code, name=_required_text(cells, "单位名称", error, 100), parent_code=parent_code,
        kind=_choice(cells, "单位类型", error, UNIT_KIND_LABELS, required=True),
        category_name=_optional_text(cells, "单位类别", error, 100), sort_order=sort_order,
        is_active=_bool(cells, "是否启用", error, default=True),
    )


def _parse_official(number: int, cells: dict[str, Any], error: ErrorSink) -> OfficialRow:
    today = date.today()
    row = OfficialRow(
        row=number,
        staff_number=_required_text(cells, "工号", error, 32),
        name=_required_text(cells, "姓名", error, 50),
        gender=_choice(cells, "性别", error, GENDER_LABELS, required=True),
        birth_date=_date(cells, "出生日期", error),
        unit_code=_required_text(cells, "单位编码", error, 32),
        position_title=_optional_text(cells, "职务", error, 100),
        rank_level=_choice(cells, "职级层次", error, RANK_LABELS, required=True),
        staffing_type=_choice(cells, "编制类型", error, STAFFING_LABELS, required=True),
        personnel_category=_choice(cells, "人员类别", error, CATEGORY_LABELS, required=False),
        is_party_member=_bool(cells, "是否党员", error, default=False),
        phone=_optional_text(cells, "联系电话", error, 32),
        joined_on=_date(cells, "参加工作日期", error),
        post_since=_date(cells, "任现职时间", error),
        is_active=_choice(cells, "状态", error, STATUS_LABELS, required=False, default=True),
    )
    dates = (("出生日期", row.birth_date), ("参加工作日期", row.joined_on), ("任现职时间", row.post_since))
    for column, value in dates:
        if value is not None and value > today:
            error(column, _("The date is in the future."))
    if row.birth_date and row.joined_on and row.joined_on <= row.birth_date:
        error("参加工作日期", _("Must be after the birth date."))
    return row


# -- the working-day calendar -----------------------------------------------------------------------------------

CALENDAR_SHEET = "工作日历"
CALENDAR_TEMPLATE_ROWS = 1_000
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


def calendar_template() -> bytes:
    """Return the empty calendar workbook with instructions and the 放假/上班 drop-down."""
    return template_workbook(CALENDAR_GUIDE, [(CALENDAR_SHEET, CALENDAR_COLUMNS, {1: list(TYPE_LABELS)})],
                             max_rows=CALENDAR_TEMPLATE_ROWS)


@dataclass
class CalendarRow:
    row: int
    day: date | None
    is_working_day: bool | None
    name: str
    note: str


def _parse_calendar_day(number: int, cells: dict[str, Any], error: ErrorSink) -> CalendarRow:
    day = _date(cells, "日期", error)
    if day is None and not cell_text(cells.get("日期")):
        error("日期", _("This column is required."))
    is_working_day = _choice(cells, "类型", error, TYPE_LABELS, required=True, default=None)
    if day is not None and is_working_day is not None:
        problem = mark_refusal(day, is_working_day)
        if problem:
            error("类型" if MIN_YEAR <= day.year <= MAX_YEAR else "日期", problem)
    return CalendarRow(row=number, day=day, is_working_day=is_working_day,
                       name=_optional_text(cells, "名称", error, 50), note=_optional_text(cells, "备注", error, 200))


def read_calendar(file: IO[bytes]) -> tuple[list[CalendarRow], list[CellError]]:
    """Parse a calendar workbook into rows, collecting every problem rather than stopping at the first."""
    wb = open_xlsx(file, max_bytes=settings.ROSTER_MAX_UPLOAD_BYTES)
    rows: list[CalendarRow] = []
    errors: list[CellError] = []
    try:
        if CALENDAR_SHEET not in wb.sheetnames:
            errors.append(CellError("-", 0, "-", _("The workbook has no “工作日历” sheet; please use the template.")))
            return rows, errors
        _read_sheet(wb[CALENDAR_SHEET], CALENDAR_SHEET, CALENDAR_COLUMNS, _parse_calendar_day, rows, errors)
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
