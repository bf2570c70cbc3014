"""Task pages: my tasks, the board (filters, scope, constant queries), weekly-missing, detail forms, create/edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import LoopStage, Task, TaskSource, TaskStatus, WeeklyUpdate
from tasks.selectors.tasks import week_monday
from tasks.services.progress import weekly_update_post
from tasks.services.tasks import task_create
from tests.factories import OfficialFactory, TaskFactory, WeeklyUpdateFactory


def make(county, **overrides) -> Task:
    values = {"by": county.head, "unit": county.culture_tourism, "title": "景区提升",
              "responsible": county.staff_official, "deadline": timezone.localdate() + dt.timedelta(days=30),
              "start_date": timezone.localdate() - dt.timedelta(days=10)}
    values.update(overrides)
    return task_create(**values)


def test_my_tasks_lists_own_tasks_with_deadline_colours(county, client_for):
    today = timezone.localdate()
    late = make(county, title="逾期", start_date=today - dt.timedelta(days=20), deadline=today - dt.timedelta(days=1))
    soon = make(county, title="临近", deadline=today + dt.timedelta(days=2))
    done = make(county, title="已完成")
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.COMPLETED, completed_on=today, progress=100)
    led = make(county, title="我牵头", responsible=county.culture_official, leading_leader=county.staff_official)
    make(county, title="别人的", responsible=county.culture_official)
    client = client_for(county.staff)
    page = client.get(reverse("tasks:my_tasks"))
    assert {t.title for t in page.context["page"].object_list} == {"逾期", "临近", "我牵头"}
    classes = {t.pk: t.deadline_class for t in page.context["page"].object_list}
    assert classes[late.pk] == "overdue" and classes[soon.pk] == "soon" and classes[led.pk] == "normal"
    everything = client.get(reverse("tasks:my_tasks"), {"show": "all"}).context["page"].object_list
    assert {t.pk: t.deadline_class for t in everything}[done.pk] == "done"
    body = page.content.decode()
    assert 'data-deadline="overdue"' in body and 'data-deadline="soon"' in body


def test_board_is_for_heads_only_and_scoped(county, client_for):
    make(county, title="文旅任务")
    make(county, by=county.orgadmin, unit=county.finance_office, responsible=county.finance_official, title="财政任务")
    assert client_for(county.staff).get(reverse("tasks:task_board")).status_code == 404
    titles = {t.title for t in client_for(county.head).get(reverse("tasks:task_board")).context["page"].object_list}
    assert titles == {"文旅任务"}
    org_titles = {t.title for t in client_for(county.orgadmin).get(reverse("tasks:task_board")).context["page"]}
    assert org_titles == {"文旅任务", "财政任务"}


def test_board_filters_and_sorts(county, client_for):
    today = timezone.localdate()
    a = make(county, title="A", leading_leader=county.head_official, is_key_project=True)
    b = make(county, title="B", unit=county.culture_office, responsible=county.culture_official,
             start_date=today - dt.timedelta(days=30), deadline=today - dt.timedelta(days=2))
    Task.objects.filter(pk=a.pk).update(progress=60, status=TaskStatus.IN_PROGRESS)
    client = client_for(county.head)

    def titles(**params):
        return [t.title for t in client.get(reverse("tasks:task_board"), params).context["page"].object_list]

    assert titles(status="in_progress") == ["A"]
    assert titles(leader=county.head_official.staff_number) == ["A"]
    assert titles(overdue="true") == ["B"]
    assert titles(key_project="true") == ["A"]
    assert titles(unit="WL01") == ["B"]
    assert titles(unit="WL") == ["B", "A"]
    assert titles(sort="-progress") == ["A", "B"]
    assert titles(sort="-deadline") == ["A", "B"]
    assert b.pk


def test_board_htmx_returns_the_table_only(county, client_for):
    make(county)
    body = client_for(county.head).get(reverse("tasks:task_board"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="board-table"' in body and "<html" not in body


def _query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# The exact count of each (session, user, role grants and own official included).
LIST_QUERIES = {"tasks:task_board": 10, "tasks:my_tasks": 7, "tasks:weekly_missing": 8}


@pytest.mark.parametrize("name", ["tasks:task_board", "tasks:my_tasks", "tasks:weekly_missing"])
def test_list_pages_cost_a_constant_number_of_queries(county, client_for, django_assert_num_queries, name):
    def add(n):
        for i in range(n):
            official = OfficialFactory(unit=county.culture_office)
            task = TaskFactory(unit=county.culture_office, responsible=official, leading_leader=county.head_official,
                               start_date=dt.date(2025, 1, 1), deadline=dt.date(2031, 1, 1))
            task.members.add(county.staff_official)
            if i % 2:
                WeeklyUpdateFactory(task=task, week=week_monday(timezone.localdate()), progress=5, done="x")

    user = county.staff if name == "tasks:my_tasks" else county.head
    client = client_for(user)
    add(10)
    with django_assert_num_queries(LIST_QUERIES[name]):
        few = _query_count(client, reverse(name))
    add(90)
    assert _query_count(client, reverse(name)) == few


def test_weekly_missing_lists_open_tasks_without_this_weeks_update(county, client_for):
    missing = make(county, title="没报")
    reported = make(county, title="已报")
    weekly_update_post(task=reported, by=county.staff, progress=10, done="推进")
    make(county, by=county.orgadmin, unit=county.finance_office, responsible=county.finance_official, title="外单位")
    response = client_for(county.head).get(reverse("tasks:weekly_missing"))
    assert [t.pk for t in response.context["page"].object_list] == [missing.pk]
    assert response.context["officials_missing"] == 1
    assert client_for(county.staff).get(reverse("tasks:weekly_missing")).status_code == 404


def test_task_detail_is_scoped_and_shows_the_timeline(county, client_for):
    task = make(county, milestones=[{"name": "开工", "due_date": dt.date(2026, 5, 1)}])
    weekly_update_post(task=task, by=county.staff, progress=20, done="完成选址")
    response = client_for(county.staff).get(reverse("tasks:task_detail", args=[task.pk]))
    assert response.status_code == 200
    kinds = [e["kind"] for e in response.context["timeline"]]
    assert "update" in kinds and kinds.count("change") == 2
    body = response.content.decode()
    assert "完成选址" in body and 'data-testid="weekly-form"' in body and "开工" in body
    assert client_for(county.outsider).get(reverse("tasks:task_detail", args=[task.pk])).status_code == 404
    other = client_for(county.orgadmin)
    assert other.get(reverse("tasks:task_detail", args=[task.pk])).status_code == 200


def test_a_task_written_in_bulk_without_history_has_a_page(county, client_for):
    # Imports and the demo write tasks with bulk_create, which records no history row.
    task = TaskFactory.build(unit=county.culture_tourism, responsible=county.staff_official, title="批量导入的任务")
    Task.objects.bulk_create([task])
    task = Task.objects.get(title="批量导入的任务")
    assert not task.history.exists()
    response = client_for(county.head).get(reverse("tasks:task_detail", args=[task.pk]))
    assert response.status_code == 200 and response.context["timeline"] == []


def test_weekly_update_form_via_htmx(county, client_for):
    task = make(county)
    client = client_for(county.staff)
    url = reverse("tasks:task_weekly_update", args=[task.pk])
    bad = client.post(url, {"progress": "150", "done": "干了活"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "<html" not in bad.content.decode() and "干了活" in bad.content.decode()
    ok = client.post(url, {"progress": "35", "done": "干了活", "problems": ""}, HTTP_HX_REQUEST="true")
    assert ok.headers["HX-Redirect"] == reverse("tasks:task_detail", args=[task.pk])
    task.refresh_from_db()
    assert task.progress == 35 and WeeklyUpdate.objects.filter(task=task).count() == 1
    assert client_for(county.outsider).post(url, {"progress": "1", "done": "x"}).status_code == 404


def test_progress_and_loop_forms(county, client_for):
    task = make(county, source=TaskSource.COMPLAINT)
    head = client_for(county.head)
    response = head.post(reverse("tasks:task_progress", args=[task.pk]), {"progress": "100"})
    assert response.status_code == 422 and 'data-testid="form-error"' in response.content.decode()
    head.post(reverse("tasks:task_progress", args=[task.pk]), {"progress": "100", "rectification_note": "已整改"})
    for stage in (LoopStage.REVIEWED, LoopStage.CLOSED):
        assert head.post(reverse("tasks:task_loop_advance", args=[task.pk]), {"stage": stage}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.loop_stage == LoopStage.CLOSED


def test_create_form_keeps_input_on_error_and_creates(county, client_for):
    client = client_for(county.head)
    url = reverse("tasks:task_create")
    assert client.get(url).status_code == 200
    assert client_for(county.staff).get(url).status_code == 404
    data = {"title": "乡村旅游节", "unit": "WL02", "responsible": county.staff_official.staff_number,
            "source": "own_key", "kind": "ad_hoc", "start_date": "2026-05-10", "deadline": "2026-05-01",
            "weight": "1", "milestones": "筹备 2026-04-20"}
    response = client.post(url, data)
    assert response.status_code == 200 and "乡村旅游节" in response.content.decode()
    assert not Task.objects.exists()
    data["responsible"] = county.finance_official.staff_number  # outside the head's scope: not a choice
    data["deadline"] = "2026-06-01"
    assert client.post(url, data).status_code == 200 and not Task.objects.exists()
    data["responsible"] = county.staff_official.staff_number
    response = client.post(url, data)
    task = Task.objects.get()
    assert response.status_code == 302 and response.url == reverse("tasks:task_detail", args=[task.pk])
    assert task.milestones.get().name == "筹备"


def test_edit_form(county, client_for):
    task = make(county)
    client = client_for(county.head)
    url = reverse("tasks:task_edit", args=[task.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(unit="WL02", responsible=county.staff_official.staff_number, title="改名", leading_leader="",
                members=[], parent="", start_date=task.start_date.isoformat(), deadline=task.deadline.isoformat())
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.title == "改名"
    assert client_for(county.staff).get(url).status_code == 404
