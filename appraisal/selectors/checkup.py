"""Reads of the quarterly multi-rater check-up (季度多维体检), each scoped to what the user may see: the rounds (the
organization department's), one's own assignments as a rater, the results (the organization department's in its
subtree, one's own once the round is closed) and the progress counts. Nobody but the rater reads a rating one by
one (see ``appraisal.services.checkup``)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from appraisal.models import CheckupResult, CheckupRound, RaterAssignment, RaterGroup
from common.errors import ApplicationError
from org.models import User
from org.selectors import access_for, subtree_q

ORG = "org"
GROUPS: tuple[str, ...] = tuple(RaterGroup.values)
Status = RaterAssignment.Status


def can_manage_checkups(user: User | AnonymousUser) -> bool:
    """Whether the user belongs to the organization department (anywhere)."""
    return access_for(user).has_role(ORG)


def _org_q(user: User | AnonymousUser, relation: str) -> tuple[bool, Q]:
    access = access_for(user)
    if access.is_superuser:
        return True, Q()
    return False, subtree_q(access.paths((ORG,)), relation)


def rounds_visible_to(user: User | AnonymousUser) -> QuerySet[CheckupRound]:
    """Return the rounds the organization department manages (all of them); nobody else manages rounds."""
    qs = CheckupRound.objects.select_related("period").order_by("-period__start")
    return qs if can_manage_checkups(user) else qs.none()


def rounds_with_progress(user: User | AnonymousUser) -> QuerySet[CheckupRound]:
    """Visible rounds with their assignment counts by status (one query for any number of rounds)."""
    return rounds_visible_to(user).annotate(
        assigned=Count("assignments"),
        submitted=Count("assignments", filter=Q(assignments__status=Status.SUBMITTED)),
        pending=Count("assignments", filter=Q(assignments__status=Status.PENDING)),
        excused=Count("assignments", filter=Q(assignments__status=Status.EXCUSED)),
    )


def round_progress(round: CheckupRound, user: User | AnonymousUser) -> list[dict[str, Any]]:
    """Return, per rater group, how many assignments (of officials in the user's scope) are in each state."""
    everything, q = _org_q(user, "official__unit__")
    qs = RaterAssignment.objects.filter(round=round)
    if not everything:
        qs = qs.filter(q)
    counts: dict[str, dict[str, int]] = {g: {s: 0 for s in Status.values} for g in GROUPS}
    for group, status, n in qs.order_by().values_list("group", "status").annotate(n=Count("id")):
        counts[group][status] = n
    rows = []
    for value, label in RaterGroup.choices:
        row = counts[value]
        rows.append({"group": value, "label": label, "weight": round.group_weights.get(value, 0),
                     "total": sum(row.values()), **row})
    return rows


def assignments_of(user: User) -> QuerySet[RaterAssignment]:
    """Return the user's own assignments as a rater: the only ratings anyone can read one by one."""
    return (RaterAssignment.objects.filter(rater=user)
            .select_related("round__period", "official__unit").order_by("-round__period__start", "official__name",
                                                                         "id"))


def assignments_to_do(user: User) -> QuerySet[RaterAssignment]:
    """The user's assignments in open rounds, those still to rate first."""
    return assignments_of(user).filter(round__status="open").order_by(
        "-round__period__start", "-status", "official__unit__path", "official__name", "id")


def results_visible_to(user: User | AnonymousUser) -> QuerySet[CheckupResult]:
    """Return the results the organization department sees in its subtree, and the user's own once closed."""
    qs = CheckupResult.objects.select_related("round__period", "official__unit")
    everything, q = _org_q(user, "official__unit__")
    if everything:
        return qs
    official_id = access_for(user).official_id
    if official_id is not None:
        q |= Q(official_id=official_id, round__status="closed")
    return qs.filter(q)


def may_see_group_scores(user: User | AnonymousUser, result: CheckupResult) -> bool:
    """Group scores can point at a single rater: only the organization department sees them."""
    return access_for(user).covers(result.official.unit.path, (ORG,))


def min_response_rate() -> Fraction:
    """Return ``APPRAISAL_BALLOT_MIN_RESPONSE_RATE`` as an exact fraction (``2/3`` or ``0.6667``), in [0, 1]."""
    try:
        value = Fraction(str(settings.APPRAISAL_BALLOT_MIN_RESPONSE_RATE).strip())
    except (ValueError, ZeroDivisionError):
        raise ApplicationError(_("The minimum response rate setting must be a fraction such as 2/3."),
                               code="bad_setting") from None
    return min(max(value, Fraction(0)), Fraction(1))
