"""Monthly report pages: my reports, the form with save/submit/autosave, review queue, detail, board."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import MonthlyReport, ReportStatus, ReportTransition
from tasks.services.reports import report_approve, report_return, report_save, report_submit
from tests.factories import (
    MonthlyReportFactory,
    MonthlyReportItemFactory,
    OfficialFactory,
    RoleGrantFactory,
    UserFactory,
)

THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)
KEY = f"{LAST_MONTH:%Y-%m}"


def edit_url(month: str = KEY) -> str:
    return reverse("tasks:report_edit", args=[month])


def post_form(client, *, items, plan="下月计划", assessment="", action="save", url=None):
    data = {"next_month_plan": plan, "self_assessment": assessment, "action": action,
            "item_content": [i[0] for i in items], "item_indicator": [i[1] for i in items],
            "item_task": [i[2] if len(i) > 2 else "" for i in items]}
    return client.post(url or edit_url(), data)


def submitted_report(county, **kwargs):
    report = MonthlyReportFactory(official=county.staff_official, month=LAST_MONTH, **kwargs)
    MonthlyReportItemFactory(report=report, content="完成事项")
    return report_submit(report=report, by=county.staff)


def query_count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


# --- my reports and the form ----------------------------------------------------------------------------


def test_my_reports_lists_my_months_and_offers_the_open_ones(county, client_for):
    MonthlyReportFactory(official=county.staff_official, month=dt.date(2025, 3, 1), status=ReportStatus.PUBLISHED)
    MonthlyReportFactory(official=county.culture_official, month=dt.date(2025, 4, 1))
    response = client_for(county.staff).get(reverse("tasks:report_mine"))
    body = response.content.decode()
    assert [r.month for r in response.context["page"].object_list] == [dt.date(2025, 3, 1)]
    assert 'data-testid="open-this-month"' in body and 'data-testid="open-last-month"' in body
    assert edit_url(f"{THIS_MONTH:%Y-%m}") in body


def test_my_reports_without_an_official(county, client_for):
    response = client_for(county.outsider).get(reverse("tasks:report_mine"))
    assert response.status_code == 200 and response.context["page"] is None
    assert client_for(county.outsider).get(edit_url()).status_code == 404


def test_opening_the_form_creates_nothing(county, client_for):
    response = client_for(county.staff).get(edit_url())
    assert response.status_code == 200 and response.context["report"] is None
    assert 'data-testid="report-form"' in response.content.decode()
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("month", ["2026-13", "abcd-ef", f"{THIS_MONTH.year + 1}-01"])
def test_bad_or_future_months_are_404(county, client_for, month):
    assert client_for(county.staff).get(f"/reports/{month}/edit/").status_code == 404


def test_save_draft_then_submit(county, client_for):
    client = client_for(county.staff)
    response = post_form(client, items=[("组织文旅活动", "3 场"), ("", ""), ("接待游客", "1.2 万人次")])
    assert response.status_code == 302 and response["Location"] == edit_url()
    report = MonthlyReport.objects.get(official=county.staff_official, month=LAST_MONTH)
    assert report.status == ReportStatus.DRAFT and report.next_month_plan == "下月计划"
    assert [(i.content, i.indicator) for i in report.items.all()] == [
        ("组织文旅活动", "3 场"), ("接待游客", "1.2 万人次")]
    page = client.get(edit_url())
    assert "接待游客" in page.content.decode() and page.context["report"] == report

    response = post_form(client, items=[("组织文旅活动", "4 场")], action="submit")
    assert response.status_code == 302 and response["Location"] == reverse("tasks:report_detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.items.get().indicator == "4 场"
    # A submitted report is no longer editable: the form sends you to its page.
    assert client.get(edit_url())["Location"] == reverse("tasks:report_detail", args=[report.pk])


def test_a_bad_row_keeps_everything_that_was_typed(county, client_for):
    client = client_for(county.staff)
    post_form(client, items=[("已保存的一项", "1")])
    response = post_form(client, items=[("已保存的一项", "1"), ("", "只有指标")], plan="新写的计划")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="form-error"' in body and "只有指标" in body and "新写的计划" in body
    report = MonthlyReport.objects.get()
    assert report.next_month_plan == "下月计划" and report.items.count() == 1


def test_submitting_without_items_keeps_the_draft(county, client_for):
    client = client_for(county.staff)
    response = post_form(client, items=[("", "")], plan="只写了计划", action="submit")
    assert response.status_code == 400 and 'data-testid="form-error"' in response.content.decode()
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.DRAFT and report.next_month_plan == "只写了计划"


def test_autosave_saves_the_draft_and_answers_a_partial(county, client_for):
    client = client_for(county.staff)
    url = reverse("tasks:report_autosave", args=[KEY])
    response = post_form(client, items=[("正在写的一项", "")], plan="半句话", url=url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="autosave-saved"' in body and "<html" not in body
    report = MonthlyReport.objects.get()
    assert report.next_month_plan == "半句话" and report.items.get().content == "正在写的一项"

    response = post_form(client, items=[("正在写的一项", ""), ("", "孤立的指标")], plan="改了", url=url)
    # A 422: static/js/htmx_setup.js swaps it in and takes away the green "Draft saved." of an earlier save.
    assert response.status_code == 422 and 'data-testid="autosave-error"' in response.content.decode()
    report.refresh_from_db()
    assert report.next_month_plan == "半句话"  # nothing half-valid is written
    # A linked task past any id (a forged choice) is refused in words; it reached the database and answered 500.
    response = client.post(url, {"item_content": ["正在写的一项"], "item_indicator": [""],
                                 "item_task": ["99999999999999999999999"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "第 1 项" in response.content.decode()


def test_autosave_does_not_touch_a_submitted_report(county, client_for):
    report = submitted_report(county)
    response = post_form(client_for(county.staff), items=[("改", "")],
                         url=reverse("tasks:report_autosave", args=[KEY]))
    assert 'data-testid="autosave-error"' in response.content.decode()
    assert report.items.get().content == "完成事项"


def test_the_form_wires_autosave_and_row_editing(county, client_for):
    body = client_for(county.staff).get(edit_url()).content.decode()
    assert f'hx-post="{reverse("tasks:report_autosave", args=[KEY])}"' in body
    assert 'hx-trigger="report-autosave"' in body and "js/report_form.js" in body
    assert 'id="report-item-template"' in body
    script = (Path(settings.BASE_DIR) / "static" / "js" / "report_form.js").read_text()
    assert "setInterval" in script and "20000" in script  # every 20 s while there are unsaved keystrokes


def test_a_returned_report_shows_the_reason_and_keeps_its_content(county, client_for):
    report = submitted_report(county)
    report_return(report=report, by=county.head, reason="请补充量化指标")
    response = client_for(county.staff).get(edit_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="return-reason"' in body and "请补充量化指标" in body and "完成事项" in body


def test_someone_elses_month_form_is_always_my_own(county, client_for):
    MonthlyReportFactory(official=county.culture_official, month=LAST_MONTH, next_month_plan="别人的计划")
    body = client_for(county.staff).get(edit_url()).content.decode()
    assert "别人的计划" not in body


# --- detail and review -----------------------------------------------------------------------------------


def test_detail_is_scoped(county, client_for):
    report = submitted_report(county)
    url = reverse("tasks:report_detail", args=[report.pk])
    assert client_for(county.head).get(url).status_code == 200
    assert client_for(county.staff).get(url).status_code == 200
    finance_user = UserFactory()
    OfficialFactory(unit=county.finance_office, user=finance_user)
    assert client_for(finance_user).get(url).status_code == 404
    assert client_for(county.outsider).get(url).status_code == 404


def test_detail_shows_items_timeline_and_the_review_forms_to_the_head_only(county, client_for):
    report = submitted_report(county)
    url = reverse("tasks:report_detail", args=[report.pk])
    head_body = client_for(county.head).get(url).content.decode()
    assert 'data-testid="approve-form"' in head_body and 'data-testid="return-form"' in head_body
    assert head_body.count('data-testid="timeline-entry"') == 1 and "完成事项" in head_body
    staff_body = client_for(county.staff).get(url).content.decode()
    assert 'data-testid="approve-form"' not in staff_body


def test_review_queue_oldest_first_with_late_flag_and_head_only(county, client_for):
    older = OfficialFactory(unit=county.culture_office)
    first = MonthlyReportFactory(official=older, month=LAST_MONTH, status=ReportStatus.SUBMITTED, is_late=True,
                                 submitted_at=timezone.now() - dt.timedelta(days=2))
    second = MonthlyReportFactory(official=county.staff_official, month=LAST_MONTH, status=ReportStatus.SUBMITTED,
                                  submitted_at=timezone.now())
    MonthlyReportFactory(official=county.finance_official, month=LAST_MONTH, status=ReportStatus.SUBMITTED,
                         submitted_at=timezone.now())
    MonthlyReportFactory(official=county.head_official, month=LAST_MONTH, status=ReportStatus.SUBMITTED,
                         submitted_at=timezone.now())  # the head's own report is never in their queue
    response = client_for(county.head).get(reverse("tasks:report_review_queue"))
    assert [r.pk for r in response.context["page"].object_list] == [first.pk, second.pk]
    assert response.content.decode().count('data-testid="late-flag"') == 1
    assert client_for(county.staff).get(reverse("tasks:report_review_queue")).status_code == 404


def test_review_queue_query_count_is_constant(county, client_for, django_assert_num_queries):
    def make(n):
        for official in OfficialFactory.create_batch(n, unit=county.culture_office):
            report = MonthlyReportFactory(official=official, month=LAST_MONTH, status=ReportStatus.SUBMITTED,
                                          submitted_at=timezone.now())
            MonthlyReportItemFactory.create_batch(2, report=report)

    make(10)
    client = client_for(county.head)
    with django_assert_num_queries(9):
        small = query_count(client, reverse("tasks:report_review_queue"))
    make(90)
    client = client_for(county.head)
    with django_assert_num_queries(small):
        response = client.get(reverse("tasks:report_review_queue"))
    assert response.context["page"].paginator.count == 100


def test_return_from_the_page_needs_a_reason(county, client_for):
    report = submitted_report(county)
    client = client_for(county.head)
    response = client.post(reverse("tasks:report_return", args=[report.pk]), {"reason": ""})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    response = client.post(reverse("tasks:report_return", args=[report.pk]), {"reason": "数据不全"})
    assert response.status_code == 302 and response["Location"] == reverse("tasks:report_review_queue")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "数据不全"


def test_approve_then_publish_from_the_pages(county, client_for):
    report = submitted_report(county)
    client = client_for(county.head)
    response = client.post(reverse("tasks:report_approve", args=[report.pk]), {"rating": "good", "comment": "扎实"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.rating == "good"
    body = client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="publish-form"' in body
    response = client.post(reverse("tasks:report_publish", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_by == county.head


def test_the_staff_member_cannot_approve_or_publish_by_posting(county, client_for):
    report = submitted_report(county)
    client = client_for(county.staff)
    response = client.post(reverse("tasks:report_approve", args=[report.pk]), {"rating": "excellent"})
    assert response.status_code == 400 and 'data-testid="form-error"' in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    report_approve(report=report, by=county.head, rating="good", comment="")
    assert client.post(reverse("tasks:report_publish", args=[report.pk])).status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_an_out_of_scope_head_gets_404_on_actions(county, client_for):
    report = submitted_report(county)
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    client = client_for(finance_head)
    assert client.post(reverse("tasks:report_approve", args=[report.pk]), {"rating": "good"}).status_code == 404
    assert client.post(reverse("tasks:report_return", args=[report.pk]), {"reason": "x"}).status_code == 404
    assert ReportTransition.objects.filter(report=report).count() == 1


# --- the published board ---------------------------------------------------------------------------------


def _published(official, month, n_items=2):
    report = MonthlyReportFactory(official=official, month=month, status=ReportStatus.PUBLISHED,
                                  published_at=timezone.now(), rating="good")
    MonthlyReportItemFactory.create_batch(n_items, report=report)
    return report


def test_board_shows_the_units_published_reports_by_month(county, client_for):
    colleague = OfficialFactory(unit=county.culture_tourism, name="同科室")
    mine = _published(county.staff_official, LAST_MONTH)
    theirs = _published(colleague, dt.date(2025, 1, 1))
    _published(county.culture_official, LAST_MONTH)  # another section: not on staff's board
    MonthlyReportFactory(official=colleague, month=LAST_MONTH, status=ReportStatus.APPROVED)  # not yet published
    client = client_for(county.staff)
    response = client.get(reverse("tasks:report_board"))  # the newest month published, and which month it is
    assert [r.pk for r in response.context["page"].object_list] == [mine.pk]
    assert response.context["month"] == LAST_MONTH and f'value="{LAST_MONTH:%Y-%m}"' in response.content.decode()
    response = client.get(reverse("tasks:report_board"), {"month": "2025-01"})
    assert [r.pk for r in response.context["page"].object_list] == [theirs.pk]
    response = client.get(reverse("tasks:report_board"), {"month": "nonsense"})  # kept, explained, newest shown
    page = response.content.decode()
    assert response.status_code == 200 and [r.pk for r in response.context["page"].object_list] == [mine.pk]
    assert 'value="nonsense"' in page and "2026-03" in page
    # the head sees the whole bureau's published reports of the month
    assert client_for(county.head).get(reverse("tasks:report_board")).context["page"].paginator.count == 2


def test_board_paginates_and_query_count_is_constant(county, client_for, django_assert_num_queries):
    def make(n):
        for official in OfficialFactory.create_batch(n, unit=county.culture_tourism):
            _published(official, LAST_MONTH, n_items=3)

    make(10)
    client = client_for(county.staff)
    with django_assert_num_queries(10):  # the newest month, the page sorted on the ids, its reports with their items
        small = query_count(client, reverse("tasks:report_board"))
    make(90)
    client = client_for(county.staff)
    with django_assert_num_queries(small):
        response = client.get(reverse("tasks:report_board"))
    assert response.context["page"].paginator.count == 100 and len(response.context["page"].object_list) == 25


def test_my_reports_query_count_is_constant(county, client_for, django_assert_num_queries):
    def make(months):
        for m in months:
            report = MonthlyReportFactory(official=county.staff_official, month=dt.date(2000 + m // 12, m % 12 + 1, 1))
            MonthlyReportItemFactory.create_batch(2, report=report)

    make(range(10))
    client = client_for(county.staff)
    with django_assert_num_queries(8):
        small = query_count(client, reverse("tasks:report_mine"))
    make(range(10, 100))
    client = client_for(county.staff)
    with django_assert_num_queries(small):
        client.get(reverse("tasks:report_mine"))


def test_report_save_service_and_page_agree(county, client_for):
    """The page posts through the same service: a head cannot write a staff member's report via the form."""
    report = MonthlyReportFactory(official=county.staff_official, month=LAST_MONTH)
    report_save(report=report, by=county.staff, items=[{"content": "甲"}], next_month_plan="", self_assessment="")
    # The head's form for that month is the head's own report, never the staff member's.
    post_form(client_for(county.head), items=[("乙", "")])
    assert report.items.get().content == "甲"
    assert MonthlyReport.objects.get(official=county.head_official).items.get().content == "乙"
