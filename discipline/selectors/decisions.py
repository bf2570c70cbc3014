"""Decisions and appeals as their readers see them — case readers in scope, and the subject their own — and the
*effects* of decisions (grade cap, points, promotion bar) that heads see for the officials in their scope,
without kind or facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from discipline.models import OPEN_CASE_STATUSES, Appeal, Case, Decision, DecisionKind, GradeCap, cap_label
from discipline.selectors.cases import under_investigation
from discipline.selectors.scope import own_official_id, scoped
from org.models import Official, OrgUnit, Role, User
from org.selectors import officials_visible_to


def decisions_visible_to(user: User | AnonymousUser) -> QuerySet[Decision]:
    """Decisions: case readers in scope, and the subject their own."""
    own = own_official_id(user)
    return scoped(
        Decision.objects.select_related("official", "official__unit", "kind", "case", "case__unit"), user,
        "case__unit__", own=Q(official_id=own) if own else None)


def appeals_visible_to(user: User | AnonymousUser) -> QuerySet[Appeal]:
    own = own_official_id(user)
    return scoped(
        Appeal.objects.select_related("decision", "decision__official", "decision__kind", "decision__case",
                                      "previous_kind", "new_kind"),
        user, "decision__case__unit__", own=Q(decision__official_id=own) if own else None)


def appeal_deadline(decision: Decision) -> date:
    """The last day the subject may appeal the decision: ``DISCIPLINE_APPEAL_DAYS`` after it takes effect."""
    return decision.effective_date + timedelta(days=int(settings.DISCIPLINE_APPEAL_DAYS))


def appealable(decision: Decision, today: date) -> bool:
    """Whether the decision may still be appealed: not revoked, no appeal pending (its ``appeals`` loaded), and
    within the window."""
    pending = any(a.is_pending for a in decision.appeals.all())
    return not decision.revoked and not pending and today <= appeal_deadline(decision)


def active_kinds() -> QuerySet[DecisionKind]:
    """The kinds of decision in use, which a decision or an appeal's outcome may take."""
    return DecisionKind.objects.filter(is_active=True)


def decisions_about(case_id: int, official_id: int) -> list[Decision]:
    """The decisions about one subject in one case, with their kind (one query)."""
    return list(Decision.objects.filter(case_id=case_id, official_id=official_id).select_related("kind"))


# -- effects, without facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """What a decision (or an open case) does to an official, as heads may see it."""

    official_id: int
    grade_cap: str  # a GradeCap value, or ""
    cap_years: tuple[int, ...]
    points: Decimal
    effective_date: date | None
    until: date | None
    no_promotion_until: date | None
    under_investigation: bool = False
    decision_id: int | None = None
    category: str = ""  # the official's personnel category, which names the cap (合格 for 事业单位)

    @property
    def cap_label(self) -> str:
        return cap_label(self.grade_cap, self.category)


def effects_of(decisions: Iterable[Decision], open_case_subjects: Iterable[int] = (),
               today: date | None = None) -> list[Effect]:
    year = (today or timezone.localdate()).year
    effects = [
        Effect(official_id=d.official_id, grade_cap=d.grade_cap, cap_years=tuple(d.capped_years()), points=d.points,
               effective_date=d.effective_date, until=d.in_force_until, no_promotion_until=d.no_promotion_until,
               decision_id=d.pk, category=d.official.personnel_category)
        for d in decisions
    ]
    effects += [Effect(official_id=pk, grade_cap=GradeCap.UNDETERMINED,
                       cap_years=(year,), points=Decimal(0), effective_date=None, until=None,
                       no_promotion_until=None, under_investigation=True)
                for pk in sorted(set(open_case_subjects))]
    return effects


def current_decisions(official_ids: Iterable[int] | QuerySet, today: date | None = None) -> QuerySet[Decision]:
    """Decisions with an effect now or this year: in force, capping this year's grade, or barring promotion."""
    today = today or timezone.localdate()
    caps_this_year = ~Q(grade_cap="") & Q(cap_end__gt=today.year)  # E ≤ this year < E + cap_years
    return (Decision.objects.effective().filter(official_id__in=official_ids, effective_date__lte=today)
            .alias(cap_end=ExtractYear("effective_date") + F("cap_years"))
            .filter(Q(in_force_until__gte=today) | Q(no_promotion_until__gte=today) | caps_this_year)
            .select_related("official", "official__unit")
            .order_by("official__unit__path", "official__name", "-effective_date"))


def effect_officials_for(user: User | AnonymousUser) -> QuerySet[Official]:
    """Officials whose effects the user may see: heads, the organization department and discipline
    inspection over them, and the user themself."""
    return officials_visible_to(user, roles=(Role.HEAD, Role.ORG_DEPARTMENT, Role.DISCIPLINE))


def effects_for(user: User | AnonymousUser, *, unit: OrgUnit | None = None,
                today: date | None = None) -> list[Effect]:
    """Effects on the officials a user may see (optionally under one unit), in two queries."""
    officials = effect_officials_for(user)
    if unit is not None:
        officials = officials.filter(unit.subtree_q("unit__"))
    return effects_among(officials.values("pk"), today)


def effects_among(official_ids: Iterable[int] | QuerySet, today: date | None = None) -> list[Effect]:
    """Effects on these officials (ids or a ``values("pk")`` subquery): two queries."""
    decisions = list(current_decisions(official_ids, today))
    investigated = list(Case.subjects.through.objects.filter(
        case__status__in=OPEN_CASE_STATUSES, official_id__in=official_ids).values_list("official_id", flat=True))
    return effects_of(decisions, investigated, today)


@dataclass(frozen=True)
class PromotionEligibility:
    eligible: bool
    until: date | None


def promotion_eligibility(official: Official, today: date | None = None) -> PromotionEligibility:
    """Whether an official may be promoted today: no effective decision bars it and no case is open."""
    today = today or timezone.localdate()
    if under_investigation([official.pk]).exists():
        return PromotionEligibility(eligible=False, until=None)
    bars = [day for day in Decision.objects.effective().filter(
        official=official, no_promotion_until__gte=today, effective_date__lte=today,
    ).values_list("no_promotion_until", flat=True) if day is not None]
    return PromotionEligibility(eligible=not bars, until=max(bars) if bars else None)


def with_officials(effects: list[Effect]) -> list[tuple[Effect, Official | None]]:
    """Each effect with its official and their unit (one query)."""
    officials = Official.objects.select_related("unit").in_bulk([e.official_id for e in effects])
    return [(e, officials.get(e.official_id)) for e in effects]


def decisions_with_visible_effect(user: User | AnonymousUser) -> QuerySet[Decision]:
    """Decisions about the officials whose effects the user sees (a tolerance request may be filed from one)."""
    return Decision.objects.select_related("case", "official", "official__unit").filter(
        official__in=effect_officials_for(user).values("pk"))
