"""Reads of the quarterly multi-rater check-up (季度多维体检), each scoped to what the user may see: the rounds (the
organization department's), one's own assignments as a rater, the results (the organization department's in its
subtree, one's own once the round is closed) and the progress counts. Nobody but the rater reads a rating one by
one (see ``appraisal.services.checkup``)."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from appraisal.models import CheckupResult, CheckupRound, Dimension, RaterAssignment, RaterGroup
from common.errors import ApplicationError
from common.queries import row_count
from org.models import OrgUnit, User
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


def _assignments_of_round(*statuses: str) -> Coalesce:
    """How many assignments of the outer round are in one of ``statuses`` (any when none is given)."""
    rows = RaterAssignment.objects.filter(round=OuterRef("pk"))
    return row_count(rows.filter(status__in=statuses) if statuses else rows, "round")


def rounds_with_progress(user: User | AnonymousUser) -> QuerySet[CheckupRound]:
    """Visible rounds with their assignment counts by status (one query for any number of rounds).

    Each count is a subquery of the round's assignments read from their (round, status) index, rather than a join
    grouped by round: that carried the period's row (its scheme snapshot) with each of a city's 50,000
    assignments, and the page's count repeated the join. A count of the rounds ignores the subqueries."""
    return rounds_visible_to(user).annotate(
        assigned=_assignments_of_round(),
        submitted=_assignments_of_round(Status.SUBMITTED),
        pending=_assignments_of_round(Status.PENDING),
        excused=_assignments_of_round(Status.EXCUSED),
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


def units_managed_by(user: User) -> QuerySet[OrgUnit]:
    """Active units under the user's organization-department roles, in tree order."""
    access = access_for(user)
    qs = OrgUnit.objects.filter(is_active=True).order_by("path")
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths((ORG,))))


def quarters_with_rounds() -> set[str]:
    """Return the keys of the quarters that have a check-up round (one round a quarter)."""
    return set(CheckupRound.objects.values_list("period__key", flat=True))


def users_named(names: Iterable[str]) -> dict[str, User]:
    """Return ``{user name: user}`` for the names that exist (raters are named by their user names)."""
    return {u.username: u for u in User.objects.filter(username__in=list(names))}


# -- the pages ---------------------------------------------------------------------------------------------
DIMENSION_LABELS = dict(Dimension.choices)
GROUP_LABELS = dict(RaterGroup.choices)


def result_summary(user: User | AnonymousUser, round: CheckupRound) -> dict[str, int]:
    """Return ``{"results", "incomplete"}`` counts of a round's results the user sees."""
    return results_visible_to(user).filter(round=round).aggregate(
        results=Count("id"), incomplete=Count("id", filter=Q(is_incomplete=True)))


def round_results(user: User | AnonymousUser, round: CheckupRound, *, incomplete: bool = False, search: str = "",
                  order: str = "") -> QuerySet[CheckupResult]:
    """Return a round's results the user sees: only the incomplete ones, those of officials whose name contains
    ``search`` (or whose staff number it is); by unit and name, or the lowest score first (``order="score"``)."""
    qs = results_visible_to(user).filter(round=round)
    if incomplete:
        qs = qs.filter(is_incomplete=True)
    if search:
        qs = qs.filter(Q(official__name__contains=search) | Q(official__staff_number=search))
    if order == "score":
        return qs.order_by("score", "official__unit__path", "official__name")
    return qs.order_by("official__unit__path", "official__name", "official_id")


def own_results(user: User) -> QuerySet[CheckupResult]:
    """Return the user's own results of closed rounds, the latest first (none without an official record)."""
    official_id = access_for(user).official_id
    if official_id is None:
        return CheckupResult.objects.none()
    return (results_visible_to(user).filter(official_id=official_id, round__status="closed")
            .order_by("-round__period__start"))


def _percent(rate: Any) -> float:
    return round(float(rate or 0) * 100, 1)


def result_figures(result: CheckupResult, *, show_groups: bool) -> dict[str, Any]:
    """Return what an official's result page shows: the group scores (``show_groups``: the organization department
    only, since a group of one rater would name its rater), the groups left out for a low response rate (no
    rater's score: the official sees them too), the dimensions with the low ones marked, the problems, whether
    ballot codes counted, and the minimum response rate in percent."""
    scores = result.group_scores
    groups = [{"group": g, "label": GROUP_LABELS[g], "weight": result.round.group_weights.get(g, 0), "issued": 0,
               **row, "rate_pct": _percent(row.get("rate"))} for g, row in scores.items()] if show_groups else []
    dropped = [{"group": g, "label": GROUP_LABELS[g], "rate": _percent(row.get("rate"))}
               for g, row in scores.items() if isinstance(row, dict) and row.get("dropped")]
    dimensions = [{"dimension": d, "label": DIMENSION_LABELS[d], "score": s,
                   "low": s < result.round.problem_threshold} for d, s in result.dimension_scores.items()]
    problems = [{**p, "label": DIMENSION_LABELS.get(p["dimension"], p["dimension"])} for p in result.problems]
    return {"groups": groups, "dropped": dropped, "dimensions": dimensions, "problems": problems,
            "has_ballots": any(isinstance(row, dict) and row.get("used") for row in scores.values()),
            "minimum_pct": _percent(min_response_rate())}
