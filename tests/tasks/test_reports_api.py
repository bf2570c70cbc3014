"""The monthly report API: scoped list and filters, create and edit the own draft, workflow actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tasks.models import MonthlyReport, ReportStatus, ReportTransition
from tests.factories import (
    MonthlyReportFactory,
    MonthlyReportItemFactory,
    OfficialFactory,
    RoleGrantFactory,
    TaskFactory,
    UserFactory,
)

URL = "/api/v1/monthly-reports/"
LAST_MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
KEY = f"{LAST_MONTH:%Y-%m}"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def create(county, **extra):
    body = {"month": KEY, "items": [{"content": "完成项目验收", "indicator": "1 项"}], "next_month_plan": "计划",
            **extra}
    return api(county.staff).post(URL, body, format="json")


def test_create_the_own_draft_with_items(county):
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official)
    response = create(county, items=[{"content": "完成项目验收", "indicator": "1 项", "task": task.pk},
                                     {"content": "接待", "indicator": ""}])
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["month"] == KEY and data["status"] == "draft" and data["official"] == county.staff_official.pk
    assert data["items"] == [{"content": "完成项目验收", "indicator": "1 项", "task": task.pk},
                             {"content": "接待", "indicator": "", "task": None}]
    assert data["next_month_plan"] == "计划" and data["is_late"] is False and data["rating"] == ""
    again = create(county, items=[{"content": "改"}])
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert again.json()["items"] == [{"content": "改", "indicator": "", "task": None}]


def test_create_refuses_bad_input(county):
    assert api(county.staff).post(URL, {}, format="json").status_code == 400
    bad = api(county.staff).post(URL, {"month": "2026/10"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "month" in bad.json()["fields"]
    future = api(county.staff).post(URL, {"month": f"{timezone.localdate().year + 1}-01"}, format="json")
    assert future.status_code == 400 and future.json()["code"] == "future_month"
    nobody = api(county.outsider).post(URL, {"month": KEY}, format="json")
    assert nobody.status_code == 400 and nobody.json()["code"] == "no_official"
    assert not MonthlyReport.objects.exists()


def test_patch_and_put_while_editable(county):
    report_id = create(county).json()["id"]
    client = api(county.staff)
    patched = client.patch(f"{URL}{report_id}/", {"self_assessment": "较好"}, format="json").json()
    assert patched["self_assessment"] == "较好" and patched["next_month_plan"] == "计划"
    assert patched["items"][0]["content"] == "完成项目验收"  # PATCH without items keeps them
    put = client.put(f"{URL}{report_id}/", {"items": [], "next_month_plan": "", "self_assessment": ""}, format="json")
    assert put.status_code == 200 and put.json()["items"] == []
    assert api(county.head).patch(f"{URL}{report_id}/", {"next_month_plan": "x"}, format="json").json()[
        "code"] == "forbidden"
    assert client.delete(f"{URL}{report_id}/").status_code == 405


def test_the_whole_workflow_through_the_api(county):
    report_id = create(county).json()["id"]
    staff, head = api(county.staff), api(county.head)
    submitted = staff.post(f"{URL}{report_id}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert staff.patch(f"{URL}{report_id}/", {"next_month_plan": "x"}, format="json").json()["code"] == "not_editable"

    no_reason = head.post(f"{URL}{report_id}/return/", {}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "invalid"
    returned = head.post(f"{URL}{report_id}/return/", {"reason": "补充数据"}, format="json").json()
    assert returned["status"] == "returned" and returned["return_reason"] == "补充数据"
    assert returned["items"][0]["content"] == "完成项目验收"

    staff.patch(f"{URL}{report_id}/", {"items": [{"content": "补充后的成果", "indicator": "5 次"}]}, format="json")
    assert staff.post(f"{URL}{report_id}/submit/").json()["status"] == "submitted"

    own = staff.post(f"{URL}{report_id}/approve/", {"rating": "excellent"}, format="json")
    assert own.status_code == 400 and own.json()["code"] == "own_report"
    bad_rating = head.post(f"{URL}{report_id}/approve/", {"rating": "superb"}, format="json")
    assert bad_rating.status_code == 400
    approved = head.post(f"{URL}{report_id}/approve/", {"rating": "good", "comment": "扎实"}, format="json").json()
    assert approved["status"] == "approved" and approved["rating"] == "good" and approved["review_comment"] == "扎实"

    published = head.post(f"{URL}{report_id}/publish/").json()
    assert published["status"] == "published" and published["published_at"]
    assert [t for t in ReportTransition.objects.filter(report_id=report_id).values_list("to_status", flat=True)] == [
        "draft", "submitted", "returned", "submitted", "approved", "published"]


def test_an_invalid_transition_answers_400_with_a_code_and_a_message(county):
    report_id = create(county).json()["id"]
    response = api(county.head).post(f"{URL}{report_id}/approve/", {"rating": "good"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_transition" and body["message"]
    response = api(county.head).post(f"{URL}{report_id}/publish/")
    assert response.status_code == 400 and response.json()["code"] == "invalid_transition"


def test_list_is_scoped_and_filtered(county):
    mine = MonthlyReportFactory(official=county.staff_official, month=LAST_MONTH, status=ReportStatus.SUBMITTED)
    colleague = MonthlyReportFactory(official=county.culture_official, month=LAST_MONTH)
    MonthlyReportFactory(official=county.finance_official, month=LAST_MONTH)
    older = MonthlyReportFactory(official=county.staff_official, month=dt.date(2025, 1, 1),
                                 status=ReportStatus.PUBLISHED)

    def ids(user, **params):
        return {r["id"] for r in api(user).get(URL, params).json()["results"]}

    assert ids(county.staff) == {mine.pk, older.pk}
    assert ids(county.head) == {mine.pk, colleague.pk, older.pk}
    assert ids(county.head, month=KEY) == {mine.pk, colleague.pk}
    assert ids(county.head, status="published") == {older.pk}
    assert ids(county.head, official=county.culture_official.pk) == {colleague.pk}
    assert len(ids(county.orgadmin)) == 4
    bad = api(county.head).get(URL, {"month": "oct"})
    assert bad.status_code == 400
    assert api(county.staff).get(f"{URL}{colleague.pk}/").status_code == 404
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    assert api(finance_head).post(f"{URL}{mine.pk}/approve/", {"rating": "good"}, format="json").status_code == 404


@pytest.mark.parametrize("n_small, n_large", [(10, 100)])
def test_list_query_count_is_constant(county, django_assert_num_queries, n_small, n_large):
    def make(n):
        for official in OfficialFactory.create_batch(n, unit=county.culture_office):
            report = MonthlyReportFactory(official=official, month=LAST_MONTH)
            MonthlyReportItemFactory.create_batch(3, report=report, task=TaskFactory(unit=county.culture_office,
                                                                                     responsible=official))

    make(n_small)
    client = APIClient()
    client.force_login(county.head)  # a session: each request loads the user afresh, as in production
    with django_assert_num_queries(7) as ctx:
        client.get(URL, {"page_size": 200})
    make(n_large - n_small)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(URL, {"page_size": 200})
    assert response.json()["count"] == n_large


def test_schema_lists_the_actions(county):
    schema = api(county.staff).get("/api/schema/").content.decode()
    for path in ("/api/v1/monthly-reports/", "/api/v1/monthly-reports/{id}/submit/",
                 "/api/v1/monthly-reports/{id}/return/", "/api/v1/monthly-reports/{id}/approve/",
                 "/api/v1/monthly-reports/{id}/publish/"):
        assert path in schema
