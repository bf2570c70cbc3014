"""Issue 15, item 7: every import lists every problem of a file in one upload, and keeps a history of its uploads.

For each import — the roster, the task list, the sign-in sheet — a file with five problems of different stages
(a cell's format, a key repeated within the file, a unit or official that is not there, a business rule) reports
all five at their row and column in one upload; nothing is written; the refused upload is in the import history
with its problems, shown on the page. A file that is not a workbook is recorded too. Each user's history shows
only what their scope may see.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from common.excel import CellError
from common.imports import RowErrors, check_duplicates, sheet_rows
from org.models import Official, OrgUnit, RosterImport
from tasks.excel import IMPORT_COLUMNS, SHEET
from tasks.models import Task, TaskImport
from tests.factories import RoleGrantFactory, UserFactory
from tests.org.roster_files import workbook as roster_workbook
from tests.training.factories import make_session
from training.excel import SIGN_IN_COLUMNS, SIGN_IN_SHEET
from training.models import Attendance, SignInImport

pytestmark = pytest.mark.django_db


def located(errors: list[CellError]) -> list[tuple[str, int, str]]:
    return [(e.sheet, e.row, e.column) for e in errors]


def xlsx(title: str, header: list[str], rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def post_file(client, url: str, content: bytes, name: str = "file.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def refused_in_history(response, count: int) -> None:
    """The page shows the refused upload at the top of its history, with its problems."""
    body = response.content.decode()
    assert 'data-testid="import-history-refused"' in body
    latest = response.context["history"][0]
    assert not latest.succeeded and latest.error_count == count and len(latest.errors) == count


# -- the roster ---------------------------------------------------------------------------------------------------

PERSON = ["一般干部", "在编", "否", "", "", "", "在职"]


def test_roster_reports_five_problems_of_three_stages_in_one_upload(county, client_for):
    units = [["QH2", "新县", "", "其他", "", 0, "是"]]  # 单位 2: a new top-level unit (a rule of the scope)
    officials = [
        ["C0001", "甲", "男的", "1980-13-01", "NOPE", "科员", *PERSON],  # 人员 2: gender, date; unknown unit
        ["C0001", "乙", "男", "1980-01-01", "WL", "科员", *PERSON],      # 人员 3: the staff number again
    ]
    units_before, officials_before = OrgUnit.objects.count(), Official.objects.count()
    response = post_file(client_for(county.orgadmin), reverse("org:roster_upload"),
                         roster_workbook(units, officials).getvalue(), "花名册.xlsx")
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert located(errors) == [
        ("单位", 2, "上级单位编码"),                                       # business rule (scope)
        ("人员", 2, "性别"), ("人员", 2, "出生日期"), ("人员", 2, "单位编码"),  # format, format, reference
        ("人员", 3, "工号"),                                               # duplicate within the file
    ]
    assert "NOPE" in errors[3].message and "2" in errors[4].message
    assert (OrgUnit.objects.count(), Official.objects.count()) == (units_before, officials_before)
    record = RosterImport.objects.get()
    assert (record.filename, record.succeeded, record.error_count, record.uploaded_by) == (
        "花名册.xlsx", False, 5, county.orgadmin)
    assert [(e["sheet"], e["row"], e["column"]) for e in record.errors] == located(errors)
    refused_in_history(response, 5)


def test_a_roster_file_that_is_not_a_workbook_is_recorded_too(county, client_for):
    response = post_file(client_for(county.orgadmin), reverse("org:roster_upload"), b"not a zip", "roster.xlsx")
    assert response.status_code == 200 and 'data-testid="file-error"' in response.content.decode()
    record = RosterImport.objects.get()
    assert not record.succeeded and record.error_count == 1 and record.errors[0]["row"] == 0
    refused_in_history(response, 1)


def test_roster_history_shows_each_scope_its_own_uploads(county, client_for):
    finance_org = UserFactory()
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    post_file(client_for(county.orgadmin), reverse("org:roster_upload"), b"x", "root.xlsx")
    post_file(client_for(finance_org), reverse("org:roster_upload"), b"x", "finance.xlsx")
    finance_page = client_for(finance_org).get(reverse("org:roster_upload"))
    assert [r.filename for r in finance_page.context["history"]] == ["finance.xlsx"]
    assert "root.xlsx" not in finance_page.content.decode()
    root_page = client_for(county.orgadmin).get(reverse("org:roster_upload"))
    assert [r.filename for r in root_page.context["history"]] == ["finance.xlsx", "root.xlsx"]


def test_an_applied_roster_upload_is_recorded_with_what_it_did(county, client_for):
    client = client_for(county.orgadmin)
    units = [["WL03", "新科室", "WL", "科室", "", 3, "是"]]
    officials = [["C0009", "周明", "男", "1985-01-01", "WL03", "科员", *PERSON]]
    assert post_file(client, reverse("org:roster_upload"), roster_workbook(units, officials).getvalue()).status_code \
        == 302
    record = RosterImport.objects.get()
    assert record.succeeded and (record.units_created, record.officials_created, record.errors) == (1, 1, [])
    page = client.get(reverse("org:roster_upload")).content.decode()
    assert record.summary() in page


# -- the task list ------------------------------------------------------------------------------------------------

TASK_HEADERS = [f"{h}*" if required else h for h, required, _w in IMPORT_COLUMNS]


def task_row(county, title: str, **values: object) -> list[object]:
    base: dict[str, object] = {"任务名称": title, "单位编码": "WL02", "责任人工号": county.staff_official.staff_number,
                               "开始日期": dt.date(2026, 1, 1), "完成时限": dt.date(2026, 12, 31)}
    base.update(values)
    return [base.get(h.rstrip("*")) for h in TASK_HEADERS]


def test_task_list_reports_five_problems_of_four_stages_in_one_upload(county, client_for):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    rows = [
        task_row(county, "坏日期", 完成时限="明年", 单位编码="NOPE"),       # 2: format; unknown unit
        task_row(county, "文旅融合"),                                      # 3: good
        task_row(county, "文旅融合"),                                      # 4: the title again
        task_row(county, "找不到上级", 上级任务名称="不存在的任务"),        # 5: no such parent task
        task_row(county, "已过期", 开始日期=None, 完成时限=yesterday),      # 6: task_create: starts today, ends before
    ]
    response = post_file(client_for(county.head), reverse("tasks:task_import"),
                         xlsx(SHEET, TASK_HEADERS, rows), "任务清单.xlsx")
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert located(errors) == [(SHEET, 2, "单位编码"), (SHEET, 2, "完成时限"), (SHEET, 4, "任务名称"),
                               (SHEET, 5, "上级任务名称"), (SHEET, 6, "完成时限")]
    assert "NOPE" in errors[0].message and "3" in errors[2].message and "不存在的任务" in errors[3].message
    assert not Task.objects.exists()  # the good row was created in the dry run, then rolled back
    record = TaskImport.objects.get()
    assert (record.filename, record.succeeded, record.error_count, record.created) == ("任务清单.xlsx", False, 5, 0)
    refused_in_history(response, 5)


def test_task_history_is_the_uploaders_own_and_records_success(county, client_for):
    other_head = UserFactory()
    RoleGrantFactory(user=other_head, unit=county.finance, role="head")
    client = client_for(county.head)
    done = post_file(client, reverse("tasks:task_import"), xlsx(SHEET, TASK_HEADERS, [task_row(county, "好任务")]),
                     "good.xlsx")
    assert done.status_code == 302 and Task.objects.count() == 1
    post_file(client, reverse("tasks:task_import"), b"not a zip", "bad.xlsx")
    page = client.get(reverse("tasks:task_import"))
    assert [(r.filename, r.succeeded, r.created) for r in page.context["history"]] == [
        ("bad.xlsx", False, 0), ("good.xlsx", True, 1)]
    other = client_for(other_head).get(reverse("tasks:task_import"))
    assert list(other.context["history"]) == []


# -- the sign-in sheet --------------------------------------------------------------------------------------------

SIGN_IN_HEADER = [h for h, _r, _w in SIGN_IN_COLUMNS]


def test_sign_in_sheet_reports_five_problems_of_four_stages_in_one_upload(county, client_for):
    session = make_session(county.head, county.culture)  # two hours
    culture, staff = county.culture_official.staff_number, county.staff_official.staff_number
    rows = [
        ["NOPE0001", None, "睡觉", None, None, None],          # 2: unknown status; unknown staff number
        [county.head_official.staff_number, None, "出席", None, None, 120],  # 3: exam score out of range
        [staff, None, "出席", None, None, None],                # 4: good
        [staff, None, "缺席", None, None, None],                # 5: the same official again
        [culture, None, "出席", 5, None, None],                 # 6: more hours than the session has
    ]
    response = post_file(client_for(county.head), reverse("training:attendance_import", args=[session.pk]),
                         xlsx(SIGN_IN_SHEET, SIGN_IN_HEADER, rows), "签到表.xlsx")
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert located(errors) == [(SIGN_IN_SHEET, 2, "工号"), (SIGN_IN_SHEET, 2, "状态"), (SIGN_IN_SHEET, 3, "考试成绩"),
                               (SIGN_IN_SHEET, 5, "工号"), (SIGN_IN_SHEET, 6, "学时")]
    assert not Attendance.objects.exists()
    record = SignInImport.objects.get()
    assert (record.session, record.succeeded, record.error_count, record.saved) == (session, False, 5, 0)
    refused_in_history(response, 5)
    # Another head recording the same session sees none of it.
    other_head = UserFactory()
    RoleGrantFactory(user=other_head, unit=county.culture, role="head")
    other = client_for(other_head).get(reverse("training:attendance_import", args=[session.pk]))
    assert list(other.context["history"]) == []


def test_an_applied_sign_in_sheet_is_recorded(county, client_for):
    session = make_session(county.head, county.culture)
    client = client_for(county.head)
    url = reverse("training:attendance_import", args=[session.pk])
    rows = [[county.staff_official.staff_number, "李科员", "出席", None, None, None]]
    assert post_file(client, url, xlsx(SIGN_IN_SHEET, SIGN_IN_HEADER, rows)).status_code == 302
    record = SignInImport.objects.get()
    assert record.succeeded and record.saved == 1 and Attendance.objects.count() == 1


# -- the shared pieces --------------------------------------------------------------------------------------------


def test_row_errors_are_listed_as_a_person_reads_the_file():
    errors = RowErrors()
    errors.add("B", 3, "y", "4")
    errors.add("A", 5, "x", "3")
    errors.add("A", 2, "y", "2")
    errors.add("-", 0, "-", "1")
    errors.add("A", 2, "x", "1b")
    assert [e.message for e in errors.sorted({"A": ["x", "y"], "B": ["y"]})] == ["1", "1b", "2", "3", "4"]
    assert errors.has("A", 2) and errors.has("A", 2, "x") and not errors.has("A", 2, "z") and not errors.has("A", 4)
    assert len(errors) == 5


def test_sheet_rows_finds_columns_by_header_and_reports_each_missing_one():
    wb = Workbook()
    ws = wb.active
    ws.append(["b", "a*", "extra"])
    ws.append([2, 1, "x"])
    ws.append([None, None, None])
    ws.append([4, 3, None])
    errors = RowErrors()
    columns = [("a", True, 1), ("b", False, 1)]
    assert list(sheet_rows(ws, "S", columns, errors, max_rows=10)) == [(2, {"a": 1, "b": 2}), (4, {"a": 3, "b": 4})]
    assert not errors
    assert list(sheet_rows(ws, "S", columns, errors, max_rows=1)) == [(2, {"a": 1, "b": 2})]
    assert [(e.row, e.column) for e in errors] == [(4, "-")]
    errors = RowErrors()
    assert list(sheet_rows(ws, "S", [("a", True, 1), ("c", True, 1), ("d", True, 1)], errors, max_rows=10)) == []
    assert [e.column for e in errors] == ["c", "d"]


def test_duplicates_skip_blank_keys_and_cells_with_a_problem():
    errors = RowErrors()
    errors.add("S", 4, "k", "too long")
    check_duplicates([(2, "a"), (3, ""), (4, "a"), (5, ""), (6, "a")], sheet="S", column="k", errors=errors)
    assert [(e.row, e.message) for e in errors][1:] == [(6, gettext("Duplicate of row %(row)s.") % {"row": 2})]


def test_the_import_pages_cost_a_constant_number_of_queries(county, client_for, django_assert_num_queries):
    """The history beside each import form is one query, however many uploads it shows (the rest: the session,
    the user, their access, the bell; the sign-in page also the session)."""
    session = make_session(county.head, county.culture)
    pages = [(county.orgadmin, reverse("org:roster_upload"), 7), (county.head, reverse("tasks:task_import"), 6),
             (county.head, reverse("training:attendance_import", args=[session.pk]), 8)]
    clients = {user: client_for(user) for user, _url, _n in pages}
    for uploads in (0, 3):
        for user, url, _n in pages:
            for _upload in range(uploads):
                post_file(clients[user], url, b"not a workbook")
        for user, url, expected in pages:
            with django_assert_num_queries(expected):
                page = clients[user].get(url)
            assert len(page.context["history"]) == uploads
