"""Reads for the discipline app, scoped by confidentiality (DESIGN §5, issue 8 item 7).

- Case files (facts, attachments, transitions, decisions with their text), tolerance requests, appeals and
  talks: discipline inspection and the organization department whose role covers the case's unit (for talks,
  the official's unit).
- The subject: the decisions about themself, their appeals and their tolerance requests — never the facts.
- Heads: the *effect* of decisions on officials in their scope (``effects_for``), without kind or facts.
Anyone else gets nothing, so a page or endpoint fetching through these answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from discipline.models import (
    OPEN_CASE_STATUSES,
    Appeal,
    Case,
    CaseStatus,
    CaseTransition,
    Decision,
    GradeCap,
    Talk,
    ToleranceRequest,
    cap_label,
)
from org.models import Official, OrgUnit, Role, User
from org.selectors import access_for, officials_visible_to, subtree_q

CASE_ROLES = (Role.DISCIPLINE, Role.ORG_DEPARTMENT)


def _paths(user: User | AnonymousUser, roles: Iterable[str]) -> list[str] | None:
    """The subtree prefixes ``roles`` cover, or None for a superuser (everything)."""
    access = access_for(user)
    return None if access.is_superuser else access.paths(roles)


def _scoped(qs: QuerySet, user: User | AnonymousUser, relation: str, roles: Iterable[str] = CASE_ROLES,
            own: Q | None = None) -> QuerySet:
    paths = _paths(user, roles)
    if paths is None:
        return qs
    q = subtree_q(paths, relation)
    if own is not None:
        q |= own
    return qs.filter(q)


def _own_official_id(user: User | AnonymousUser) -> int | None:
    return access_for(user).official_id


def can_read_case_files(user: User | AnonymousUser) -> bool:
    return access_for(user).has_role(*CASE_ROLES)


def can_handle(user: User | AnonymousUser, unit: OrgUnit) -> bool:
    """Whether the user may work on cases filed under ``unit`` (discipline inspection over it)."""
    return access_for(user).covers(unit.path, [Role.DISCIPLINE])


def may_act_on_tolerance(user: User | AnonymousUser, request: ToleranceRequest) -> bool:
    """Whether ``user`` acts on tolerance requests of the case's unit at all (discipline inspection reviews, the
    organization department decides, either records the rectification). Anyone else — the subject, a head who
    filed it — sees the request but is answered as if an action on it did not exist; the services refuse the
    wrong one of the two roles with a message."""
    unit = request.case.unit
    return can_handle(user, unit) or can_decide_tolerance(user, unit)


def tolerance_conflict(user: User | AnonymousUser, request: ToleranceRequest) -> str | None:
    """Why ``user`` may not review or decide ``request`` — they filed it, or it is about them (separation of
    duties) — or None. The services refuse with it; the pages show it instead of the form."""
    if request.requested_by_id is not None and request.requested_by_id == user.pk:
        return _("You filed this request: someone else must review and decide it.")
    if request.official_id == access_for(user).official_id:
        return _("This request is about you: someone else must review and decide it.")
    return None


def can_decide_tolerance(user: User | AnonymousUser, unit: OrgUnit) -> bool:
    return access_for(user).covers(unit.path, [Role.ORG_DEPARTMENT])


def can_edit_catalogue(user: User | AnonymousUser) -> bool:
    """The catalogue is county-wide: discipline inspection on a top-level unit edits it."""
    access = access_for(user)
    return access.is_superuser or any(
        g.role == Role.DISCIPLINE and len(g.unit_path) == OrgUnit.steplen for g in access.grants)


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    """Case files: discipline inspection and the organization department over the case's unit."""
    return _scoped(Case.objects.select_related("unit", "investigator"), user, "unit__")


def cases_handled_by(user: User | AnonymousUser) -> QuerySet[Case]:
    """Cases the user may work on: discipline inspection over the case's unit."""
    return _scoped(Case.objects.select_related("unit", "investigator"), user, "unit__", roles=[Role.DISCIPLINE])


def past_time_limit_q(today: date) -> Q:
    """Open cases past their time limit (settings ``DISCIPLINE_REGISTERED_DAYS``, ``DISCIPLINE_INVESTIGATION_DAYS``):
    registered too long ago and not taken up, or investigated for too long since the investigation began (the
    case's registration day when no step records it). Needs the ``investigating_since`` of
    ``with_time_limits``."""
    registered_by = today - timedelta(days=settings.DISCIPLINE_REGISTERED_DAYS)
    investigating_by = today - timedelta(days=settings.DISCIPLINE_INVESTIGATION_DAYS)
    began_by = timezone.make_aware(datetime.combine(investigating_by, time.min))
    return (Q(status=CaseStatus.REGISTERED, registered_on__lt=registered_by)
            | Q(status=CaseStatus.INVESTIGATING, investigating_since__lt=began_by)
            | Q(status=CaseStatus.INVESTIGATING, investigating_since__isnull=True, registered_on__lt=investigating_by))


def with_time_limits(cases: QuerySet[Case], today: date | None = None) -> QuerySet[Case]:
    """Annotate ``investigating_since`` (when the investigation began) and ``past_limit``."""
    began = CaseTransition.objects.filter(case_id=OuterRef("pk"), to_status=CaseStatus.INVESTIGATING).order_by(
        "-at", "-id").values("at")[:1]
    return cases.annotate(investigating_since=Subquery(began)).annotate(past_limit=ExpressionWrapper(
        past_time_limit_q(today or timezone.localdate()), output_field=BooleanField()))


def cases_with_pending_appeal_q() -> Q:
    """Cases with an appeal (申诉) against one of their decisions still to decide."""
    return Q(pk__in=Appeal.objects.filter(outcome="").values("decision__case_id"))


def decisions_visible_to(user: User | AnonymousUser) -> QuerySet[Decision]:
    """Decisions: case readers in scope, and the subject their own."""
    own = _own_official_id(user)
    return _scoped(
        Decision.objects.select_related("official", "official__unit", "kind", "case", "case__unit"), user,
        "case__unit__", own=Q(official_id=own) if own else None)


def appeals_visible_to(user: User | AnonymousUser) -> QuerySet[Appeal]:
    own = _own_official_id(user)
    return _scoped(
        Appeal.objects.select_related("decision", "decision__official", "decision__kind", "decision__case",
                                      "previous_kind", "new_kind"),
        user, "decision__case__unit__", own=Q(decision__official_id=own) if own else None)


def tolerance_visible_to(user: User | AnonymousUser) -> QuerySet[ToleranceRequest]:
    """Tolerance requests: case readers in scope, the subject, and whoever filed one (a head for the unit)."""
    own = _own_official_id(user)
    mine = Q(requested_by_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    if own:
        mine |= Q(official_id=own)
    return _scoped(ToleranceRequest.objects.select_related("case", "case__unit", "official", "official__unit"),
                   user, "case__unit__", own=mine)


def talks_visible_to(user: User | AnonymousUser) -> QuerySet[Talk]:
    """Talks are confidential: discipline inspection and the organization department over the official."""
    return _scoped(Talk.objects.select_related("official", "official__unit", "talker"), user,
                   "official__unit__")


def case_timeline(case: Case) -> list[object]:
    """The case's transitions, oldest first (one query)."""
    return list(case.transitions.select_related("by").order_by("at", "id"))


def under_investigation(official_ids: Iterable[int] | None = None) -> QuerySet[Case]:
    cases = Case.objects.filter(status__in=OPEN_CASE_STATUSES)
    if official_ids is not None:
        cases = cases.filter(subjects__in=list(official_ids))
    return cases


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
