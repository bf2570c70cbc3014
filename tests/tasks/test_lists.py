"""Lists that start where the work is (issue 15, item 6): the task board opens on open tasks, most urgent first,
with a legend; the task form reads by the five clarities; the review queue shows and filters late reports, filters
by unit and month, preselects no rating and signs several approved reports at once; the weekly form keeps what
was saved so a typo can be fixed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from common.errors import ApplicationError
from tasks.forms.tasks import TaskForm
from tasks.models import MonthlyReport, ReportStatus, Task, TaskSource, TaskStatus, WeeklyUpdate
from tasks.services import reports as report_services
from tasks.services.reports import BULK_MAX, report_approve, report_submit, reports_publish
from tasks.services.tasks import task_create
from tests.factories import MonthlyReportFactory, MonthlyReportItemFactory, OfficialFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)
EARLIER_MONTH = (LAST_MONTH - dt.timedelta(days=1)).replace(day=1)


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- the task board -------------------------------------------------------------------------------------------


def _task(county, title, *, days, status=TaskStatus.IN_PROGRESS, unit=None):
    unit = unit or county.culture_tourism
    done = {"completed_on": TODAY, "progress": 100} if status == TaskStatus.COMPLETED else {}
    return TaskFactory(title=title, unit=unit, responsible=county.staff_official, status=status,
                       start_date=TODAY - dt.timedelta(days=60), deadline=TODAY + dt.timedelta(days=days), **done)


def board_titles(client, **params):
    return [t.title for t in client.get(reverse("tasks:task_board"), params).context["page"].object_list]


def test_the_board_opens_on_open_tasks_most_urgent_first(county, client_for):
    _task(county, "下月到期", days=30)
    _task(county, "明天到期", days=1, status=TaskStatus.NOT_STARTED)
    _task(county, "逾期十天", days=-10, status=TaskStatus.OVERDUE)
    _task(county, "逾期两天", days=-2)  # past its deadline; the nightly job has not marked it yet
    _task(county, "已完成", days=-5, status=TaskStatus.COMPLETED)
    _task(county, "已取消", days=3, status=TaskStatus.CANCELLED)
    client = client_for(county.head)
    assert board_titles(client) == ["逾期十天", "逾期两天", "明天到期", "下月到期"]
    page = client.get(reverse("tasks:task_board")).content.decode()
    assert re.search(r'<option value="open"\s+selected>', page) and 'value="urgency" selected' in page
    # "All" shows the closed ones too, after the open ones; another order is still one click away.
    assert board_titles(client, status="") == ["逾期十天", "逾期两天", "明天到期", "下月到期", "已完成", "已取消"]
    assert board_titles(client, status="completed") == ["已完成"]
    assert board_titles(client, status="", sort="-deadline")[:2] == ["下月到期", "已取消"]
    # The API keeps its own defaults: every status, earliest deadline first.
    api = client.get("/api/v1/tasks/").json()
    assert api["count"] == 6


def test_the_board_has_a_legend_for_its_colours_and_icons(county, client_for):
    _task(county, "任务", days=1)
    body = client_for(county.head).get(reverse("tasks:task_board")).content.decode()
    legend = body[body.index('data-testid="board-legend"'):]
    legend = legend[:legend.index("</details>")]
    for icon in ("text-bg-danger", "text-bg-warning", "text-bg-success", "text-bg-info", "bi-check-circle-fill",
                 "bi-dash-circle", "↳"):
        assert icon in legend, icon
    # The htmx answer (a filter change) is the table alone, the legend stays put.
    partial = client_for(county.head).get(reverse("tasks:task_board"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="board-legend"' not in partial and 'data-testid="board-table"' in partial


def test_the_board_costs_a_fixed_number_of_queries(county, client_for, django_assert_num_queries):
    for i in range(40):
        official = OfficialFactory(unit=county.culture_office)
        TaskFactory(unit=county.culture_office, responsible=official, leading_leader=county.head_official,
                    status=TaskStatus.IN_PROGRESS, deadline=TODAY + dt.timedelta(days=i - 5))
    client = client_for(county.head)
    client.get(reverse("tasks:task_board"))
    # session, user, role grants, own official, count, the page's ids, its tasks, the bell, the units, the leaders
    with django_assert_num_queries(10):
        response = client.get(reverse("tasks:task_board"))
    assert response.context["page"].paginator.count == 40


# -- the task form --------------------------------------------------------------------------------------------


def test_the_task_form_reads_by_the_five_clarities(county, client_for):
    response = client_for(county.head).get(reverse("tasks:task_create"))
    form = response.context["form"]
    with translation.override("en"):
        groups = form.clarities()
    assert [title for title, _fields in groups] == ["Task", "Standard", "Time limit", "Leading leader",
                                                     "Responsible official"]
    named = [field.name for _title, fields in groups for field in fields]
    assert sorted(named) == sorted(form.fields) and len(named) == len(set(named))  # each field once
    assert dict((t, [f.name for f in fs]) for t, fs in groups)[groups[3][0]] == ["leading_leader"]
    assert [f.name for f in groups[4][1]] == ["responsible", "members"]
    body = response.content.decode()
    assert body.count('data-testid="clarity"') == 5 and body.count("<legend") == 5


def test_every_task_form_field_is_under_a_clarity():
    listed = [name for _title, names in TaskForm.CLARITIES for name in names]
    assert sorted(listed) == sorted(TaskForm.base_fields)


# -- the review queue ------------------------------------------------------------------------------------------


def _report(official, *, month=LAST_MONTH, status=ReportStatus.SUBMITTED, late=False, hours=0, rating=""):
    report = MonthlyReportFactory(official=official, month=month, status=status, is_late=late, rating=rating,
                                  submitted_at=timezone.now() - dt.timedelta(hours=hours))
    MonthlyReportItemFactory(report=report)
    return report


def queue(client, **params):
    return client.get(reverse("tasks:report_review_queue"), params)


def queue_ids(client, **params):
    return [r.pk for r in queue(client, **params).context["page"].object_list]


def test_the_queue_flags_late_reports_counts_them_and_filters_them(county, client_for):
    late = _report(county.staff_official, late=True, hours=5)
    on_time = _report(county.culture_official, hours=1)
    client = client_for(county.head)
    response = queue(client)
    assert [r.pk for r in response.context["page"].object_list] == [late.pk, on_time.pk]
    body = response.content.decode()
    assert body.count('data-testid="late-flag"') == 1 and f'data-report="{late.pk}" data-late="1"' in body
    assert response.context["counts"] == {"submitted": 2, "submitted_late": 1, "approved": 0, "approved_late": 0}
    assert 'data-testid="late-count-submitted"' in body
    assert queue_ids(client, late="on") == [late.pk]


def test_the_queue_filters_by_unit_and_month(county, client_for):
    tourism = _report(county.staff_official, hours=3)
    office = _report(county.culture_official, hours=2)
    older = _report(OfficialFactory(unit=county.culture_tourism), month=EARLIER_MONTH, hours=1)
    _report(county.finance_official)  # another bureau: never in the head's queue
    client = client_for(county.head)
    assert queue_ids(client) == [tourism.pk, office.pk, older.pk]
    assert queue_ids(client, unit="WL02") == [tourism.pk, older.pk]
    assert queue_ids(client, unit="WL") == [tourism.pk, office.pk, older.pk]  # a unit with its sub-units
    assert queue_ids(client, month=f"{LAST_MONTH:%Y-%m}") == [tourism.pk, office.pk]
    assert queue_ids(client, unit="WL02", month=f"{EARLIER_MONTH:%Y-%m}") == [older.pk]
    counts = queue(client, unit="WL02").context["counts"]
    assert counts["submitted"] == 2
    # A unit outside the head's roles, or a month that is not one, is not understood: ignored, and said so.
    for params in ({"unit": "CZ"}, {"month": "2026-13"}, {"month": "一月"}):
        response = queue(client, **params)
        assert [r.pk for r in response.context["page"].object_list] == [tourism.pk, office.pk, older.pk]
        assert response.context["filters_ignored"]
    # The unit list offers the head's own subtree only.
    units = [u.code for u in queue(client).context["filters"].fields["unit"].queryset]
    assert units == ["WL", "WL01", "WL02"]


@pytest.mark.parametrize("tab", ["submitted", "approved"])
def test_the_queue_costs_a_fixed_number_of_queries(county, client_for, django_assert_num_queries, tab):
    status = ReportStatus.APPROVED if tab == "approved" else ReportStatus.SUBMITTED
    for i in range(30):
        _report(OfficialFactory(unit=county.culture_office), status=status, late=bool(i % 3), hours=i)
    client = client_for(county.head)
    client.get(reverse("tasks:report_review_queue"), {"tab": tab})
    # session, user, role grants, own official, the chosen unit, count, the page, the counts by status and
    # lateness, the bell, the units offered
    with django_assert_num_queries(10):
        response = client.get(reverse("tasks:report_review_queue"), {"tab": tab, "unit": "WL", "late": "on"})
    assert response.context["page"].paginator.count == 20


def test_the_approve_form_preselects_no_rating_and_requires_one(county, client_for):
    report = _report(county.staff_official)
    client = client_for(county.head)
    body = client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    radios = re.findall(r'<input type="radio" name="rating"[^>]*>', body)
    assert len(radios) == 4 and not any("checked" in radio for radio in radios)
    refused = client.post(reverse("tasks:report_approve", args=[report.pk]), {"comment": "扎实"})
    assert refused.status_code == 400 and refused.context["approve_form"].errors["rating"]
    assert "扎实" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.rating == ""


def _approved(county, official):
    report = MonthlyReportFactory(official=official, month=LAST_MONTH)
    MonthlyReportItemFactory(report=report)
    user = official.user
    if user is None:
        from tests.factories import UserFactory

        user = UserFactory()
        official.user = user
        official.save(update_fields=["user"])
    report_submit(report=report, by=user)
    return report_approve(report=report, by=county.head, rating="good")


def test_reports_publish_signs_several_and_reports_each_refusal(county):
    first = _approved(county, county.staff_official)
    second = _approved(county, county.culture_official)
    waiting = _report(OfficialFactory(unit=county.culture_office))  # submitted, not approved yet
    own = _report(county.head_official, status=ReportStatus.APPROVED, rating="good")
    outside = _report(county.finance_official, status=ReportStatus.APPROVED, rating="good")
    result = reports_publish(report_ids=[first.pk, second.pk, waiting.pk, own.pk, outside.pk, 999_999, first.pk],
                             by=county.head)
    assert [r.pk for r in result.published] == [first.pk, second.pk]
    assert all(r.status == ReportStatus.PUBLISHED and r.published_by == county.head for r in result.published)
    refused = {r.report_id: r for r in result.refused}
    assert set(refused) == {waiting.pk, own.pk, outside.pk, 999_999}
    assert refused[waiting.pk].name == waiting.official.name and refused[own.pk].name == "王局长"
    assert refused[outside.pk].name == "" and refused[outside.pk].message == refused[999_999].message  # not revealed
    assert MonthlyReport.objects.get(pk=waiting.pk).status == ReportStatus.SUBMITTED
    assert MonthlyReport.objects.get(pk=own.pk).status == ReportStatus.APPROVED
    assert MonthlyReport.objects.get(pk=outside.pk).status == ReportStatus.APPROVED
    # Signing again changes nothing: each is refused as no longer approved.
    again = reports_publish(report_ids=[first.pk], by=county.head)
    assert again.published == [] and len(again.refused) == 1


def test_reports_publish_is_one_transaction(county, monkeypatch):
    first = _approved(county, county.staff_official)
    second = _approved(county, county.culture_official)
    calls = []

    def failing_notify(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("mail server down")

    monkeypatch.setattr(report_services, "notify", failing_notify)
    with pytest.raises(RuntimeError):
        reports_publish(report_ids=[first.pk, second.pk], by=county.head)
    assert set(MonthlyReport.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        ReportStatus.APPROVED}


def test_reports_publish_refuses_too_many_at_once(county):
    with pytest.raises(ApplicationError) as refused:
        reports_publish(report_ids=range(1, BULK_MAX + 2), by=county.head)
    assert refused.value.code == "too_many"


def test_the_queue_signs_the_ticked_reports(county, client_for):
    first = _approved(county, county.staff_official)
    second = _approved(county, county.culture_official)
    client = client_for(county.head)
    page = queue(client, tab="approved", unit="WL").content.decode()
    assert page.count('data-testid="sign-check"') == 2 and 'data-testid="bulk-sign-form"' in page
    assert 'data-check-all="report"' in page
    url = reverse("tasks:report_publish_bulk")
    response = client.post(url, {"report": [first.pk, second.pk, "x"], "filters": "unit=WL&month=&evil=1"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('tasks:report_review_queue')}?unit=WL&tab=approved"
    shown = client.get(response["Location"])
    with translation.override(settings.LANGUAGE_CODE):
        signed = ngettext("%(n)s report was signed and published.", "%(n)s reports were signed and published.", 2)
        tick_first = gettext("Tick the reports to sign first.")
    assert said(shown) == [signed % {"n": 2}]
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.PUBLISHED}
    again = client.post(url, {"report": [first.pk]}, follow=True)
    refusals = list(get_messages(again.wsgi_request))
    assert len(refusals) == 1 and refusals[0].level_tag == "error" and "李科员" in str(refusals[0])
    nothing = client.post(url, {}, follow=True)
    assert said(nothing) == [tick_first]
    assert client_for(county.staff).post(url, {"report": [first.pk]}).status_code == 404
    assert client.get(url).status_code == 405


# -- the weekly form ------------------------------------------------------------------------------------------


def test_the_weekly_form_shows_what_was_saved_so_a_typo_can_be_fixed(county, client_for):
    task = task_create(by=county.head, unit=county.culture_tourism, title="景区提升", responsible=county.staff_official,
                       source=TaskSource.COMPLAINT, start_date=TODAY - dt.timedelta(days=3),
                       deadline=TODAY + dt.timedelta(days=30))
    client = client_for(county.staff)
    url = reverse("tasks:task_weekly_update", args=[task.pk])
    typed = {"progress": "30", "done": "完成游客中心改造方按", "problems": "资金未到位", "help_needed": "",
             "rectification_note": "已约谈经营户"}
    assert client.post(url, typed, HTTP_HX_REQUEST="true").status_code == 200
    detail = client.get(reverse("tasks:task_detail", args=[task.pk]))
    form = detail.context["weekly_form"]
    assert not form.is_bound and form.initial == {"progress": 30, "done": "完成游客中心改造方按",
                                                  "problems": "资金未到位", "help_needed": "",
                                                  "rectification_note": "已约谈经营户"}
    body = detail.content.decode()
    assert 'data-testid="weekly-saved"' in body and "完成游客中心改造方按</textarea>" in body
    assert "已约谈经营户</textarea>" in body
    typed["done"] = "完成游客中心改造方案"  # the typo fixed, saved again the same week
    client.post(url, typed, HTTP_HX_REQUEST="true")
    update = WeeklyUpdate.objects.get(task=task)
    assert update.done == "完成游客中心改造方案"
    assert Task.objects.get(pk=task.pk).rectification_note == "已约谈经营户"
