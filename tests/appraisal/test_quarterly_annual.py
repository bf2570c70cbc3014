"""The annual proposal rests on the quarterly grades: a 较差 quarter, 一般 in two quarters, or (where the unit chose
it) no 好 quarter keeps an official from 优秀; the number of 好 quarters breaks ties at the 优秀 quota's boundary
before the organization department has to; both are shown on the annual grades page and the 评语 page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.constraints.quarterly import quarterly_constraints
from appraisal.models import Grade, GradeDecision, QuarterGrade, QuarterlyRule
from appraisal.services.grades import FLAG_QUOTA_TIE, grades_propose
from appraisal.services.quarterly import quarterly_rule_set
from common.errors import ApplicationError
from org.models import Official
from tests.appraisal.annual_helpers import to_stage
from tests.appraisal.factories import ScorecardFactory
from tests.appraisal.quarterly_helpers import confirm, propose, score
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory, period

G = QuarterGrade
YEAR = "2026"


def graded_quarters(county, official: Official, grades: list[str], *, confirmed: bool = True) -> None:
    """Give ``official`` the quarterly grades ``grades`` (Q1, Q2, …), written and confirmed by the head. Four
    colleagues fill the unit so the share of 好 has room."""
    for index, value in enumerate(grades, start=1):
        key = f"{YEAR}-Q{index}"
        score(official, county.culture, 95 if value == G.GOOD else 75, key=key)
        for _n in range(4):
            score(OfficialFactory(unit=county.culture_office), county.culture, 70, key=key)
        propose(county, key=key)
        if confirmed:
            confirm(official, county.head, value=value, key=key)
        else:
            from appraisal.services.quarterly import quarterly_grade_write
            from tests.appraisal.quarterly_helpers import grade_of

            quarterly_grade_write(grade=grade_of(official, key), by=county.head, value=value, comment="草稿")


def caps(official: Official) -> list[str]:
    return [c.reason for c in quarterly_constraints(2026, [official.pk])]


@pytest.mark.parametrize(("grades", "capped"), [
    ([G.GOOD, G.POOR, G.GOOD], True),
    ([G.AVERAGE, G.GOOD, G.AVERAGE], True),
    ([G.AVERAGE, G.GOOD, G.FAIRLY_GOOD], False),
    ([G.FAIRLY_GOOD, G.FAIRLY_GOOD], False),
])
def test_a_poor_quarter_or_two_average_quarters_keep_from_excellent(county, grades, capped):
    graded_quarters(county, county.staff_official, grades)
    assert bool(caps(county.staff_official)) is capped


def test_only_confirmed_grades_count(county):
    graded_quarters(county, county.staff_official, [G.POOR], confirmed=False)
    assert caps(county.staff_official) == []


def test_the_rules_are_settings(county, settings):
    graded_quarters(county, county.staff_official, [G.POOR, G.AVERAGE, G.AVERAGE])
    settings.APPRAISAL_QUARTERLY_POOR_BLOCKS_EXCELLENT = False
    assert len(caps(county.staff_official)) == 1  # still two 一般
    settings.APPRAISAL_QUARTERLY_AVERAGE_LIMIT = 0
    assert caps(county.staff_official) == []
    settings.APPRAISAL_QUARTERLY_AVERAGE_LIMIT = 3
    assert caps(county.staff_official) == []


def test_no_good_quarter_counts_only_where_the_unit_chose_it(county, settings):
    graded_quarters(county, county.staff_official, [G.FAIRLY_GOOD, G.FAIRLY_GOOD])
    graded_quarters(county, county.culture_official, [G.GOOD, G.FAIRLY_GOOD])
    assert caps(county.staff_official) == []
    quarterly_rule_set(unit=county.culture, year=2026, require_good=True, by=county.orgadmin)
    assert len(caps(county.staff_official)) == 1
    assert caps(county.culture_official) == []  # has a 好 quarter
    assert [c.reason for c in quarterly_constraints(2027, [county.staff_official.pk])] == []  # another year
    settings.APPRAISAL_QUARTERLY_NO_GOOD_RULE = False
    assert caps(county.staff_official) == []
    with pytest.raises(ApplicationError) as refused:
        quarterly_rule_set(unit=county.culture, year=2026, require_good=False, by=county.orgadmin)
    assert refused.value.code == "rule_off"


def test_only_the_organization_department_sets_the_units_rule(county):
    for user in (county.head, county.staff):
        with pytest.raises(ApplicationError) as refused:
            quarterly_rule_set(unit=county.culture, year=2026, require_good=True, by=user)
        assert refused.value.code == "forbidden"
    finance_org = UserFactory(username="finance-org")
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    with pytest.raises(ApplicationError):
        quarterly_rule_set(unit=county.culture, year=2026, require_good=True, by=finance_org)
    rule = quarterly_rule_set(unit=county.culture, year=2026, require_good=True, by=county.orgadmin)
    assert QuarterlyRule.objects.get() == rule and rule.history.count() == 1


def test_the_annual_proposal_takes_the_cap_with_its_reason(county):
    graded_quarters(county, county.staff_official, [G.POOR])
    year = period(YEAR)
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=year, total=Decimal(96))
    for total in (80, 79, 78, 77, 76, 75, 74, 73, 72):
        ScorecardFactory(official=OfficialFactory(unit=county.culture_office), unit=county.culture, period=year,
                         total=Decimal(total))
    grades_propose(period=year, by=county.orgadmin)
    decision = GradeDecision.objects.get(official=county.staff_official, period=year)
    assert decision.proposed == Grade.COMPETENT
    assert [c["source"] for c in decision.constraints] == ["quarterly"]


def _year_tie(county, staff_goods: int, other_goods: int) -> tuple[GradeDecision, GradeDecision]:
    """Staff and the culture official both at 95 for the one 优秀 place of five; each with some 好 quarters."""
    graded_quarters(county, county.staff_official, [G.GOOD] * staff_goods + [G.FAIRLY_GOOD] * (3 - staff_goods))
    graded_quarters(county, county.culture_official, [G.GOOD] * other_goods + [G.FAIRLY_GOOD] * (3 - other_goods))
    year = period(YEAR)
    for official in (county.staff_official, county.culture_official):
        ScorecardFactory(official=official, unit=county.culture, period=year, total=Decimal(95))
    for total in (80, 79, 78):
        ScorecardFactory(official=OfficialFactory(unit=county.culture_office), unit=county.culture, period=year,
                         total=Decimal(total))
    grades_propose(period=year, by=county.orgadmin)
    return (GradeDecision.objects.get(official=county.staff_official, period=year),
            GradeDecision.objects.get(official=county.culture_official, period=year))


def test_more_good_quarters_break_the_tie_at_the_quota_boundary(county):
    staff, other = _year_tie(county, staff_goods=2, other_goods=1)
    assert (staff.proposed, other.proposed) == (Grade.EXCELLENT, Grade.COMPETENT)
    assert FLAG_QUOTA_TIE not in staff.flags + other.flags


def test_still_tied_on_good_quarters_both_are_flagged(county):
    staff, other = _year_tie(county, staff_goods=1, other_goods=1)
    assert (staff.proposed, other.proposed) == (Grade.COMPETENT, Grade.COMPETENT)
    assert FLAG_QUOTA_TIE in staff.flags and FLAG_QUOTA_TIE in other.flags


def test_the_good_quarters_show_on_the_grades_and_comment_pages(county, client_for):
    graded_quarters(county, county.staff_official, [G.GOOD, G.GOOD, G.FAIRLY_GOOD])
    year = period(YEAR)
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=year, total=Decimal(88))
    ScorecardFactory(official=county.culture_official, unit=county.culture, period=year, total=Decimal(80))
    procedure = to_stage(county, county.culture, "comments")
    page = client_for(county.orgadmin).get(reverse("appraisal:grades") + f"?period={YEAR}&unit=WL").content.decode()
    assert f'data-official="{county.staff_official.pk}"' in page
    row = page.split(f'data-official="{county.staff_official.pk}"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-testid="good-quarters">2</td>' in row
    comments = client_for(county.head).get(reverse("appraisal:procedure_comments", args=[procedure.pk]))
    row = comments.content.decode().split(f'data-official="{county.staff_official.name}"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-testid="good-quarters">2</td>' in row
    grade = GradeDecision.objects.get(official=county.staff_official, period=year)
    edit = client_for(county.head).get(reverse("appraisal:comment_edit", args=[procedure.pk, grade.pk]))
    assert edit.content.decode().count('data-testid="quarterly-grade"><span class="badge text-bg-success"') == 2
