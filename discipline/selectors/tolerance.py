"""Error tolerance requests (容错免责): who sees them, who may file, review, decide or record the rectification,
and what waits for whom. Separation of duties: whoever filed a request, and its subject, neither review nor
decide it (``tolerance_conflict``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from discipline.models import Case, CaseStatus, Decision, RectificationStatus, ToleranceRequest, ToleranceStatus
from discipline.selectors.cases import can_handle
from discipline.selectors.scope import own_official_id, scoped
from org.models import Official, OrgUnit, Role, User
from org.selectors import access_for


def tolerance_visible_to(user: User | AnonymousUser) -> QuerySet[ToleranceRequest]:
    """Tolerance requests: case readers in scope, the subject, and whoever filed one (a head for the unit)."""
    own = own_official_id(user)
    mine = Q(requested_by_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    if own:
        mine |= Q(official_id=own)
    return scoped(ToleranceRequest.objects.select_related("case", "case__unit", "official", "official__unit"),
                  user, "case__unit__", own=mine)


OPEN = "open"  # the list's default: waiting for a review or a decision, or a rectification under way


def tolerance_listed(user: User | AnonymousUser, show: str = OPEN) -> QuerySet[ToleranceRequest]:
    """The requests the user sees for the list: the open ones (oldest first), those of one status, or all."""
    requests = tolerance_visible_to(user).select_related("requested_by")
    if show == OPEN:
        return requests.filter(Q(status__in=[ToleranceStatus.SUBMITTED, ToleranceStatus.REVIEWED])
                               | Q(rectification_status=RectificationStatus.PENDING)).order_by("created_at", "id")
    if show in ToleranceStatus.values:
        return requests.filter(status=show)
    return requests


def can_request_tolerance(user: User | AnonymousUser, official: Official) -> bool:
    """The official themself, a head over their unit, or discipline inspection over it."""
    access = access_for(user)
    return access.official_id == official.pk or access.covers(official.unit.path, [Role.HEAD, Role.DISCIPLINE])


def can_decide_tolerance(user: User | AnonymousUser, unit: OrgUnit) -> bool:
    return access_for(user).covers(unit.path, [Role.ORG_DEPARTMENT])


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


def waits_for(user: User | AnonymousUser, request: ToleranceRequest) -> bool:
    """Whether the request waits for the user: a review by discipline inspection, or a decision by the
    organization department, that the user may give (not about themself, not filed by them)."""
    unit = request.case.unit
    waiting = ((request.status == ToleranceStatus.SUBMITTED and can_handle(user, unit))
               or (request.status == ToleranceStatus.REVIEWED and can_decide_tolerance(user, unit)))
    return waiting and tolerance_conflict(user, request) is None


@dataclass(frozen=True)
class ToleranceActions:
    """What the user may do on a request's page; ``conflict`` says why they may not review or decide it."""

    reviewing: bool
    deciding: bool
    rectifying: bool
    conflict: str | None


def tolerance_actions(user: User | AnonymousUser, request: ToleranceRequest) -> ToleranceActions:
    unit = request.case.unit
    reviewing = request.status == ToleranceStatus.SUBMITTED and can_handle(user, unit)
    deciding = request.status == ToleranceStatus.REVIEWED and can_decide_tolerance(user, unit)
    # Separation of duties: who filed the request, or is its subject, is told why there is no form.
    conflict = tolerance_conflict(user, request) if reviewing or deciding else None
    if conflict is not None:
        reviewing = deciding = False
    rectifying = request.rectification_status == RectificationStatus.PENDING and (
        can_handle(user, unit) or can_decide_tolerance(user, unit))
    return ToleranceActions(reviewing=reviewing, deciding=deciding, rectifying=rectifying, conflict=conflict)


def requestable_subjects(case: Case, decisions: Iterable[Decision], requests: Iterable[ToleranceRequest]) -> set[int]:
    """The subjects of the case for whom error tolerance may be requested: those with a decision in effect (a
    request exempts a decision) and no request under way or approved."""
    if case.status == CaseStatus.NOT_PURSUED:
        return set()
    live = {r.official_id for r in requests if r.status != ToleranceStatus.REJECTED}
    return {d.official_id for d in decisions if not d.exempted and not d.revoked} - live


def live_request_cases(user: User | AnonymousUser, official_id: int) -> set[int]:
    """The cases where a request about the official is under way or approved (one query)."""
    return set(tolerance_visible_to(user).filter(official_id=official_id)
               .exclude(status=ToleranceStatus.REJECTED).values_list("case_id", flat=True))


def live_request(user: User | AnonymousUser, decision: Decision) -> ToleranceRequest | None:
    """The request under way or approved about the decision's subject in its case, if the user sees one."""
    return tolerance_visible_to(user).filter(case_id=decision.case_id, official_id=decision.official_id).exclude(
        status=ToleranceStatus.REJECTED).first()
