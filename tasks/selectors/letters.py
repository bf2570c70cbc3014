"""Reads of the supervision letters (督办函), scoped to the user, and who may act on a letter.

Who may do what (``tasks.services.letters`` enforces it; pages ask here to show only the buttons that will work):
- issue: the organization department or a head whose role covers the recipient unit;
- reply: a head covering the recipient unit, or the recipient official (not the issuer);
- sign: after the reply, the issuer side (the issuer, or the organization department or a head covering the
  issuing unit) and the recipient side (a head covering the recipient unit) each sign once, by two different
  people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import OrgUnit, User
from org.selectors import ALL_ROLES, access_for, subtree_q
from tasks.models import OPEN_STATUSES, LetterStatus, SupervisionLetter, Task
from tasks.selectors._common import unit_q
from tasks.selectors.tasks import tasks_visible_to

Side = Literal["issuer", "recipient"]
ISSUER: Side = "issuer"
RECIPIENT: Side = "recipient"
ISSUING_ROLES = ("org", "head")
LIST_TABS = ("all", "received", "issued", "open", "overdue")


def letters_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[SupervisionLetter]:
    """Return the supervision letters a user may see: issued or received in their subtrees, or addressed to them."""
    qs = SupervisionLetter.objects.select_related("issuer_unit", "recipient_unit", "recipient_official", "task")
    everything, q_recipient = unit_q(user, "recipient_unit__", roles)
    if everything:
        return qs
    _everything, q_issuer = unit_q(user, "issuer_unit__", roles)
    q = q_recipient | q_issuer
    official_id = access_for(user).official_id
    if official_id is not None:
        q |= Q(recipient_official_id=official_id)
    return qs.filter(q)


def letters_for_list(user: User, *, tab: str = "all", today: date | None = None) -> QuerySet[SupervisionLetter]:
    """Return the letters a user may see, narrowed to a tab, newest first.

    received: to units under the user's head roles, or addressed to them; issued: by the user, or from units
    under their organization-department or head roles; open: not closed yet; overdue: not replied by the deadline.
    """
    qs = letters_visible_to(user).select_related("issued_by").order_by("-created_at", "-pk")
    access = access_for(user)
    if tab == "received" and not access.is_superuser:
        q = subtree_q(access.paths(("head",)), "recipient_unit__")
        if access.official_id is not None:
            q |= Q(recipient_official_id=access.official_id)
        qs = qs.filter(q)
    elif tab == "issued" and not access.is_superuser:
        qs = qs.filter(Q(issued_by=user) | subtree_q(access.paths(ISSUING_ROLES), "issuer_unit__"))
    elif tab == "open":
        qs = qs.exclude(status=LetterStatus.CLOSED)
    elif tab == "overdue":
        qs = qs.filter(status=LetterStatus.ISSUED, reply_deadline__lt=today or timezone.localdate())
    return qs


def letter_for_detail(user: User) -> QuerySet[SupervisionLetter]:
    """Return the visible letters with everyone named on a letter's page (its trail) joined in."""
    return letters_visible_to(user).select_related(
        "task__unit", "issued_by__official", "replied_by__official", "issuer_signed_by__official",
        "recipient_signed_by__official",
    )


def units_issuable_by(user: User) -> QuerySet[OrgUnit]:
    """Return the active units the user may send letters to (covered by an org or head role), in tree order."""
    access = access_for(user)
    qs = OrgUnit.objects.filter(is_active=True).order_by("path")
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths(ISSUING_ROLES)))


def letter_task_choices(user: User, unit: OrgUnit) -> QuerySet[Task]:
    """Return the open tasks of the unit's subtree a letter may be about, earliest deadline first."""
    return tasks_visible_to(user).filter(unit.subtree_q("unit__"), status__in=OPEN_STATUSES).order_by("deadline", "pk")


# -- who may act (the letter's state aside, unless said) ----------------------------------------------------
def can_issue_letters(user: User) -> bool:
    """Whether the user holds a role that lets them issue letters somewhere."""
    return access_for(user).has_role(*ISSUING_ROLES)


def can_reply(letter: SupervisionLetter, user: User) -> bool:
    """Whether ``user`` may write the recipient's reply (the letter's state aside)."""
    if letter.issued_by_id is not None and letter.issued_by_id == user.pk:
        return False
    access = access_for(user)
    if access.covers(letter.recipient_unit.path, ("head",)):
        return True
    return letter.recipient_official_id is not None and letter.recipient_official_id == access.official_id


def may_sign_side(letter: SupervisionLetter, user: User, side: Side) -> bool:
    """Whether ``user`` belongs to the given side of the letter (the letter's state aside)."""
    access = access_for(user)
    if side == ISSUER:
        is_issuer = letter.issued_by_id is not None and letter.issued_by_id == user.pk
        return is_issuer or access.covers(letter.issuer_unit.path, ISSUING_ROLES)
    return access.covers(letter.recipient_unit.path, ("head",))


def signable_sides(letter: SupervisionLetter, user: User) -> list[Side]:
    """Return the sides ``user`` may sign now (empty unless the letter awaits that signature)."""
    if letter.status != LetterStatus.REPLIED:
        return []
    sides: list[Side] = []
    if letter.issuer_signed_by_id is None and letter.recipient_signed_by_id != user.pk and may_sign_side(
        letter, user, ISSUER
    ):
        sides.append(ISSUER)
    if letter.recipient_signed_by_id is None and letter.issuer_signed_by_id != user.pk and may_sign_side(
        letter, user, RECIPIENT
    ):
        sides.append(RECIPIENT)
    return sides


# -- a letter's page --------------------------------------------------------------------------------------------
@dataclass
class TrailStep:
    key: str
    label: str
    at: datetime | None
    by: User | None
    note: str = ""


def letter_trail(letter: SupervisionLetter) -> list[TrailStep]:
    """The letter's steps in order, from the who/when fields (the full audit is the record's history)."""
    steps = [TrailStep("issued", _("Issued"), letter.created_at, letter.issued_by, letter.issuer_unit.name)]
    if letter.replied_at:
        steps.append(TrailStep("replied", _("Replied"), letter.replied_at, letter.replied_by))
    signatures = [
        TrailStep("issuer-signed", _("Signed for the issuer"), letter.issuer_signed_at, letter.issuer_signed_by),
        TrailStep("recipient-signed", _("Signed for the recipient"), letter.recipient_signed_at,
                  letter.recipient_signed_by),
    ]
    steps.extend(sorted((s for s in signatures if s.at), key=lambda s: s.at or timezone.now()))
    if letter.closed_at:
        steps.append(TrailStep("closed", _("Closed"), letter.closed_at, None))
    return steps
