"""Check-up services: opening rounds, assigning raters (nobody rates themself), rating and excusing, the
results (trimmed group means, weights, completeness, the problem list) and the evaluation component."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.components import PeriodWindow, registered_providers
from appraisal.components.checkup import checkup_evaluation
from appraisal.models import CheckupResult, CheckupRound, Component, RaterAssignment
from appraisal.services.checkup import round_close, round_open, round_open_for_key, round_recompute
from appraisal.services.checkup_raters import raters_assign, raters_assign_defaults, rating_excuse, rating_submit
from appraisal.services.checkup_results import round_compute
from common.errors import ApplicationError
from common.models import Notification
from tests.conftest import statements
from tests.factories import OfficialFactory, OrgUnitFactory, RoleGrantFactory, UserFactory, period

DIMS = ("political", "moral", "discipline", "law", "style")


# -- helpers shared with the page and API tests (no test_ names here, so importing them collects nothing) -----
def open_round(county, key: str = "2026-Q3", **options) -> CheckupRound:
    return round_open(by=county.orgadmin, period=period(key), **options)


def raters(n: int, prefix: str = "rater") -> list:
    return [UserFactory(username=f"{prefix}{i}") for i in range(n)]


def assign(county, checkup, official, group, users) -> list[RaterAssignment]:
    raters_assign(by=county.orgadmin, round=checkup, official=official, group=group, raters=users)
    return list(RaterAssignment.objects.filter(round=checkup, official=official, rater__in=users).order_by("id"))


def give(assignment: RaterAssignment, value: int | dict[str, int], comment: str = "") -> RaterAssignment:
    scores = value if isinstance(value, dict) else dict.fromkeys(DIMS, value)
    return rating_submit(by=assignment.rater, assignment=assignment, comment=comment, **scores)



def result_of(checkup, official) -> CheckupResult:
    return CheckupResult.objects.get(round=checkup, official=official)


# -- rounds -----------------------------------------------------------------------------------------------------
def test_the_organization_department_opens_one_round_per_quarter(county):
    checkup = open_round(county)
    assert checkup.status == "open" and checkup.period.key == "2026-Q3"
    assert checkup.group_weights == {"principal": 30, "colleagues": 25, "recipients": 20, "functional": 15,
                                     "organization": 10}
    with pytest.raises(ApplicationError) as error:
        open_round(county)
    assert error.value.code == "conflict"
    assert CheckupRound.objects.count() == 1


def test_only_the_organization_department_opens_a_round_and_only_for_a_quarter(county):
    with pytest.raises(ApplicationError) as error:
        round_open(by=county.head, period=period("2026-Q3"))
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError) as error:
        round_open(by=county.orgadmin, period=period("2026-09"))
    assert error.value.code == "not_a_quarter"
    with pytest.raises(ApplicationError) as error:
        round_open_for_key(by=county.staff, key="2027-Q1")
    assert error.value.code == "forbidden"
    assert not CheckupRound.objects.exists()
    from appraisal.models import AppraisalPeriod
    assert not AppraisalPeriod.objects.filter(key="2027-Q1").exists()  # a refusal leaves nothing behind


def test_group_weights_are_checked(county):
    with pytest.raises(ApplicationError) as error:
        open_round(county, group_weights={"nobody": 10})
    assert error.value.code == "bad_weights"
    with pytest.raises(ApplicationError):
        open_round(county, group_weights={"principal": -1})
    with pytest.raises(ApplicationError):
        open_round(county, group_weights={"principal": 0})
    checkup = open_round(county, group_weights={"principal": 60, "organization": 40})
    assert checkup.group_weights["principal"] == 60 and checkup.group_weights["colleagues"] == 0


# -- assignments ------------------------------------------------------------------------------------------------
def test_nobody_rates_themself(county):
    checkup = open_round(county)
    with pytest.raises(ApplicationError) as error:
        raters_assign(by=county.orgadmin, round=checkup, official=county.staff_official, group="colleagues",
                      raters=[county.head, county.staff])
    assert error.value.code == "self_rating"
    assert not RaterAssignment.objects.exists()


def test_assigning_ignores_duplicates_and_notifies_the_raters(county):
    checkup = open_round(county)
    first = raters_assign(by=county.orgadmin, round=checkup, official=county.staff_official, group="principal",
                          raters=[county.head])
    again = raters_assign(by=county.orgadmin, round=checkup, official=county.staff_official, group="colleagues",
                          raters=[county.head, county.inspector])
    assert len(first) == 1 and [a.rater for a in again] == [county.inspector]
    rows = dict(RaterAssignment.objects.filter(round=checkup).values_list("rater__username", "group"))
    assert rows == {"head": "principal", "inspector": "colleagues"}
    assert Notification.objects.filter(user=county.head, kind="checkup_assigned").count() == 1


def test_only_the_organization_department_in_scope_assigns(county):
    checkup = open_round(county)
    finance_org = UserFactory(username="finorg")
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    for user in (county.head, finance_org):
        with pytest.raises(ApplicationError) as error:
            raters_assign(by=user, round=checkup, official=county.staff_official, group="colleagues",
                          raters=[county.inspector])
        assert error.value.code == "forbidden"
    raters_assign(by=finance_org, round=checkup, official=county.finance_official, group="organization",
                  raters=[finance_org])
    with pytest.raises(ApplicationError) as error:
        raters_assign_defaults(by=finance_org, round=checkup, unit=county.culture)
    assert error.value.code == "forbidden"


def test_a_closed_round_takes_no_assignments(county):
    checkup = open_round(county)
    round_close(by=county.orgadmin, round=checkup)
    with pytest.raises(ApplicationError) as error:
        raters_assign(by=county.orgadmin, round=checkup, official=county.staff_official, group="colleagues",
                      raters=[county.head])
    assert error.value.code == "round_closed"


def test_default_assignment_for_a_unit(county):
    checkup = open_round(county)
    mate_user = UserFactory(username="mate")
    mate = OfficialFactory(name="周科员", unit=county.culture_tourism, user=mate_user)
    OfficialFactory(name="无账号", unit=county.culture_tourism)  # no account: not a rater
    added = raters_assign_defaults(by=county.orgadmin, round=checkup, unit=county.culture)
    rows = set(RaterAssignment.objects.filter(round=checkup).values_list("official__name", "rater__username", "group"))
    assert ("李科员", "head", "principal") in rows
    assert ("李科员", "mate", "colleagues") in rows and ("周科员", "staff", "colleagues") in rows
    assert ("李科员", "orgadmin", "organization") in rows and ("赵主任", "head", "principal") in rows
    assert ("王局长", "orgadmin", "organization") in rows
    assert not any(name == "王局长" and user == "head" for name, user, _g in rows)  # never themself
    assert not any(name == "钱科员" for name, _u, _g in rows)  # another bureau
    assert added == len(rows)
    assert raters_assign_defaults(by=county.orgadmin, round=checkup, unit=county.culture) == 0  # kept as is
    assert mate.checkup_assignments.count() == 3  # principal, colleague (staff), organization


def test_default_assignment_costs_the_same_queries_for_10_and_60_officials(county):
    checkup = open_round(county)

    def build(unit_code: str, n: int):
        unit = OrgUnitFactory(code=unit_code, parent=county.culture, kind="section")
        for i in range(n):
            OfficialFactory(unit=unit, user=UserFactory(username=f"{unit_code}-{i}"))
        return unit

    small, large = build("S10", 10), build("L60", 60)
    small.refresh_from_db()  # units are kept in code order: adding L60 moved S10's path
    with CaptureQueriesContext(connection) as few:
        raters_assign_defaults(by=county.orgadmin, round=checkup, unit=small, colleagues=3)
    with CaptureQueriesContext(connection) as many:
        raters_assign_defaults(by=county.orgadmin, round=checkup, unit=large, colleagues=3)
    assert statements(many.captured_queries) == statements(few.captured_queries)
    assert RaterAssignment.objects.filter(official__unit=small, group="colleagues").count() == 10 * 3
    assert RaterAssignment.objects.filter(official__unit=large, group="colleagues").count() == 60 * 3


# -- ratings ----------------------------------------------------------------------------------------------------
def test_only_the_rater_rates_with_scores_from_0_to_100(county):
    checkup = open_round(county)
    [assignment] = assign(county, checkup, county.staff_official, "principal", [county.head])
    with pytest.raises(ApplicationError) as error:
        rating_submit(by=county.orgadmin, assignment=assignment, political=80, moral=80, discipline=80, law=80,
                      style=80)
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError) as error:
        give(assignment, {"political": 80, "moral": 101, "discipline": 80, "law": 80, "style": 80})
    assert error.value.code == "bad_score"
    assignment.refresh_from_db()
    assert assignment.status == "pending" and assignment.moral is None

    give(assignment, 80, "  扎实  ")
    give(assignment, {"political": 90, "moral": 85, "discipline": 80, "law": 75, "style": 70}, "更正")
    assignment.refresh_from_db()
    assert assignment.status == "submitted" and (assignment.political, assignment.style) == (90, 70)
    assert assignment.comment == "更正"


def test_no_rating_after_the_round_is_closed(county):
    checkup = open_round(county)
    [assignment] = assign(county, checkup, county.staff_official, "principal", [county.head])
    round_close(by=county.orgadmin, round=checkup)
    with pytest.raises(ApplicationError) as error:
        give(assignment, 80)
    assert error.value.code == "round_closed"
    with pytest.raises(ApplicationError):
        rating_excuse(by=county.head, assignment=assignment, reason="亲属")


def test_an_excused_rater_does_not_count(county):
    checkup = open_round(county)
    first, second = assign(county, checkup, county.staff_official, "colleagues", raters(2))
    give(first, 90)
    give(second, 40, "很差")
    with pytest.raises(ApplicationError) as error:
        rating_excuse(by=second.rater, assignment=second, reason="  ")
    assert error.value.code == "reason_required"
    excused = rating_excuse(by=second.rater, assignment=second, reason="与被评价人系亲属关系")
    assert excused.status == "excused" and excused.style is None and excused.comment == ""
    with pytest.raises(ApplicationError) as error:
        give(second, 40)
    assert error.value.code == "conflict"
    round_compute(round=checkup)
    result = result_of(checkup, county.staff_official)
    assert result.score == Decimal("90.00")
    assert result.group_scores["colleagues"] == {"score": 90.0, "responses": 1, "assigned": 2, "trimmed": False}


# -- results ----------------------------------------------------------------------------------------------------
def test_a_group_of_five_or_more_drops_its_highest_and_lowest(county):
    checkup = open_round(county)
    principal = assign(county, checkup, county.staff_official, "principal", raters(5, "p"))
    for assignment, value in zip(principal, (50, 70, 80, 90, 100), strict=True):
        give(assignment, value)
    colleagues = assign(county, checkup, county.staff_official, "colleagues", raters(4, "c"))
    for assignment, value in zip(colleagues, (60, 70, 80, 95), strict=True):
        give(assignment, value)
    assert round_compute(round=checkup) == 1
    result = result_of(checkup, county.staff_official)
    # principal: (70 + 80 + 90) / 3 = 80 (untrimmed it would be 78); colleagues: 305 / 4 = 76.25 (four: kept)
    assert result.group_scores["principal"] == {"score": 80.0, "responses": 5, "assigned": 5, "trimmed": True}
    assert result.group_scores["colleagues"]["score"] == 76.25
    assert result.group_scores["colleagues"]["trimmed"] is False
    # (30 × 80 + 25 × 76.25) / (30 + 25) = 78.295…
    assert result.score == Decimal("78.30")
    assert result.is_incomplete is False
    assert result.dimension_scores == dict.fromkeys(DIMS, 77.22)  # the plain mean of all nine ratings: 695 / 9


def test_a_rating_averages_its_five_dimensions(county):
    checkup = open_round(county)
    [assignment] = assign(county, checkup, county.staff_official, "principal", [county.head])
    give(assignment, {"political": 90, "moral": 85, "discipline": 80, "law": 75, "style": 71})
    round_compute(round=checkup)
    assert result_of(checkup, county.staff_official).score == Decimal("80.20")


def test_group_weights_are_configurable(county):
    ratings = {"principal": 90, "colleagues": 60}

    def score(key, weights):
        checkup = open_round(county, key=key, group_weights=weights)
        for group, value in ratings.items():
            [assignment] = assign(county, checkup, county.staff_official, group, raters(1, f"{key}{group}"))
            give(assignment, value)
        round_compute(round=checkup)
        return result_of(checkup, county.staff_official).score

    assert score("2026-Q1", None) == Decimal("76.36")  # (30 × 90 + 25 × 60) / 55
    assert score("2026-Q2", {"principal": 1, "colleagues": 1}) == Decimal("75.00")
    assert score("2026-Q3", {"principal": 100, "colleagues": 0}) == Decimal("90.00")


def test_the_result_is_incomplete_when_a_group_with_raters_has_too_few_responses(county):
    checkup = open_round(county, min_responses=2)
    done = assign(county, checkup, county.staff_official, "principal", raters(2, "p"))
    for assignment in done:
        give(assignment, 80)
    answered, waiting = assign(county, checkup, county.staff_official, "colleagues", raters(2, "c"))
    give(answered, 70)
    [excused] = assign(county, checkup, county.culture_official, "organization", [county.orgadmin])
    rating_excuse(by=county.orgadmin, assignment=excused, reason="回避")
    round_compute(round=checkup)
    staff = result_of(checkup, county.staff_official)
    assert staff.is_incomplete is True and staff.group_scores["colleagues"]["responses"] == 1
    # The groups nobody was assigned to (recipients, functional, organization) do not make it incomplete.
    give(waiting, 70)
    round_compute(round=checkup)
    assert result_of(checkup, county.staff_official).is_incomplete is False
    # A group whose only rater was excused has no response: incomplete, and no score at all.
    other = result_of(checkup, county.culture_official)
    assert other.is_incomplete is True and other.score is None and other.problems == []


def test_the_problem_list_has_the_low_dimensions_with_their_comments_and_no_names(county):
    checkup = open_round(county, problem_threshold=70)
    a, b, c = assign(county, checkup, county.staff_official, "colleagues", raters(3))
    give(a, {"political": 90, "moral": 90, "discipline": 90, "law": 90, "style": 60}, "作风不够扎实，下基层少")
    give(b, {"political": 90, "moral": 90, "discipline": 90, "law": 90, "style": 65})
    give(c, {"political": 90, "moral": 90, "discipline": 90, "law": 90, "style": 75}, "总体很好")
    round_compute(round=checkup)
    result = result_of(checkup, county.staff_official)
    assert result.dimension_scores["style"] == 66.67 and result.dimension_scores["political"] == 90.0
    assert result.problems == [{"dimension": "style", "score": 66.67, "comments": ["作风不够扎实，下基层少"]}]
    text = str(result.problems) + str(result.group_scores)
    assert not any(user.username in text for user in (a.rater, b.rater, c.rater))


def test_round_compute_is_idempotent_and_costs_the_same_queries_for_10_and_60_officials(county):
    def build(key: str, n: int) -> CheckupRound:
        checkup = open_round(county, key=key)
        unit = OrgUnitFactory(code=f"U{key}", parent=county.culture, kind="section")
        users = raters(3, f"{key}-")
        rows = []
        for i in range(n):
            official = OfficialFactory(unit=unit)
            for j, user in enumerate(users):
                values = dict.fromkeys(DIMS, 60 + (i + j) % 40)
                rows.append(RaterAssignment(round=checkup, official=official, rater=user, group="colleagues",
                                            status="submitted", comment=f"意见{j}", **values))
        RaterAssignment.objects.bulk_create(rows)
        return checkup

    small, large = build("2026-Q1", 10), build("2026-Q2", 60)
    with CaptureQueriesContext(connection) as few:
        assert round_compute(round=small) == 10
    with CaptureQueriesContext(connection) as many:
        assert round_compute(round=large) == 60
    assert statements(many.captured_queries) == statements(few.captured_queries)
    before = sorted(CheckupResult.objects.filter(round=large).values_list("official_id", "score", "problems"))
    round_compute(round=large)
    after = sorted(CheckupResult.objects.filter(round=large).values_list("official_id", "score", "problems"))
    assert before == after and CheckupResult.objects.filter(round=large).count() == 60


def test_closing_computes_and_tells_the_officials_rated(county):
    checkup = open_round(county)
    [assignment] = assign(county, checkup, county.staff_official, "principal", [county.head])
    give(assignment, 88)
    closed = round_close(by=county.orgadmin, round=checkup)
    assert closed.status == "closed" and closed.closed_at is not None
    assert result_of(checkup, county.staff_official).score == Decimal("88.00")
    assert Notification.objects.filter(user=county.staff, kind="checkup_result").count() == 1
    with pytest.raises(ApplicationError) as error:
        round_close(by=county.orgadmin, round=checkup)
    assert error.value.code == "conflict"
    with pytest.raises(ApplicationError) as error:
        round_recompute(by=county.orgadmin, round=checkup)
    assert error.value.code == "round_closed"
    with pytest.raises(ApplicationError) as error:
        round_close(by=county.head, round=open_round(county, key="2026-Q4"))
    assert error.value.code == "forbidden"


# -- the evaluation component -------------------------------------------------------------------------------------
def _window(key: str, kind: str, start: dt.date, end: dt.date) -> PeriodWindow:
    return PeriodWindow(key=key, kind=kind, start=start, end=end)


def test_the_provider_gives_the_mean_check_up_score_over_100(county, settings):
    settings.APPRAISAL_CHECKUP_INCOMPLETE_COUNTS = True  # the behaviour before the setting; the default below
    assert registered_providers()[Component.EVALUATION] is checkup_evaluation
    q3 = open_round(county, key="2026-Q3")
    q4 = open_round(county, key="2026-Q4", min_responses=2)
    for checkup, value in ((q3, 80), (q4, 91)):
        [assignment] = assign(county, checkup, county.staff_official, "principal", raters(1, checkup.period.key))
        give(assignment, value)
        round_compute(round=checkup)
    assign(county, q3, county.culture_official, "principal", [county.head])
    round_compute(round=q3)  # 赵主任 has a result without a score: left out

    year = checkup_evaluation(_window("2026", "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert set(year) == {county.staff_official.pk}
    value = year[county.staff_official.pk]
    assert value.ratio == Decimal("0.8550")
    assert value.inputs == {"rounds": ["2026-Q3", "2026-Q4"], "score": 85.5, "incomplete": True}
    quarter = checkup_evaluation(_window("2026-Q3", "quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30)))
    assert quarter[county.staff_official.pk].ratio == Decimal("0.8000")
    assert quarter[county.staff_official.pk].inputs["incomplete"] is False
    assert checkup_evaluation(_window("2026-08", "month", dt.date(2026, 8, 1), dt.date(2026, 8, 31))) == {}

    # By default (APPRAISAL_CHECKUP_INCOMPLETE_COUNTS = False) the incomplete Q4 is left out and named.
    settings.APPRAISAL_CHECKUP_INCOMPLETE_COUNTS = False
    year = checkup_evaluation(_window("2026", "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    value = year[county.staff_official.pk]
    assert value.counts is True and value.ratio == Decimal("0.8000")
    assert value.inputs == {"rounds": ["2026-Q3"], "score": 80.0, "incomplete": False, "left_out": ["2026-Q4"]}
    q4_only = checkup_evaluation(_window("2026-Q4", "quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)))
    assert q4_only[county.staff_official.pk].counts is False
    assert q4_only[county.staff_official.pk].inputs == {"left_out": ["2026-Q4"]}

    # The setting is a score parameter: a period closed while it was True keeps counting the incomplete Q4.
    frozen = PeriodWindow(key="2026", kind="year", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
                          parameters={"components.evaluation": {"incomplete_counts": True}})
    assert checkup_evaluation(frozen)[county.staff_official.pk].ratio == Decimal("0.8550")
