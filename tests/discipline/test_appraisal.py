"""Discipline in the appraisal: grade caps and holds, derived deductions, and their removal by an exemption
or a revoked appeal at the next rollup — without any change to the rollup."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.constraints import constraints_for
from appraisal.models import Grade, GradeDecision, ScoreEntry
from appraisal.selectors.scores import source_link
from appraisal.services.derive import derive_entries
from appraisal.services.grades import grades_propose
from discipline.selectors.decisions import effects_for, promotion_eligibility
from discipline.services.appeals import appeal_decide, appeal_file
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from discipline.services.tolerance import tolerance_decide, tolerance_request, tolerance_review
from tests.appraisal.factories import staff_in
from tests.conftest import statements
from tests.factories import OfficialFactory, period


def _demerit(county, case, kinds, code="gov_demerit", day=date(2026, 5, 1), official=None):
    return decision_record(by=county.inspector, case=case, official=official or county.staff_official,
                           kind=kinds[code], effective_date=day)


def _discipline(constraints):
    return [(c.max_grade, c.reason) for c in constraints if c.source in ("discipline", "investigation")]


def _exempt(county, case):
    request = tolerance_request(by=county.head, case=case, official=county.staff_official,
                                statement="先行先试，集体决策", for_public_good=True, followed_procedure=True)
    tolerance_review(by=county.inspector, request=request, supports=True, opinion="符合容错情形")
    return tolerance_decide(by=county.orgadmin, request=request, approve=True, note="同意免责")


def test_an_open_case_holds_the_grade_and_a_decision_caps_the_years_it_applies_to(county, open_case, kinds):
    staff = county.staff_official.pk
    assert _discipline(constraints_for(2026, [staff]).get(staff, [])) == [
        ("undetermined", "正在接受调查：年度考核等次暂缓确定，待案件办结")]
    _demerit(county, open_case, kinds)
    case_transition(by=county.inspector, case=open_case, to="decided")
    assert _discipline(constraints_for(2026).get(staff, [])) == [("undetermined", "纪律处分：当年不确定等次")]
    assert constraints_for(2027).get(staff) is None  # 记过: the year it takes effect only, though in force into 2027
    assert constraints_for(2025).get(staff) is None


def test_a_warning_caps_only_the_year_it_takes_effect(county, open_case, kinds):
    _demerit(county, open_case, kinds, code="gov_warning", day=date(2026, 11, 1))
    case_transition(by=county.inspector, case=open_case, to="decided")
    staff = county.staff_official.pk
    assert _discipline(constraints_for(2026, [staff])[staff]) == [("competent", "纪律处分：当年等次最高为称职")]
    assert constraints_for(2027, [staff]).get(staff) is None


def _caps(year: int, official: int) -> list[str]:
    return [c.max_grade for c in constraints_for(year, [official]).get(official, []) if c.source == "discipline"]


def test_a_major_demerit_caps_the_year_it_takes_effect_and_the_next(county, open_case, kinds):
    staff = county.staff_official.pk
    decision = _demerit(county, open_case, kinds, code="gov_major_demerit", day=date(2025, 11, 1))
    case_transition(by=county.inspector, case=open_case, to="decided")
    assert (decision.cap_years, decision.in_force_until) == (2, date(2027, 4, 30))
    assert _caps(2025, staff) == _caps(2026, staff) == ["undetermined"]
    assert _caps(2027, staff) == []  # still in force in 2027, but the cap covers two appraisal years
    assert _caps(2024, staff) == []
    reason = constraints_for(2026, [staff])[staff][0].reason
    assert "2025" in reason and "2" in reason and "记大过" not in reason


def test_a_warning_in_december_caps_only_that_year_though_in_force_into_the_next(county, open_case, kinds):
    staff = county.staff_official.pk
    decision = _demerit(county, open_case, kinds, code="gov_warning", day=date(2026, 12, 15))
    case_transition(by=county.inspector, case=open_case, to="decided")
    assert decision.in_force_until == date(2027, 6, 14)
    assert _caps(2026, staff) == ["competent"] and _caps(2027, staff) == []


def test_a_demerit_caps_only_its_year(county, open_case, kinds):
    staff = county.staff_official.pk
    _demerit(county, open_case, kinds, code="gov_demerit", day=date(2026, 2, 1))
    case_transition(by=county.inspector, case=open_case, to="decided")
    assert _caps(2026, staff) == ["undetermined"] and _caps(2027, staff) == []


@pytest.mark.parametrize(("code", "years"), [("party_probation_1y", 2), ("party_probation", 3)])
def test_party_probation_is_incompetent_that_year_then_not_determined(county, open_case, kinds, code, years):
    staff = county.staff_official.pk
    _demerit(county, open_case, kinds, code=code, day=date(2026, 3, 1))
    case_transition(by=county.inspector, case=open_case, to="decided")
    assert _caps(2026, staff) == ["incompetent"]
    assert [_caps(2026 + n, staff) for n in range(1, years)] == [["undetermined"]] * (years - 1)
    assert _caps(2026 + years, staff) == []
    first, later = constraints_for(2026, [staff])[staff][0], constraints_for(2027, [staff])[staff][0]
    assert first.reason == "纪律处分：当年不称职"
    if years == 2:  # the one later year is "this year"
        assert later.reason == "纪律处分：当年不确定等次"
    else:  # "… for 2 appraisal years from 2027"
        assert "2027" in later.reason and "察看" not in later.reason


@pytest.mark.parametrize("code", ["gov_expulsion", "party_expulsion"])
def test_expulsion_means_not_appraised(county, open_case, kinds, code):
    staff = county.staff_official.pk
    _demerit(county, open_case, kinds, code=code, day=date(2026, 7, 1))
    case_transition(by=county.inspector, case=open_case, to="decided")
    assert _caps(2026, staff) == ["not_appraised"] and _caps(2027, staff) == []


def test_the_default_caps_of_the_other_kinds(kinds):
    caps = {code: (kind.grade_cap, kind.cap_years, kind.later_cap) for code, kind in kinds.items()}
    assert caps["party_warning"] == caps["admonishment"] == caps["post_adjustment"] == ("competent", 1, "")
    assert caps["party_serious_warning"] == caps["removal"] == caps["demotion"] == ("undetermined", 1, "")
    assert caps["ordered_resignation"] == ("undetermined", 1, "")
    assert caps["party_post_removal"] == ("incompetent", 1, "")
    assert caps["gov_downgrade"] == caps["gov_dismissal_from_post"] == ("undetermined", 2, "")


def test_the_proposed_grade_follows_the_cap_with_its_reason(county, open_case, kinds):
    people = staff_in(county.culture_office, county.culture, [95, 70, 70, 70, 70])
    open_case.subjects.add(people[0])
    _demerit(county, open_case, kinds, code="admonishment", official=people[0])
    _demerit(county, open_case, kinds, code="reminder_talk")
    case_transition(by=county.inspector, case=open_case, to="decided")
    grades_propose(period=period("2026"), by=county.orgadmin)
    decision = GradeDecision.objects.get(official=people[0], period=period("2026"))
    assert decision.proposed == Grade.COMPETENT  # 诫勉: at most 称职 that year, though 95 points
    assert {c["source"] for c in decision.constraints} == {"discipline"}
    assert "诫勉" not in str(decision.constraints)  # the reason names the effect, not the kind


def test_the_deduction_is_derived_once_and_names_no_kind(county, open_case, kinds):
    _demerit(county, open_case, kinds)
    first = derive_entries(period=period("2026-05"))
    again = derive_entries(period=period("2026-05"))
    entry = ScoreEntry.objects.get(rule__code="discipline_decision")
    assert (entry.official, entry.points, entry.occurred_on) == (county.staff_official, Decimal(-10), date(2026, 5, 1))
    assert "记过" not in entry.reason
    assert first["created"] == 1 and again == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 1}
    url, label = source_link(entry)
    assert url == reverse("discipline:decision_detail", args=[entry.source_id]) and label == "纪律处分"
    assert source_link(entry, private=False) == ("", "纪律处分")  # a head reading the ledger: no dead link


def test_an_exemption_removes_cap_and_deduction_at_once_while_the_case_stays(county, open_case, kinds):
    decision = _demerit(county, open_case, kinds)
    case_transition(by=county.inspector, case=open_case, to="decided")
    derive_entries(period=period("2026-05"))
    assert ScoreEntry.objects.filter(rule__code="discipline_decision").exists()
    _exempt(county, open_case)  # the consequence follows the exemption (issue 15), not the next rollup
    assert not ScoreEntry.objects.filter(rule__code="discipline_decision").exists()
    assert derive_entries(period=period("2026-05"))["deleted"] == 0
    assert not ScoreEntry.objects.filter(rule__code="discipline_decision").exists()
    assert constraints_for(2026, [county.staff_official.pk]).get(county.staff_official.pk) is None
    decision.refresh_from_db()
    assert decision.exempted and decision.case.status == "decided"
    assert promotion_eligibility(county.staff_official, today=date(2026, 6, 1)).eligible


def test_a_revoked_appeal_removes_the_effects_and_a_changed_one_replaces_them(county, open_case, kinds):
    decision = _demerit(county, open_case, kinds)
    case_transition(by=county.inspector, case=open_case, to="decided")
    derive_entries(period=period("2026-05"))
    appeal = appeal_file(by=county.staff, decision=decision, grounds="事实不清", today=date(2026, 5, 20))
    appeal_decide(by=county.inspector, appeal=appeal, outcome="changed", note="改为警告",
                  new_kind=kinds["gov_warning"])
    derive_entries(period=period("2026-05"))
    assert list(ScoreEntry.objects.values_list("points", flat=True)) == [Decimal(-5)]
    appeal = appeal_file(by=county.staff, decision=decision, grounds="仍有异议", today=date(2026, 5, 25))
    appeal_decide(by=county.inspector, appeal=appeal, outcome="revoked", note="撤销处分")
    derive_entries(period=period("2026-05"))
    assert not ScoreEntry.objects.exists()
    assert not _discipline(constraints_for(2026).get(county.staff_official.pk, []))


def test_promotion_eligibility_and_the_heads_view_of_effects(county, open_case, kinds):
    official = county.staff_official
    assert not promotion_eligibility(official, today=date(2026, 5, 2)).eligible  # under investigation
    _demerit(county, open_case, kinds)
    case_transition(by=county.inspector, case=open_case, to="decided")
    blocked = promotion_eligibility(official, today=date(2026, 6, 1))
    assert (blocked.eligible, blocked.until) == (False, date(2027, 4, 30))
    assert promotion_eligibility(official, today=date(2027, 5, 1)).eligible
    effects = effects_for(county.head, today=date(2026, 6, 1))
    expected = [(official.pk, "undetermined", date(2027, 4, 30))]
    assert [(e.official_id, e.grade_cap, e.until) for e in effects] == expected
    assert effects_for(county.outsider, today=date(2026, 6, 1)) == []
    finance_head = OfficialFactory(unit=county.finance)
    assert finance_head.pk not in {e.official_id for e in effects_for(county.head, today=date(2026, 6, 1))}


def _cases(county, kinds, n: int) -> None:
    for i in range(n):
        subject = OfficialFactory(unit=county.culture_office)
        case = case_register(by=county.inspector, unit=county.culture, title=f"案件{i}", subjects=[subject],
                             source="complaint", facts="事实", registered_on=date(2026, 4, 1))
        case_transition(by=county.inspector, case=case, to="investigating")
        decision_record(by=county.inspector, case=case, official=subject, kind=kinds["gov_warning"],
                        effective_date=date(2026, 5, 3))


def test_deriving_and_constraints_cost_the_same_for_2_or_12_decisions(county, kinds):
    counts = []
    derive_entries(period=period("2026-05"))  # warm the content-type cache
    for n in (2, 10):
        _cases(county, kinds, n)
        ScoreEntry.objects.all().delete()
        with CaptureQueriesContext(connection) as derive:
            derive_entries(period=period("2026-05"))
        with CaptureQueriesContext(connection) as caps:
            constraints_for(2026)
        counts.append((statements(derive.captured_queries), len(caps.captured_queries)))
    assert counts[0] == counts[1]


def test_a_case_with_subjects_in_two_bureaus_holds_each_only_for_its_own_readers(county, open_case):
    open_case.subjects.add(county.finance_official)
    staff, finance = county.staff_official.pk, county.finance_official.pk
    assert set(constraints_for(2026, [staff])) == {staff}
    assert set(constraints_for(2026)) >= {staff, finance}
    held = [e.official_id for e in effects_for(county.head, today=date(2026, 6, 1)) if e.under_investigation]
    assert held == [staff]  # the head of culture does not learn that a finance official is investigated
