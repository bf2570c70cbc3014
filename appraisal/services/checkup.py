"""The quarterly multi-rater check-up (季度多维体检): rounds, rater assignments, ratings and results.

Who may do what:
- the organization department opens a round for a quarter, assigns raters to officials in its subtree
  (one by one or the default set for a unit), computes the results and closes the round;
- a rater rates only their own assignments, or declares a conflict of interest and is excused;
- nobody rates themself, and nobody but the rater sees a rater's scores: the organization department sees
  the aggregates (results, progress counts), the official rated sees their own result once the round is
  closed — the score, the dimension scores and the problem list, never who said what.

Scoring (``round_compute``): a rating's value is the mean of its five dimensions; a ballot's (one-time code,
``appraisal.services.ballots``) is the score of its 好 / 较好 / 一般 / 差 as the batch recorded it. A group's score
is the mean of its ratings' and ballots' values, without the highest and the lowest when the group has at least
five and the round trims that group (``group_trim``, on by default); the official's score is the weighted mean
of the group scores over the groups that answered. A group with ballot codes counts only when its response
rate — ballots cast and ratings submitted over codes issued and raters not excused — reaches
``APPRAISAL_BALLOT_MIN_RESPONSE_RATE``: otherwise it is left out (``dropped``) and the other groups' weights
scale up. Completeness counts only the groups that have raters or codes and are not dropped: such a group
(an all-excused group needs another rater) with fewer responses than ``min_responses`` makes the result
incomplete; a group nobody was assigned to is not part of the round for that official.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    DEFAULT_GROUP_WEIGHTS,
    AppraisalPeriod,
    BallotBatch,
    BallotRating,
    CheckupResult,
    CheckupRound,
    Dimension,
    PeriodKind,
    PeriodStatus,
    RaterAssignment,
    RaterGroup,
)
from appraisal.scoring.periods import QUARTER, parse_period_key
from common.errors import ApplicationError, from_validation_error
from common.history import save_as, set_actor
from common.notifications import Notice, notify, notify_many
from org.models import Official, OrgUnit, RoleGrant, User
from org.selectors import access_for, ancestor_paths, subtree_q

ORG = "org"
DIMENSIONS: tuple[str, ...] = tuple(Dimension.values)
GROUPS: tuple[str, ...] = tuple(RaterGroup.values)
TRIM_FROM = 5  # a group with this many ratings or more drops its highest and its lowest
DEFAULT_COLLEAGUES = 5
CENT = Decimal("0.01")
Status = RaterAssignment.Status


# -- reads ---------------------------------------------------------------------------------------------------
def can_manage_checkups(user: User) -> bool:
    """Whether the user belongs to the organization department (anywhere)."""
    return access_for(user).has_role(ORG)


def _org_q(user: User, relation: str) -> tuple[bool, Q]:
    access = access_for(user)
    if access.is_superuser:
        return True, Q()
    return False, subtree_q(access.paths((ORG,)), relation)


def rounds_visible_to(user: User) -> QuerySet[CheckupRound]:
    """Return the rounds the organization department manages (all of them); nobody else manages rounds."""
    qs = CheckupRound.objects.select_related("period").order_by("-period__start")
    return qs if can_manage_checkups(user) else qs.none()


def rounds_with_progress(user: User) -> QuerySet[CheckupRound]:
    """Visible rounds with their assignment counts by status (one query for any number of rounds)."""
    return rounds_visible_to(user).annotate(
        assigned=Count("assignments"),
        submitted=Count("assignments", filter=Q(assignments__status=Status.SUBMITTED)),
        pending=Count("assignments", filter=Q(assignments__status=Status.PENDING)),
        excused=Count("assignments", filter=Q(assignments__status=Status.EXCUSED)),
    )


def round_progress(round: CheckupRound, user: User) -> list[dict[str, Any]]:
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


def results_visible_to(user: User) -> QuerySet[CheckupResult]:
    """Return the results the organization department sees in its subtree, and the user's own once closed."""
    qs = CheckupResult.objects.select_related("round__period", "official__unit")
    everything, q = _org_q(user, "official__unit__")
    if everything:
        return qs
    official_id = access_for(user).official_id
    if official_id is not None:
        q |= Q(official_id=official_id, round__status="closed")
    return qs.filter(q)


def may_see_group_scores(user: User, result: CheckupResult) -> bool:
    """Group scores can point at a single rater: only the organization department sees them."""
    return access_for(user).covers(result.official.unit.path, (ORG,))


def quarter_period(key: str) -> AppraisalPeriod:
    """Return the quarter's period for a key such as 2026-Q3, creating the row when it is missing."""
    span = parse_period_key(key)
    if span.kind != QUARTER:
        raise ApplicationError(_("A check-up round is for a quarter, such as 2026-Q3."), code="not_a_quarter")
    period, _created = AppraisalPeriod.objects.get_or_create(
        key=span.key, defaults={"kind": span.kind, "start": span.start, "end": span.end})
    return period


# -- rounds ----------------------------------------------------------------------------------------------------
def _check_manager(by: User) -> None:
    if not can_manage_checkups(by):
        raise ApplicationError(_("Only the organization department may manage check-up rounds."), code="forbidden")


def clean_group_weights(weights: Mapping[str, Any] | None) -> dict[str, int | float]:
    """Return the weights by group (defaults when empty), refusing unknown groups, negatives and a zero sum."""
    if not weights:
        return {str(group): weight for group, weight in DEFAULT_GROUP_WEIGHTS.items()}
    cleaned: dict[str, int | float] = {}
    for group, raw in weights.items():
        if group not in GROUPS:
            raise ApplicationError(_("Unknown rater group “%(group)s”.") % {"group": group}, code="bad_weights")
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            raise ApplicationError(_("Group weights must be numbers."), code="bad_weights") from None
        if not value.is_finite() or value < 0:
            raise ApplicationError(_("Group weights cannot be negative."), code="bad_weights")
        cleaned[group] = int(value) if value == value.to_integral_value() else float(value)
    if sum(Decimal(str(v)) for v in cleaned.values()) <= 0:
        raise ApplicationError(_("At least one group must have a weight above zero."), code="bad_weights")
    return {group: cleaned.get(group, 0) for group in GROUPS}


def clean_group_trim(trim: Mapping[str, Any] | None) -> dict[str, bool]:
    """Return, for every group, whether it drops its highest and lowest rating (default: yes)."""
    trim = trim or {}
    unknown = [group for group in trim if group not in GROUPS]
    if unknown:
        raise ApplicationError(_("Unknown rater group “%(group)s”.") % {"group": unknown[0]}, code="bad_trim")
    return {group: bool(trim.get(group, True)) for group in GROUPS}


def trims(round: CheckupRound, group: str) -> bool:
    """Whether the round drops the highest and the lowest rating of a group (rounds from before: every group)."""
    return bool((round.group_trim or {}).get(group, True))


def min_response_rate() -> Fraction:
    """Return ``APPRAISAL_BALLOT_MIN_RESPONSE_RATE`` as an exact fraction (``2/3`` or ``0.6667``), in [0, 1]."""
    try:
        value = Fraction(str(settings.APPRAISAL_BALLOT_MIN_RESPONSE_RATE).strip())
    except (ValueError, ZeroDivisionError):
        raise ApplicationError(_("The minimum response rate setting must be a fraction such as 2/3."),
                               code="bad_setting") from None
    return min(max(value, Fraction(0)), Fraction(1))


def _full_clean(obj: Any) -> None:
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as error:
        raise from_validation_error(obj, error) from error


@transaction.atomic
def round_open(
    *, by: User, period: AppraisalPeriod, group_weights: Mapping[str, Any] | None = None, min_responses: int = 1,
    problem_threshold: int = 70, group_trim: Mapping[str, bool] | None = None,
) -> CheckupRound:
    """Open the check-up round of a quarter (one per quarter)."""
    _check_manager(by)
    if period.kind != PeriodKind.QUARTER:
        raise ApplicationError(_("A check-up round is for a quarter, such as 2026-Q3."), code="not_a_quarter")
    if period.status == PeriodStatus.PUBLISHED:
        raise ApplicationError(_("This quarter has been published and is frozen."), code="period_frozen")
    if min_responses < 1:
        raise ApplicationError(_("The minimum number of responses per group is at least 1."), code="invalid")
    if not 0 <= problem_threshold <= 100:
        raise ApplicationError(_("The problem threshold is between 0 and 100."), code="invalid")
    if CheckupRound.objects.filter(period=period).exists():
        raise ApplicationError(_("The check-up round of %(key)s is already open.") % {"key": period.key},
                               code="conflict")
    checkup = CheckupRound(period=period, group_weights=clean_group_weights(group_weights),
                           group_trim=clean_group_trim(group_trim), min_responses=min_responses,
                           problem_threshold=problem_threshold, opened_by=by)
    _full_clean(checkup)
    set_actor(checkup, by)
    try:
        with transaction.atomic():
            checkup.save()
    except IntegrityError:  # someone opened it between the check and the insert
        raise ApplicationError(_("The check-up round of %(key)s is already open.") % {"key": period.key},
                               code="conflict") from None
    return checkup


@transaction.atomic
def round_open_for_key(
    *, by: User, key: str, group_weights: Mapping[str, Any] | None = None, min_responses: int = 1,
    problem_threshold: int = 70, group_trim: Mapping[str, bool] | None = None,
) -> CheckupRound:
    """Open the round of the quarter named by ``key`` (2026-Q3), creating the quarter's period if needed."""
    _check_manager(by)  # before the period is created, so a refusal leaves nothing behind
    return round_open(by=by, period=quarter_period(key), group_weights=group_weights, min_responses=min_responses,
                      problem_threshold=problem_threshold, group_trim=group_trim)


def _lock_open(round: CheckupRound) -> CheckupRound:
    """Lock the round's row for the transaction and refuse when it is closed.

    Every write that depends on the round being open takes this lock first, so closing the round waits for
    them, and a rating sent while the round closes is refused rather than lost from the results.
    """
    locked = CheckupRound.objects.select_for_update(of=("self",)).select_related("period").get(pk=round.pk)
    if locked.status != "open":
        raise ApplicationError(_("The check-up round of %(key)s is closed.") % {"key": locked.period.key},
                               code="round_closed")
    return locked


def _mine_url() -> str:
    return reverse("appraisal:checkup_mine")


def _notify_raters(checkup: CheckupRound, rater_ids: Iterable[int]) -> None:
    title = _("You have check-up ratings to give for %(key)s") % {"key": checkup.period.key}
    notify_many(Notice(user_id=uid, kind="checkup_assigned", title=title, url=_mine_url(),
                       dedupe_key=f"checkup-assigned:{checkup.pk}") for uid in set(rater_ids))


@transaction.atomic
def raters_assign(
    *, by: User, round: CheckupRound, official: Official, group: str, raters: Iterable[User]
) -> list[RaterAssignment]:
    """Ask raters to rate an official in a group. A rater already assigned to the official is left as is.

    Return the new assignments.
    """
    if not access_for(by).covers(official.unit.path, (ORG,)):
        raise ApplicationError(_("Only the organization department over the official's unit may assign raters."),
                               code="forbidden")
    if group not in GROUPS:
        raise ApplicationError(_("Unknown rater group “%(group)s”.") % {"group": group}, code="bad_group")
    checkup = _lock_open(round)
    people = {user.pk: user for user in raters}
    if official.user_id is not None and official.user_id in people:
        raise ApplicationError(_("%(name)s cannot rate themself.") % {"name": official.name}, code="self_rating")
    inactive = [u for u in people.values() if not u.is_active]
    if inactive:
        raise ApplicationError(_("%(name)s's account is disabled.") % {"name": inactive[0].username},
                               code="inactive_rater")
    taken = set(RaterAssignment.objects.filter(round=checkup, official=official, rater_id__in=list(people))
                .values_list("rater_id", flat=True))
    new = [RaterAssignment(round=checkup, official=official, rater=people[uid], group=group)
           for uid in sorted(people) if uid not in taken]
    for assignment in new:
        _full_clean(assignment)
    RaterAssignment.objects.bulk_create(new, ignore_conflicts=True)
    _notify_raters(checkup, (a.rater_id for a in new))
    return new


@dataclass(frozen=True)
class _Grant:
    user_id: int
    role: str
    path: str


@transaction.atomic
def raters_assign_defaults(
    *, by: User, round: CheckupRound, unit: OrgUnit, colleagues: int = DEFAULT_COLLEAGUES
) -> int:
    """Assign the usual raters to every active official of a unit's subtree; return how many were added.

    For each official: the heads of the closest unit above (or at) the official's unit that has heads other
    than the official (principal leader), up to ``colleagues`` others of the same unit who sign in
    (colleagues), and the organization department over the unit (organization department). Service
    recipients and functional departments are assigned by hand. Fixed number of queries.
    """
    if not access_for(by).covers(unit.path, (ORG,)):
        raise ApplicationError(_("Only the organization department over this unit may assign raters."),
                               code="forbidden")
    checkup = _lock_open(round)
    officials = list(Official.objects.filter(unit.subtree_q("unit__"), is_active=True, unit__is_active=True)
                     .order_by("unit__path", "name", "id")
                     .values_list("id", "unit_id", "unit__path", "user_id", "user__is_active"))
    grants = [_Grant(*row) for row in RoleGrant.objects.filter(
        role__in=("head", ORG), unit__is_active=True, user__is_active=True,
    ).filter(Q(unit__path__in=ancestor_paths(unit.path)) | unit.subtree_q("unit__"))
        .order_by("unit__path", "user_id").values_list("user_id", "role", "unit__path")]
    heads_by_path: dict[str, list[int]] = defaultdict(list)
    org_grants = [g for g in grants if g.role == ORG]
    for grant in grants:
        if grant.role == "head":
            heads_by_path[grant.path].append(grant.user_id)
    by_unit: dict[int, list[int]] = defaultdict(list)  # unit → users of its officials, in name order
    for _oid, unit_id, _path, user_id, active in officials:
        if user_id is not None and active:
            by_unit[unit_id].append(user_id)

    wanted: dict[tuple[int, int], str] = {}  # (official, rater) → group; the first group given wins
    for official_id, unit_id, path, own_user, _active in officials:
        def add(user_ids: Iterable[int], group: str, official_id: int = official_id,
                own_user: int | None = own_user) -> None:
            for uid in user_ids:
                if uid != own_user:
                    wanted.setdefault((official_id, uid), group)

        for ancestor in reversed(ancestor_paths(path)):
            heads = [uid for uid in heads_by_path.get(ancestor, []) if uid != own_user]
            if heads:
                add(heads, RaterGroup.PRINCIPAL)
                break
        add([g.user_id for g in org_grants if path.startswith(g.path)], RaterGroup.ORGANIZATION)
        add([uid for uid in by_unit[unit_id] if uid != own_user][:colleagues], RaterGroup.COLLEAGUES)

    taken = set(RaterAssignment.objects.filter(unit.subtree_q("official__unit__"), round=checkup)
                .values_list("official_id", "rater_id"))
    new = [RaterAssignment(round=checkup, official_id=oid, rater_id=uid, group=group)
           for (oid, uid), group in wanted.items() if (oid, uid) not in taken]
    RaterAssignment.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    _notify_raters(checkup, (a.rater_id for a in new))
    return len(new)


# -- ratings ---------------------------------------------------------------------------------------------------
def _lock_assignment(assignment: RaterAssignment, by: User) -> tuple[CheckupRound, RaterAssignment]:
    if assignment.rater_id != by.pk:
        raise ApplicationError(_("Only the rater asked may give this rating."), code="forbidden")
    checkup = _lock_open(assignment.round)
    locked = RaterAssignment.objects.select_for_update().get(pk=assignment.pk)
    return checkup, locked


@transaction.atomic
def rating_submit(
    *, by: User, assignment: RaterAssignment, political: int, moral: int, discipline: int, law: int, style: int,
    comment: str = "",
) -> RaterAssignment:
    """Give (or, while the round is open, correct) a rating: five scores from 0 to 100 and a comment."""
    scores = {"political": political, "moral": moral, "discipline": discipline, "law": law, "style": style}
    for name, value in scores.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            label = Dimension(name).label
            raise ApplicationError(_("%(dimension)s: give a whole number from 0 to 100.") % {"dimension": label},
                                   code="bad_score", extra={"field": name})
    _checkup, locked = _lock_assignment(assignment, by)
    if locked.status == Status.EXCUSED:
        raise ApplicationError(_("You declared a conflict of interest for this rating."), code="conflict")
    for name, value in scores.items():
        setattr(locked, name, value)
    locked.comment = comment.strip()
    locked.status = Status.SUBMITTED
    locked.submitted_at = timezone.now()
    _full_clean(locked)
    locked.save()
    return locked


@transaction.atomic
def rating_excuse(*, by: User, assignment: RaterAssignment, reason: str) -> RaterAssignment:
    """Declare a conflict of interest: the rater is excused and any scores already given are dropped."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say what the conflict of interest is."), code="reason_required")
    _checkup, locked = _lock_assignment(assignment, by)
    if locked.status == Status.EXCUSED:
        raise ApplicationError(_("You have already been excused from this rating."), code="conflict")
    locked.status = Status.EXCUSED
    locked.excuse_reason = reason
    for name in DIMENSIONS:
        setattr(locked, name, None)
    locked.comment = ""
    locked.submitted_at = None
    _full_clean(locked)
    locked.save()
    return locked


# -- results ---------------------------------------------------------------------------------------------------
def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _group_mean(values: Counter[Decimal], trim: bool) -> tuple[Decimal | None, bool]:
    """Return the mean of the values (with their multiplicities) and whether the highest and lowest were dropped."""
    counts = Counter({v: n for v, n in values.items() if n > 0})
    total = sum(counts.values())
    trimmed = trim and total >= TRIM_FROM
    if trimmed:
        counts[min(counts)] -= 1
        counts[max(counts)] -= 1
        total -= 2
    if not total:
        return None, trimmed
    return sum((v * n for v, n in counts.items()), Decimal(0)) / total, trimmed


@dataclass
class _BallotPart:
    """What the ballot codes add to an official's group: codes issued, ballots cast and their values."""

    issued: int = 0
    used: int = 0
    values: Counter[Decimal] | None = None


def _ballot_parts(round: CheckupRound) -> dict[int, dict[str, _BallotPart]]:
    """Return the ballots of the round's active batches by official and group (three queries)."""
    batches = {pk: (group, size, cast, scores) for pk, group, size, cast, scores in (
        BallotBatch.objects.filter(round=round, status=BallotBatch.Status.ACTIVE).order_by()
        .annotate(cast=Count("ballots")).values_list("id", "group", "size", "cast", "scores"))}
    parts: dict[int, dict[str, _BallotPart]] = defaultdict(dict)
    if not batches:
        return parts
    members = (BallotBatch.officials.through.objects.filter(ballotbatch_id__in=list(batches)).order_by()
               .values_list("ballotbatch_id", "official_id"))
    for batch_id, official_id in members:
        group, size, cast, _scores = batches[batch_id]
        part = parts[official_id].setdefault(group, _BallotPart(values=Counter()))
        part.issued += size
        part.used += cast
    rows = (BallotRating.objects.filter(ballot__batch_id__in=list(batches)).order_by()
            .values_list("official_id", "ballot__batch_id", "value").annotate(n=Count("id")))
    for official_id, batch_id, value, n in rows:
        group, _size, _cast, scores = batches[batch_id]
        found = parts[official_id].get(group)
        if found is not None and found.values is not None and value in scores:
            found.values[Decimal(scores[value])] += n
    return parts


def round_compute(*, round: CheckupRound) -> int:
    """Compute every official's result of the round and upsert them; return how many results there are.

    Five reads (assignment counts, submitted ratings, the ballot batches, their officials, ballot counts; nothing
    per official) and one bulk upsert.
    """
    weights = {g: Decimal(str(w)) for g, w in clean_group_weights(round.group_weights).items()}
    threshold = Decimal(round.problem_threshold)
    minimum_rate = min_response_rate()
    assigned: dict[int, dict[str, int]] = defaultdict(dict)
    excused: dict[int, dict[str, int]] = defaultdict(dict)
    for official_id, group, status, n in (RaterAssignment.objects.filter(round=round).order_by()
                                          .values_list("official_id", "group", "status").annotate(n=Count("id"))):
        assigned[official_id][group] = assigned[official_id].get(group, 0) + n
        if status == Status.EXCUSED:
            excused[official_id][group] = n
    ratings: dict[int, dict[str, list[tuple[Decimal, dict[str, int], str]]]] = defaultdict(lambda: defaultdict(list))
    rows = (RaterAssignment.objects.filter(round=round, status=Status.SUBMITTED).order_by("id")
            .values_list("official_id", "group", *DIMENSIONS, "comment"))
    for official_id, group, *rest in rows:
        dims = dict(zip(DIMENSIONS, rest[:-1], strict=True))
        value = Decimal(sum(dims.values())) / len(DIMENSIONS)
        ratings[official_id][group].append((value, dims, rest[-1]))
    ballots = _ballot_parts(round)

    results = []
    rated = sorted(set(assigned) | set(ballots))
    for official_id in rated:
        groups_assigned = assigned.get(official_id, {})
        ballot_groups = ballots.get(official_id, {})
        by_group = ratings.get(official_id, {})
        group_scores: dict[str, dict[str, Any]] = {}
        weighted, weight_sum = Decimal(0), Decimal(0)
        incomplete = False
        for group in GROUPS:
            part = ballot_groups.get(group)
            if group not in groups_assigned and part is None:
                continue
            login = [v for v, _d, _c in by_group.get(group, [])]
            values: Counter[Decimal] = Counter(login)
            if part is not None and part.values:
                values.update(part.values)
            responses = sum(values.values())
            score, trimmed = _group_mean(values, trims(round, group))
            row: dict[str, Any] = {"score": _money(score) if score is not None else None, "responses": responses,
                                   "assigned": groups_assigned.get(group, 0), "trimmed": trimmed}
            dropped = False
            if part is not None:
                asked = part.issued + groups_assigned.get(group, 0) - excused[official_id].get(group, 0)
                answered = part.used + len(login)
                rate = Fraction(answered, asked) if asked else Fraction(0)
                dropped = rate < minimum_rate
                row.update({"issued": part.issued, "used": part.used, "rate": round_rate(rate), "dropped": dropped})
            if not dropped:
                if responses < round.min_responses:
                    incomplete = True
                if score is not None and weights[group] > 0:
                    weighted += weights[group] * score
                    weight_sum += weights[group]
            group_scores[group] = row
        # The dimensions and the problem list come from the ratings of people who sign in: a ballot gives one
        # overall rating, no dimension and no comment.
        every = [r for group_ratings in by_group.values() for r in group_ratings]
        dimension_scores: dict[str, float] = {}
        problems = []
        for dimension in DIMENSIONS:
            if not every:
                break
            mean = _mean([Decimal(d[dimension]) for _v, d, _c in every])
            dimension_scores[dimension] = _money(mean)
            if mean < threshold:
                # Sorted, not in rating order, so the order does not hint at who wrote what.
                comments = sorted({c.strip() for _v, d, c in every if d[dimension] < threshold and c.strip()})
                problems.append({"dimension": dimension, "score": _money(mean), "comments": comments})
        total = (weighted / weight_sum).quantize(CENT, rounding=ROUND_HALF_UP) if weight_sum else None
        results.append(CheckupResult(round=round, official_id=official_id, score=total, group_scores=group_scores,
                                     dimension_scores=dimension_scores, is_incomplete=incomplete, problems=problems))
    CheckupResult.objects.filter(round=round).exclude(official_id__in=rated).delete()
    CheckupResult.objects.bulk_create(
        results, batch_size=500, update_conflicts=True, unique_fields=["round", "official"],
        update_fields=["score", "group_scores", "dimension_scores", "is_incomplete", "problems", "computed_at"],
    )
    return len(results)


def round_rate(rate: Fraction) -> float:
    """A response rate as stored and shown: a share with four decimals."""
    return float(round_half_up(Decimal(rate.numerator) / Decimal(rate.denominator), Decimal("0.0001")))


def round_half_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


@transaction.atomic
def round_recompute(*, by: User, round: CheckupRound) -> int:
    """Compute the results of an open round now (the organization department's button)."""
    _check_manager(by)
    checkup = _lock_open(round)
    return round_compute(round=checkup)


@transaction.atomic
def round_close(*, by: User, round: CheckupRound) -> CheckupRound:
    """Compute the final results and close the round; the officials rated may then see their results."""
    _check_manager(by)
    checkup = CheckupRound.objects.select_for_update(of=("self",)).select_related("period").get(pk=round.pk)
    if checkup.status != "open":
        raise ApplicationError(_("The check-up round of %(key)s is already closed.") % {"key": checkup.period.key},
                               code="conflict")
    round_compute(round=checkup)
    checkup.status = "closed"
    checkup.closed_at = timezone.now()
    _full_clean(checkup)
    save_as(checkup, by)
    rated = User.objects.filter(is_active=True, official__checkup_results__round=checkup).order_by("pk")
    notify(users=rated, kind="checkup_result", url=reverse("appraisal:checkup_my_results"),
           title=_("Your check-up result for %(key)s is ready") % {"key": checkup.period.key},
           dedupe_key=f"checkup-result:{checkup.pk}")
    return checkup
