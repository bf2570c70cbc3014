"""Quarterly grades (平时考核): the proposal (thresholds, the share of 好 rounded down, ties at its boundary, who is
appraised, re-proposing keeps confirmed grades), the head's write-up and confirmation (scope, never oneself, the
comment, the share), and the official's one request to reconsider with the head's answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from appraisal.models import QuarterGrade, QuarterlyGrade, QuarterlyStatus, Scorecard
from appraisal.services.quarterly import (
    quarterly_grade_confirm,
    quarterly_grade_write,
    quarterly_grades_confirm_unit,
    quarterly_reconsider_answer,
    quarterly_reconsider_request,
)
from appraisal.services.quarterly_propose import quarterly_grades_propose
from common.errors import ApplicationError
from common.models import Notification
from org.models import Official
from tests.appraisal.quarterly_helpers import (
    confirm,
    grade_of,
    login_of,
    propose,
    proposed,
    quarter,
    score,
    scored,
)
from tests.factories import RoleGrantFactory, UserFactory

G = QuarterGrade


# -- the proposal ----------------------------------------------------------------------------------------------
def test_thresholds_give_each_grade(county):
    # Ten officials: the share (4) leaves the two 好 candidates alone.
    people = scored(county.culture_office, county.culture, [95, 85, 84.99, 70, 69.99, 60, 59.99, 75, 75, 75])
    result = propose(county)
    assert result.proposed == 10 and result.kept_confirmed == 0
    assert proposed(people)[:7] == [G.GOOD, G.GOOD, G.FAIRLY_GOOD, G.FAIRLY_GOOD, G.AVERAGE, G.AVERAGE, G.POOR]
    row = grade_of(people[0])
    assert row.score == Decimal("95.00") and row.unit == county.culture and row.status == QuarterlyStatus.PROPOSED
    assert row.grade == "" and not row.share_tie


def test_thresholds_come_from_settings(county, settings):
    settings.APPRAISAL_QUARTERLY_THRESHOLDS = {"good": 95, "fairly_good": 80, "average": 65}
    people = scored(county.culture_office, county.culture, [94, 79, 64, 96, 70])
    propose(county)
    assert proposed(people) == [G.FAIRLY_GOOD, G.AVERAGE, G.POOR, G.GOOD, G.AVERAGE]


@pytest.mark.parametrize(("appraised", "share"), [(2, 0), (3, 1), (5, 2), (9, 3), (10, 4), (13, 5)])
def test_the_share_of_good_is_forty_percent_rounded_down(county, appraised, share):
    people = scored(county.culture_office, county.culture, [99 - i for i in range(appraised)])
    propose(county)
    got = proposed(people)
    assert got[:share] == [G.GOOD] * share and G.GOOD not in got[share:]
    assert all(g == G.FAIRLY_GOOD for g in got[share:])  # all still ≥ 85: 较好


def test_the_share_comes_from_settings_and_is_per_top_level_unit(county, settings):
    settings.APPRAISAL_QUARTERLY_GOOD_SHARE = "0.20"
    culture = scored(county.culture_office, county.culture, [95, 94, 93, 92, 91])
    finance = scored(county.finance_office, county.finance, [90, 89, 88, 87, 86])
    propose(county)
    assert proposed(culture).count(G.GOOD) == 1 and proposed(finance).count(G.GOOD) == 1
    assert proposed(finance)[0] == G.GOOD


def test_ties_at_the_share_boundary_are_nobody_preferred_and_flagged(county):
    # Five appraised: two 好 places. 95 takes one; the two at 90 straddle the second: neither is 好.
    people = scored(county.culture_office, county.culture, [95, 90, 90, 80, 65])
    propose(county)
    assert proposed(people) == [G.GOOD, G.FAIRLY_GOOD, G.FAIRLY_GOOD, G.FAIRLY_GOOD, G.AVERAGE]
    assert [grade_of(p).share_tie for p in people] == [False, True, True, False, False]


def test_ties_that_fit_in_the_share_are_all_good(county):
    people = scored(county.culture_office, county.culture, [90, 90, 80, 75, 70])
    propose(county)
    assert proposed(people)[:2] == [G.GOOD, G.GOOD]
    assert not any(grade_of(p).share_tie for p in people)


def test_officials_not_appraised_get_no_grade(county):
    from discipline.defaults import ensure_defaults
    from discipline.models import DecisionKind
    from discipline.services.cases import case_register, case_transition
    from discipline.services.decisions import decision_record

    people = scored(county.culture_office, county.culture, [80, 80, 80, 80])
    left_before, left_after, dismissed, _stays = people
    Official.objects.filter(pk=left_before.pk).update(is_active=False, left_on=dt.date(2026, 9, 1))
    Official.objects.filter(pk=left_after.pk).update(is_active=False, left_on=dt.date(2026, 10, 8))
    # 开除: 不参加考核 (a discipline decision, as the rules say).
    ensure_defaults()
    case = case_register(by=county.inspector, unit=county.culture, title="案件", subjects=[dismissed],
                         source="inspection", facts="事实", rules=[], registered_on=dt.date(2026, 2, 1))
    case = case_transition(by=county.inspector, case=case, to="investigating")
    decision_record(by=county.inspector, case=case, official=dismissed,
                    kind=DecisionKind.objects.get(code="gov_expulsion"), effective_date=dt.date(2026, 6, 1))
    result = propose(county)
    assert result.proposed == 2
    assert proposed(people) == ["", G.FAIRLY_GOOD, "", G.FAIRLY_GOOD]


def test_re_proposing_keeps_confirmed_grades_and_the_heads_work(county):
    people = scored(county.culture_office, county.culture, [90, 80, 75, 70, 65])
    propose(county)
    confirmed, drafted, dropped = people[0], people[1], people[4]
    confirm(confirmed, county.head, comment="完成重点项目。")
    quarterly_grade_write(grade=grade_of(drafted), by=county.head, value=G.AVERAGE, comment="草稿")
    Scorecard.objects.filter(official=confirmed).update(total=Decimal("60"))
    Scorecard.objects.filter(official=drafted).update(total=Decimal("95"))
    Scorecard.objects.filter(official=dropped).delete()
    result = quarterly_grades_propose(period=quarter(), by=county.orgadmin)
    assert (result.kept_confirmed, result.removed) == (1, 1)
    kept = grade_of(confirmed)
    assert (kept.proposed, kept.score, kept.grade, kept.status) == (G.GOOD, Decimal("90.00"), G.GOOD, "confirmed")
    redone = grade_of(drafted)
    assert (redone.proposed, redone.score) == (G.GOOD, Decimal("95.00"))
    assert (redone.grade, redone.comment) == (G.AVERAGE, "草稿")  # the head's draft stays
    assert not QuarterlyGrade.objects.filter(official=dropped).exists()
    # A proposal with nothing changed writes no history row.
    before = QuarterlyGrade.history.count()
    quarterly_grades_propose(period=quarter(), by=county.orgadmin)
    assert QuarterlyGrade.history.count() == before


def test_the_proposal_is_audited(county):
    people = scored(county.culture_office, county.culture, [90, 80, 70, 70, 70])
    propose(county)
    history = QuarterlyGrade.history.filter(official_id=people[0].pk)
    assert history.count() == 1
    row = history.get()
    assert (row.history_type, row.history_user_id, row.proposed) == ("+", county.orgadmin.pk, G.GOOD)
    Scorecard.objects.filter(official=people[0]).update(total=Decimal("70"))
    propose(county)
    assert list(QuarterlyGrade.history.filter(official_id=people[0].pk).values_list("history_type", "proposed")
                .order_by("history_id")) == [("+", G.GOOD), ("~", G.FAIRLY_GOOD)]


def test_who_may_propose(county):
    scored(county.culture_office, county.culture, [90])
    scored(county.finance_office, county.finance, [90])
    for user in (county.staff, county.inspector):
        with pytest.raises(ApplicationError) as refused:
            quarterly_grades_propose(period=quarter(), by=user)
        assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        quarterly_grades_propose(period=quarter(), by=county.head, unit=county.finance)
    assert quarterly_grades_propose(period=quarter(), by=county.head, unit=county.culture).proposed == 1
    # A bureau's organization department proposes its own bureau only.
    bureau_org = UserFactory(username="finance-org")
    RoleGrantFactory(user=bureau_org, unit=county.finance, role="org")
    assert quarterly_grades_propose(period=quarter(), by=bureau_org).proposed == 1
    assert QuarterlyGrade.objects.filter(unit=county.finance).count() == 1
    with pytest.raises(ApplicationError) as refused:
        quarterly_grades_propose(period=quarter("2026"), by=county.orgadmin)
    assert refused.value.code == "not_a_quarter"
    with pytest.raises(ApplicationError) as refused:
        quarterly_grades_propose(period=quarter("2026-Q1"), by=county.orgadmin)
    assert refused.value.code == "no_scorecards"


# -- the head's write-up -----------------------------------------------------------------------------------------
def test_the_head_writes_and_confirms_and_the_official_is_told(county):
    score(county.staff_official, county.culture, 82)
    scored(county.culture_office, county.culture, [70, 70, 70, 70])
    propose(county)
    row = quarterly_grade_write(grade=grade_of(county.staff_official), by=county.head, value=G.FAIRLY_GOOD,
                                comment="  牵头完成景区安全检查 12 家。 ")
    assert (row.grade, row.comment, row.graded_by, row.status) == (G.FAIRLY_GOOD, "牵头完成景区安全检查 12 家。",
                                                                    county.head, "proposed")
    assert not Notification.objects.filter(user=county.staff).exists()  # a draft is not shown to the official
    done = quarterly_grade_confirm(grade=row, by=county.head)
    assert (done.status, done.confirmed_by, done.grade) == ("confirmed", county.head, G.FAIRLY_GOOD)
    assert Notification.objects.filter(user=county.staff, kind="quarterly_confirmed").count() == 1
    assert QuarterlyGrade.history.filter(official_id=county.staff_official.pk, history_user=county.head).count() == 2
    # Confirmed: it changes only on reconsideration.
    with pytest.raises(ApplicationError) as refused:
        quarterly_grade_write(grade=done, by=county.head, value=G.GOOD, comment="x")
    assert refused.value.code == "already_confirmed"


def test_confirming_takes_the_proposal_when_the_head_chose_nothing(county):
    people = scored(county.culture_office, county.culture, [95, 80, 70])
    propose(county)
    row = confirm(people[0], county.head)
    assert row.grade == G.GOOD and row.status == "confirmed"


def test_a_comment_is_required_to_confirm_and_may_be_short_only(county):
    people = scored(county.culture_office, county.culture, [80, 70])
    propose(county)
    with pytest.raises(ApplicationError) as refused:
        quarterly_grade_confirm(grade=grade_of(people[0]), by=county.head, comment="  ")
    assert refused.value.code == "comment_required" and "comment" in refused.value.extra["fields"]
    with pytest.raises(ApplicationError) as refused:
        quarterly_grade_write(grade=grade_of(people[0]), by=county.head, value=G.AVERAGE, comment="长" * 501)
    assert refused.value.code == "too_long"
    with pytest.raises(ApplicationError) as refused:
        quarterly_grade_write(grade=grade_of(people[0]), by=county.head, value="excellent", comment="")
    assert refused.value.code == "bad_grade"
    assert grade_of(people[0]).status == "proposed"


def test_only_a_head_over_the_official_grades_and_never_themself(county):
    score(county.head_official, county.culture, 90)
    score(county.staff_official, county.culture, 80)
    score(county.finance_official, county.finance, 80)
    scored(county.culture_office, county.culture, [70, 70, 70])  # five in culture: two 好 places
    propose(county)
    finance_head = UserFactory(username="finance-head")
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    for user, official in ((county.head, county.head_official), (finance_head, county.staff_official),
                           (county.staff, county.staff_official), (county.inspector, county.staff_official),
                           (county.head, county.finance_official)):
        with pytest.raises(ApplicationError) as refused:
            quarterly_grade_write(grade=grade_of(official), by=user, value=G.AVERAGE, comment="x")
        assert refused.value.code == "forbidden"
    # The organization department over the unit may (as for the 评语).
    assert quarterly_grade_write(grade=grade_of(county.head_official), by=county.orgadmin, value=G.GOOD,
                                 comment="x").grade == G.GOOD


def test_the_share_of_good_holds_on_every_write_and_confirmation(county):
    # Five appraised: two 好 places, taken by the proposal.
    people = scored(county.culture_office, county.culture, [95, 92, 84, 80, 70])
    propose(county)
    with pytest.raises(ApplicationError) as refused:
        quarterly_grade_write(grade=grade_of(people[2]), by=county.head, value=G.GOOD, comment="")
    assert refused.value.code == "share_exceeded" and "grade" in refused.value.extra["fields"]
    # Lowering one frees the place.
    quarterly_grade_write(grade=grade_of(people[1]), by=county.head, value=G.FAIRLY_GOOD, comment="")
    assert quarterly_grade_write(grade=grade_of(people[2]), by=county.head, value=G.GOOD, comment="").grade == G.GOOD
    # A proposal made again puts people[1] back to 好 while the head's 好 for people[2] stays: three for two places.
    Scorecard.objects.filter(official=people[1]).update(total=Decimal("93"))
    QuarterlyGrade.objects.filter(official=people[1]).update(grade="")
    propose(county)
    with pytest.raises(ApplicationError) as refused:
        confirm(people[0], county.head)
    assert refused.value.code == "share_exceeded"
    confirm(people[3], county.head)  # not 好: confirmed whatever the count


def test_confirming_a_unit_needs_every_comment_and_skips_oneself(county):
    score(county.head_official, county.culture, 90)
    people = scored(county.culture_office, county.culture, [80, 75, 70])
    propose(county)
    with pytest.raises(ApplicationError) as refused:
        quarterly_grades_confirm_unit(period=quarter(), unit=county.culture, by=county.head)
    assert refused.value.code == "comments_missing" and people[0].name in refused.value.message
    for person in people:
        quarterly_grade_write(grade=grade_of(person), by=county.head, value=grade_of(person).proposed,
                              comment=f"{person.name}本季度表现良好。")
    login_of(people[0])
    assert quarterly_grades_confirm_unit(period=quarter(), unit=county.culture, by=county.head) == 3
    assert [grade_of(p).status for p in people] == ["confirmed"] * 3
    assert grade_of(county.head_official).status == "proposed"  # the head does not confirm their own
    assert Notification.objects.filter(user=people[0].user, kind="quarterly_confirmed").count() == 1
    with pytest.raises(ApplicationError) as refused:
        quarterly_grades_confirm_unit(period=quarter(), unit=county.culture, by=county.head)
    assert refused.value.code == "nothing_to_confirm"
    finance_head = UserFactory(username="finance-head")
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    with pytest.raises(ApplicationError):
        quarterly_grades_confirm_unit(period=quarter(), unit=county.culture, by=finance_head)


# -- reconsideration ---------------------------------------------------------------------------------------------
def _confirmed_staff(county, value: str = G.AVERAGE) -> QuarterlyGrade:
    score(county.staff_official, county.culture, 72)
    scored(county.culture_office, county.culture, [95, 70, 70, 70])
    propose(county)
    return confirm(county.staff_official, county.head, value=value)


def test_the_official_asks_once_with_a_reason_after_confirmation(county):
    score(county.staff_official, county.culture, 72)
    scored(county.culture_office, county.culture, [70, 70])
    propose(county)
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_request(grade=grade_of(county.staff_official), by=county.staff, reason="请重新考虑")
    assert refused.value.code == "not_confirmed"
    row = confirm(county.staff_official, county.head, value=G.AVERAGE)
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_request(grade=row, by=county.staff, reason=" ")
    assert refused.value.code == "reason_required"
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_request(grade=row, by=county.head, reason="代为申请")
    assert refused.value.code == "forbidden"
    asked = quarterly_reconsider_request(grade=row, by=county.staff, reason="本季度完成了两项重点任务。")
    assert asked.reconsider_reason == "本季度完成了两项重点任务。" and asked.waiting_answer
    assert Notification.objects.filter(user=county.head, kind="quarterly_reconsider").count() == 1
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_request(grade=asked, by=county.staff, reason="再问一次")
    assert refused.value.code == "already_asked"
    asked.refresh_from_db()
    assert asked.reconsider_reason == "本季度完成了两项重点任务。"


def test_the_head_answers_keeping_the_grade(county):
    row = quarterly_reconsider_request(grade=_confirmed_staff(county), by=county.staff, reason="理由")
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_answer(grade=row, by=county.head, outcome="kept", text="")
    assert refused.value.code == "answer_required"
    answered = quarterly_reconsider_answer(grade=row, by=county.head, outcome="kept", text="经复核，维持一般。")
    assert (answered.grade, answered.answer_outcome, answered.answer_grade, answered.answered_by) == (
        G.AVERAGE, "kept", G.AVERAGE, county.head)
    assert Notification.objects.filter(user=county.staff, kind="quarterly_answered").count() == 1
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_answer(grade=answered, by=county.head, outcome="changed", text="x", value=G.GOOD)
    assert refused.value.code == "already_answered"


def test_the_head_answers_changing_the_grade_within_the_share(county):
    row = quarterly_reconsider_request(grade=_confirmed_staff(county), by=county.staff, reason="理由")
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_answer(grade=row, by=county.head, outcome="changed", text="改", value=G.AVERAGE)
    assert refused.value.code == "bad_grade"  # the same grade is no change
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_answer(grade=row, by=county.staff, outcome="changed", text="改", value=G.GOOD)
    assert refused.value.code == "forbidden"
    # Five appraised, two 好 places: one taken by the 95, so one is free.
    answered = quarterly_reconsider_answer(grade=row, by=county.head, outcome="changed", value=G.GOOD,
                                           text="补充材料属实，调整为好。")
    assert (answered.grade, answered.answer_grade, answered.status) == (G.GOOD, G.GOOD, "confirmed")
    history = list(QuarterlyGrade.history.filter(id=row.pk).order_by("history_id").values_list("grade", flat=True))
    assert history[-2:] == [G.AVERAGE, G.GOOD]


def test_a_head_cannot_answer_before_a_request(county):
    row = _confirmed_staff(county)
    with pytest.raises(ApplicationError) as refused:
        quarterly_reconsider_answer(grade=row, by=county.head, outcome="kept", text="x")
    assert refused.value.code == "not_asked"
