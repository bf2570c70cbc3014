"""The home page of things to do (待办): per role, the blocks and their counts against a seeded world; each count
is the length of the list it links to (and each late count the length of its late list); the queries are pinned
per role; no block reaches a role that should not see it; the roster statistics have their own page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

from org.home import TodoItem
from org.models import User
from org.selectors import access_for
from tests.appraisal.factories import ScoreEntryFactory
from tests.home_world import World, build_world, previous_month
from tests.home_world import todo_items as items_of
from tests.training.factories import CriticismFlagFactory


@pytest.fixture
def world(county) -> World:
    return build_world(county)


def counts(block: dict[str, TodoItem]) -> dict[str, tuple[int | None, int]]:
    return {key: (item.count, item.late) for key, item in block.items()}


# -- what each role sees ------------------------------------------------------------------------------------------


def test_staff_sees_their_own_work(world):
    county = world.county
    blocks = items_of(county.staff)
    assert list(blocks) == ["staff"]
    mine = blocks["staff"]
    assert counts(mine) == {
        "report": (None, 0), "tasks-due": (2, 1), "weekly-mine": (2, 0), "score": (None, 0), "sign": (0, 0),
        "notices-mine": (0, 0)}
    report = mine["report"]
    assert report.to_do and report.url == reverse("tasks:report_edit", kwargs={"month": f"{world.last_month:%Y-%m}"})
    assert report.note.startswith("草稿 · ") and "截止" in report.note  # the days: test_the_report_deadline_...
    published = previous_month(world.last_month)
    assert mine["score"].label == f"最新公布的成绩（{published:%Y-%m}）"
    assert mine["score"].note == "89.00 分 · 本单位第 2 名 / 共 3 人"
    assert mine["score"].url == f"{reverse('appraisal:my_score')}?period={published:%Y-%m}"


def test_head_sees_the_work_of_their_bureau_and_their_own(world):
    county = world.county
    blocks = items_of(county.head)
    assert list(blocks) == ["head", "staff"]
    head = counts(blocks["head"])
    quarter = next(key for key in head if key.startswith("quarterly-2"))
    assert head == {
        "reports-review": (2, 1), "reports-sign": (1, 0), "weekly-missing": (2, 0), "tasks-overdue": (2, 0),
        "criticism": (1, 0), "external": (1, 0), "attendance": (1, 0), quarter: (2, 0),
        "quarterly-requests": (0, 0)}
    assert blocks["head"]["weekly-missing"].note == "3 项任务没有本周汇报"
    assert blocks["head"]["reports-review"].label == "待审核的月度实绩报告"


def test_organization_department_sees_the_months_readiness(world):
    county = world.county
    blocks = items_of(county.orgadmin)
    assert list(blocks) == ["org"]
    org = counts(blocks["org"])
    assert org == {
        "readiness-unreviewed": (4, 0), "readiness-missing": (1, 0), "readiness-rollup": (None, 0),
        "confirm": (0, 0), "notices-running": (0, 0), "reviews": (0, 0), "tolerance-decide": (0, 0)}
    rollup = blocks["org"]["readiness-rollup"]
    assert rollup.to_do and rollup.url == reverse("appraisal:period_detail", args=[f"{world.last_month:%Y-%m}"])


def test_discipline_inspection_sees_cases_by_status_with_those_past_their_limit(world):
    county = world.county
    blocks = items_of(county.inspector)
    assert list(blocks) == ["discipline"]
    assert counts(blocks["discipline"]) == {
        "cases-registered": (1, 1), "cases-investigating": (2, 1), "cases-decided": (1, 0),
        "tolerance-review": (1, 0), "appeals": (1, 0)}


def test_no_block_reaches_a_role_that_should_not_see_it(world, client_for):
    county = world.county
    pages = {user.username: client_for(user).get(reverse("home")).content.decode()
             for user in (county.staff, county.head, county.orgadmin, county.inspector, county.outsider)}
    roles = {name: {role for role in ("staff", "head", "org", "discipline") if f'data-role="{role}"' in body}
             for name, body in pages.items()}
    assert roles == {"staff": {"staff"}, "head": {"head", "staff"}, "orgadmin": {"org"},
                     "inspector": {"discipline"}, "outsider": set()}
    assert 'data-testid="todo-none"' in pages["outsider"]
    assert reverse("discipline:case_list") not in pages["head"] + pages["staff"]
    assert reverse("tasks:report_review_queue") not in pages["staff"] + pages["inspector"] + pages["orgadmin"]
    assert reverse("appraisal:readiness") not in pages["head"] + pages["staff"] + pages["inspector"]


def test_another_bureaus_head_counts_nothing_of_culture(world, client_for):
    from tests.factories import RoleGrantFactory, UserFactory

    finance_head = UserFactory(username="finhead")
    RoleGrantFactory(user=finance_head, unit=world.county.finance, role="head")
    head = counts(items_of(finance_head)["head"])
    quarter = next(key for key in head if key.startswith("quarterly-2"))
    assert head == {
        "reports-review": (1, 0), "reports-sign": (0, 0), "weekly-missing": (1, 0), "tasks-overdue": (1, 0),
        "criticism": (1, 0), "external": (1, 0), "attendance": (1, 0), quarter: (1, 0),
        "quarterly-requests": (0, 0)}


# -- each count is the length of the list it opens ----------------------------------------------------------------


def _page_count(response: Any, item: TodoItem) -> int:
    return response.context["page"].paginator.count


LIST_LENGTH: dict[str, Callable[[Any, TodoItem], int]] = {
    "my_tasks": _page_count, "report_review_queue": _page_count, "task_board": _page_count,
    "criticism_flags": _page_count, "external_review": _page_count, "calendar": _page_count,
    "quarterly_unit": _page_count, "quarterly_requests": _page_count, "procedure_comments": _page_count,
    "procedure_list": lambda r, i: r.context["page"].paginator.count if "page" in r.context else 0,
    "review_list": _page_count, "case_list": _page_count, "tolerance_list": _page_count,
    "weekly_missing": lambda r, i: r.context["officials_missing"],
    "notice_list": lambda r, i: len(r.context["running"]),
    "annual_mine": lambda r, i: len(r.context["pending"]),
    "readiness": lambda r, i: {"readiness-unreviewed": r.context["figures"].unreviewed,
                               "readiness-missing": r.context["figures"].missing}[i.key],
}


def _length(client: Client, url: str, item: TodoItem) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return LIST_LENGTH[resolve(urlsplit(url).path).url_name](response, item)


@pytest.mark.parametrize("who", ["staff", "head", "orgadmin", "inspector"])
def test_every_count_is_the_length_of_the_list_it_opens(world, client_for, who):
    user = getattr(world.county, who)
    client = client_for(user)
    checked = 0
    for block in items_of(user).values():
        for item in block.values():
            if item.count is None:
                assert client.get(item.url).status_code == 200, item.url
                continue
            assert _length(client, item.url, item) == item.count, item.key
            if item.late_url:
                assert _length(client, item.late_url, item) == item.late, item.key
            checked += 1
    assert checked >= 4


def test_the_readiness_drill_down_lists_each_units_figure(world, client_for):
    client = client_for(world.county.orgadmin)
    page = client.get(reverse("appraisal:readiness"))
    units = {row.unit.code: row for row in page.context["figures"].units}
    assert {code: (row.officials, row.unreviewed, row.missing, row.to_sign) for code, row in units.items()} == {
        "WL": (5, 3, 1, 1), "CZ": (1, 1, 0, 0)}
    for code, row in units.items():
        for show in ("unreviewed", "missing", "to_sign"):
            listed = client.get(reverse("appraisal:readiness"), {"unit": code, "show": show,
                                                                  "month": f"{world.last_month:%Y-%m}"})
            assert listed.context["page"].paginator.count == getattr(row, show)
    missing = client.get(reverse("appraisal:readiness"), {"unit": "WL", "show": "missing"}).content.decode()
    assert world.county.staff_official.name in missing
    # Outside the scope, or a figure that does not exist: 404.
    head_grant = client_for(world.county.head).get(reverse("appraisal:readiness"))
    assert head_grant.status_code == 404
    assert client.get(reverse("appraisal:readiness"), {"unit": "NOPE", "show": "missing"}).status_code == 404
    assert client.get(reverse("appraisal:readiness"), {"unit": "WL", "show": "all"}).status_code == 404
    for bad in ("2026-13", "+026-01", "2026-1", "²026-01"):
        assert client.get(reverse("appraisal:readiness"), {"month": bad}).status_code == 404


def test_the_readiness_of_a_bureaus_organization_department_is_its_own(world):
    from appraisal.selectors import readiness as ready
    from tests.factories import RoleGrantFactory, UserFactory

    bureau_org = UserFactory(username="wlorg")
    RoleGrantFactory(user=bureau_org, unit=world.county.culture, role="org")
    figures = ready.readiness(User.objects.get(pk=bureau_org.pk), ready.month_at_hand(world.today))
    assert [(row.unit.code, row.unreviewed, row.missing) for row in figures.units] == [("WL", 3, 1)]


# -- what the lines say and where they lead --------------------------------------------------------------------


def test_the_home_page_renders_each_line_with_its_links(world, client_for):
    body = client_for(world.county.head).get(reverse("home")).content.decode()
    review = reverse("tasks:report_review_queue")
    assert f'href="{review}?tab=submitted"' in body and f'href="{review}?tab=submitted&amp;late=1"' in body
    assert 'data-testid="todo-late-link"' in body and "迟交 1" in body
    assert body.index('data-testid="todo-reports-review"') < body.index('data-testid="todo-report"')
    staff = client_for(world.county.staff).get(reverse("home")).content.decode()
    assert "第 2 名 / 共 3 人" in staff and 'data-testid="todo-link"' in staff


def test_once_last_months_report_is_in_the_line_turns_to_this_months(world):
    from tasks.models import MonthlyReport, ReportStatus
    from tests.factories import MonthlyReportFactory

    MonthlyReport.objects.filter(official=world.county.staff_official).update(status=ReportStatus.SUBMITTED)
    report = items_of(world.county.staff)["staff"]["report"]
    this_month = world.today.replace(day=1)
    assert report.label == f"{this_month:%Y-%m} 月度实绩报告" and report.note.startswith("未开始")
    submitted = MonthlyReportFactory(official=world.county.staff_official, month=this_month,
                                     status=ReportStatus.SUBMITTED)
    report = items_of(world.county.staff)["staff"]["report"]
    assert not report.to_do and report.note == "已提交" and report.tone == "success"
    assert report.url == reverse("tasks:report_detail", args=[submitted.pk])


def test_this_months_report_is_to_do_in_the_last_ten_working_days(county):
    from datetime import date

    from tasks.home_todo import report_line

    # The November report is due Saturday 2026-12-05: from Friday 11-20 eleven working days are left, from Monday
    # 11-23 ten.
    assert not report_line(date(2026, 11, 1), None, date(2026, 11, 20)).to_do
    assert report_line(date(2026, 11, 1), None, date(2026, 11, 23)).to_do


def test_the_report_deadline_is_counted_in_working_days(county):
    from datetime import date

    from tasks.home_todo import report_line
    from tests.factories import CalendarDayFactory

    # The October report is due 2026-11-05 (a Thursday): from Monday 11-02, four working days with the day.
    assert "还剩 4 个工作日" in report_line(date(2026, 10, 1), None, date(2026, 11, 2)).note
    CalendarDayFactory(date=date(2026, 11, 3), is_working_day=False, name="调休")
    assert "还剩 3 个工作日" in report_line(date(2026, 10, 1), None, date(2026, 11, 2)).note
    late = report_line(date(2026, 10, 1), None, date(2026, 11, 9))
    assert late.tone == "danger" and "2 个工作日" in late.note  # Friday 11-06 and Monday 11-09


def test_the_rollup_line_is_fresh_after_a_rollup_and_stale_after_a_new_entry(world):
    from django.utils import timezone

    from appraisal.models import AppraisalPeriod, ScoreRule
    from appraisal.selectors import readiness as ready

    month = ready.month_at_hand(world.today)
    assert ready.rollup_stale(month)
    AppraisalPeriod.objects.filter(pk=month.period.pk).update(last_rollup_at=timezone.now())
    month = ready.month_at_hand(world.today)
    assert not ready.rollup_stale(month)
    ScoreEntryFactory(official=world.county.staff_official, occurred_on=month.start + timedelta(days=3),
                      rule=ScoreRule.objects.first(), points=1, reason="创新项目", created_by=world.county.head)
    assert ready.rollup_stale(month)


def test_the_month_at_hand_moves_on_when_last_month_is_closed(county):
    from datetime import date

    from appraisal.models import PeriodStatus
    from appraisal.selectors import readiness as ready
    from tests.factories import period

    today = date(2026, 12, 5)
    assert ready.month_at_hand(today).key == "2026-11"
    november = period("2026-11")
    november.status = PeriodStatus.CLOSED
    november.save()
    assert ready.month_at_hand(today).key == "2026-12"
    period("2026-09")  # an older month still open comes first
    assert ready.month_at_hand(today).key == "2026-09"


def test_cases_past_their_limit_follow_the_settings(world, settings):
    settings.DISCIPLINE_REGISTERED_DAYS = 60
    settings.DISCIPLINE_INVESTIGATION_DAYS = 120
    assert counts(items_of(world.county.inspector)["discipline"])["cases-registered"] == (1, 0)
    assert counts(items_of(world.county.inspector)["discipline"])["cases-investigating"] == (2, 0)


def test_the_case_list_marks_cases_past_their_limit(world, client_for):
    client = client_for(world.county.inspector)
    body = client.get(reverse("discipline:case_list"), {"overdue": "1"}).content.decode()
    assert body.count('data-testid="past-limit"') == 2 and 'data-testid="list-focus"' in body
    assert world.fresh_case.title not in body


# -- queries: constant per role ----------------------------------------------------------------------------------

# Session, user, role grants, own official (access), and the bell's unread count: 5 on every page.
BASE = 5
# An official's own work: the report (reports, calendar: 2), tasks (1), the score (1), notices to sign (1), the
# 公示 running (own unit, count: 2), the panel of a newly confirmed quarterly grade (1).
OWN_WORK = 8
QUERIES = {
    "staff": BASE + OWN_WORK,
    # reports (1), tasks (1), training (flags, external, sessions: 3), quarterly grades (1), units at the 评语
    # step (1: none in the world, so no count)
    "head": BASE + 7 + OWN_WORK,
    # the month at hand, its figures, their units (3; a month already rolled up adds one for its freshness),
    # units to confirm, reviews, notices running (3), tolerance requests to decide (1)
    "orgadmin": BASE + 7,
    # cases by status (1), tolerance requests to review (1)
    "inspector": BASE + 2,
}


@pytest.mark.parametrize("who", list(QUERIES))
def test_the_home_page_costs_a_pinned_number_of_queries(world, client_for, django_assert_num_queries, who):
    client = client_for(getattr(world.county, who))
    with django_assert_num_queries(QUERIES[who]):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("who", list(QUERIES))
def test_the_queries_do_not_grow_with_the_data(world, client_for, django_assert_num_queries, who):
    build_more(world)
    client = client_for(getattr(world.county, who))
    with django_assert_num_queries(QUERIES[who]):
        assert client.get(reverse("home")).status_code == 200


# Each block alone: (the user it is read for, its queries).
PROVIDER_QUERIES = {
    "my_report": ("staff", 2), "my_tasks": ("staff", 1), "my_appraisal": ("staff", 4),
    "reports_to_review": ("head", 1), "unit_tasks": ("head", 1), "head_training": ("head", 3), "quarterly": ("head", 1),
    "comments": ("head", 1), "month_readiness": ("orgadmin", 3), "annual": ("orgadmin", 3),
    "tolerance_to_decide": ("orgadmin", 1), "cases": ("inspector", 2),
}


def test_every_block_is_pinned_and_costs_the_same_with_more_data(world, django_assert_num_queries):
    from org.home import todo_providers

    assert {provider.__name__ for _role, provider in todo_providers()} == set(PROVIDER_QUERIES)
    users = {name: User.objects.get(username=name) for name in ("staff", "head", "orgadmin", "inspector")}
    for user in users.values():
        access_for(user)  # loaded once a request, before the blocks
    for more in (False, True):
        if more:
            build_more(world)
        for _role, provider in todo_providers():
            who, queries = PROVIDER_QUERIES[provider.__name__]
            with django_assert_num_queries(queries, info=provider.__name__):
                provider(users[who])


def build_more(world: World) -> None:
    """Ten times as many of everything that is counted."""
    from tests.factories import MonthlyReportFactory, OfficialFactory, TaskFactory

    county = world.county
    for i in range(10):
        person = OfficialFactory(unit=county.culture_office if i % 2 else county.finance_office)
        MonthlyReportFactory(official=person, month=world.last_month, status="submitted", is_late=bool(i % 3))
        TaskFactory(unit=person.unit, responsible=person, start_date=world.today - timedelta(days=40),
                    deadline=world.today, status="in_progress")
        CriticismFlagFactory(official=person, quarter="2026-Q4", absences=3)


def test_the_roster_statistics_have_their_own_page_in_the_menu(county, client_for):
    home = client_for(county.head).get(reverse("home")).content.decode()
    assert reverse("org:statistics") in home and "rankChart" not in home
    assert 'data-testid="nav-statistics"' in home
    assert client_for(county.staff).get(reverse("org:statistics")).status_code == 200


def test_the_narrowed_lists_say_so_and_keep_their_tabs_whole(world, client_for):
    head, staff = client_for(world.county.head), client_for(world.county.staff)
    late = head.get(reverse("tasks:report_review_queue"), {"tab": "submitted", "late": "1"})
    assert late.context["page"].paginator.count == 1 and late.context["filters"].cleaned_data["late"]
    assert {key: late.context["counts"][key] for key in ("submitted", "approved")} == {"submitted": 2, "approved": 1}
    for query in ({"due": "week"}, {"due": "overdue"}, {"weekly": "missing"}):
        assert 'data-testid="list-focus"' in staff.get(reverse("tasks:my_tasks"), query).content.decode()
    assert staff.get(reverse("tasks:my_tasks"), {"due": "soon"}).context["page"].paginator.count == 3  # ignored
    awaiting = head.get(reverse("training:calendar"), {"attendance": "missing"}).content.decode()
    assert 'data-testid="list-focus"' in awaiting and "文旅局周五集中学习" in awaiting
    assert 'data-testid="calendar"' not in awaiting
