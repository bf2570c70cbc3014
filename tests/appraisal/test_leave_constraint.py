"""Long leave in the annual grade (考核规定 2020 第27条): more than half the appraisal year on 病假 and 事假 →
不确定等次, a 评语 only; the counted kinds and the limit are settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from appraisal.constraints import constraints_for
from appraisal.models import Grade, GradeDecision
from appraisal.selectors.annual import CommentRule, comment_rule, needs_comment_q
from appraisal.services.comments import comment_write
from appraisal.services.grades import grades_propose
from appraisal.services.procedure import procedure_open, summaries_close
from org.models import LeaveKind
from tests.appraisal.annual_helpers import submit_all
from tests.appraisal.factories import ScorecardFactory
from tests.factories import LeaveRecordFactory, period

D = dt.date
JAN_5 = D(2026, 1, 5)


def away(official, days: int, kind: str = "sick", start: dt.date = JAN_5):
    return LeaveRecordFactory(official=official, kind=kind, start_date=start,
                              end_date=start + dt.timedelta(days=days - 1))


def leave_constraints(year: int = 2026) -> dict[int, list]:
    return {pk: [c for c in found if c.source == "leave"] for pk, found in constraints_for(year).items()
            if any(c.source == "leave" for c in found)}


@pytest.mark.parametrize(("days", "held"), [(181, False), (182, False), (183, True)])
def test_more_than_182_days_of_sick_leave_holds_the_grade(county, days, held):
    away(county.staff_official, days)
    found = leave_constraints()
    assert (county.staff_official.pk in found) is held
    if held:
        (constraint,) = found[county.staff_official.pk]
        assert constraint.max_grade == Grade.UNDETERMINED
        assert "183" in constraint.reason and "182" in constraint.reason
        assert f"{LeaveKind.SICK.label}、{LeaveKind.PERSONAL.label}" in constraint.reason  # 病假、事假


def test_sick_and_personal_leave_add_up_and_other_kinds_do_not_count(county):
    away(county.staff_official, 100, "sick", D(2026, 1, 1))
    away(county.staff_official, 83, "personal", D(2026, 6, 1))  # 183 together
    away(county.culture_official, 200, "maternity")
    away(county.finance_official, 150, "sick", D(2026, 1, 1))
    away(county.finance_official, 60, "annual", D(2026, 7, 1))
    assert set(leave_constraints()) == {county.staff_official.pk}


def test_only_the_days_in_the_year_count(county):
    LeaveRecordFactory(official=county.staff_official, start_date=D(2025, 9, 1), end_date=D(2026, 6, 30))  # 181
    LeaveRecordFactory(official=county.culture_official, start_date=D(2025, 9, 1), end_date=D(2026, 7, 2))  # 183
    assert set(leave_constraints(2026)) == {county.culture_official.pk}
    assert set(leave_constraints(2025)) == set()


def test_the_kinds_and_the_limit_are_settings(county, settings):
    away(county.staff_official, 200, "maternity")
    away(county.culture_official, 120)
    assert leave_constraints() == {}
    settings.APPRAISAL_LEAVE_KINDS = ["sick", "personal", "maternity"]
    settings.APPRAISAL_LEAVE_MAX_DAYS = 100
    found = leave_constraints()
    assert set(found) == {county.staff_official.pk, county.culture_official.pk}
    reason = found[county.staff_official.pk][0].reason
    assert str(LeaveKind.MATERNITY.label) in reason and "100" in reason
    settings.APPRAISAL_LEAVE_KINDS = []
    assert leave_constraints() == {}


def test_an_unknown_kind_in_the_setting_is_refused(county, settings):
    settings.APPRAISAL_LEAVE_KINDS = ["sick", "sabbatical"]
    with pytest.raises(ValueError):
        constraints_for(2026)


def test_the_proposal_is_undetermined_with_the_reason_and_the_head_writes_the_comment_only(county):
    staff, colleague = county.staff_official, county.culture_official
    for official, total in ((staff, 95), (colleague, 85), (county.head_official, 80)):
        ScorecardFactory(official=official, unit=county.culture, period=period("2026"), total=Decimal(total))
    away(staff, 190)
    grades_propose(period=period("2026"), by=county.orgadmin)
    grade = GradeDecision.objects.get(official=staff)
    assert grade.proposed == Grade.UNDETERMINED
    assert [c["source"] for c in grade.constraints] == ["leave"] and "190" in grade.constraints[0]["reason"]
    assert comment_rule(grade) is CommentRule.ONLY
    assert GradeDecision.objects.filter(needs_comment_q(), pk=grade.pk).exists()

    procedure = procedure_open(period=period("2026"), unit=county.culture, by=county.orgadmin)
    submit_all(procedure)
    summaries_close(procedure=procedure, by=county.head)
    written = comment_write(grade=grade, by=county.head, comment="该同志病休较长，期间能坚持学习。",
                            head_grade=Grade.EXCELLENT, head_reason="成绩突出")
    assert (written.comment, written.head_grade, written.head_reason) == ("该同志病休较长，期间能坚持学习。", "", "")
