"""Session pages and API: calendar, form, the attendance grid (constant queries, htmx), sign-in import, API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.factories import OfficialFactory, period
from tests.training.factories import AttendanceFactory, make_session
from training.excel import SIGN_IN_COLUMNS, SIGN_IN_SHEET
from training.models import Attendance, TrainingSession


def test_calendar_shows_visible_sessions_by_month(county, client_for):
    mine = make_session(county.head, county.culture, title="文旅局集中学习")
    make_session(county.orgadmin, county.finance, title="财政局学习")
    response = client_for(county.head).get(reverse("training:calendar"), {"month": "2026-10"})
    assert response.status_code == 200
    assert list(response.context["page"]) == [mine]
    assert response.content.decode().count('data-testid="calendar-session"') == 1
    assert client_for(county.head).get(reverse("training:calendar"), {"month": "2026-11"}).context[
        "page"].paginator.count == 0
    assert client_for(county.outsider).get(reverse("training:calendar"), {"month": "2026-10"}).context[
        "page"].paginator.count == 0


def test_a_busy_day_shows_its_first_sessions_and_how_many_more_are_listed(county, client_for):
    day = timezone.make_aware(datetime(2026, 10, 16, 8, 0))
    for hour in range(6):
        make_session(county.head, county.culture, title=f"第{hour}场", when=day.replace(hour=8 + hour))
    body = client_for(county.head).get(reverse("training:calendar"), {"month": "2026-10"}).content.decode()
    assert body.count('data-testid="calendar-session"') == 4
    assert "第0场" in body and "还有 2 场" in body and 'href="#session-list"' in body
    assert body.count('data-testid="session-row"') == 6  # every one in the list below


def test_calendar_constant_queries(county, client_for, django_assert_num_queries):
    client = client_for(county.head)
    url = reverse("training:calendar") + "?month=2026-10"
    for _ in range(3):
        make_session(county.head, county.culture)
    client.get(url)
    with django_assert_num_queries(9) as few:
        client.get(url)
    for _ in range(30):
        make_session(county.head, county.culture)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 33


def _form_data(county, **extra):
    data = {"kind": "collective_study", "title": "党史学习", "starts_at": "2026-10-16T09:00",
            "ends_at": "2026-10-16T11:00", "hours": "2", "place": "三楼会议室", "organiser": county.culture.pk,
            "audience_units": [county.culture.pk], "include_subunits": "on", "is_required": "on",
            "lecturer": county.culture_official.pk}
    data.update(extra)
    return data


def test_session_create_and_edit_pages(county, client_for):
    client = client_for(county.head)
    assert client.get(reverse("training:session_create")).status_code == 200
    response = client.post(reverse("training:session_create"), _form_data(county))
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:session_detail", args=[session.pk])
    assert session.lecturer == county.culture_official and list(session.audience_units.all()) == [county.culture]

    response = client.post(reverse("training:session_edit", args=[session.pk]), _form_data(county, title="改后"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "改后"

    # both lecturer kinds: refused, the form keeps what was typed
    response = client.post(reverse("training:session_create"), _form_data(county, lecturer_name="外请专家"))
    assert response.status_code == 200 and 'data-testid="form-error"' in response.content.decode()
    assert response.context["form"]["lecturer_name"].value() == "外请专家"
    assert TrainingSession.objects.count() == 1

    assert client_for(county.staff).get(reverse("training:session_create")).status_code == 404
    assert client_for(county.staff).get(reverse("training:session_edit", args=[session.pk])).status_code == 404


def test_session_detail_scoped(county, client_for):
    session = make_session(county.orgadmin, county.finance)
    assert client_for(county.head).get(reverse("training:session_detail", args=[session.pk])).status_code == 404
    assert client_for(county.orgadmin).get(reverse("training:session_detail", args=[session.pk])).status_code == 200


def _grid_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_grid_constant_queries(county, client_for, django_assert_num_queries):
    session = make_session(county.head, county.culture)
    client = client_for(county.head)
    url = reverse("training:session_detail", args=[session.pk])
    for i in range(7):
        official = OfficialFactory(unit=county.culture_office, name=f"甲{i}")
        AttendanceFactory(session=session, official=official, status="present", hours=2,
                          excuse_approved_by=county.head)
    small = _grid_queries(client, url)
    assert len(client.get(url).context["rows"]) == 10
    for i in range(90):
        official = OfficialFactory(unit=county.culture_tourism, name=f"乙{i}")
        if i % 2:
            AttendanceFactory(session=session, official=official, status="excused", hours=0,
                              excuse_reason="病假", excuse_approved_by=county.head)
    with django_assert_num_queries(small):
        client.get(url)
    assert len(client.get(url).context["rows"]) == 100


def test_staff_sees_the_session_not_the_buttons(county, client_for):
    session = make_session(county.head, county.culture)
    response = client_for(county.staff).get(reverse("training:session_detail", args=[session.pk]))
    assert response.status_code == 200
    assert 'data-testid="set-present"' not in response.content.decode()
    assert [r.official for r in response.context["rows"]] == [county.staff_official]


def test_attendance_set_htmx(county, client_for):
    session = make_session(county.head, county.culture)
    client = client_for(county.head)
    url = reverse("training:attendance_set", args=[session.pk])
    response = client.post(url, {"official": county.staff_official.pk, "status": "absent"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-status="absent"' in body and "<tr" in body and "<html" not in body
    assert Attendance.objects.get().status == "absent"

    response = client.post(url, {"official": county.staff_official.pk, "status": "excused"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and 'data-testid="row-error"' in response.content.decode()
    assert Attendance.objects.get().status == "absent"
    # What the grid cannot send (a forged status, a reason past its 200 characters) is the row again with the
    # message (not a bare "Invalid request." in place of the row) and the reason as typed.
    long = "差" * 201
    response = client.post(url, {"official": county.staff_official.pk, "status": "excused", "excuse_reason": long},
                           HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 422 and "<tr" in body and 'data-testid="row-error"' in body
    assert "请假事由" in body and "200" in body and f'value="{long}"' in body
    response = client.post(url, {"official": county.staff_official.pk, "status": "asleep"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and 'data-testid="row-error"' in response.content.decode()
    assert Attendance.objects.get().status == "absent"
    client.post(url, {"official": county.staff_official.pk, "status": "excused", "excuse_reason": "出差"},
                HTTP_HX_REQUEST="true")
    assert Attendance.objects.get().excuse_reason == "出差"

    month = period("2026-10")
    month.status = "closed"
    month.save()
    response = client.post(url, {"official": county.staff_official.pk, "status": "present"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="row-error"' in response.content.decode()
    assert Attendance.objects.get().status == "excused"
    detail = client.get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert 'data-testid="period-closed"' in detail and 'data-testid="set-present"' not in detail

    # out of the audience: 404
    assert client.post(url, {"official": county.finance_official.pk, "status": "present"}).status_code == 404


def _sheet(rows: list[list[object]]) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = SIGN_IN_SHEET
    ws.append([h for h, _r, _w in SIGN_IN_COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "签到表.xlsx"
    return buffer


def test_import_good_file(county, client_for):
    session = make_session(county.head, county.culture)
    client = client_for(county.head)
    url = reverse("training:attendance_import", args=[session.pk])
    assert client.get(url).status_code == 200
    template = client.get(reverse("training:attendance_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    response = client.post(url, {"file": _sheet([
        [county.staff_official.staff_number, "李科员", "出席", None, None, 95],
        [county.culture_official.staff_number, None, "请假", None, "下乡调研", None],
        [county.head_official.staff_number, "王局长", "迟到", 1.5, None, None],
    ])})
    assert response.status_code == 302
    got = {a.official.name: (a.status, a.hours, a.exam_score) for a in Attendance.objects.select_related("official")}
    assert got == {"李科员": ("present", Decimal("2"), Decimal("95")), "赵主任": ("excused", Decimal("0"), None),
                   "王局长": ("late", Decimal("1.5"), None)}


def test_import_bad_file_changes_nothing(county, client_for):
    session = make_session(county.head, county.culture)
    client = client_for(county.head)
    url = reverse("training:attendance_import", args=[session.pk])
    response = client.post(url, {"file": _sheet([
        [county.staff_official.staff_number, "李科员", "出席", None, None, None],  # good
        [county.finance_official.staff_number, None, "出席", None, None, None],  # not in the audience
        ["NOPE", None, "缺席", None, None, None],  # unknown staff number
        [county.culture_official.staff_number, "别人", "出席", None, None, None],  # name mismatch
        [county.head_official.staff_number, None, "请假", None, None, None],  # no reason
        [county.head_official.staff_number, None, "睡觉", None, None, 120],  # bad status and score
    ])})
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert sorted({e.row for e in errors}) == [3, 4, 5, 6, 7]
    assert 'data-testid="import-errors"' in response.content.decode()
    assert not Attendance.objects.exists()

    response = client.post(url, {"file": BytesIO(b"not a workbook")})
    assert response.status_code == 200 and 'data-testid="file-error"' in response.content.decode()
    assert client_for(county.staff).get(url).status_code == 404


# --- API ---------------------------------------------------------------------------------------------


def test_api_sessions_scoped_and_create(county, client_for):
    mine = make_session(county.head, county.culture)
    other = make_session(county.orgadmin, county.finance)
    head = client_for(county.head)
    listed = head.get("/api/v1/training-sessions/").json()
    assert [s["id"] for s in listed["results"]] == [mine.pk]
    assert head.get(f"/api/v1/training-sessions/{other.pk}/").status_code == 404

    payload = {"kind": "party_class", "title": "党课", "starts_at": "2026-10-20T09:00:00+08:00",
               "ends_at": "2026-10-20T11:00:00+08:00", "hours": "2.0", "organiser": county.culture.pk,
               "audience_units": [county.culture_office.pk], "lecturer_name": "党校教师"}
    response = head.post("/api/v1/training-sessions/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["lecturer_display"] == "党校教师"
    own_unit = {**payload, "organiser": county.culture_tourism.pk, "audience_units": [county.culture_tourism.pk]}
    response = client_for(county.staff).post("/api/v1/training-sessions/", own_unit, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "forbidden"
    response = head.post("/api/v1/training-sessions/", {**payload, "organiser": county.finance.pk},
                         content_type="application/json")
    assert response.status_code == 404


def test_api_attendance_bulk_and_list(county, client_for):
    session = make_session(county.head, county.culture)
    head = client_for(county.head)
    body = {"session": session.pk, "rows": [
        {"official": county.staff_official.pk, "status": "absent"},
        {"official": county.finance_official.pk, "status": "present"}]}
    response = head.post("/api/v1/attendance/bulk/", body, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) >= {"code", "message"}
    assert not Attendance.objects.exists()

    body["rows"] = [{"official": county.staff_official.pk, "status": "absent"},
                    {"official": county.culture_official.pk, "status": "present", "hours": "1.5"}]
    response = head.post("/api/v1/attendance/bulk/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert {r["official_name"]: r["hours"] for r in response.json()} == {"李科员": "0.0", "赵主任": "1.5"}

    listed = head.get(f"/api/v1/attendance/?session={session.pk}").json()
    assert listed["count"] == 2
    staff_list = client_for(county.staff).get(f"/api/v1/attendance/?session={session.pk}").json()
    assert [r["official"] for r in staff_list["results"]] == [county.staff_official.pk]
    assert client_for(county.outsider).get("/api/v1/attendance/").json()["count"] == 0

    month = period("2026-10")
    month.status = "published"
    month.save()
    response = head.post("/api/v1/attendance/bulk/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "period_closed"

    other = make_session(county.orgadmin, county.finance)
    response = head.post("/api/v1/attendance/bulk/", {**body, "session": other.pk}, content_type="application/json")
    assert response.status_code == 404


@pytest.mark.parametrize("when", [datetime(2026, 10, 31, 23, 30)])
def test_month_boundary_uses_local_date(county, when):
    session = make_session(county.head, county.culture, when=timezone.make_aware(when))
    from training.selectors.sessions import session_is_frozen
    month = period("2026-10")
    month.status = "closed"
    month.save()
    assert session_is_frozen(session)
