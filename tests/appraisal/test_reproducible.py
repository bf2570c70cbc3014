"""Closed periods are reproducible, and each fact counts in one place (issue 13, items 5 and 6).

Everything a score depends on is frozen with the period when it closes: the weights, rules and caps (the scheme
snapshot), the component constants, the hour targets, the grade thresholds and the 优秀 shares. Each test
changes one of them after the close, recalculates the closed period and gets identical numbers, while an open
period takes the change (so the test would fail if the parameter were not read at all).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from appraisal.models import GradeDecision, QuotaApproval, Scorecard, ScoreEntry
from appraisal.scoring.facts import FACTS, fact_places
from appraisal.services.grades import grades_propose
from appraisal.services.periods import period_close
from appraisal.services.rollup import rollup_period
from tasks.models import ReportStatus, TaskStatus
from tests.appraisal.factories import staff_in
from tests.factories import MonthlyReportFactory, TaskFactory, period
from tests.training.test_feed import attend, make_session
from training.models import AttendanceStatus
from training.services.targets import target_set


def scores(key: str) -> dict[int, tuple[Decimal, dict]]:
    return {c.official_id: (c.total, c.components) for c in Scorecard.objects.filter(period__key=key)}


def _october_facts(county) -> None:
    staff = county.staff_official
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 10),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 20))  # late
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 12),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 12))  # on time
    MonthlyReportFactory(official=staff, month=dt.date(2026, 10, 1), status=ReportStatus.APPROVED, is_late=True,
                         submitted_at=timezone.now(), rating="good")
    session = make_session(county.culture, dt.date(2026, 10, 9), hours="20")
    attend(session, staff, AttendanceStatus.PRESENT, hours="20")


# -- one fact, one consequence ------------------------------------------------------------------------


def test_every_fact_counts_in_exactly_one_place(db):
    places = fact_places()
    assert set(places) == set(FACTS), "a place counts a fact that appraisal.scoring.facts does not describe"
    assert {fact: where for fact, where in places.items() if len(where) != 1} == {}


def test_a_late_report_and_a_late_task_lower_their_component_and_leave_the_ledger_alone(county):
    _october_facts(county)
    rollup_period(period=period("2026-10"))
    card = Scorecard.objects.get(period__key="2026-10", official=county.staff_official)
    assert card.components["timeliness"]["inputs"]["reports_late"] == 1
    assert card.components["work"]["inputs"]["tasks_late"] == 1
    assert card.ledger_total == 0 and not ScoreEntry.objects.exists()


# -- reproducible closed periods ----------------------------------------------------------------------


def _close_october(county) -> dict[int, tuple[Decimal, dict]]:
    _october_facts(county)
    period_close(period=period("2026-10"), by=county.orgadmin, reason="测试：提前关闭")
    frozen = scores("2026-10")
    assert frozen[county.staff_official.pk][0] > 0
    return frozen


def test_component_constants_are_frozen_with_the_period(county):
    frozen = _close_october(county)
    changed = {"work": {"late": "0.1", "task_share": "0.9", "quality_share": "0.1", "good": "0.2"},
               "timeliness": {"late": "0"}}
    with override_settings(APPRAISAL_COMPONENT_CONSTANTS=changed):
        rollup_period(period=period("2026-10"))
        assert scores("2026-10") == frozen
        rollup_period(period=period("2026"))  # an open period takes the new constants
        year = Scorecard.objects.get(period__key="2026", official=county.staff_official)
        assert year.components["timeliness"]["ratio"] == 0.0  # the late report: 0 now, 0.5 in the closed month


def test_hour_targets_are_frozen_with_the_period(county):
    frozen = _close_october(county)
    target_set(by=county.orgadmin, rank_level=county.staff_official.rank_level, hours=Decimal(400))
    rollup_period(period=period("2026-10"))
    assert scores("2026-10") == frozen
    rollup_period(period=period("2026-11"))
    november = Scorecard.objects.get(period__key="2026-11", official=county.staff_official)
    assert november.components["training"]["inputs"]["target"] == 400.0


def test_weights_and_caps_stay_frozen_as_before(county):
    from appraisal.models import SchemeComponent

    frozen = _close_october(county)
    SchemeComponent.objects.filter(component="work").update(weight=Decimal(5))
    rollup_period(period=period("2026-10"))
    assert scores("2026-10") == frozen


def test_a_closed_period_is_not_re_derived(county):
    frozen = _close_october(county)
    letter_rows = ScoreEntry.objects.count()
    from tests.factories import SupervisionLetterFactory

    SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture_tourism,
                             recipient_official=county.staff_official, reply_deadline=dt.date(2026, 10, 3))
    rollup_period(period=period("2026-10"))
    assert ScoreEntry.objects.count() == letter_rows and scores("2026-10") == frozen


@pytest.fixture
def closed_year(county):
    staff_in(county.culture_office, county.culture, [96, 95, 94, 93, 92, 91, 80, 80, 75, 65])
    year = period("2026")
    QuotaApproval.objects.create(period=year, unit=county.culture, share=Decimal("0.25"), reason="重大任务",
                                 approved_by=county.orgadmin)
    grades_propose(period=year, by=county.orgadmin)
    type(year).objects.filter(pk=year.pk).update(status="closed")
    year.refresh_from_db()
    from appraisal.scoring.parameters import live_parameters
    from appraisal.selectors.schemes import scheme_snapshot

    type(year).objects.filter(pk=year.pk).update(
        scheme_snapshot={**scheme_snapshot(), "parameters": live_parameters(year)})
    year.refresh_from_db()
    return year


def proposals(year) -> dict[int, str]:
    return dict(GradeDecision.objects.filter(period=year).values_list("official_id", "proposed"))


def test_grade_thresholds_and_quota_shares_are_frozen_with_the_year(closed_year, county):
    before = proposals(closed_year)
    assert sorted(before.values()).count("excellent") == 2  # floor(0.25 × 10)
    QuotaApproval.objects.filter(period=closed_year).delete()
    with override_settings(APPRAISAL_GRADE_THRESHOLDS={"excellent": 99, "competent": 95, "basic": 90},
                           APPRAISAL_EXCELLENT_QUOTA=0.1):
        grades_propose(period=closed_year, by=county.orgadmin)
        assert proposals(closed_year) == before
        type(closed_year).objects.filter(pk=closed_year.pk).update(status="open")  # re-opened: live values
        closed_year.refresh_from_db()
        grades_propose(period=closed_year, by=county.orgadmin)
        assert "excellent" not in proposals(closed_year).values()


def test_quarterly_thresholds_and_the_share_of_good_are_frozen_with_the_quarter(county):
    from appraisal.models import QuarterlyGrade
    from tests.appraisal.quarterly_helpers import propose, proposed, scored

    people = scored(county.culture_office, county.culture, [95, 90, 84, 72, 65])
    propose(county)
    before = proposed(people)
    assert before[:2] == ["good", "good"]  # 40 % of 5 → 2
    q3 = period("2026-Q3")
    from appraisal.scoring.parameters import live_parameters
    from appraisal.selectors.schemes import scheme_snapshot

    type(q3).objects.filter(pk=q3.pk).update(status="closed",
                                            scheme_snapshot={**scheme_snapshot(), "parameters": live_parameters(q3)})
    QuarterlyGrade.objects.all().delete()
    with override_settings(APPRAISAL_QUARTERLY_THRESHOLDS={"good": 99, "fairly_good": 98, "average": 97},
                           APPRAISAL_QUARTERLY_GOOD_SHARE=0):
        propose(county)
        assert proposed(people) == before
