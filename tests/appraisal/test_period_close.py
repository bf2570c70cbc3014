"""A guarded period close (issue 15 item 3): the close page lists what is still open with counts and lists, a
reason is required while anything is open and recorded; approving a report of a closed month warns; closed
periods offer no action that cannot work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from appraisal.models import PeriodEvent, PeriodStatus, ScoreRule
from appraisal.selectors.close import LABELS, period_months, period_open_items, period_quarters
from appraisal.services.periods import period_close
from common.text_limits import NOTE
from tasks.models import ReportStatus
from tests.appraisal.factories import ScoreEntryFactory
from tests.factories import MonthlyReportFactory, OfficialFactory, period
from tests.training.factories import AttendanceFactory, CriticismFlagFactory, TrainingSessionFactory
from training.models import SessionKind, TrainingSession

NOV = dt.date(2026, 11, 1)
SUBMITTED = timezone.make_aware(dt.datetime(2026, 12, 2, 9))


def session_on(county, day: dt.date, title: str = "集中学习") -> TrainingSession:
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    session = TrainingSessionFactory(
        kind=SessionKind.COLLECTIVE_STUDY, title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        hours=Decimal(2), organiser=county.culture, is_required=True)
    session.audience_units.add(county.culture)
    return session


def november(county, *, unreviewed: int = 2):
    """November 2026: ``unreviewed`` submitted reports (extra officials), one approved, the rest not handed in;
    a session without attendance and one with; a criticism flag of Q4 waiting for the head."""
    month = period("2026-11")
    for i in range(unreviewed):
        official = OfficialFactory(unit=county.culture_office, name=f"待审{i}")
        MonthlyReportFactory(official=official, month=NOV, status=ReportStatus.SUBMITTED, submitted_at=SUBMITTED)
    MonthlyReportFactory(official=county.culture_official, month=NOV, status=ReportStatus.APPROVED,
                         rating="good", submitted_at=SUBMITTED)
    MonthlyReportFactory(official=county.staff_official, month=NOV, status=ReportStatus.RETURNED,
                         submitted_at=SUBMITTED)
    session_on(county, dt.date(2026, 11, 12), title="理论学习（未记考勤）")
    recorded = session_on(county, dt.date(2026, 11, 19))
    AttendanceFactory(session=recorded, official=county.staff_official, status="present", hours=2)
    CriticismFlagFactory(official=county.finance_official, quarter="2026-Q4", absences=3)
    return month


def counts(month) -> dict[str, int]:
    return {item.code: item.count for item in period_open_items(month)}


def test_months_and_quarters_of_a_period():
    assert period_months(period_stub("2026-11")) == [NOV]
    assert period_months(period_stub("2026-Q4")) == [dt.date(2026, 10, 1), NOV, dt.date(2026, 12, 1)]
    assert period_months(period_stub("2026-W45")) == []
    assert len(period_months(period_stub("2026"))) == 12
    assert period_quarters(period_stub("2026-11")) == ["2026-Q4"]
    assert period_quarters(period_stub("2026")) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def period_stub(key: str):
    from appraisal.models import AppraisalPeriod
    from appraisal.scoring.periods import parse_period_key

    span = parse_period_key(key)
    return AppraisalPeriod(key=span.key, kind=span.kind, start=span.start, end=span.end)


def test_the_open_items_are_counted(county):
    month = november(county)
    # 6 officials in post: 2 submitted (unreviewed) and 1 approved handed in; staff's is returned, head's and
    # finance's do not exist.
    assert counts(month) == {"reports_unreviewed": 2, "reports_missing": 3, "sessions_unrecorded": 1,
                             "flags_undecided": 1}
    OfficialFactory(unit=county.culture_office, joined_on=dt.date(2026, 12, 3))  # not in post in November
    assert counts(month)["reports_missing"] == 3


@pytest.mark.parametrize("unreviewed", [2, 9])
def test_the_close_page_shows_the_counts_with_links_in_constant_queries(county, client_for, unreviewed,
                                                                        django_assert_num_queries):
    month = november(county, unreviewed=unreviewed)
    client = client_for(county.orgadmin)
    url = reverse("appraisal:period_close", args=[month.key])
    with django_assert_num_queries(CLOSE_PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-item="reports_unreviewed" data-count="{unreviewed}"' in html
    assert 'data-item="sessions_unrecorded" data-count="1"' in html
    for code in ("reports_unreviewed", "reports_missing", "sessions_unrecorded", "flags_undecided"):
        assert reverse("appraisal:period_open_items", args=[month.key, code]) in html
    assert 'data-testid="open-warning"' in html


CLOSE_PAGE_QUERIES = 10  # session, user, grants, own official · the period · the four counts · unread notices


def test_closing_with_open_work_needs_a_reason_which_is_recorded(county, client_for):
    month = november(county)
    client = client_for(county.orgadmin)
    url = reverse("appraisal:period_close", args=[month.key])

    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert 'data-testid="reason-error"' in refused.content.decode()
    month.refresh_from_db()
    assert month.status == PeriodStatus.OPEN and not PeriodEvent.objects.exists()

    too_long = "理" * (NOTE + 1)  # one character over the limit of a reason
    kept = client.post(url, {"reason": too_long})
    assert kept.status_code == 400 and too_long in kept.content.decode()  # what was typed is kept

    done = client.post(url, {"reason": "报告审核延期，经部务会同意先行关闭"})
    assert done.status_code == 302
    month.refresh_from_db()
    assert month.status == PeriodStatus.CLOSED and month.close_reason == "报告审核延期，经部务会同意先行关闭"
    event = PeriodEvent.objects.get(period=month, action="close")
    assert event.reason.startswith("报告审核延期，经部务会同意先行关闭\n")
    assert str(LABELS["reports_unreviewed"]) in event.reason
    assert month.history.first().history_change_reason == "报告审核延期，经部务会同意先行关闭"
    page = client.get(reverse("appraisal:period_detail", args=[month.key])).content.decode()
    assert 'data-testid="close-reason"' in page and "报告审核延期" in page
    assert client.get(url).status_code == 302  # closed: no close page any more


def test_nothing_open_closes_without_a_reason(county, client_for):
    month = period("2026-11")
    for official in (county.head_official, county.staff_official, county.culture_official, county.finance_official):
        MonthlyReportFactory(official=official, month=NOV, status=ReportStatus.APPROVED, rating="good",
                             submitted_at=SUBMITTED)
    client = client_for(county.orgadmin)
    page = client.get(reverse("appraisal:period_close", args=[month.key])).content.decode()
    assert 'data-testid="nothing-open"' in page
    assert client.post(reverse("appraisal:period_close", args=[month.key]), {"reason": ""}).status_code == 302
    month.refresh_from_db()
    assert month.status == PeriodStatus.CLOSED and month.close_reason == ""


def test_the_service_refuses_without_a_reason_with_the_counts(county):
    from common.errors import ApplicationError

    month = november(county)
    with pytest.raises(ApplicationError) as refused:
        period_close(period=month, by=county.orgadmin)
    assert refused.value.code == "reason_required"
    assert refused.value.extra["open_items"] == {"reports_unreviewed": 2, "reports_missing": 3,
                                                 "sessions_unrecorded": 1, "flags_undecided": 1}


@pytest.mark.parametrize("code,expected", [
    ("reports_unreviewed", ["待审0", "待审1"]),
    ("reports_missing", ["王局长", "李科员", "钱科员"]),
    ("sessions_unrecorded", ["理论学习（未记考勤）"]),
    ("flags_undecided", ["钱科员"]),
])
def test_each_open_item_lists_its_records(county, client_for, code, expected):
    month = november(county)
    response = client_for(county.orgadmin).get(reverse("appraisal:period_open_items", args=[month.key, code]))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    names = [getattr(r, "title", None) or getattr(getattr(r, "official", None), "name", None) or r.name for r in rows]
    assert sorted(names) == sorted(expected)


def test_an_open_item_list_costs_the_same_for_more_rows(county, client_for, django_assert_num_queries):
    month = november(county, unreviewed=2)
    client = client_for(county.orgadmin)
    url = reverse("appraisal:period_open_items", args=[month.key, "reports_missing"])
    with django_assert_num_queries(8) as small:
        client.get(url)
    for _ in range(30):
        OfficialFactory(unit=county.finance_office)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 33


def test_the_close_pages_are_the_organization_departments_only(county, client_for):
    month = november(county)
    for user in (county.head, county.staff, county.inspector):
        client = client_for(user)
        assert client.get(reverse("appraisal:period_close", args=[month.key])).status_code == 404
        assert client.get(reverse("appraisal:period_open_items", args=[month.key, "reports_missing"])
                          ).status_code == 404
    assert client_for(county.orgadmin).get(
        reverse("appraisal:period_open_items", args=[month.key, "nonsense"])).status_code == 404


# -- approving a report of a closed month ---------------------------------------------------------------------

def test_approving_a_report_of_a_closed_month_warns_but_goes_through(county, client_for):
    month = november(county)
    report = MonthlyReportFactory(official=county.staff_official, month=dt.date(2026, 10, 1),
                                  status=ReportStatus.SUBMITTED, submitted_at=SUBMITTED)
    october = period("2026-10")
    client = client_for(county.head)
    detail = reverse("tasks:report_detail", args=[report.pk])
    assert 'data-testid="closed-warning"' not in client.get(detail).content.decode()

    period_close(period=october, by=county.orgadmin, reason="测试")
    page = client.get(detail).content.decode()
    assert 'data-testid="closed-warning"' in page and "2026-10" in page
    response = client.post(reverse("tasks:report_approve", args=[report.pk]), {"rating": "good"}, follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert any("2026-10" in str(m) for m in response.context["messages"])
    assert month.status == PeriodStatus.OPEN


def test_the_api_answer_says_the_approval_no_longer_changes_the_score(county):
    october = period("2026-10")
    closed = MonthlyReportFactory(official=county.staff_official, month=dt.date(2026, 10, 1),
                                  status=ReportStatus.SUBMITTED, submitted_at=SUBMITTED)
    still_open = MonthlyReportFactory(official=county.staff_official, month=NOV, status=ReportStatus.SUBMITTED,
                                      submitted_at=SUBMITTED)
    period_close(period=october, by=county.orgadmin, reason="测试")
    api = APIClient()
    api.force_authenticate(county.head)
    answer = api.post(f"/api/v1/monthly-reports/{closed.pk}/approve/", {"rating": "good"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "approved"
    assert "2026-10" in answer.json()["warning"]
    answer = api.post(f"/api/v1/monthly-reports/{still_open.pk}/approve/", {"rating": "good"}, format="json")
    assert answer.status_code == 200 and answer.json()["warning"] is None


# -- closed periods hide what cannot work ---------------------------------------------------------------------

def test_the_remove_button_shows_only_for_entries_in_open_periods(county, client_for):
    october, november_ = period("2026-10"), period("2026-11")
    rule = ScoreRule.objects.get(code="innovation")
    for day, reason in ((dt.date(2026, 10, 20), "十月加分"), (dt.date(2026, 11, 3), "十一月加分")):
        ScoreEntryFactory(official=county.staff_official, occurred_on=day, rule=rule, points=2,
                          reason=reason, created_by=county.head)
    period_close(period=october, by=county.orgadmin, reason="测试")
    client = client_for(county.head)
    url = reverse("appraisal:official_score", args=[county.staff_official.pk])
    quarter = client.get(url, {"period": "2026-Q4"})
    removable = {row.reason: row.removable for row in quarter.context["rows"]}
    assert removable == {"十月加分": False, "十一月加分": True}
    assert quarter.content.decode().count('data-testid="remove-entry"') == 1
    assert november_.status == PeriodStatus.OPEN


def test_the_period_page_of_a_closed_period_offers_no_close(county, client_for):
    october = period("2026-10")
    client = client_for(county.orgadmin)
    assert 'data-testid="close-period"' in client.get(
        reverse("appraisal:period_detail", args=[october.key])).content.decode()
    period_close(period=october, by=county.orgadmin, reason="测试")
    page = client.get(reverse("appraisal:period_detail", args=[october.key])).content.decode()
    assert 'data-testid="close-period"' not in page and 'data-testid="publish-period"' in page
