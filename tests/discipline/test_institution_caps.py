"""事业单位 sanctions (shared/rules.md "Defaults to adopt" 10): 警告 at most 合格 in the year of the decision; 记过 at
most 基本合格 and 降低岗位等级 不合格 during the period in force, counted in appraisal years (a period across the turn
of a year caps both); 开除 not appraised. The kinds are for 事业单位 staff only, shipped in the catalogue and by
migration, configurable, and named with the 事业单位 grade names wherever the cap is shown."""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest
from django.urls import reverse

from appraisal.constraints import constraints_for
from appraisal.constraints.discipline import cap_reason
from appraisal.display.grade_labels import grade_label
from appraisal.models import Grade, GradeDecision
from appraisal.services.grades import grades_propose
from common.errors import ApplicationError
from discipline.defaults import INSTITUTION_KINDS
from discipline.models import DecisionGroup, cap_label
from discipline.services.cases import case_register, case_transition
from discipline.services.catalogue import kind_configure
from discipline.services.decisions import decision_record, years_touched
from org.models import PersonnelCategory
from tests.appraisal.factories import ScorecardFactory
from tests.factories import OfficialFactory, UserFactory, period

INST = PersonnelCategory.INSTITUTION


@pytest.fixture
def librarian(county):
    return OfficialFactory(name="孙馆员", unit=county.culture_office, personnel_category=INST,
                           user=UserFactory(username="librarian"))


def open_case(county, subject):
    registered = case_register(by=county.inspector, unit=county.culture, title="工作失职", subjects=[subject],
                               source="inspection", facts="检查发现问题。", registered_on=date(2024, 1, 5))
    return case_transition(by=county.inspector, case=registered, to="investigating")


@pytest.fixture
def case(county, kinds, librarian):
    return open_case(county, librarian)


def decide(county, case, kinds, official, code: str, day: date, **overrides):
    """Record the decision and close the case (so only the cap, not the investigation's hold, remains)."""
    decision = decision_record(by=county.inspector, case=case, official=official, kind=kinds[code],
                               effective_date=day, **overrides)
    case_transition(by=county.inspector, case=case, to="decided")
    case_transition(by=county.inspector, case=case, to="closed")
    return decision


def caps(official_id: int, years: range) -> dict[int, list[str]]:
    found = {}
    for year in years:
        found[year] = [c.max_grade for c in constraints_for(year, [official_id]).get(official_id, [])
                       if c.source == "discipline"]
    return found


def test_the_catalogue_ships_the_four_institution_sanctions_and_the_migration_the_same(kinds):
    shipped = {row[0]: row for row in INSTITUTION_KINDS}
    assert set(shipped) == {"inst_warning", "inst_demerit", "inst_post_downgrade", "inst_expulsion"}
    for code, row in shipped.items():
        kind = kinds[code]
        assert kind.group == DecisionGroup.INSTITUTION
        assert (kind.months_in_force, kind.grade_cap, kind.cap_in_force) == (row[4], row[6], row[9])
    assert (kinds["inst_warning"].grade_cap, kinds["inst_warning"].cap_in_force) == ("competent", False)
    assert (kinds["inst_demerit"].grade_cap, kinds["inst_demerit"].months_in_force) == ("basic", 12)
    assert (kinds["inst_post_downgrade"].grade_cap, kinds["inst_post_downgrade"].months_in_force) == (
        "incompetent", 24)
    assert kinds["inst_expulsion"].grade_cap == "not_appraised"
    assert import_module("discipline.migrations.0004_institution_kinds").KINDS == INSTITUTION_KINDS
    # 降低岗位等级 exists only as a 事业单位 sanction.
    assert [k.code for k in kinds.values() if "岗位等级" in k.name] == ["inst_post_downgrade"]


def test_years_touched_counts_the_calendar_years_of_a_period():
    assert years_touched(date(2025, 3, 1), date(2026, 2, 28)) == 2
    assert years_touched(date(2025, 1, 1), date(2025, 12, 31)) == 1
    assert years_touched(date(2025, 3, 1), date(2027, 2, 28)) == 3
    assert years_touched(date(2025, 3, 1), None) == 1


def test_a_warning_caps_the_year_of_the_decision_at_qualified(county, kinds, case, librarian):
    decision = decide(county, case, kinds, librarian, "inst_warning", date(2025, 11, 20))
    assert decision.cap_years == 1 and decision.in_force_until == date(2026, 5, 19)
    assert caps(librarian.pk, range(2024, 2028)) == {2024: [], 2025: ["competent"], 2026: [], 2027: []}
    [constraint] = constraints_for(2025, [librarian.pk])[librarian.pk]
    assert constraint.reason == cap_reason("competent", 1, 2025, INST)
    assert grade_label("competent", INST) in constraint.reason and "称职" not in constraint.reason


def test_a_demerit_across_the_turn_of_the_year_caps_both_years_at_basically_qualified(county, kinds, case, librarian):
    decision = decide(county, case, kinds, librarian, "inst_demerit", date(2025, 3, 1))
    assert (decision.in_force_until, decision.cap_years) == (date(2026, 2, 28), 2)
    assert caps(librarian.pk, range(2024, 2028)) == {2024: [], 2025: ["basic"], 2026: ["basic"], 2027: []}
    reason = constraints_for(2026, [librarian.pk])[librarian.pk][0].reason
    assert grade_label("basic", INST) in reason and "2025" in reason and "称职" not in reason


def test_a_demerit_within_one_year_caps_that_year_only(county, kinds, case, librarian):
    decision = decide(county, case, kinds, librarian, "inst_demerit", date(2025, 1, 1))
    assert (decision.in_force_until, decision.cap_years) == (date(2025, 12, 31), 1)
    assert caps(librarian.pk, range(2025, 2027)) == {2025: ["basic"], 2026: []}


def test_a_post_downgrade_is_unqualified_every_year_of_its_24_months(county, kinds, case, librarian):
    decision = decide(county, case, kinds, librarian, "inst_post_downgrade", date(2025, 3, 1))
    assert (decision.in_force_until, decision.cap_years) == (date(2027, 2, 28), 3)
    assert caps(librarian.pk, range(2024, 2029)) == {
        2024: [], 2025: ["incompetent"], 2026: ["incompetent"], 2027: ["incompetent"], 2028: []}
    warning = decide(county, open_case(county, county.staff_official), kinds, county.staff_official, "gov_warning",
                     date(2025, 3, 1))
    assert warning.cap_years == 1  # a civil servant's 警告 is unchanged


def test_a_period_set_by_hand_gives_its_own_years(county, kinds, case, librarian):
    decision = decide(county, case, kinds, librarian, "inst_post_downgrade", date(2025, 1, 1),
                      in_force_until=date(2026, 12, 31))
    assert decision.cap_years == 2
    assert caps(librarian.pk, range(2025, 2028)) == {2025: ["incompetent"], 2026: ["incompetent"], 2027: []}


def test_expulsion_is_not_appraised(county, kinds, case, librarian):
    decide(county, case, kinds, librarian, "inst_expulsion", date(2026, 6, 1))
    assert caps(librarian.pk, range(2026, 2028)) == {2026: ["not_appraised"], 2027: []}


def test_the_institution_kinds_are_refused_for_a_civil_servant(county, kinds):
    case = open_case(county, county.staff_official)
    with pytest.raises(ApplicationError) as refused:
        decision_record(by=county.inspector, case=case, official=county.staff_official,
                        kind=kinds["inst_post_downgrade"], effective_date=date(2026, 3, 1))
    assert refused.value.code == "invalid" and "kind" in refused.value.extra["fields"]


def test_the_proposed_grade_follows_the_cap_and_reads_basically_qualified(county, kinds, case, librarian):
    decide(county, case, kinds, librarian, "inst_demerit", date(2025, 9, 1))
    ScorecardFactory(official=librarian, unit=county.culture, period=period("2026"), total=95)
    grades_propose(period=period("2026"), by=county.orgadmin)
    grade = GradeDecision.objects.get(official=librarian)
    assert grade.proposed == Grade.BASIC
    assert grade_label("basic", INST) in grade.constraints[0]["reason"]


def test_a_kind_can_cap_its_period_in_force_and_the_api_shows_it(county, kinds, client_for):
    kind = kind_configure(by=county.inspector, kind=kinds["gov_demerit"], points=kinds["gov_demerit"].points,
                          grade_cap="undetermined", cap_years=1, months_in_force=12, promotion_bar_months=None,
                          is_active=True, cap_in_force=True)
    assert kind.cap_in_force
    with pytest.raises(ApplicationError):  # a cap for the period needs a period
        kind_configure(by=county.inspector, kind=kind, points=kind.points, grade_cap="basic", cap_years=1,
                       months_in_force=None, promotion_bar_months=None, is_active=True, cap_in_force=True)
    rows = {k["code"]: k for k in client_for(county.inspector).get("/api/v1/decision-kinds/").json()["results"]}
    assert rows["inst_demerit"]["cap_in_force"] is True and rows["inst_demerit"]["grade_cap"] == "basic"
    assert rows["inst_warning"]["cap_in_force"] is False and rows["inst_warning"]["cap_years"] == 1
    patched = client_for(county.inspector).patch(f"/api/v1/decision-kinds/{kinds['inst_warning'].pk}/",
                                                 {"cap_in_force": True}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["cap_in_force"] is True


def test_the_cap_is_named_for_the_official_on_the_discipline_pages(county, kinds, case, librarian, client_for):
    decision = decide(county, case, kinds, librarian, "inst_warning", date(2026, 4, 1))
    assert cap_label("competent", INST) != cap_label("competent") and "称职" not in cap_label("competent", INST)
    assert decision.grade_cap_label == cap_label("competent", INST)
    own = client_for(librarian.user)
    page = own.get(reverse("discipline:decision_detail", args=[decision.pk])).content.decode()
    assert cap_label("competent", INST) in page
    effects = client_for(county.head).get(reverse("discipline:effects")).content.decode()
    assert cap_label("competent", INST) in effects
    kinds_page = client_for(county.inspector).get(reverse("discipline:kind_list")).content.decode()
    assert cap_label("basic", INST) in kinds_page and 'data-testid="kind-inst_post_downgrade"' in kinds_page


def test_the_kind_page_edits_the_cap_for_the_period(county, kinds, client_for):
    client = client_for(county.inspector)
    kind = kinds["inst_demerit"]
    url = reverse("discipline:kind_edit", args=[kind.pk])
    assert client.get(url).context["form"].initial["cap_in_force"] is True
    data = {"months_in_force": "12", "points": "10", "grade_cap": "basic", "cap_years": "2", "promotion_bar_months": "",
            "is_active": "on"}
    assert client.post(url, data).status_code == 302  # the box left unticked
    assert not type(kind).objects.get(pk=kind.pk).cap_in_force
    refused = client.post(url, {**data, "months_in_force": "", "cap_in_force": "on"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.post(url, {**data, "cap_in_force": "on"}).status_code == 302
    assert type(kind).objects.get(pk=kind.pk).cap_in_force
