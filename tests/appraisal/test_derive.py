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
from appraisal.services.derive import derive_entries
from appraisal.services.rollup import rollup_period
from tasks.models import LetterStatus, ReportStatus, Task, TaskStatus
from tests.appraisal.factories import ScoreEntryFactory, ScoreRuleFactory
from tests.conftest import statements
from tests.factories import (
    MonthlyReportFactory,
    OfficialFactory,
    RoleGrantFactory,
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


def _late_task_and_report(county) -> tuple[Task, object]:
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official,
                       deadline=dt.date(2026, 10, 10), status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 20))
    report = MonthlyReportFactory(official=county.staff_official, month=dt.date(2026, 10, 1),
                                  status=ReportStatus.SUBMITTED, is_late=True, submitted_at=timezone.now())
    return task, report


def test_late_tasks_and_reports_are_no_ledger_rows_their_components_count_them(county):
    """One fact, one consequence: lateness is in the work and timeliness components, not also −1 rows."""
    _late_task_and_report(county)
    MonthlyReportFactory(official=county.culture_official, month=dt.date(2026, 10, 1), status=ReportStatus.DRAFT,
                         is_missing=True)
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=dt.date(2026, 10, 12),
                status=TaskStatus.OVERDUE)
    for key in ("2026-10", "2026-11", "2026"):
        derive_entries(period=period(key), today=TODAY)
    assert entries() == []


def test_retired_rows_leave_open_periods_and_stay_in_closed_ones(county):
    task, report = _late_task_and_report(county)
    types = ContentType.objects.get_for_models(Task, type(report))
    retired = {code: ScoreRuleFactory(code=code, name=code, min_points=-1, max_points=-1, is_manual=False,
                                      is_active=False)
               for code in ("task_overdue", "report_late")}
    september, october = period("2026-09"), period("2026-10")
    for rule, source, ct, day in ((retired["task_overdue"], task, types[Task], dt.date(2026, 10, 10)),
                                  (retired["report_late"], report, types[type(report)], dt.date(2026, 9, 5))):
        ScoreEntryFactory(official=county.staff_official, occurred_on=day, rule=rule, points=-1,
                          reason="旧规则", origin="derived", source_type=ct, source_id=source.pk)
    type(september).objects.filter(pk=september.pk).update(status="closed")
    september.refresh_from_db()
    assert derive_entries(period=october, today=TODAY)["deleted"] == 1
    rollup_period(period=september)  # a closed period's recalculation does not re-derive: its ledger is frozen
    assert entries() == [("report_late", "李科员", report.pk, dt.date(2026, 9, 5), Decimal("-1.00"))]


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


def _letter(county, deadline: dt.date):
    return SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture_tourism,
                                    recipient_official=county.staff_official, reply_deadline=deadline)


def test_rederiving_changes_nothing_and_withdraws_entries_whose_fact_no_longer_qualifies(county):
    letter = _letter(county, dt.date(2026, 10, 10))
    other = _letter(county, dt.date(2026, 10, 11))
    rule = ScoreRule.objects.get(code="innovation")
    manual = ScoreEntryFactory(official=county.staff_official, occurred_on=dt.date(2026, 10, 3), rule=rule,
                               points=Decimal(2), reason="提出创新建议")
    october = period("2026-10")
    derive_entries(period=october, today=TODAY)
    first = entries()
    assert derive_entries(period=october, today=TODAY) == {"created": 0, "updated": 0, "deleted": 0,
                                                           "unchanged": 2}
    assert entries() == first
    assert derive_entries(period=period("2026"), today=TODAY)["created"] == 0  # the year holds the same rows

    type(letter).objects.filter(pk=letter.pk).update(
        status=LetterStatus.REPLIED, replied_at=timezone.make_aware(dt.datetime(2026, 10, 9, 9)))
    type(other).objects.filter(pk=other.pk).update(reply_deadline=dt.date(2026, 10, 25))  # still overdue, new date
    assert derive_entries(period=october, today=TODAY) == {"created": 0, "updated": 1, "deleted": 1,
                                                           "unchanged": 0}
    assert list(ScoreEntry.objects.filter(origin="derived").values_list("source_id", "occurred_on")) == [
        (other.pk, dt.date(2026, 10, 25))]
    assert ScoreEntry.objects.filter(pk=manual.pk).exists()  # manual entries are never touched
    kinds = list(ScoreEntry.history.filter(origin="derived").order_by("history_id").values_list(
        "history_type", flat=True))
    assert kinds == ["+", "+", "-", "~"]


def test_a_letter_moved_into_the_window_keeps_its_single_entry(county):
    letter = _letter(county, dt.date(2026, 9, 28))
    derive_entries(period=period("2026-09"), today=TODAY)
    type(letter).objects.filter(pk=letter.pk).update(reply_deadline=dt.date(2026, 10, 2))
    assert derive_entries(period=period("2026-10"), today=TODAY)["updated"] == 1
    assert list(ScoreEntry.objects.values_list("occurred_on", flat=True)) == [dt.date(2026, 10, 2)]
    ct = ContentType.objects.get_for_model(letter)
    assert ScoreEntry.objects.filter(source_type=ct, source_id=letter.pk).count() == 1


def test_an_inactive_rule_derives_nothing(county):
    ScoreRule.objects.filter(code="letter_overdue").update(is_active=False)
    _letter(county, dt.date(2026, 10, 10))
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
    RoleGrantFactory(user=county.head, unit=county.culture_office, role="head")
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
