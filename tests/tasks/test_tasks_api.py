"""API: /api/v1/tasks/ and /api/v1/weekly-updates/ — scope, filters, writes through services, query counts."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks.models import Task, TaskStatus, WeeklyUpdate
from tasks.selectors.tasks import week_monday
from tasks.services.tasks import task_create
from tests.factories import OfficialFactory, TaskFactory, WeeklyUpdateFactory


def make(county, **overrides) -> Task:
    values = {"by": county.head, "unit": county.culture_tourism, "title": "景区提升",
              "responsible": county.staff_official, "deadline": timezone.localdate() + dt.timedelta(days=30),
              "start_date": timezone.localdate() - dt.timedelta(days=10)}
    values.update(overrides)
    return task_create(**values)


def test_list_is_scoped_and_filtered(county, client_for):
    mine = make(county, title="我的")
    other = make(county, title="赵的", unit=county.culture_office, responsible=county.culture_official,
                 start_date=timezone.localdate() - dt.timedelta(days=40),
                 deadline=timezone.localdate() - dt.timedelta(days=1))
    make(county, by=county.orgadmin, unit=county.finance_office, responsible=county.finance_official, title="财政")
    staff = client_for(county.staff).get("/api/v1/tasks/").json()
    assert [t["title"] for t in staff["results"]] == ["我的"]
    head = client_for(county.head)

    def ids(**params):
        return [t["id"] for t in head.get("/api/v1/tasks/", params).json()["results"]]

    assert set(ids()) == {mine.pk, other.pk}
    assert ids(unit="WL01") == [other.pk]
    assert ids(unit="WL") == [other.pk, mine.pk]
    assert ids(responsible=county.staff_official.staff_number) == [mine.pk]
    assert ids(overdue="true") == [other.pk]
    assert ids(status="not_started") == [other.pk, mine.pk]
    body = head.get(f"/api/v1/tasks/{mine.pk}/").json()
    assert body["responsible"]["staff_number"] == county.staff_official.staff_number
    assert client_for(county.staff).get(f"/api/v1/tasks/{other.pk}/").status_code == 404


def test_create_and_update_through_services(county, client_for):
    head = client_for(county.head)
    payload = {"title": "接口任务", "unit": "WL02", "responsible": county.staff_official.staff_number,
               "deadline": "2026-12-31", "start_date": "2026-01-01", "members": [county.culture_official.staff_number],
               "milestones": [{"name": "开工", "due_date": "2026-03-01"}], "source": "complaint"}
    response = head.post("/api/v1/tasks/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["loop_stage"] == "assigned" and body["milestones"][0]["name"] == "开工"
    assert [m["name"] for m in body["members"]] == ["赵主任"]
    task_id = body["id"]
    response = head.patch(f"/api/v1/tasks/{task_id}/", {"title": "改名"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "改名"
    bad = head.post("/api/v1/tasks/", {**payload, "deadline": "2025-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "deadline_before_start"
    outside = head.post("/api/v1/tasks/", {**payload, "responsible": county.finance_official.staff_number},
                        content_type="application/json")
    assert outside.status_code == 400 and outside.json()["code"] == "invalid"
    staff = client_for(county.staff)
    assert staff.post("/api/v1/tasks/", payload, content_type="application/json").status_code == 400
    assert staff.patch(f"/api/v1/tasks/{task_id}/", {"title": "x"},
                       content_type="application/json").status_code == 404
    assert Task.objects.count() == 1


def test_progress_action(county, client_for):
    task = make(county)
    staff = client_for(county.staff)
    response = staff.post(f"/api/v1/tasks/{task.pk}/progress/", {"progress": 100, "note": "完成"},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == TaskStatus.COMPLETED
    again = staff.post(f"/api/v1/tasks/{task.pk}/progress/", {"progress": 50}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "conflict" and again.json()["message"]
    other = make(county, responsible=county.culture_official)
    assert client_for(county.outsider).post(f"/api/v1/tasks/{other.pk}/progress/", {"progress": 5},
                                            content_type="application/json").status_code == 404


def test_weekly_updates_create_or_replace_and_list(county, client_for):
    task = make(county)
    staff = client_for(county.staff)
    for done in ("第一稿", "第二稿"):
        response = staff.post("/api/v1/weekly-updates/", {"task": task.pk, "progress": 40, "done": done},
                              content_type="application/json")
        assert response.status_code == 201, response.json()
    update = WeeklyUpdate.objects.get()
    assert update.done == "第二稿" and update.week == week_monday(timezone.localdate())
    listed = client_for(county.head).get("/api/v1/weekly-updates/", {"task": task.pk,
                                                                     "week": timezone.localdate().isoformat()})
    assert [u["done"] for u in listed.json()["results"]] == ["第二稿"]
    assert client_for(county.outsider).get("/api/v1/weekly-updates/").json()["count"] == 0
    refused = client_for(county.outsider).post("/api/v1/weekly-updates/", {"task": task.pk, "progress": 1,
                                                                           "done": "x"},
                                               content_type="application/json")
    assert refused.status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_cost_a_constant_number_of_queries(county, client_for, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            task = TaskFactory(unit=county.culture_office, responsible=OfficialFactory(unit=county.culture_office),
                               leading_leader=county.head_official)
            task.members.add(county.staff_official)
            task.milestones.create(name="开工", due_date=dt.date(2026, 5, 1))
            WeeklyUpdateFactory(task=task, week=dt.date(2026, 3, 2), progress=5, done="x")

    client = client_for(county.head)
    add(10)
    with django_assert_num_queries(8):
        tasks_few = _count(client, "/api/v1/tasks/")
    with django_assert_num_queries(6):
        updates_few = _count(client, "/api/v1/weekly-updates/")
    add(40)
    assert _count(client, "/api/v1/tasks/") == tasks_few
    assert _count(client, "/api/v1/weekly-updates/") == updates_few
