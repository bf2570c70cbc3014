"""Issue 14, item 1: nothing outside one's scope is told apart from what does not exist.

In every import (the sign-in sheet, the task list, the roster) and every form or endpoint that takes a unit
code, a staff number or an official's id, a unit or official outside the user's scope gets exactly the message
of one that does not exist — for a unit code, a staff number, and a name that does not match its staff number —
and the answer never carries the name (or unit) of anyone outside the scope.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from common.excel import CellError
from tasks.excel import IMPORT_COLUMNS, SHEET
from tasks.models import Task
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory, period
from tests.org.roster_files import workbook as roster_workbook
from tests.training.factories import make_session
from training.excel import SIGN_IN_COLUMNS, SIGN_IN_SHEET
from training.models import Attendance

JSON = "application/json"
# Typed into the files in place of a real code; messages are compared with the typed code masked.
MISSING_UNIT, MISSING_NUMBER = "NOPE01", "NOPE0001"


def masked(error: CellError, typed: str) -> tuple[str, str]:
    """The column and message of an error, with the code the user typed masked (it may be quoted back)."""
    return error.column, error.message.replace(typed, "<typed>")


def by_row(errors: list[CellError]) -> dict[int, list[CellError]]:
    rows: dict[int, list[CellError]] = {}
    for error in errors:
        rows.setdefault(error.row, []).append(error)
    return rows


def assert_reveals_nothing(body: str, *texts: str) -> None:
    for text in texts:
        assert text not in body, f"{text!r} (outside the scope) appears in the answer"


def xlsx(title: str, header: list[str], rows: list[list[object]]) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


# --- the sign-in sheet (training) -----------------------------------------------------------------------------


def test_sign_in_sheet_reads_out_of_scope_like_missing(county, client_for):
    # Organised by the organization department for the whole county: the finance official IS in the audience,
    # but outside the culture head's scope.
    session = make_session(county.orgadmin, county.root)
    outside = county.finance_official.staff_number
    # A second number of each kind: a number repeated within the sheet is reported as a duplicate first.
    outside_2, missing_2 = OfficialFactory(name="孙科员", unit=county.finance_office).staff_number, "NOPE0002"
    sheet = xlsx(SIGN_IN_SHEET, [h for h, _r, _w in SIGN_IN_COLUMNS], [
        [outside, None, "出席", None, None, None],             # 2: staff number outside the scope
        [MISSING_NUMBER, None, "出席", None, None, None],      # 3: staff number that does not exist
        [outside_2, "张三", "出席", None, None, None],         # 4: outside, with a name that does not match
        [missing_2, "张三", "出席", None, None, None],         # 5: missing, with a name
        [county.staff_official.staff_number, "张三", "出席", None, None, None],  # 6: in scope, wrong name
    ])
    response = client_for(county.head).post(reverse("training:attendance_import", args=[session.pk]),
                                            {"file": SimpleUploadedFile("签到表.xlsx", sheet.getvalue())})
    assert response.status_code == 200
    rows = by_row(response.context["result"].errors)
    assert [masked(e, outside) for e in rows[2]] == [masked(e, MISSING_NUMBER) for e in rows[3]]
    assert [masked(e, outside_2) for e in rows[4]] == [masked(e, missing_2) for e in rows[5]]
    assert rows[2][0].column == "工号"
    # In the scope, a name mismatch still says whose number it is: the head sees that official anyway.
    assert rows[6][0].column == "姓名" and "李科员" in rows[6][0].message
    assert_reveals_nothing(response.content.decode(), "钱科员", "孙科员", "财政局")
    assert not Attendance.objects.exists()


def test_the_attendance_grid_and_bulk_api_read_out_of_scope_like_missing(county, client_for):
    session = make_session(county.orgadmin, county.root)
    head = client_for(county.head)
    url = reverse("training:attendance_set", args=[session.pk])
    outside = head.post(url, {"official": county.finance_official.pk, "status": "present"}, HTTP_HX_REQUEST="true")
    missing = head.post(url, {"official": 999_999, "status": "present"}, HTTP_HX_REQUEST="true")
    assert outside.status_code == missing.status_code == 404
    assert_reveals_nothing(outside.content.decode(), "钱科员")

    def bulk(official_id: int) -> dict[str, object]:
        response = head.post("/api/v1/attendance/bulk/", {"session": session.pk, "rows": [
            {"official": official_id, "status": "present"}]}, content_type=JSON)
        assert response.status_code == 400
        body = response.json()
        for row in body["extra"]["rows"]:
            row.pop("official")  # the id the caller sent, echoed
        return body

    assert bulk(county.finance_official.pk) == bulk(999_999)
    assert not Attendance.objects.exists()


# --- the task list (tasks) ------------------------------------------------------------------------------------

TASK_HEADERS = [f"{h}*" if required else h for h, required, _w in IMPORT_COLUMNS]


def task_row(county, title: str, **values: object) -> list[object]:
    base: dict[str, object] = {"任务名称": title, "单位编码": "WL02", "责任人工号": county.staff_official.staff_number,
                               "牵头领导工号": county.head_official.staff_number, "完成时限": dt.date(2026, 12, 31)}
    base.update(values)
    return [base.get(h.rstrip("*")) for h in TASK_HEADERS]


def test_task_import_reads_out_of_scope_like_missing(county, client_for):
    left = OfficialFactory(name="孙离职", unit=county.culture_office, is_active=False)
    outside = county.finance_official.staff_number
    rows = [
        task_row(county, "外单位", 单位编码="CZ01"),                 # 2: unit outside the scope
        task_row(county, "没有的单位", 单位编码=MISSING_UNIT),       # 3: unit that does not exist
        task_row(county, "外单位的人", 责任人工号=outside),           # 4: responsible outside the scope
        task_row(county, "没有的人", 责任人工号=MISSING_NUMBER),     # 5: responsible who does not exist
        task_row(county, "外单位领导", 牵头领导工号=outside),         # 6: leader outside the scope
        task_row(county, "没有的领导", 牵头领导工号=MISSING_NUMBER),  # 7: leader who does not exist
        task_row(county, "离职的人", 责任人工号=left.staff_number),   # 8: in scope, but has left
    ]
    sheet = xlsx(SHEET, TASK_HEADERS, rows)
    response = client_for(county.head).post(reverse("tasks:task_import"),
                                            {"file": SimpleUploadedFile("tasks.xlsx", sheet.getvalue())})
    assert response.status_code == 200
    errors = by_row(response.context["result"].errors)
    assert [masked(e, "CZ01") for e in errors[2]] == [masked(e, MISSING_UNIT) for e in errors[3]]
    assert errors[2][0].column == "单位编码"
    assert [masked(e, outside) for e in errors[4]] == [masked(e, MISSING_NUMBER) for e in errors[5]]
    assert [masked(e, outside) for e in errors[6]] == [masked(e, MISSING_NUMBER) for e in errors[7]]
    assert [e.column for e in errors[4]] == ["责任人工号"] and [e.column for e in errors[6]] == ["牵头领导工号"]
    assert [masked(e, left.staff_number) for e in errors[8]] == [masked(e, MISSING_NUMBER) for e in errors[5]]
    assert_reveals_nothing(response.content.decode(), "钱科员", "财政局")
    assert not Task.objects.exists()


# --- the roster (org) -----------------------------------------------------------------------------------------


def test_roster_import_reads_out_of_scope_like_missing(county, client_for):
    finance_org = UserFactory()
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    person = ["男", "1980-01-01"]
    post = ["科员", "一般干部", "在编", "否", "", "", "", "在职"]
    units = [
        ["CZ02", "新科室一", "WL", "科室", "", 1, "是"],            # 2: parent outside the scope
        ["CZ03", "新科室二", MISSING_UNIT, "科室", "", 2, "是"],   # 3: parent that does not exist
    ]
    officials = [
        ["B0001", "甲", *person, "WL01", *post],               # 2: unit outside the scope
        ["B0002", "乙", *person, MISSING_UNIT, *post],         # 3: unit that does not exist
        [county.staff_official.staff_number, "丙", *person, "CZ01", *post],  # 4: number taken outside
    ]
    response = client_for(finance_org).post(reverse("org:roster_upload"), {
        "file": SimpleUploadedFile("roster.xlsx", roster_workbook(units, officials).getvalue())})
    assert response.status_code == 200
    errors = response.context["result"].errors
    unit_rows = by_row([e for e in errors if e.sheet == "单位"])
    official_rows = by_row([e for e in errors if e.sheet == "人员"])
    assert [masked(e, "WL") for e in unit_rows[2]] == [masked(e, MISSING_UNIT) for e in unit_rows[3]]
    assert unit_rows[2][0].column == "上级单位编码"
    assert [masked(e, "WL01") for e in official_rows[2]] == [masked(e, MISSING_UNIT) for e in official_rows[3]]
    assert official_rows[2][0].column == "单位编码"
    # A staff number taken outside the scope cannot be created again (it is unique): the row is refused, but
    # nothing says whose number it is or where they work.
    assert [e.column for e in official_rows[4]] == ["工号"]
    assert_reveals_nothing(response.content.decode(), "李科员", "旅游发展科", "文化和旅游局", "文旅局办公室")


# --- forms and endpoints that take a code or an id ------------------------------------------------------------


def test_grades_propose_redirect_never_names_a_unit_outside_the_scope(county, client_for):
    period("2026")
    finance_org = UserFactory()
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    client = client_for(finance_org)
    url = reverse("appraisal:grades_propose")
    outside = client.post(url, {"period": "2026", "unit": "WL"})
    missing = client.post(url, {"period": "2026", "unit": MISSING_UNIT})
    assert outside.status_code == missing.status_code == 302
    assert outside.url == missing.url and "WL" not in outside.url
    inside = client.post(url, {"period": "2026", "unit": "CZ01"})
    assert inside.url.endswith("unit=CZ01")


def test_session_api_lecturer_outside_the_scope_reads_like_missing(county, client_for):
    head = client_for(county.head)
    payload = {"kind": "party_class", "title": "党课", "starts_at": "2026-10-20T09:00:00+08:00",
               "ends_at": "2026-10-20T11:00:00+08:00", "hours": "2.0", "organiser": county.culture.pk,
               "audience_units": [county.culture_office.pk]}
    outside = head.post("/api/v1/training-sessions/", {**payload, "lecturer": county.finance_official.pk},
                        content_type=JSON)
    missing = head.post("/api/v1/training-sessions/", {**payload, "lecturer": 999_999}, content_type=JSON)
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert_reveals_nothing(outside.content.decode(), "钱科员")


@pytest.fixture
def culture_inspector(county):
    """Discipline inspection over the culture bureau only."""
    user = UserFactory()
    RoleGrantFactory(user=user, unit=county.culture, role="discipline")
    return user


def test_case_api_subjects_outside_the_scope_read_like_missing(county, client_for, culture_inspector):
    client = client_for(culture_inspector)
    payload = {"unit": county.culture.pk, "title": "插手招投标", "source": "supervision", "facts": "插手项目招投标。"}
    outside = client.post("/api/v1/cases/", {**payload, "subjects": [county.finance_official.pk]},
                          content_type=JSON)
    missing = client.post("/api/v1/cases/", {**payload, "subjects": [999_999]}, content_type=JSON)
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json()


def test_talk_api_talker_outside_the_scope_reads_like_missing(county, client_for, culture_inspector):
    client = client_for(culture_inspector)
    payload = {"official": county.culture_official.pk, "kind": "care", "occasion": "family",
               "held_on": timezone.localdate().isoformat(), "topic": "了解困难"}
    outside = client.post("/api/v1/talks/", {**payload, "talker": county.finance_official.pk}, content_type=JSON)
    missing = client.post("/api/v1/talks/", {**payload, "talker": 999_999}, content_type=JSON)
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json()
    assert_reveals_nothing(outside.content.decode(), "钱科员")
