"""Raters and ratings of the check-up: the organization department assigns raters (one by one or the default set of
a unit); a rater rates their own assignments, or declares a conflict of interest and is excused. See
``appraisal.services.checkup`` for who may do what."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import CheckupRound, Dimension, RaterAssignment, RaterGroup
from appraisal.selectors.checkup import GROUPS, ORG, Status
from appraisal.services.checkup import _full_clean, _lock_open
from appraisal.services.checkup_results import DIMENSIONS
from common.errors import ApplicationError
from common.notifications import Notice, notify_many
from org.models import Official, OrgUnit, RoleGrant, User
from org.selectors import access_for, ancestor_paths

DEFAULT_COLLEAGUES = 5


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
