"""The task ledger (台账) export and the task-list import, with its template.

Column headers are Chinese on purpose: they are the file format heads fill in and file away, not interface
text. The import is all-or-nothing with a per-row error list, like the roster import (org/services/roster.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.excel import (
    CellError,
    cell_bool,
    cell_date,
    cell_text,
    date_format,
    open_xlsx,
    streaming_workbook,
    template_workbook,
    write_date,
    write_text,
)
from common.imports import (
    ErrorSink,
    RowErrors,
    apply_all_or_nothing,
    check_duplicates,
    file_error,
    history_fields,
    sheet_rows,
)
from common.text_limits import limit_of, too_long
from org.models import OrgUnit, User
from org.selectors import (
    access_for,
    officials_by_staff_number,
    units_by_code,
    unknown_official_message,
    unknown_unit_message,
)
from tasks.models import Task, TaskImport, TaskKind, TaskSource
from tasks.selectors.tasks import MANAGER_ROLES, ledger_tasks, tasks_managed_by

SHEET = "任务清单"
MAX_ROWS = 5_000
SOURCE_LABELS = {"上级交办": TaskSource.SUPERIOR, "本级重点": TaskSource.OWN_KEY, "督导反馈": TaskSource.SUPERVISION,
                 "群众诉求": TaskSource.COMPLAINT, "其他": TaskSource.OTHER}
KIND_LABELS = {"年度": TaskKind.ANNUAL, "季度": TaskKind.QUARTERLY, "月度": TaskKind.MONTHLY, "临时": TaskKind.AD_HOC}
# (header, required, width)
IMPORT_COLUMNS = [
    ("任务名称", True, 30), ("标准要求", False, 30), ("来源", False, 10), ("来源编号", False, 14), ("类型", False, 8),
    ("重点项目", False, 8), ("单位编码", True, 12), ("牵头领导工号", False, 12), ("责任人工号", True, 12),
    ("开始日期", False, 12), ("完成时限", True, 12), ("权重", False, 8), ("上级任务名称", False, 30),
]
LEDGER_COLUMNS = [
    ("序号", 6), ("任务名称", 30), ("标准要求", 30), ("完成时限", 12), ("牵头领导", 10), ("责任人", 10),
    ("责任单位", 16), ("来源", 10), ("来源编号", 14), ("类型", 8), ("重点项目", 8), ("状态", 8), ("进度(%)", 8),
    ("完成日期", 12), ("节点", 36), ("最近一次周报", 40),
]


# -- export ----------------------------------------------------------------------------------------------
def ledger_rows(tasks: QuerySet[Task]) -> Iterator[list[Any]]:
    for number, task in enumerate(tasks, start=1):
        milestones = "；".join(
            f"{m.name} {m.due_date:%Y-%m-%d}" + (f"（{m.done_on:%Y-%m-%d}完成）" if m.done_on else "")
            for m in task.milestones.all()
        )
        last = getattr(task, "last_week", None)  # annotated by ``ledger_tasks``
        update = f"{last:%Y-%m-%d}周：{getattr(task, 'last_done', '')}" if last else ""
        yield [
            number, task.title, task.goal, task.deadline, task.leading_leader.name if task.leading_leader else "",
            task.responsible.name, task.unit.name, task.get_source_display(), task.source_ref,
            task.get_kind_display(), "是" if task.is_key_project else "否", task.get_status_display(),
            task.progress, task.completed_on, milestones, update,
        ]


def ledger_workbook(user: User, unit: OrgUnit, out: Any, *, today: date | None = None) -> None:
    """Write the unit's task ledger into ``out`` (a file-like object such as an ``HttpResponse``), through the
    product's one workbook writer: user text (titles, names, updates) is stored as text, never a formula."""
    today = today or timezone.localdate()
    buffer = BytesIO()
    wb = streaming_workbook(buffer, in_memory=True)
    ws = wb.add_worksheet("工作任务台账")
    for index, (_header, width) in enumerate(LEDGER_COLUMNS):
        ws.set_column(index, index, width)
    ws.freeze_panes(2, 2)
    title = wb.add_format({"bold": True, "font_size": 14})
    write_text(ws, 0, 0, f"{unit.name} 工作任务台账（导出日期 {today:%Y-%m-%d}）", title)
    header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79"})
    for index, (name, _width) in enumerate(LEDGER_COLUMNS):
        ws.write_string(1, index, name, header)
    day = date_format(wb, valign="top")
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for row_index, row in enumerate(ledger_rows(ledger_tasks(user, unit)), start=2):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                write_date(ws, row_index, column, value, day)
            elif isinstance(value, int | float | Decimal):
                ws.write_number(row_index, column, float(value))
            else:
                write_text(ws, row_index, column, value, wrap if len(str(value)) > 20 else None)
    wb.close()
    out.write(buffer.getvalue())


# -- import template ---------------------------------------------------------------------------------------
TASK_GUIDE = [
    "工作任务清单导入模板（五个明确：任务、标准、时限、牵头领导、具体负责人）",
    "1. “任务清单”表：每行一项任务。带 * 的列必填。日期格式为 2026-01-31。",
    "2. 单位编码、牵头领导工号、责任人工号须为系统中已有、且在您管理范围内的单位和在职干部。",
    "3. 来源：上级交办、本级重点、督导反馈、群众诉求、其他；督导反馈和群众诉求类任务实行闭环管理。",
    "4. 类型：年度、季度、月度、临时。重点项目：是、否。权重默认为 1。",
    "5. 上级任务名称：填写本文件中或系统中已有任务的名称，用于年度—季度—月度分解。",
    "6. 文件中任一行有误，则整个文件不导入，请按错误清单修改后重新上传。",
]


def task_template() -> bytes:
    """Return the empty task-list workbook with instructions and drop-down lists."""
    drop_downs = {2: list(SOURCE_LABELS), 4: list(KIND_LABELS), 5: ["是", "否"]}
    return template_workbook(TASK_GUIDE, [(SHEET, IMPORT_COLUMNS, drop_downs)], max_rows=MAX_ROWS)


# -- import ----------------------------------------------------------------------------------------------
@dataclass
class TaskRow:
    row: int
    title: str
    goal: str
    source: str
    source_ref: str
    kind: str
    is_key_project: bool
    unit_code: str
    leader_number: str
    responsible_number: str
    start_date: date | None
    deadline: date | None
    weight: Decimal
    parent_title: str


@dataclass
class TaskImportResult:
    errors: list[CellError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


ERROR_ORDER = {SHEET: [name for name, _r, _w in IMPORT_COLUMNS]}
# Where a refusal of ``task_create`` (a business rule, found only by the write) is shown in the file.
FIELD_COLUMNS = {"title": "任务名称", "goal": "标准要求", "source": "来源", "source_ref": "来源编号", "kind": "类型",
                 "is_key_project": "重点项目", "unit": "单位编码", "leading_leader": "牵头领导工号",
                 "responsible": "责任人工号", "start_date": "开始日期", "deadline": "完成时限", "weight": "权重",
                 "parent": "上级任务名称"}
CODE_COLUMNS = {"forbidden": "单位编码", "official_out_of_scope": "责任人工号", "parent_out_of_scope": "上级任务名称",
                "deadline_before_start": "完成时限"}


def read_task_rows(file: IO[bytes], errors: RowErrors) -> list[TaskRow]:
    """Parse the task list into rows, one per non-blank row even when some of its cells are wrong (those are
    reported in ``errors`` and left blank), so that the later checks still see the cells it has."""
    wb = open_xlsx(file, max_bytes=settings.ROSTER_MAX_UPLOAD_BYTES)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[-1]
        return [_parse_row(number, cells, errors.sink(SHEET, number))
                for number, cells in sheet_rows(ws, SHEET, IMPORT_COLUMNS, errors, max_rows=MAX_ROWS)]
    finally:
        wb.close()


def _parse_row(number: int, cells: dict[str, Any], error: ErrorSink) -> TaskRow:
    def text(column: str, max_length: int, *, required: bool = False) -> str:
        value = cell_text(cells.get(column))
        if required and not value:
            error(column, _("This column is required."))
        elif problem := too_long(value, max_length):
            error(column, problem)
        return value

    def choice(column: str, labels: Mapping[str, str], default: str) -> str:
        value = cell_text(cells.get(column))
        if not value:
            return default
        if value in labels:
            return labels[value]
        error(column, _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": "、".join(labels)})
        return default

    def day(column: str, *, required: bool = False) -> date | None:
        try:
            value = cell_date(cells.get(column))
        except ValueError:
            error(column, _("“%(value)s” is not a date such as 2024-01-31.") % {"value": cell_text(cells.get(column))})
            return None
        if value is None and required:
            error(column, _("This column is required."))
        return value

    try:
        key = cell_bool(cells.get("重点项目"), default=False)
    except ValueError:
        error("重点项目", _("Write 是 or 否."))
        key = False
    weight = Decimal(1)
    weight_text = cell_text(cells.get("权重"))
    if weight_text:
        try:
            weight = Decimal(weight_text)
            if not weight.is_finite() or weight < 0 or weight >= 1000:
                raise InvalidOperation
        except InvalidOperation:
            error("权重", _("Must be a number from 0 to 999."))
            weight = Decimal(1)
    row = TaskRow(
        row=number, title=text("任务名称", limit_of(Task, "title"), required=True),
        goal=text("标准要求", limit_of(Task, "goal")), source=choice("来源", SOURCE_LABELS, TaskSource.OWN_KEY),
        source_ref=text("来源编号", limit_of(Task, "source_ref")),
        kind=choice("类型", KIND_LABELS, TaskKind.AD_HOC), is_key_project=key,
        unit_code=text("单位编码", 32, required=True), leader_number=text("牵头领导工号", 32),
        responsible_number=text("责任人工号", 32, required=True), start_date=day("开始日期"),
        deadline=day("完成时限", required=True), weight=weight,
        parent_title=text("上级任务名称", limit_of(Task, "title")),
    )
    if row.start_date and row.deadline and row.deadline < row.start_date:
        error("完成时限", _("The deadline cannot be before the start date."))
    return row


def task_import(*, file: IO[bytes], by: User, filename: str = "", today: date | None = None) -> TaskImportResult:
    """Import a task list, all or nothing, creating each task through ``task_create``, and record the upload in
    the import history either way.

    Every problem of the file is reported in one pass: its cells, titles repeated within the file, units,
    officials and parent tasks (which must lie in the importer's scope, as head or organization department), and
    the business rules of ``task_create`` — which runs over every good row in a transaction rolled back unless
    the whole file is good. File-level problems (not an .xlsx, too large, malformed) are recorded too, then raise
    ``ApplicationError``.
    """
    if not access_for(by).has_role(*MANAGER_ROLES):
        raise ApplicationError(_("Only a head of this unit may manage its tasks."), code="forbidden")
    errors = RowErrors()
    try:
        rows = read_task_rows(file, errors)
    except ApplicationError as error:
        TaskImport.objects.create(uploaded_by=by, filename=filename[:255], **history_fields(file_error(error)))
        raise
    check_duplicates(((r.row, r.title) for r in rows), sheet=SHEET, column="任务名称", errors=errors)
    importer = _TaskImporter(by, rows, errors, today)
    importer.check_references()
    kept = apply_all_or_nothing(errors, importer.create)
    result = TaskImportResult(errors=errors.sorted(ERROR_ORDER), created=len(importer.created) if kept else 0)
    TaskImport.objects.create(uploaded_by=by, filename=filename[:255], created=result.created,
                              **history_fields(result.errors))
    return result


class _TaskImporter:
    """The reference and business-rule stages of a task-list import, over rows already parsed."""

    def __init__(self, by: User, rows: list[TaskRow], errors: RowErrors, today: date | None) -> None:
        self.by, self.rows, self.errors, self.today = by, rows, errors, today
        # Only units and officials in the importer's scope are found: one outside it reads exactly like one that
        # does not exist.
        self.units = units_by_code(by, {r.unit_code for r in rows}, roles=MANAGER_ROLES)
        numbers = {r.responsible_number for r in rows} | {r.leader_number for r in rows}
        self.officials = officials_by_staff_number(by, numbers, roles=MANAGER_ROLES)
        self.in_file: dict[str, TaskRow] = {}
        for row in rows:
            if row.title:
                self.in_file.setdefault(row.title, row)
        outside = {r.parent_title for r in rows if r.parent_title and r.parent_title not in self.in_file}
        self.existing: dict[str, list[Task]] = {}
        for task in tasks_managed_by(by).filter(title__in=outside):
            self.existing.setdefault(task.title, []).append(task)
        self.created: dict[str, Task] = {}

    def error(self, row: TaskRow, column: str, message: str) -> None:
        self.errors.add(SHEET, row.row, column, message)

    def readable(self, row: TaskRow, column: str, value: str) -> bool:
        return bool(value) and not self.errors.has(SHEET, row.row, column)

    def check_references(self) -> None:
        for row in self.rows:
            if self.readable(row, "单位编码", row.unit_code) and row.unit_code not in self.units:
                self.error(row, "单位编码", unknown_unit_message(row.unit_code))
            for column, number in (("责任人工号", row.responsible_number), ("牵头领导工号", row.leader_number)):
                if self.readable(row, column, number) and number not in self.officials:
                    self.error(row, column, unknown_official_message())
            if not self.readable(row, "上级任务名称", row.parent_title):
                continue
            if row.parent_title not in self.in_file:
                matches = self.existing.get(row.parent_title, [])
                if not matches:
                    self.error(row, "上级任务名称", _("No task named “%(t)s” in this file or within your scope.")
                               % {"t": row.parent_title})
                elif len(matches) > 1:
                    self.error(row, "上级任务名称", _("Several tasks are named “%(t)s”; rename one to make it "
                                                  "unique.") % {"t": row.parent_title})
            if row.parent_title == row.title or _loops(row, self.in_file):
                self.error(row, "上级任务名称", _("The parent chain loops back to this task."))

    def create(self) -> None:
        """Create the task of every row without a problem, parents first, reporting what ``task_create`` refuses
        (a row whose parent in the file could not be created is left: the problem is the parent's)."""
        from tasks.services.tasks import task_create

        for row in _parents_first(self.rows, self.in_file):
            if self.errors.has(SHEET, row.row) or row.deadline is None:
                continue
            if row.parent_title in self.in_file:
                parent: Task | None = self.created.get(row.parent_title)
                if parent is None:
                    continue
            else:
                parent = self.existing[row.parent_title][0] if row.parent_title else None
            try:
                self.created[row.title] = task_create(
                    by=self.by, unit=self.units[row.unit_code], title=row.title, goal=row.goal, source=row.source,
                    source_ref=row.source_ref, kind=row.kind, is_key_project=row.is_key_project,
                    leading_leader=self.officials.get(row.leader_number) if row.leader_number else None,
                    responsible=self.officials[row.responsible_number], start_date=row.start_date,
                    deadline=row.deadline, weight=row.weight, parent=parent, today=self.today,
                )
            except ApplicationError as exc:
                self.refused(row, exc)

    def refused(self, row: TaskRow, exc: ApplicationError) -> None:
        """Report a refusal of ``task_create`` at the cells it is about."""
        fields = exc.extra.get("fields") or {}
        located = {FIELD_COLUMNS[name]: messages for name, messages in fields.items() if name in FIELD_COLUMNS}
        if not located:
            located = {CODE_COLUMNS.get(exc.code, "-"): [exc.message]}
        for column, messages in located.items():
            self.error(row, column, "；".join(str(m) for m in messages))


def _loops(row: TaskRow, in_file: dict[str, TaskRow]) -> bool:
    seen = {row.title}
    title = row.parent_title
    while title in in_file:
        if title in seen:
            return True
        seen.add(title)
        title = in_file[title].parent_title
    return False


def _parents_first(rows: list[TaskRow], in_file: dict[str, TaskRow]) -> list[TaskRow]:
    def depth(row: TaskRow) -> int:
        d, title = 0, row.parent_title
        while title in in_file and d <= len(in_file):
            d, title = d + 1, in_file[title].parent_title
        return d

    return sorted(rows, key=lambda r: (depth(r), r.row))
