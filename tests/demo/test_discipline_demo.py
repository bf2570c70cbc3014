"""The demo's discipline records (issue 8 item 11): cases in every state, decisions, tolerance, appeals, talks."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from discipline.models import (
    OPEN_CASE_STATUSES,
    Appeal,
    Case,
    CaseStatus,
    Decision,
    DecisionGroup,
    Talk,
    ToleranceRequest,
)
from discipline.selectors.cases import cases_handled_by
from discipline.selectors.decisions import decisions_visible_to, effects_for
from discipline.services.decisions import add_months
from org.models import Official, OrgUnit, User

pytestmark = pytest.mark.django_db

PATHS = {
    "registered": ["registered"],
    "investigating": ["registered", "investigating"],
    "decided": ["registered", "investigating", "decided"],
    "closed": ["registered", "investigating", "decided", "closed"],
    "not_pursued": ["registered", "not_pursued"],
}


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed(officials=60)


def test_cases_in_every_state_with_complete_timelines(seeded: str) -> None:
    assert "纪律数据已生成" in seeded
    inspector = User.objects.get(username="inspector")
    cases = list(Case.objects.prefetch_related("subjects", "rules", "transitions", "decisions"))
    assert len(cases) >= 8
    assert {c.status for c in cases} == set(CaseStatus.values)
    today = timezone.localdate()
    for case in cases:
        assert re.fullmatch(rf"{case.registered_on.year}-\d{{4}}", case.number)
        assert case.title and case.facts and case.source_reference and case.investigator == inspector
        assert 1 <= case.subjects.count() <= 2 and 1 <= case.rules.count() <= 3
        steps = list(case.transitions.order_by("at", "id"))
        assert [t.to_status for t in steps] == PATHS[case.status]
        assert [t.from_status for t in steps] == ["", *PATHS[case.status][:-1]]
        assert all(t.by == inspector and t.comment for t in steps)
        assert steps[0].at.date() == case.registered_on <= today
        assert (case.decided_on is not None) == (case.status in ("decided", "closed"))
        assert (case.closed_on is not None) == (case.status in ("closed", "not_pursued"))
        assert bool(case.not_pursued_reason) == (case.status == "not_pursued")
        # the case is filed under its subjects' top-level unit
        for subject in case.subjects.select_related("unit"):
            assert subject.unit.path.startswith(case.unit.path) and case.unit.depth == 2
        # every subject of a decided case has a decision, and only decided cases have decisions
        decided = {d.official_id for d in case.decisions.all()}
        expected = {s.pk for s in case.subjects.all()} if case.decided_on else set()
        assert decided == expected
    assert len({c.number for c in cases}) == len(cases)


def test_decisions_carry_their_kinds_effects(seeded: str) -> None:
    decisions = list(Decision.objects.select_related("kind", "case"))
    assert len({d.kind.code for d in decisions}) >= 4
    today = timezone.localdate()
    for d in decisions:
        kind = d.kind
        assert d.effective_date == d.case.decided_on
        # The discipline builder's decisions are recent; demo.category_demo adds last year's 事业单位 警告.
        assert today - d.effective_date <= timedelta(days=300) or kind.code == "inst_warning"
        assert (d.points, d.grade_cap, d.cap_years, d.later_cap) == (kind.points, kind.grade_cap, kind.cap_years,
                                                                       kind.later_cap)
        until = add_months(d.effective_date, kind.months_in_force) - timedelta(days=1) \
            if kind.months_in_force else None
        assert d.in_force_until == until
        if kind.promotion_bar_months:
            assert d.no_promotion_until == add_months(d.effective_date, kind.promotion_bar_months) \
                - timedelta(days=1)
        elif kind.group in (DecisionGroup.GOVERNMENT, DecisionGroup.PARTY, DecisionGroup.INSTITUTION):
            assert d.no_promotion_until == d.in_force_until
        else:
            assert d.no_promotion_until is None
        assert d.summary and d.decided_by is not None and d.decided_by.username == "inspector"


def test_one_decision_is_exempted_under_error_tolerance(seeded: str) -> None:
    exempted = Decision.objects.get(exempted=True)
    approved = ToleranceRequest.objects.get(status="approved")
    assert (approved.case_id, approved.official_id) == (exempted.case_id, exempted.official_id)
    assert approved.for_public_good and approved.no_personal_gain and approved.statement
    assert approved.review_supports is True and approved.review_opinion
    assert approved.reviewed_by is not None and approved.reviewed_by.username == "inspector"
    assert approved.decided_by is not None and approved.decided_by.username == "orgadmin"
    assert approved.rectification_status in ("pending", "done")
    assert (approved.rectified_on is not None) == (approved.rectification_status == "done")
    assert exempted.case.status in ("decided", "closed")  # the record stays
    assert not Decision.objects.effective().filter(pk=exempted.pk).exists()
    submitted = ToleranceRequest.objects.get(status="submitted")
    assert submitted.review_supports is None and submitted.requested_by == User.objects.get(username="head")
    assert not ToleranceRequest.objects.filter(requested_by__isnull=True).exists()
    rejected = ToleranceRequest.objects.get(status="rejected")
    assert rejected.review_supports is False
    assert rejected.decided_by is not None and rejected.decided_by.username == "orgadmin"


def test_one_decision_changed_on_appeal_and_one_appeal_pending(seeded: str) -> None:
    changed = Appeal.objects.select_related("decision", "decision__kind").get(outcome="changed")
    assert changed.previous_kind is not None and changed.new_kind is not None
    assert changed.previous_kind != changed.new_kind == changed.decision.kind
    assert changed.decision.points == changed.new_kind.points
    assert changed.decided_by is not None and changed.outcome_note
    pending = Appeal.objects.select_related("decision").get(outcome="")
    assert pending.is_pending and pending.grounds
    assert pending.filed_on <= pending.decision.effective_date + timedelta(days=30)


def test_inspector_has_open_cases(seeded: str) -> None:
    inspector = User.objects.get(username="inspector")
    assert cases_handled_by(inspector).filter(status__in=OPEN_CASE_STATUSES).exists()


def test_staff_has_one_light_decision_and_no_open_case(seeded: str) -> None:
    staff = User.objects.get(username="staff")
    official = Official.objects.get(user=staff)
    mine = list(decisions_visible_to(staff).filter(official=official))
    assert len(mine) == 1
    decision = mine[0]
    assert decision.kind.code == "reminder_talk" and decision.points == 1 and not decision.grade_cap
    assert decision.case.status == "closed"
    assert not Case.objects.filter(subjects=official, status__in=OPEN_CASE_STATUSES).exists()
    assert not Decision.objects.filter(official=official, kind__group__in=["government", "party"]).exists()


def test_head_sees_a_grade_cap_in_their_bureau(seeded: str) -> None:
    head = User.objects.get(username="head")
    culture = OrgUnit.objects.get(code="WL")
    capped = [e for e in effects_for(head, unit=culture) if e.grade_cap and not e.under_investigation]
    assert capped
    assert Official.objects.get(user=head).pk not in {e.official_id for e in capped}


def test_talks(seeded: str) -> None:
    talks = list(Talk.objects.all())
    assert len(talks) >= 6
    assert {t.kind for t in talks} == {"reminder", "care"}
    assert {t.occasion for t in talks if t.kind == "care"} == {"job_change", "setback", "family", "retirement"}
    assert all((t.talker_id or t.talker_name) and t.topic and t.follow_up for t in talks)
    assert any(t.follow_up_done for t in talks)
    assert Talk.objects.filter(official__user__username="staff", case__isnull=False).exists()


class _Rollback(Exception):
    pass


def _snapshot(seed_value: int) -> list[Any]:
    rows: list[Any] = []
    try:
        with transaction.atomic():
            seed(officials=60, seed=seed_value)
            rows = [
                *Case.objects.order_by("number").values_list("number", "title", "status", "registered_on", "facts"),
                *Decision.objects.order_by("case__number", "official__staff_number").values_list(
                    "case__number", "official__staff_number", "kind__code", "exempted"),
                *Talk.objects.order_by("held_on", "official__staff_number").values_list(
                    "official__staff_number", "held_on", "topic"),
            ]
            raise _Rollback
    except _Rollback:
        pass
    return rows


def test_same_seed_same_data() -> None:
    first = _snapshot(7)
    assert first
    assert _snapshot(7) == first
    assert _snapshot(8) != first
