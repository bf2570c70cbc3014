"""Derived ledger entries: which facts give points, on which date, for whom; idempotent and set-based."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.models import ScoreEntry, ScoreRule
from appraisal.services.derive import derive_entries, report_months_due_in
from org.models import RoleGrant
from tasks.models import LetterStatus, ReportStatus, Task, TaskStatus
from tests.conftest import statements
from tests.factories import (
    MonthlyReportFactory,
    OfficialFactory,
    SupervisionLetterFactory,
    TaskFactory,
    period,
)

TODAY = dt.date(2026, 11, 20)


def entries() -> list[tuple[str, str, int, str, Decimal]]:
    return sorted(
        ScoreEntry.objects.values_list("rule__code", "official__name", "source_id", "occurred_on", "points")
        .order_by()
    )


def test_report_deadlines_place_months_in_the_period_of_their_deadline():
    assert report_months_due_in(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == [dt.date(2026, 10, 1)]
    assert report_months_due_in(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == [
        dt.date(2025, 12, 1), *[dt.date(2026, m, 1) for m in range(1, 12)]]
    assert report_months_due_in(dt.date(2026, 10, 26), dt.date(2026, 11, 1)) == []


def test_overdue_and_late_tasks_cost_their_responsible_official_a_point(county):
    staff = county.staff_official
    overdue = TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 10),
                          status=TaskStatus.OVERDUE)
    open_past = TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 12))
    late = TaskFactory(unit=county.culture_tourism, responsible=county.culture_official,
                       deadline=dt.date(2026, 10, 15), status=TaskStatus.COMPLETED,
                       completed_on=dt.date(2026, 10, 20))
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 15),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 15))  # on time
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 16),
                status=TaskStatus.CANCELLED)
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 11, 3),
                status=TaskStatus.OVERDUE)  # another month
    october = period("2026-10")

    counts = derive_entries(period=october, today=TODAY)
    assert counts == {"created": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    assert entries() == [
        ("task_overdue", "李科员", overdue.pk, dt.date(2026, 10, 10), Decimal("-1.00")),
        ("task_overdue", "李科员", open_past.pk, dt.date(2026, 10, 12), Decimal("-1.00")),
        ("task_overdue", "赵主任", late.pk, dt.date(2026, 10, 15), Decimal("-1.00")),
    ]
    entry = ScoreEntry.objects.get(source_id=late.pk)
    assert entry.origin == "derived" and entry.source == late and "2026-10-20" in entry.reason

    # Before the deadline an open task is not overdue yet.
    ScoreEntry.objects.all().delete()
    assert derive_entries(period=october, today=dt.date(2026, 10, 11))["created"] == 2


def test_late_and_missing_reports_are_dated_at_their_deadline(county):
    late = MonthlyReportFactory(official=county.staff_official, month=dt.date(2026, 10, 1),
                                status=ReportStatus.SUBMITTED, is_late=True,
                                submitted_at=timezone.now())
    missing = MonthlyReportFactory(official=county.culture_official, month=dt.date(2026, 10, 1),
                                   status=ReportStatus.DRAFT, is_missing=True)
    MonthlyReportFactory(official=county.head_official, month=dt.date(2026, 10, 1), status=ReportStatus.APPROVED,
                         is_missing=True, submitted_at=timezone.now())  # flagged, then submitted: not missing
    MonthlyReportFactory(official=county.finance_official, month=dt.date(2026, 10, 1),
                         status=ReportStatus.SUBMITTED, submitted_at=timezone.now())  # on time

    assert derive_entries(period=period("2026-10"), today=TODAY)["created"] == 0  # deadline is 5 November
    derive_entries(period=period("2026-11"), today=TODAY)
    assert entries() == [
        ("report_late", "李科员", late.pk, dt.date(2026, 11, 5), Decimal("-1.00")),
        ("report_missing", "赵主任", missing.pk, dt.date(2026, 11, 5), Decimal("-2.00")),
    ]


def test_overdue_letters_cost_the_recipient_or_the_recipient_units_heads(county):
    to_official = SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture_tourism,
                                           recipient_official=county.staff_official,
                                           reply_deadline=dt.date(2026, 10, 9))
    to_unit = SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture,
                                       reply_deadline=dt.date(2026, 10, 20), status=LetterStatus.REPLIED,
                                       replied_at=timezone.make_aware(dt.datetime(2026, 10, 22, 9)))
    SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.finance,
                             reply_deadline=dt.date(2026, 10, 21))  # no head on 财政局: nobody to charge
    SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture,
                             reply_deadline=dt.date(2026, 10, 20), status=LetterStatus.REPLIED,
                             replied_at=timezone.make_aware(dt.datetime(2026, 10, 20, 23)))  # in time
    derive_entries(period=period("2026-10"), today=TODAY)
    assert entries() == [
        ("letter_overdue", "李科员", to_official.pk, dt.date(2026, 10, 9), Decimal("-1.00")),
        ("letter_overdue", "王局长", to_unit.pk, dt.date(2026, 10, 20), Decimal("-1.00")),
    ]


def test_rederiving_changes_nothing_and_withdraws_entries_whose_fact_no_longer_qualifies(county):
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official,
                       deadline=dt.date(2026, 10, 10), status=TaskStatus.OVERDUE)
    other = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official,
                        deadline=dt.date(2026, 10, 11), status=TaskStatus.OVERDUE)
    rule = ScoreRule.objects.get(code="innovation")
    manual = ScoreEntry.objects.create(official=county.staff_official, occurred_on=dt.date(2026, 10, 3), rule=rule,
                                       points=Decimal(2), reason="提出创新建议")
    october = period("2026-10")
    derive_entries(period=october, today=TODAY)
    first = entries()
    assert derive_entries(period=october, today=TODAY) == {"created": 0, "updated": 0, "deleted": 0,
                                                           "unchanged": 2}
    assert entries() == first
    assert derive_entries(period=period("2026"), today=TODAY)["created"] == 0  # the year holds the same rows

    Task.objects.filter(pk=task.pk).update(status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 9))
    Task.objects.filter(pk=other.pk).update(deadline=dt.date(2026, 10, 25))  # still overdue, new date
    assert derive_entries(period=october, today=TODAY) == {"created": 0, "updated": 1, "deleted": 1,
                                                           "unchanged": 0}
    assert list(ScoreEntry.objects.filter(origin="derived").values_list("source_id", "occurred_on")) == [
        (other.pk, dt.date(2026, 10, 25))]
    assert ScoreEntry.objects.filter(pk=manual.pk).exists()  # manual entries are never touched
    kinds = list(ScoreEntry.history.filter(origin="derived").order_by("history_id").values_list(
        "history_type", flat=True))
    assert kinds == ["+", "+", "-", "~"]


def test_a_task_moved_into_the_window_keeps_its_single_entry(county):
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official,
                       deadline=dt.date(2026, 9, 28), status=TaskStatus.OVERDUE)
    derive_entries(period=period("2026-09"), today=TODAY)
    Task.objects.filter(pk=task.pk).update(deadline=dt.date(2026, 10, 2))
    assert derive_entries(period=period("2026-10"), today=TODAY)["updated"] == 1
    assert list(ScoreEntry.objects.values_list("occurred_on", flat=True)) == [dt.date(2026, 10, 2)]
    ct = ContentType.objects.get_for_model(Task)
    assert ScoreEntry.objects.filter(source_type=ct, source_id=task.pk).count() == 1


def test_an_inactive_rule_derives_nothing(county):
    ScoreRule.objects.filter(code="task_overdue").update(is_active=False)
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=dt.date(2026, 10, 10),
                status=TaskStatus.OVERDUE)
    assert derive_entries(period=period("2026-10"), today=TODAY)["created"] == 0


def _facts(county, n: int) -> None:
    for i in range(n):
        official = OfficialFactory(unit=county.culture_office)
        TaskFactory(unit=county.culture_office, responsible=official, deadline=dt.date(2026, 10, 1 + i % 28),
                    status=TaskStatus.OVERDUE)
        MonthlyReportFactory(official=official, month=dt.date(2026, 9, 1), status=ReportStatus.DRAFT,
                             is_missing=True)
        SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture_office,
                                 reply_deadline=dt.date(2026, 10, 2 + i % 20))


@pytest.mark.parametrize("phase", ["insert", "rerun"])
def test_deriving_costs_the_same_number_of_statements_for_10_or_60_officials(county, phase):
    RoleGrant.objects.create(user=county.head, unit=county.culture_office, role="head")
    derive_entries(period=period("2026-10"), today=TODAY)  # warm the content-type cache
    counts = []
    for n in (10, 60):
        ScoreEntry.objects.all().delete()
        _facts(county, n - len(counts) * 10)  # 10, then 50 more
        if phase == "rerun":
            derive_entries(period=period("2026-10"), today=TODAY)
        with CaptureQueriesContext(connection) as captured:
            derive_entries(period=period("2026-10"), today=TODAY)
        counts.append(statements(captured.captured_queries))
    assert counts[0] == counts[1]
    assert ScoreEntry.objects.filter(rule__code="letter_overdue").count() == 60
