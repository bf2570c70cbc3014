"""The rollup: components, scaling, ledger caps, ranks, unit scorecards, schemes, snapshots, runs and jobs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.jobs import due_period_key, rollup_due, rollup_job
from appraisal.models import (
    PeriodStatus,
    RollupRun,
    SchemeComponent,
    Scorecard,
    ScoreEntry,
    ScoreRule,
    UnitScorecard,
)
from appraisal.selectors.periods import period_rows
from appraisal.services.periods import period_close, period_publish, period_reopen
from appraisal.services.rescore import scorecards_refresh
from appraisal.services.rollup import rollup_period, rollup_start
from common.errors import ApplicationError
from tasks.models import ReportStatus, TaskStatus
from tests.appraisal.factories import RollupRunFactory, SchemeComponentFactory, SchemeFactory, ScoreEntryFactory
from tests.conftest import statements
from tests.factories import MonthlyReportFactory, OfficialFactory, TaskFactory, UnitCategoryFactory, period

D = Decimal
SUBMITTED = timezone.make_aware(dt.datetime(2026, 11, 2, 10))


def report(official, *, late: bool = False, rating: str = "", status: str = ReportStatus.SUBMITTED, **kw):
    return MonthlyReportFactory(official=official, month=dt.date(2026, 10, 1), status=status, rating=rating,
                                is_late=late, submitted_at=SUBMITTED, **kw)


def manual(official, code: str, points: int, day: dt.date = dt.date(2026, 10, 8)) -> ScoreEntry:
    return ScoreEntryFactory(official=official, occurred_on=day, rule_code=code, points=D(points))


@pytest.fixture
def scored(county):
    """October 2026: 李科员 88 from components (a late task counts there only), +6 bonus after the cap → 94."""
    category = UnitCategoryFactory(code="BUREAU", name="县直部门")
    for unit in (county.culture, county.finance):
        unit.category = category
        unit.save()
    staff = county.staff_official
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 10),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 9))
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 20),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 22))  # late: 0.7, no ledger row
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 21),
                status=TaskStatus.CANCELLED)
    report(staff, rating="good", status=ReportStatus.APPROVED)
    report(county.culture_official, late=True)
    report(county.finance_official)
    for points in (3, 3, 2):
        manual(staff, "innovation", points)  # 8, capped at 6
    manual(staff, "innovation", 3, day=dt.date(2026, 11, 2))  # another month
    return county, category


def card(official, key: str = "2026-10") -> Scorecard:
    return Scorecard.objects.get(period__key=key, official=official)


def test_scorecards_hold_components_ledger_total_and_ranks(scored):
    county, category = scored
    run = rollup_period(period=period("2026-10"))
    assert (run.status, run.progress, run.officials, run.final) == ("done", 100, 4, False)

    staff = card(county.staff_official)
    work, timeliness = staff.components["work"], staff.components["timeliness"]
    assert (work["ratio"], work["weight"], work["effective_weight"], work["points"]) == (0.85, 40.0, 80.0, 68.0)
    assert work["inputs"]["tasks"] == 2 and work["inputs"]["tasks_late"] == 1
    assert work["inputs"]["rated_good"] == 1
    assert (timeliness["ratio"], timeliness["points"]) == (1.0, 20.0)
    assert staff.components["evaluation"]["ratio"] is None  # no facts: left out, the others scaled up
    assert (staff.component_total, staff.bonus, staff.deduction, staff.ledger_total, staff.total) == (
        D("88.00"), D("6.00"), D("0.00"), D("6.00"), D("94.00"))
    assert staff.unit == county.culture and staff.category == category and staff.is_provisional

    culture = card(county.culture_official)  # a late report only: timeliness 0.5 scaled to 100
    assert (culture.component_total, culture.total) == (D("50.00"), D("50.00"))
    head = card(county.head_official)  # no facts at all
    assert (head.total, head.unit) == (D("0.00"), county.culture)
    finance = card(county.finance_official)
    assert finance.total == D("100.00")

    ranks = {c.official.name: (c.rank_in_unit, c.rank_in_category)
             for c in Scorecard.objects.filter(period__key="2026-10").select_related("official")}
    # In 文旅局: 94, 50, 0. Among 县直部门 ordinary cadres: 钱科员 100, 李科员 94; the others alone in their rank.
    assert ranks == {"李科员": (1, 2), "赵主任": (2, 1), "王局长": (3, 1), "钱科员": (1, 1)}

    units = {u.unit.code: (u.headcount, u.average_total, u.rank_in_category)
             for u in UnitScorecard.objects.filter(period__key="2026-10").select_related("unit")}
    assert units == {"WL": (3, D("48.00"), 2), "CZ": (1, D("100.00"), 1)}
    assert period("2026-10").last_rollup_at == staff.computed_at


def test_ties_share_a_rank_and_the_next_rank_skips(scored):
    county, _category = scored
    twins = [OfficialFactory(unit=county.finance_office) for _ in range(2)]
    for official in twins:
        report(official)
    later = OfficialFactory(unit=county.finance_office)
    report(later, late=True)
    rollup_period(period=period("2026-10"))
    ranks = sorted(Scorecard.objects.filter(period__key="2026-10", unit=county.finance).values_list(
        "total", "rank_in_unit"))
    assert ranks == [(D("50.00"), 4), (D("100.00"), 1), (D("100.00"), 1), (D("100.00"), 1)]


def test_the_card_keeps_the_officials_name_for_the_boards_order(scored):
    """The ranking board breaks ties by the name on the card (its index); a renamed official's card follows at the
    next rollup."""
    county, _category = scored
    october = period("2026-10")
    rollup_period(period=october)
    assert card(county.staff_official).name == "李科员"
    county.staff_official.name = "李新名"
    county.staff_official.save()
    rollup_period(period=october)
    assert card(county.staff_official).name == "李新名"


def test_the_periods_page_counts_scorecards_from_the_unit_headcounts(scored):
    """The periods page adds up the unit scorecards' headcounts: equal to the scorecards after a rollup, and after
    a rescore that scores one more official."""
    county, _category = scored
    october = period("2026-10")
    rollup_period(period=october)
    listed = period_rows().get(pk=october.pk)
    assert listed.scorecard_count == Scorecard.objects.filter(period=october).count() == 4
    newcomer = OfficialFactory(unit=county.finance_office)
    report(newcomer)
    scorecards_refresh(period=october, official_ids=[newcomer.pk])
    assert period_rows().get(pk=october.pk).scorecard_count == Scorecard.objects.filter(period=october).count() == 5


def test_rolling_up_twice_changes_nothing(scored):
    october = period("2026-10")
    rollup_period(period=october)
    fields = ["official_id", "unit_id", "category_id", "rank_level", "components", "component_total", "bonus",
              "deduction", "ledger_total", "total", "rank_in_unit", "rank_in_category", "is_provisional",
              "computed_at"]  # nothing changed, so nothing was written: not even the computed time
    first = list(Scorecard.objects.filter(period=october).order_by("official").values_list(*fields))
    first_units = list(UnitScorecard.objects.filter(period=october).order_by("unit").values_list(
        "unit", "headcount", "average_total", "rank_in_category", "computed_at"))
    entries = list(ScoreEntry.objects.order_by("pk").values_list("pk", "points", "occurred_on"))
    rollup_period(period=october)
    assert list(Scorecard.objects.filter(period=october).order_by("official").values_list(*fields)) == first
    assert list(UnitScorecard.objects.filter(period=october).order_by("unit").values_list(
        "unit", "headcount", "average_total", "rank_in_category", "computed_at")) == first_units
    assert list(ScoreEntry.objects.order_by("pk").values_list("pk", "points", "occurred_on")) == entries
    assert RollupRun.objects.filter(period=october, status="done").count() == 2


def test_the_most_specific_scheme_applies(scored):
    county, category = scored
    specific = SchemeFactory(name="县直部门一般干部", category=category, rank_level="ordinary")
    SchemeComponentFactory(scheme=specific, component="work", weight=D(50))
    SchemeComponentFactory(scheme=specific, component="timeliness", weight=D(50))
    middle = SchemeFactory(name="中层干部", rank_level="middle")
    SchemeComponentFactory(scheme=middle, component="timeliness", weight=D(10))
    SchemeComponentFactory(scheme=middle, component="evaluation", weight=D(90))
    rollup_period(period=period("2026-10"))
    assert card(county.staff_official).component_total == D("92.50")  # 50 × 0.85 + 50 × 1.0
    assert card(county.culture_official).component_total == D("50.00")  # (any, middle): timeliness alone
    assert card(county.culture_official).components["evaluation"]["weight"] == 90.0


def test_editing_the_scheme_after_closing_leaves_the_closed_period_unchanged(scored):
    county, _category = scored
    october = period("2026-10")
    period_close(period=october, by=county.orgadmin, reason="测试：提前关闭")
    before = card(county.staff_official)
    assert not before.is_provisional and before.total == D("94.00")

    SchemeComponent.objects.filter(scheme__category=None, scheme__rank_level="", component="work").update(
        weight=D(10))
    ScoreRule.objects.filter(code="innovation").update(cap=D(1))
    rollup_period(period=october)  # a recalculation of the closed period uses its snapshot
    after = card(county.staff_official)
    assert (after.total, after.components, after.is_provisional) == (before.total, before.components, False)

    period_reopen(period=october, by=county.orgadmin, reason="调整权重后重算")
    rollup_period(period=october)  # open again: the live scheme, provisional
    reopened = card(county.staff_official)
    assert reopened.is_provisional and reopened.total != before.total and reopened.bonus == D("1.00")


def test_published_periods_are_frozen_and_final_needs_a_closed_period(scored):
    county, _category = scored
    october = period("2026-10")
    with pytest.raises(ApplicationError) as refused:
        rollup_period(period=october, final=True)
    assert refused.value.code == "invalid_transition"
    period_close(period=october, by=county.orgadmin, reason="测试：提前关闭")
    period_publish(period=october, by=county.orgadmin)
    with pytest.raises(ApplicationError) as refused:
        rollup_period(period=october)
    assert refused.value.code == "frozen"


def test_officials_who_left_lose_their_scorecard(scored):
    county, _category = scored
    october = period("2026-10")
    rollup_period(period=october)
    county.culture_official.is_active = False
    county.culture_official.save()
    rollup_period(period=october)
    assert not Scorecard.objects.filter(official=county.culture_official).exists()
    assert UnitScorecard.objects.get(period=october, unit=county.culture).headcount == 2


def _population(county, n: int) -> None:
    for i in range(n):
        unit = (county.culture_office, county.culture_tourism, county.finance_office)[i % 3]
        official = OfficialFactory(unit=unit, rank_level=("ordinary", "middle")[i % 2])
        TaskFactory(unit=unit, responsible=official, deadline=dt.date(2026, 10, 1 + i % 28),
                    status=TaskStatus.OVERDUE)
        report(official, late=bool(i % 2), rating="good", status=ReportStatus.APPROVED)
        manual(official, "innovation", 1 + i % 3)


def test_a_rollup_costs_the_same_number_of_statements_for_10_or_60_officials(scored):
    county, _category = scored
    counts = []
    for added in (10, 50):
        _population(county, added)
        october = period("2026-10")
        rollup_period(period=october)  # derive first, so both measured runs only re-derive
        with CaptureQueriesContext(connection) as captured:
            rollup_period(period=october)
        counts.append(statements(captured.captured_queries))
    assert counts[0] == counts[1]
    assert Scorecard.objects.filter(period__key="2026-10").count() == 64


def test_orgadmin_starts_a_rollup_run_that_the_job_completes(scored, django_capture_on_commit_callbacks):
    county, _category = scored
    october = period("2026-10")
    with django_capture_on_commit_callbacks(execute=True):
        run = rollup_start(period=october, by=county.orgadmin)
    run.refresh_from_db()
    assert (run.status, run.progress, run.officials, run.started_by) == ("done", 100, 4, county.orgadmin)
    assert Scorecard.objects.filter(period=october).count() == 4

    with pytest.raises(ApplicationError) as refused:
        rollup_start(period=october, by=county.head)
    assert refused.value.code == "forbidden"

    RollupRunFactory(period=october, status=RollupRun.Status.RUNNING)
    with pytest.raises(ApplicationError) as refused:
        rollup_start(period=october, by=county.orgadmin)
    assert refused.value.code == "conflict"


def test_a_failing_run_is_marked_failed_with_the_error(scored, monkeypatch):
    october = period("2026-10")
    run = RollupRunFactory(period=october)

    def broken(*, start, end):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("appraisal.services.rollup.rederive", broken)
    result = rollup_job(run.pk)
    run.refresh_from_db()
    assert (result["status"], run.status, run.error) == ("failed", "failed", "磁盘已满")
    assert rollup_job(run.pk)["skipped"]  # a redelivered job does not run again


def test_beat_rolls_up_the_period_just_ended_and_leaves_closed_ones_alone(scored):
    county, _category = scored
    assert due_period_key("week", dt.date(2026, 10, 26)) == "2026-W43"
    assert due_period_key("month", dt.date(2026, 11, 6)) == "2026-10"
    assert due_period_key("quarter", dt.date(2027, 1, 6)) == "2026-Q4"
    assert due_period_key("year", dt.date(2027, 1, 6)) == "2026"
    assert rollup_due("month", "2026-11-06") == {"period": "2026-10", "status": "done", "officials": 4}
    assert Scorecard.objects.filter(period__key="2026-10", is_provisional=True).count() == 4
    period_close(period=period("2026-10"), by=county.orgadmin, reason="测试：提前关闭")
    assert rollup_due("month", "2026-11-06") == {"period": "2026-10", "skipped": PeriodStatus.CLOSED}


def test_the_rollup_command_prints_counts_and_refuses_bad_input(scored):
    out = StringIO()
    call_command("rollup", "2026-10", stdout=out)
    assert "2026-10" in out.getvalue() and "4" in out.getvalue()
    assert Scorecard.objects.filter(period__key="2026-10").count() == 4
    call_command("rollup", "2026-Q4", stdout=StringIO())
    assert UnitScorecard.objects.filter(period__key="2026-Q4").count() == 2
    with pytest.raises(CommandError):
        call_command("rollup", "2026-13", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("rollup", "2026-10", "--final", stdout=StringIO())
