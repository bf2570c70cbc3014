"""Annual grades: thresholds, the 优秀 quota (rounded down, ties at the boundary, a recorded approval),
constraints that cap or replace a grade, the commendation and dismissal-review flags, confirmation with
overrides (reason required, audited, within the quota) and the lock of a closed year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import Grade, GradeDecision, PeriodStatus, QuotaApproval
from appraisal.services.grades import FLAG_COMMENDATION, FLAG_DISMISSAL_REVIEW, FLAG_QUOTA_TIE, grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit, quota_approve
from common.errors import ApplicationError
from common.models import Notification
from tests.appraisal.annual_helpers import ready_to_confirm
from tests.appraisal.factories import GradeDecisionFactory, ScorecardFactory, staff_in
from tests.factories import OfficialFactory, period

# A test provider: caps the officials listed here (empty outside the test that fills it).
CAPPED: dict[int, str] = {}


@grade_constraint_provider
def _capped_for_tests(year: int, official_ids):
    for official_id, cap in CAPPED.items():
        if official_ids is None or official_id in official_ids:
            yield GradeConstraint(official_id=official_id, max_grade=cap, reason="诫勉谈话（测试）",
                                  source="discipline")


@pytest.fixture(autouse=True)
def _no_caps():
    CAPPED.clear()
    yield
    CAPPED.clear()


def grades_of(people) -> dict[int, str]:
    rows = GradeDecision.objects.filter(period=period("2026"), official__in=people)
    return {g.official_id: g.proposed for g in rows}


def test_thresholds_give_each_grade(county):
    # 10 officials so the quota (2) leaves the single 优秀 candidate alone.
    people = staff_in(county.culture_office, county.culture, [95, 89.99, 70, 69.99, 60, 59.99, 75, 75, 75, 75])
    result = grades_propose(period=period("2026"), by=county.orgadmin)
    assert result.created == 10
    got = grades_of(people)
    assert [got[p.pk] for p in people[:6]] == [
        Grade.EXCELLENT, Grade.COMPETENT, Grade.COMPETENT, Grade.BASIC, Grade.BASIC, Grade.INCOMPETENT]
    decision = GradeDecision.objects.get(official=people[0])
    assert decision.score == Decimal("95.00") and decision.unit == county.culture and decision.final == ""


def test_thresholds_come_from_settings(county, settings):
    settings.APPRAISAL_GRADE_THRESHOLDS = {"excellent": 95, "competent": 80, "basic": 65}
    people = staff_in(county.culture_office, county.culture, [94, 79, 64, 90, 90])
    grades_propose(period=period("2026"), by=county.orgadmin)
    got = grades_of(people)
    assert [got[p.pk] for p in people[:3]] == [Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]


@pytest.mark.parametrize(("headcount", "quota"), [(4, 0), (5, 1), (9, 1), (10, 2), (14, 2), (15, 3)])
def test_quota_is_twenty_percent_rounded_down(county, headcount, quota):
    people = staff_in(county.culture_office, county.culture, [99 - i for i in range(headcount)])
    grades_propose(period=period("2026"), by=county.orgadmin)
    got = grades_of(people)
    excellent = [p for p in people if got[p.pk] == Grade.EXCELLENT]
    assert excellent == people[:quota]  # the highest totals
    assert all(got[p.pk] == Grade.COMPETENT for p in people[quota:] if p not in excellent)


def test_quota_is_per_top_level_unit(county):
    culture = staff_in(county.culture_office, county.culture, [95] * 5)
    finance = staff_in(county.finance_office, county.finance, [91, 80, 80, 80, 80])
    grades_propose(period=period("2026"), by=county.orgadmin)
    assert sum(g == Grade.EXCELLENT for g in grades_of(culture).values()) == 0  # 5 tied for 1 place
    assert grades_of(finance)[finance[0].pk] == Grade.EXCELLENT


def test_exactly_at_the_threshold_and_ties_at_the_quota_boundary(county):
    # 10 officials → quota 2. 99 takes one place; 95 and 95 tie for the last one: neither is proposed 优秀,
    # both are flagged for the organization department to decide. 90.00 exactly is eligible.
    people = staff_in(county.culture_office, county.culture, [99, 95, 95, 80, 80, 80, 80, 80, 80, 80])
    grades_propose(period=period("2026"), by=county.orgadmin)
    got = grades_of(people)
    assert got[people[0].pk] == Grade.EXCELLENT
    assert got[people[1].pk] == got[people[2].pk] == Grade.COMPETENT
    tied = GradeDecision.objects.filter(official__in=people[1:3])
    assert all(FLAG_QUOTA_TIE in g.flags for g in tied)
    assert FLAG_QUOTA_TIE not in GradeDecision.objects.get(official=people[0]).flags

    others = staff_in(county.finance_office, county.finance, [90, 90, 89.99, 80, 80, 80, 80, 80, 80, 80])
    grades_propose(period=period("2026"), by=county.orgadmin)
    got = grades_of(others)
    # Two tied at exactly 90 fill the quota of 2 exactly: both are 优秀, no tie flag.
    assert got[others[0].pk] == got[others[1].pk] == Grade.EXCELLENT
    assert got[others[2].pk] == Grade.COMPETENT
    assert not any(FLAG_QUOTA_TIE in g.flags for g in GradeDecision.objects.filter(official__in=others))


def test_a_recorded_approval_raises_the_quota_up_to_the_ceiling(county):
    people = staff_in(county.culture_office, county.culture, [99, 98, 97, 96, 95, 94] + [80] * 14)
    year = period("2026")
    with pytest.raises(ApplicationError) as refused:  # never past 25 %, approval or not
        quota_approve(period=year, unit=county.culture, share=Decimal("0.4"), reason="批复", by=county.orgadmin)
    assert refused.value.code == "bad_share" and "25%" in refused.value.message
    approval = quota_approve(period=year, unit=county.culture, share=Decimal("0.25"),
                             reason="省委组织部批复〔2026〕3号", by=county.orgadmin)
    assert approval.history.first().history_user == county.orgadmin
    grades_propose(period=year, by=county.orgadmin)
    got = grades_of(people)
    # 20 appraised: the default 20 % allows 4, the approved 25 % allows 5.
    assert [got[p.pk] for p in people[:6]] == [Grade.EXCELLENT] * 5 + [Grade.COMPETENT]


def test_quota_approval_is_refused_without_reason_below_default_or_for_others(county):
    year = period("2026")
    with pytest.raises(ApplicationError) as refused:
        quota_approve(period=year, unit=county.culture, share=Decimal("0.3"), reason=" ", by=county.orgadmin)
    assert refused.value.code == "reason_required"
    with pytest.raises(ApplicationError) as refused:
        quota_approve(period=year, unit=county.culture, share=Decimal("0.2"), reason="x", by=county.orgadmin)
    assert refused.value.code == "bad_share"
    with pytest.raises(ApplicationError) as refused:
        quota_approve(period=year, unit=county.culture, share=Decimal("0.3"), reason="x", by=county.head)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        quota_approve(period=period("2026-10"), unit=county.culture, share=Decimal("0.3"), reason="x",
                      by=county.orgadmin)
    assert refused.value.code == "not_a_year"
    assert not QuotaApproval.objects.exists()


def test_constraints_cap_and_replace_and_are_stored_with_reasons(county):
    people = staff_in(county.culture_office, county.culture, [99, 98, 60, 80, 80, 80, 80, 80, 80, 80])
    CAPPED[people[0].pk] = Grade.COMPETENT  # admonished: at most 称职, takes no 优秀 place
    CAPPED[people[2].pk] = Grade.COMPETENT  # a cap never raises: 基本称职 stays
    probation = OfficialFactory(unit=county.culture_tourism, joined_on=dt.date(2026, 3, 1))
    ScorecardFactory(official=probation, unit=county.culture, period=period("2026"), total=Decimal(95))
    left = OfficialFactory(unit=county.culture_tourism, is_active=False, left_on=dt.date(2026, 6, 30))
    ScorecardFactory(official=left, unit=county.culture, period=period("2026"), total=Decimal(97))
    grades_propose(period=period("2026"), by=county.orgadmin)

    got = grades_of([*people, probation, left])
    assert got[people[0].pk] == Grade.COMPETENT
    assert got[people[1].pk] == Grade.EXCELLENT  # the next highest takes the place
    assert got[people[2].pk] == Grade.BASIC
    assert got[probation.pk] == Grade.UNDETERMINED
    assert got[left.pk] == Grade.NOT_APPRAISED
    capped = GradeDecision.objects.get(official=people[0])
    assert capped.constraints == [{"max_grade": "competent", "reason": "诫勉谈话（测试）", "source": "discipline",
                                   "until": None}]
    assert GradeDecision.objects.get(official=probation).constraints[0]["source"] == "probation"
    assert GradeDecision.objects.get(official=left).constraints[0]["source"] == "left"


def test_probation_ends_a_year_after_joining_and_leavers_count_out_of_the_headcount(county):
    # Joined in September 2025: the probation ended in September 2026, before the year is appraised, so the
    # year is graded (the old rule held such an official at 不确定等次 all year).
    long_ago = OfficialFactory(unit=county.culture_office, joined_on=dt.date(2025, 9, 1))
    ScorecardFactory(official=long_ago, unit=county.culture, total=Decimal(99))
    # Joined on 31 December 2025: the probation runs to the last day of 2026 and has ended by then.
    edge = OfficialFactory(unit=county.culture_office, joined_on=dt.date(2025, 12, 31))
    ScorecardFactory(official=edge, unit=county.culture, total=Decimal(70))
    # Joined on 1 January 2026: still in probation when 2026 is appraised.
    recruit = OfficialFactory(unit=county.culture_office, joined_on=dt.date(2026, 1, 1))
    ScorecardFactory(official=recruit, unit=county.culture, total=Decimal(70))
    # 5 appraised (the leaver is not; the recruit in probation is): quota 1, so the 99 is 优秀.
    staff_in(county.culture_office, county.culture, [70, 70])
    gone = OfficialFactory(unit=county.culture_office, is_active=False, left_on=None)
    ScorecardFactory(official=gone, unit=county.culture, total=Decimal(50))
    grades_propose(period=period("2026"), by=county.orgadmin)
    assert GradeDecision.objects.get(official=long_ago).proposed == Grade.EXCELLENT
    assert GradeDecision.objects.get(official=edge).proposed == Grade.COMPETENT
    recruit_grade = GradeDecision.objects.get(official=recruit)
    assert recruit_grade.proposed == Grade.UNDETERMINED
    assert recruit_grade.constraints[0]["until"] == "2027-01-01"
    assert GradeDecision.objects.get(official=gone).proposed == Grade.NOT_APPRAISED


def _final(official, key: str, grade: str) -> None:
    GradeDecisionFactory(period=period(key), official=official, unit=official.unit, proposed=grade, final=grade,
                         score=Decimal(90))


def test_flags_use_the_previous_years_final_grades(county):
    star, weak, once = staff_in(county.culture_office, county.culture, [99, 50, 98, 80, 80])[:3]
    for key in ("2024", "2025"):
        _final(star, key, Grade.EXCELLENT)
    _final(weak, "2025", Grade.INCOMPETENT)
    _final(once, "2025", Grade.EXCELLENT)  # only one previous year: no commendation
    grades_propose(period=period("2026"), by=county.orgadmin)
    assert GradeDecision.objects.get(period__key="2026", official=star).flags == [FLAG_COMMENDATION]
    assert GradeDecision.objects.get(period__key="2026", official=weak).flags == [FLAG_DISMISSAL_REVIEW]
    assert GradeDecision.objects.get(period__key="2026", official=once).flags == []


def test_propose_is_refused_for_others_without_scorecards_and_for_other_periods(county):
    with pytest.raises(ApplicationError) as refused:
        grades_propose(period=period("2026"), by=county.orgadmin)
    assert refused.value.code == "no_scorecards"
    staff_in(county.culture_office, county.culture, [80])
    with pytest.raises(ApplicationError) as refused:
        grades_propose(period=period("2026"), by=county.head)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        grades_propose(period=period("2026-10"), by=county.orgadmin)
    assert refused.value.code == "not_a_year"
    assert not GradeDecision.objects.exists()


def test_propose_again_updates_but_keeps_confirmed_grades(county):
    people = staff_in(county.culture_office, county.culture, [80, 80, 80, 80, 80])
    finance = staff_in(county.finance_office, county.finance, [80])
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    ready_to_confirm(county, county.culture)
    grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin)
    year.scorecards.update(total=Decimal(50))
    result = grades_propose(period=year, by=county.orgadmin)
    assert (result.created, result.updated, result.kept_confirmed) == (0, 1, 5)
    assert grades_of(people) == {p.pk: Grade.COMPETENT for p in people}
    assert grades_of(finance) == {finance[0].pk: Grade.INCOMPETENT}


def test_confirm_with_an_override_needs_a_reason_and_is_audited(county):
    people = staff_in(county.culture_office, county.culture, [99, 80, 80, 80, 80])
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    ready_to_confirm(county, county.culture)
    with pytest.raises(ApplicationError) as refused:
        grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin,
                           overrides={people[1].pk: (Grade.BASIC, "  ")})
    assert refused.value.code == "reason_required"
    assert not GradeDecision.objects.filter(confirmed_at__isnull=False).exists()

    count = grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin,
                               overrides={people[1].pk: (Grade.BASIC, "年度内受到通报批评")})
    assert count == 5
    changed = GradeDecision.objects.get(official=people[1])
    assert (changed.proposed, changed.final, changed.override_reason) == (Grade.COMPETENT, Grade.BASIC,
                                                                        "年度内受到通报批评")
    assert changed.confirmed_by == county.orgadmin and changed.confirmed_at is not None
    latest = changed.history.first()
    assert latest.history_user == county.orgadmin and latest.final == Grade.BASIC
    assert GradeDecision.objects.get(official=people[0]).final == Grade.EXCELLENT
    assert Notification.objects.filter(user=county.head, kind="grades_confirmed").exists()


def test_confirm_refuses_more_excellent_than_the_quota_unless_approved(county):
    people = staff_in(county.culture_office, county.culture, [99, 95, 80, 80, 80, 80, 80, 80])
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    ready_to_confirm(county, county.culture)
    overrides = {people[1].pk: (Grade.EXCELLENT, "重大创新成果")}
    with pytest.raises(ApplicationError) as refused:
        grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin, overrides=overrides)
    assert refused.value.code == "quota_exceeded"
    quota_approve(period=year, unit=county.culture, share=Decimal("0.25"), reason="批复", by=county.orgadmin)
    grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin, overrides=overrides)
    assert GradeDecision.objects.filter(period=year, final=Grade.EXCELLENT).count() == 2


def test_an_override_can_confirm_a_probationer_otherwise(county):
    probation = OfficialFactory(unit=county.culture_office, joined_on=dt.date(2026, 2, 1))
    ScorecardFactory(official=probation, unit=county.culture, total=Decimal(85))
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    ready_to_confirm(county, county.culture)
    grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin,
                       overrides={probation.pk: (Grade.COMPETENT, "试用期满考核合格，经部务会研究确定等次")})
    assert GradeDecision.objects.get(official=probation).final == Grade.COMPETENT


def test_only_the_organization_department_in_scope_confirms(county):
    staff_in(county.culture_office, county.culture, [80])
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    with pytest.raises(ApplicationError) as refused:
        grade_confirm_unit(period=year, unit=county.culture, by=county.head)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        grade_confirm_unit(period=year, unit=county.finance, by=county.orgadmin)
    assert refused.value.code == "no_grades"


def test_confirmed_grades_are_locked_once_the_year_is_closed(county):
    people = staff_in(county.culture_office, county.culture, [80, 80])
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    ready_to_confirm(county, county.culture)
    grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin)
    # While the year is open a confirmation can be redone.
    grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin,
                       overrides={people[0].pk: (Grade.BASIC, "复核")})
    year.status = PeriodStatus.CLOSED
    year.save()
    with pytest.raises(ApplicationError) as refused:
        grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin,
                           overrides={people[0].pk: (Grade.COMPETENT, "再次复核")})
    assert refused.value.code == "locked"
    assert GradeDecision.objects.get(official=people[0]).final == Grade.BASIC
    year.status = PeriodStatus.OPEN  # re-opened (the audited action of the periods area)
    year.save()
    grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin,
                       overrides={people[0].pk: (Grade.COMPETENT, "再次复核")})
    assert GradeDecision.objects.get(official=people[0]).final == Grade.COMPETENT
