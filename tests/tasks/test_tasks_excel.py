"""Excel: the task ledger export and the all-or-nothing task-list import with its template."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from common.models import Notification
from tasks.excel import IMPORT_COLUMNS, SHEET, task_import
from tasks.models import Task, TaskSource
from tasks.services.progress import weekly_update_post
from tasks.services.tasks import task_create
from tests.factories import OfficialFactory, TaskFactory

HEADERS = [f"{h}*" if required else h for h, required, _w in IMPORT_COLUMNS]


def workbook(rows: list[dict[str, object]]) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h.rstrip("*")) for h in HEADERS])
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def row(county, **values) -> dict[str, object]:
    base = {"任务名称": "文旅融合年度任务", "标准要求": "全年接待游客增长10%", "来源": "本级重点", "类型": "年度",
            "重点项目": "是", "单位编码": "WL02", "牵头领导工号": county.head_official.staff_number,
            "责任人工号": county.staff_official.staff_number, "开始日期": "2026-01-01",
            "完成时限": dt.date(2026, 12, 31), "权重": 2}
    base.update(values)
    return base


def test_import_creates_tasks_with_parents_from_the_file(county):
    rows = [
        row(county, 任务名称="一季度任务", 上级任务名称="文旅融合年度任务", 类型="季度", 完成时限="2026/3/31"),
        row(county),
        row(county, 任务名称="民心网诉求", 来源="群众诉求", 来源编号="MXW-1", 单位编码="WL01", 牵头领导工号=None,
            责任人工号=county.culture_official.staff_number, 完成时限="2026-04-30", 重点项目=None, 权重=None),
    ]
    result = task_import(file=workbook(rows), by=county.head)
    assert result.ok, result.errors
    assert result.created == 3
    quarter = Task.objects.get(title="一季度任务")
    assert quarter.parent.title == "文旅融合年度任务" and quarter.deadline == dt.date(2026, 3, 31)
    assert quarter.parent.is_key_project and quarter.parent.weight == 2
    complaint = Task.objects.get(title="民心网诉求")
    assert complaint.source == TaskSource.COMPLAINT and complaint.loop_stage == "assigned"
    assert Notification.objects.filter(user=county.staff, kind="assignment").count() == 2


def test_import_is_all_or_nothing_with_located_errors(county):
    rows = [
        row(county, 任务名称="好的一行"),
        row(county, 任务名称="外单位", 单位编码="CZ01"),
        row(county, 任务名称="外单位的人", 责任人工号=county.finance_official.staff_number),
        row(county, 任务名称="没有的人", 牵头领导工号="NOPE"),
        row(county, 任务名称="坏日期", 完成时限="明年"),
        row(county, 任务名称="倒挂", 开始日期="2026-06-01", 完成时限="2026-05-01"),
        row(county, 任务名称="找不到上级", 上级任务名称="不存在"),
        row(county, 任务名称="坏来源", 来源="随便"),
        row(county, 任务名称=None),
        row(county, 任务名称="好的一行"),
    ]
    result = task_import(file=workbook(rows), by=county.head)
    assert not result.ok and result.created == 0
    located = {(e.row, e.column) for e in result.errors}
    assert {(6, "完成时限"), (7, "完成时限"), (9, "来源"), (10, "任务名称")} <= located
    assert all(e.sheet == SHEET and e.message for e in result.errors)
    assert not Task.objects.exists()
    # Second pass (after the parse errors are fixed) reports the scope problems.
    rows = [rows[0], rows[1], rows[2], rows[3], rows[6], rows[9]]
    result = task_import(file=workbook(rows), by=county.head)
    located = {(e.row, e.column) for e in result.errors}
    assert located == {(3, "单位编码"), (4, "责任人工号"), (5, "牵头领导工号"), (6, "上级任务名称"), (7, "任务名称")}
    assert not Task.objects.exists() and not Notification.objects.exists()


def test_import_refuses_people_without_a_managing_role_and_bad_files(county, client_for):
    assert client_for(county.staff).get(reverse("tasks:task_import")).status_code == 404
    client = client_for(county.head)
    response = client.post(reverse("tasks:task_import"),
                           {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 200 and 'data-testid="file-error"' in response.content.decode()
    missing = Workbook()
    missing.active.title = SHEET
    missing.active.append(["任务名称"])
    buffer = BytesIO()
    missing.save(buffer)
    response = client.post(reverse("tasks:task_import"),
                           {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())})
    assert {e.column for e in response.context["result"].errors} == {"单位编码", "责任人工号", "完成时限"}


def test_import_page_success_redirects_to_the_board(county, client_for):
    upload = SimpleUploadedFile("tasks.xlsx", workbook([row(county)]).getvalue())
    response = client_for(county.head).post(reverse("tasks:task_import"), {"file": upload})
    assert response.status_code == 302 and response.url == reverse("tasks:task_board")
    assert Task.objects.count() == 1


def test_template_downloads_and_round_trips(county, client_for):
    response = client_for(county.head).get(reverse("tasks:task_template"))
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert [c.value for c in wb[SHEET][1]] == HEADERS


def test_ledger_export(county, client_for):
    task = task_create(by=county.head, unit=county.culture_tourism, title="景区提升", goal="年底前完成",
                       responsible=county.staff_official, leading_leader=county.head_official,
                       start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31),
                       milestones=[{"name": "开工", "due_date": dt.date(2026, 3, 1)}])
    weekly_update_post(task=task, by=county.staff, progress=30, done="完成设计")
    task_create(by=county.orgadmin, unit=county.finance_office, title="财政任务", responsible=county.finance_official,
                start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31))
    response = client_for(county.head).get(reverse("tasks:task_export"), {"unit": "WL"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "文化和旅游局" in rows[0][0]
    assert rows[1][:6] == ("序号", "任务名称", "标准要求", "完成时限", "牵头领导", "责任人")
    assert len(rows) == 3
    data = rows[2]
    assert data[1] == "景区提升" and data[4] == "王局长" and data[5] == "李科员" and data[12] == 30
    assert "开工 2026-03-01" in data[14] and "完成设计" in data[15]
    assert ws.freeze_panes == "C3"
    assert client_for(county.head).get(reverse("tasks:task_export"), {"unit": "CZ"}).status_code == 404
    assert client_for(county.staff).get(reverse("tasks:task_export")).status_code == 404


def test_ledger_export_costs_a_constant_number_of_queries(county, client_for):
    def add(n):
        for _ in range(n):
            task = TaskFactory(unit=county.culture_office, responsible=OfficialFactory(unit=county.culture_office),
                               leading_leader=county.head_official)
            task.milestones.create(name="开工", due_date=dt.date(2026, 5, 1))

    client = client_for(county.head)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("tasks:task_export"), {"unit": "WL"})
        return len(ctx.captured_queries)

    add(5)
    few = count()
    add(50)
    assert count() == few
