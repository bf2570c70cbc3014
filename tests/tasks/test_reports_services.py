"""Monthly report services: drafting, the workflow, who may do what, lateness, races, notifications."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from common.errors import ApplicationError
from common.models import Notification
from tasks.models import MonthlyReport, ReportStatus, ReportTransition
from tasks.selectors.reports import reports_visible_to
from tasks.services.reports import (
    report_approve,
    report_get_or_create_draft,
    report_publish,
    report_return,
    report_save,
    report_submit,
)
from tests.conftest import require_service
from tests.factories import OfficialFactory, RoleGrantFactory, TaskFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = dt.date(2026, 10, 1)
ON_TIME = dt.datetime(2026, 11, 5, 23, 0, tzinfo=SHANGHAI)  # the deadline day (5th), still on time
LATE = dt.datetime(2026, 11, 6, 0, 30, tzinfo=SHANGHAI)
TODAY = dt.date(2026, 11, 3)

ITEMS = [{"content": "完成景区安全检查 12 次", "indicator": "12 次", "task_id": None}]


def draft(county, *, month=OCTOBER, items=ITEMS):
    report = report_get_or_create_draft(official=county.staff_official, month=month, by=county.staff, today=TODAY)
    if items:
        report = report_save(report=report, by=county.staff, items=items, next_month_plan="下月推进项目验收",
                             self_assessment="按期完成")
    return report


def submitted(county, **kwargs):
    return report_submit(report=draft(county, **kwargs), by=county.staff, now=ON_TIME)


def statuses(report):
    return list(ReportTransition.objects.filter(report=report).values_list("from_status", "to_status"))


# --- drafting ------------------------------------------------------------------------------------------


def test_the_official_creates_a_draft_for_a_month_normalised_to_the_first(county):
    report = report_get_or_create_draft(official=county.staff_official, month=dt.date(2026, 10, 17),
                                        by=county.staff, today=TODAY)
    assert report.month == OCTOBER and report.status == ReportStatus.DRAFT
    again = report_get_or_create_draft(official=county.staff_official, month=OCTOBER, by=county.staff, today=TODAY)
    assert again.pk == report.pk and MonthlyReport.objects.count() == 1
    assert statuses(report) == [("", "draft")]


def test_a_head_in_scope_may_open_a_draft_but_others_may_not(county):
    report = report_get_or_create_draft(official=county.staff_official, month=OCTOBER, by=county.head, today=TODAY)
    assert report.official == county.staff_official
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    for user in (county.outsider, finance_head, county.inspector):
        with pytest.raises(ApplicationError) as error:
            report_get_or_create_draft(official=county.staff_official, month=OCTOBER, by=user, today=TODAY)
        assert error.value.code == "forbidden"


def test_no_report_for_a_future_month(county):
    with pytest.raises(ApplicationError) as error:
        report_get_or_create_draft(official=county.staff_official, month=dt.date(2026, 12, 1), by=county.staff,
                                   today=TODAY)
    assert error.value.code == "future_month"
    assert not MonthlyReport.objects.exists()


def test_save_replaces_items_and_drops_blank_rows(county):
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official)
    report = draft(county)
    report = report_save(report=report, by=county.staff, next_month_plan=" 计划 ", self_assessment="良好", items=[
        {"content": "第一项", "indicator": "3 场", "task_id": task.pk},
        {"content": "", "indicator": "", "task_id": ""},
        {"content": "第二项", "indicator": "", "task_id": None},
    ])
    assert [(i.content, i.indicator, i.task_id, i.sort_order) for i in report.items.all()] == [
        ("第一项", "3 场", task.pk, 0), ("第二项", "", None, 1)]
    assert report.next_month_plan == "计划" and report.self_assessment == "良好"


def test_a_bad_row_writes_nothing(county):
    report = draft(county)
    for bad in ([{"content": "", "indicator": "5 次"}], [{"content": "x", "indicator": "长" * 201}],
                [{"content": "x", "task_id": "abc"}],
                [{"content": "x", "task_id": TaskFactory(unit=county.finance_office).pk}]):
        with pytest.raises(ApplicationError) as error:
            report_save(report=report, by=county.staff, items=[*ITEMS, *bad], next_month_plan="改过的计划",
                        self_assessment="")
        assert error.value.code == "invalid_item" and error.value.extra == {"row": 2}
    report.refresh_from_db()
    assert report.next_month_plan == "下月推进项目验收"
    assert [i.content for i in report.items.all()] == ["完成景区安全检查 12 次"]


def test_only_the_official_writes_their_report(county):
    report = draft(county)
    for user in (county.head, county.outsider):
        with pytest.raises(ApplicationError) as error:
            report_save(report=report, by=user, items=[], next_month_plan="", self_assessment="")
        assert error.value.code == "forbidden"
    assert report.items.count() == 1


def test_a_submitted_report_cannot_be_edited(county):
    report = submitted(county)
    with pytest.raises(ApplicationError) as error:
        report_save(report=report, by=county.staff, items=[], next_month_plan="", self_assessment="")
    assert error.value.code == "not_editable"
    assert report.items.count() == 1


# --- submission ----------------------------------------------------------------------------------------


def test_submit_needs_an_item(county):
    report = draft(county, items=[])
    with pytest.raises(ApplicationError) as error:
        report_submit(report=report, by=county.staff, now=ON_TIME)
    assert error.value.code == "empty_report"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None


def test_submit_on_time_notifies_the_heads_and_records_the_transition(county):
    second_head = UserFactory()
    RoleGrantFactory(user=second_head, unit=county.root, role="head")
    report = submitted(county)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at == ON_TIME and not report.is_late
    assert statuses(report) == [("", "draft"), ("draft", "submitted")]
    assert set(Notification.objects.filter(kind="report_submitted").values_list("user__username", flat=True)) == {
        "head", second_head.username}
    assert Notification.objects.get(user=county.head).url == f"/reports/{report.pk}/"


def test_submit_after_the_deadline_is_flagged_late(county, settings):
    report = report_submit(report=draft(county), by=county.staff, now=LATE)
    assert report.is_late
    settings.MONTHLY_REPORT_DEADLINE_DAY = 10
    september = report_submit(report=draft(county, month=dt.date(2026, 9, 1)), by=county.staff,
                              now=dt.datetime(2026, 10, 10, 12, tzinfo=SHANGHAI))
    assert not september.is_late


def test_a_head_submitting_their_own_report_is_not_notified(county):
    report = report_get_or_create_draft(official=county.head_official, month=OCTOBER, by=county.head, today=TODAY)
    report_save(report=report, by=county.head, items=ITEMS, next_month_plan="", self_assessment="")
    report_submit(report=report, by=county.head, now=ON_TIME)
    assert not Notification.objects.filter(user=county.head).exists()


def test_only_the_official_submits(county):
    report = draft(county)
    with pytest.raises(ApplicationError) as error:
        report_submit(report=report, by=county.head, now=ON_TIME)
    assert error.value.code == "forbidden"


def test_submitting_twice_is_an_invalid_transition(county):
    report = submitted(county)
    with pytest.raises(ApplicationError) as error:
        report_submit(report=report, by=county.staff, now=ON_TIME)
    assert error.value.code == "invalid_transition"
    assert len(statuses(report)) == 2


# --- review --------------------------------------------------------------------------------------------


def test_return_needs_a_reason_and_keeps_the_content(county):
    report = submitted(county)
    with pytest.raises(ApplicationError) as error:
        report_return(report=report, by=county.head, reason="  ")
    assert error.value.code == "reason_required"
    report = report_return(report=report, by=county.head, reason="请补充量化指标")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "请补充量化指标"
    assert report.items.count() == 1 and report.next_month_plan == "下月推进项目验收"
    assert ReportTransition.objects.get(report=report, to_status="returned").comment == "请补充量化指标"
    note = Notification.objects.get(user=county.staff, kind="report_returned")
    assert note.body == "请补充量化指标"


def test_a_returned_report_is_revised_and_resubmitted_keeping_its_first_lateness(county):
    report = submitted(county)
    report_return(report=report, by=county.head, reason="补充")
    report = report_save(report=report, by=county.staff, items=[*ITEMS, {"content": "新增一项"}],
                         next_month_plan="改", self_assessment="")
    report = report_submit(report=report, by=county.staff, now=LATE)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at == LATE
    assert not report.is_late  # submitted on time the first time; the return does not make it late
    assert [t for _f, t in statuses(report)] == ["draft", "submitted", "returned", "submitted"]


def test_approve_with_a_rating(county):
    report = submitted(county)
    with pytest.raises(ApplicationError) as error:
        report_approve(report=report, by=county.head, rating="superb", comment="")
    assert error.value.code == "invalid_rating"
    report = report_approve(report=report, by=county.head, rating="excellent", comment="数据翔实")
    assert report.status == ReportStatus.APPROVED and report.rating == "excellent"
    assert report.review_comment == "数据翔实" and report.reviewed_by == county.head and report.reviewed_at
    assert Notification.objects.filter(user=county.staff, kind="report_approved").count() == 1


def test_only_a_head_in_scope_reviews(county):
    report = submitted(county)
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    for user in (county.staff, finance_head, county.orgadmin, county.outsider):
        for action in (lambda u: report_approve(report=report, by=u, rating="good", comment=""),
                       lambda u: report_return(report=report, by=u, reason="x")):
            with pytest.raises(ApplicationError) as error:
                action(user)
            assert error.value.code in ("forbidden", "own_report")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and len(statuses(report)) == 2


def test_nobody_approves_their_own_report(county):
    report = report_get_or_create_draft(official=county.head_official, month=OCTOBER, by=county.head, today=TODAY)
    report_save(report=report, by=county.head, items=ITEMS, next_month_plan="", self_assessment="")
    report = report_submit(report=report, by=county.head, now=ON_TIME)
    with pytest.raises(ApplicationError) as error:
        report_approve(report=report, by=county.head, rating="excellent", comment="")
    assert error.value.code == "own_report"
    superior = UserFactory()
    RoleGrantFactory(user=superior, unit=county.root, role="head")
    assert report_approve(report=report, by=superior, rating="good", comment="").status == ReportStatus.APPROVED


def test_invalid_transitions(county):
    report = draft(county)
    with pytest.raises(ApplicationError) as error:
        report_approve(report=report, by=county.head, rating="good", comment="")
    assert error.value.code == "invalid_transition"
    with pytest.raises(ApplicationError) as error:
        report_publish(report=report, by=county.head)
    assert error.value.code == "invalid_transition"
    with pytest.raises(ApplicationError) as error:
        report_return(report=report, by=county.head, reason="x")
    assert error.value.code == "invalid_transition"


def test_publish_signs_and_shows_the_report_to_the_unit(county):
    colleague_user = UserFactory()
    OfficialFactory(unit=county.culture_tourism, user=colleague_user)
    other_section_user = UserFactory()
    OfficialFactory(unit=county.culture_office, user=other_section_user)
    report = report_approve(report=submitted(county), by=county.head, rating="good", comment="")
    assert not reports_visible_to(colleague_user).filter(pk=report.pk).exists()
    with pytest.raises(ApplicationError):
        report_publish(report=report, by=county.staff)
    report = report_publish(report=report, by=county.head)
    assert report.status == ReportStatus.PUBLISHED and report.published_by == county.head and report.published_at
    assert reports_visible_to(colleague_user).filter(pk=report.pk).exists()
    assert not reports_visible_to(other_section_user).filter(pk=report.pk).exists()
    assert [t for _f, t in statuses(report)] == ["draft", "submitted", "approved", "published"]


# --- races ---------------------------------------------------------------------------------------------


def test_two_heads_approving_at_once_one_wins_and_the_other_gets_a_conflict(county):
    report = submitted(county)
    second_head = UserFactory()
    RoleGrantFactory(user=second_head, unit=county.culture, role="head")
    seen_by_first = MonthlyReport.objects.get(pk=report.pk)
    seen_by_second = MonthlyReport.objects.get(pk=report.pk)
    report_approve(report=seen_by_first, by=county.head, rating="excellent", comment="好")
    with pytest.raises(ApplicationError) as error:
        report_approve(report=seen_by_second, by=second_head, rating="poor", comment="差")
    assert error.value.code == "conflict"
    report.refresh_from_db()
    assert report.rating == "excellent" and report.reviewed_by == county.head
    assert ReportTransition.objects.filter(report=report, to_status="approved").count() == 1
    assert Notification.objects.filter(kind="report_approved").count() == 1


def test_return_racing_an_approval_is_a_conflict(county):
    report = submitted(county)
    stale = MonthlyReport.objects.get(pk=report.pk)
    report_approve(report=report, by=county.head, rating="good", comment="")
    with pytest.raises(ApplicationError) as error:
        report_return(report=stale, by=county.head, reason="晚了一步")
    assert error.value.code == "conflict"
    assert not ReportTransition.objects.filter(report=report, to_status="returned").exists()


@pytest.mark.django_db(transaction=True)
def test_two_heads_approving_in_parallel_threads_on_postgresql(county):
    # CI runs on PostgreSQL, where this must run; on a laptop's SQLite the stale-object test above covers it.
    require_service(connection.vendor == "postgresql", "parallel row locks need PostgreSQL (DATABASE_URL)")
    report = submitted(county)
    second_head = UserFactory()
    RoleGrantFactory(user=second_head, unit=county.culture, role="head")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(user, rating):
        from django.db import connections

        try:
            seen = MonthlyReport.objects.get(pk=report.pk)
            barrier.wait()
            report_approve(report=seen, by=user, rating=rating, comment="")
            outcomes.append("ok")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(county.head, "excellent")),
               threading.Thread(target=approve, args=(second_head, "poor"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert ReportTransition.objects.filter(report=report, to_status="approved").count() == 1
    assert Notification.objects.filter(kind="report_approved").count() == 1
