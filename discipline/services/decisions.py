"""Decisions: record the outcome of a case for one subject, with its effects copied from the kind.

Effects: points deducted (a derived ledger entry in the appraisal), the grade cap for the years it applies to,
and "no promotion until". An approved error-tolerance request for the subject and case makes the decision
exempted from the start; the record stays either way.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.notifications import notify
from discipline.models import (
    Case,
    CaseStatus,
    Decision,
    DecisionGroup,
    DecisionKind,
    GradeCap,
    ToleranceRequest,
    ToleranceStatus,
)
from discipline.selectors.cases import can_handle
from discipline.services._common import forbidden, save_as
from org.facts import facts_changed
from org.models import Official, PersonnelCategory, User

SANCTION_GROUPS = (DecisionGroup.GOVERNMENT, DecisionGroup.PARTY, DecisionGroup.INSTITUTION)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int | None) -> date | None:
    """The last day of a period of ``months`` starting on ``start`` (None: no period)."""
    return None if months is None else add_months(start, months) - timedelta(days=1)


def default_promotion_bar(kind: DecisionKind, effective: date) -> date | None:
    """诫勉 and organisational measures: their own bar; a sanction: its period in force; otherwise none."""
    if kind.promotion_bar_months:
        return period_end(effective, kind.promotion_bar_months)
    if kind.group in SANCTION_GROUPS:
        return period_end(effective, kind.months_in_force)
    return None


def years_touched(start: date, end: date | None) -> int:
    """The appraisal (calendar) years a period from ``start`` to ``end`` touches: 1 without an end."""
    return 1 if end is None else max(end.year - start.year + 1, 1)


def decision_changed(decision: Decision) -> None:
    """Tell the appraisal: a decision's points are a ledger row on its effective date (call after saving)."""
    facts_changed(facts={"discipline_decision": [decision.effective_date]}, officials=[decision.official_id])


def apply_kind(decision: Decision, kind: DecisionKind) -> None:
    """Copy a kind's effects onto a decision (kept from then on, whatever later becomes of the catalogue).

    A kind whose cap lasts for the period in force (``cap_in_force``: 事业单位 记过, 降低岗位等级) caps every
    appraisal year the decision's period touches — 12 months from 2025-03-01 cap 2025 and 2026, from 2025-01-01
    only 2025 — so its years are counted from the decision's own dates."""
    decision.kind = kind
    decision.points = kind.points
    decision.grade_cap = kind.grade_cap
    decision.cap_years, decision.later_cap = kind.cap_years, kind.later_cap
    decision.in_force_until = period_end(decision.effective_date, kind.months_in_force)
    decision.no_promotion_until = default_promotion_bar(kind, decision.effective_date)
    if kind.cap_in_force:
        decision.cap_years = years_touched(decision.effective_date, decision.in_force_until)


def decision_record(
    *, by: User, case: Case, official: Official, kind: DecisionKind, effective_date: date, summary: str = "",
    points: Decimal | None = None, grade_cap: str | None = None, in_force_until: date | None = None,
    no_promotion_until: date | None = None,
) -> Decision:
    """Record a decision for a subject of an open case; effects default to the kind's and may be set here."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
        if not can_handle(by, case.unit):
            raise forbidden()
        if case.status not in (CaseStatus.INVESTIGATING, CaseStatus.DECIDED):
            raise ApplicationError(_("Decisions are recorded on a case under investigation or decided."),
                                   code="not_open")
        if not case.subjects.filter(pk=official.pk).exists():
            raise ApplicationError(_("This official is not a subject of the case."), code="not_subject")
        if not kind.is_active:
            raise ApplicationError(_("This kind of decision is no longer in use."), code="invalid")
        if kind.group == DecisionGroup.INSTITUTION and official.personnel_category != PersonnelCategory.INSTITUTION:
            raise ApplicationError(
                _("“%(kind)s” is a sanction for public institution (事业单位) staff; %(name)s is %(category)s.")
                % {"kind": kind.name, "name": official.name, "category": official.get_personnel_category_display()},
                code="invalid", extra={"fields": {"kind": [_("Not for this official's personnel category.")]}})
        decision = Decision(case=case, official=official, effective_date=effective_date, summary=summary.strip(),
                            decided_by=by)
        apply_kind(decision, kind)
        if points is not None:
            decision.points = points
        if grade_cap is not None:
            if grade_cap and grade_cap not in GradeCap.values:
                raise ApplicationError(_("Choose a grade cap from the list."), code="invalid")
            decision.grade_cap = grade_cap
        if in_force_until is not None:
            decision.in_force_until = in_force_until
            if kind.cap_in_force:
                decision.cap_years = years_touched(decision.effective_date, in_force_until)
        if no_promotion_until is not None:
            decision.no_promotion_until = no_promotion_until
        decision.exempted = ToleranceRequest.objects.filter(
            case=case, official=official, status=ToleranceStatus.APPROVED).exists()
        try:
            with transaction.atomic():
                save_as(decision, by)
        except IntegrityError:
            raise ApplicationError(_("This official already has a decision of this kind in the case."),
                                   code="duplicate") from None
        decision_changed(decision)
    if official.user_id:
        notify(users=[official.user], kind="discipline_decision", title=_("A decision about you was recorded"),
               url=reverse("discipline:my_record"), dedupe_key=f"decision:{decision.pk}")
    return decision
