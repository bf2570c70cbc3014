"""Supervision letters (督办函): issue, reply, and the two sign-offs (双签字) that close a letter.

Who may do what:
- issue: the organization department or a head whose role covers the recipient unit; the letter is issued
  in the name of the unit of that covering grant;
- reply: a head covering the recipient unit, or the recipient official (not the issuer);
- sign: after the reply, the issuer side (the issuer, or the organization department or a head covering the
  issuing unit) and the recipient side (a head covering the recipient unit) each sign once, by two different
  people; the second signature closes the letter.

Every transition locks the letter's row and checks its state, so two people acting at once cannot record
anything twice: the loser gets ``ApplicationError(code="conflict")``. The rules of who may act are read in
``tasks.selectors.letters``, which the pages use to show only the buttons that will work.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError, from_validation_error
from common.history import save_as
from common.notifications import notify
from org.facts import facts_changed
from org.models import Official, OrgUnit, User
from org.selectors import Access, access_for, users_with_role_over
from tasks.models import LetterStatus, SupervisionLetter, Task
from tasks.selectors.letters import ISSUER, ISSUING_ROLES, RECIPIENT, Side, can_reply, may_sign_side

NUMBER_ATTEMPTS = 5


# -- actions ------------------------------------------------------------------------------------------------
def letter_issue(
    *, by: User, recipient_unit: OrgUnit, recipient_official: Official | None = None, task: Task | None = None,
    title: str, content: str, reply_deadline: date, number: str | None = None, today: date | None = None,
) -> SupervisionLetter:
    """Issue a supervision letter to a unit (and optionally one of its officials), about an optional task.

    Without a ``number`` the next free one of the year is given, e.g. "督办〔2026〕12号".
    """
    today = today or timezone.localdate()
    access = access_for(by)
    if not access.covers(recipient_unit.path, ISSUING_ROLES):
        raise ApplicationError(
            _("Only the organization department or a head over the recipient unit may issue a supervision letter."),
            code="forbidden",
        )
    if not recipient_unit.is_active:
        raise ApplicationError(_("The recipient unit is no longer active."), code="invalid")
    if recipient_official is not None and not recipient_official.unit.path.startswith(recipient_unit.path):
        raise ApplicationError(_("The recipient official does not work in the recipient unit."),
                               code="official_not_in_unit")
    if task is not None and not task.unit.path.startswith(recipient_unit.path):
        raise ApplicationError(_("The task does not belong to the recipient unit."), code="task_not_in_unit")
    if reply_deadline < today:
        raise ApplicationError(_("The reply deadline cannot be in the past."), code="invalid_deadline")
    issuer_unit = _issuer_unit(access, recipient_unit)
    number = (number or "").strip()
    if number and SupervisionLetter.objects.filter(number=number).exists():
        raise ApplicationError(_("This letter number is already used."), code="duplicate_number")

    for attempt in range(NUMBER_ATTEMPTS):
        letter = SupervisionLetter(
            number=number or _next_number(today.year), title=title.strip(), content=content.strip(),
            issuer_unit=issuer_unit, issued_by=by, recipient_unit=recipient_unit,
            recipient_official=recipient_official, task=task, reply_deadline=reply_deadline,
            status=LetterStatus.ISSUED,
        )
        try:
            with transaction.atomic():
                _clean(letter)
                save_as(letter, by)
                _notify_issued(letter, by)
        except IntegrityError:
            # Another letter took the number between our look-up and our insert: take the next one.
            if number:
                raise ApplicationError(_("This letter number is already used."), code="duplicate_number") from None
            if attempt == NUMBER_ATTEMPTS - 1:
                raise ApplicationError(_("Too many letters are being issued at once; try again."),
                                       code="conflict") from None
            continue
        return letter
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def letter_reply(*, letter: SupervisionLetter, by: User, reply: str) -> SupervisionLetter:
    """Record the recipient's reply: issued → replied."""
    reply = reply.strip()
    if not reply:
        raise ApplicationError(_("Write the reply before sending it."), code="reply_required")
    locked = _lock(letter)
    if not can_reply(locked, by):
        raise ApplicationError(
            _("Only a head over the recipient unit or the recipient official may reply to this letter."),
            code="forbidden",
        )
    if locked.status != LetterStatus.ISSUED:
        raise ApplicationError(_("This letter has already been replied to; reload the page to see the reply."),
                               code="conflict")
    locked.reply = reply
    locked.replied_by = by
    locked.replied_at = timezone.now()
    locked.status = LetterStatus.REPLIED
    _save(locked, by)
    # Replied by the deadline: no deduction; after it: "replied late". The appraisal finds the heads' officials
    # of a letter addressed to a unit itself.
    facts_changed(facts={"letter_reply_deadline": [locked.reply_deadline]},
                  officials=[locked.recipient_official_id])
    if locked.issued_by is not None and locked.issued_by != by:
        notify(users=[locked.issued_by], kind="letter_replied", url=_url(locked),
               title=_("Supervision letter %(number)s was replied to") % {"number": locked.number})
    return locked


@transaction.atomic
def letter_sign(*, letter: SupervisionLetter, by: User, side: Side | None = None) -> SupervisionLetter:
    """Sign the letter for the issuer or the recipient side; the second signature closes it.

    Without ``side`` the user signs the side they belong to (the issuer side first when they belong to both).
    """
    locked = _lock(letter)
    sides = [s for s in (ISSUER, RECIPIENT) if may_sign_side(locked, by, s)]
    if side is not None:
        sides = [s for s in sides if s == side]
    if not sides:
        raise ApplicationError(_("You may not sign this letter."), code="forbidden")
    if locked.status == LetterStatus.ISSUED:
        raise ApplicationError(_("The letter can be signed only after it has been replied to."), code="not_replied")
    if locked.status == LetterStatus.CLOSED:
        raise ApplicationError(_("This letter has already been closed; reload the page."), code="conflict")
    open_sides = [s for s in sides if _signer(locked, s) is None]
    if not open_sides:
        raise ApplicationError(_("Your side has already signed this letter; reload the page."), code="conflict")
    chosen = open_sides[0]
    other: Side = RECIPIENT if chosen == ISSUER else ISSUER
    if _signer(locked, other) == by.pk:
        raise ApplicationError(_("Both sides must be signed by different people."), code="same_signer")

    now = timezone.now()
    if chosen == ISSUER:
        locked.issuer_signed_by, locked.issuer_signed_at = by, now
    else:
        locked.recipient_signed_by, locked.recipient_signed_at = by, now
    closed = locked.issuer_signed_by_id is not None and locked.recipient_signed_by_id is not None
    if closed:
        locked.status = LetterStatus.CLOSED
        locked.closed_at = now
    _save(locked, by)
    if closed:
        people = {u for u in (locked.issued_by, locked.replied_by) if u is not None and u != by}
        notify(users=people, kind="letter_closed", url=_url(locked),
               title=_("Supervision letter %(number)s is closed") % {"number": locked.number})
    return locked


# -- helpers -------------------------------------------------------------------------------------------------
def _issuer_unit(access: Access, recipient_unit: OrgUnit) -> OrgUnit:
    """Return the unit of the grant that lets the issuer write to ``recipient_unit``: the closest one above it."""
    covering = [g for g in access.grants if g.role in ISSUING_ROLES and recipient_unit.path.startswith(g.unit_path)]
    if covering:
        closest = max(covering, key=lambda g: len(g.unit_path))
        return OrgUnit.objects.get(pk=closest.unit_id)
    # A superuser without grants issues in the name of the top of the recipient's tree.
    return OrgUnit.objects.get(path=recipient_unit.path[: OrgUnit.steplen])


def _next_number(year: int) -> str:
    """Return the next free "督办〔YYYY〕N号" (the longest, then greatest number is the highest N)."""
    prefix = f"督办〔{year}〕"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)号$")
    numbers = (
        SupervisionLetter.objects.filter(number__startswith=prefix, number__endswith="号")
        .annotate(length=Length("number")).order_by("-length", "-number").values_list("number", flat=True)
    )
    highest = 0
    for value in numbers.iterator(chunk_size=50):
        match = pattern.match(value)
        if match:
            highest = int(match.group(1))
            break
    return f"{prefix}{highest + 1}号"


def _clean(letter: SupervisionLetter) -> None:
    try:
        # The number's uniqueness is left to the database, so a race ends in IntegrityError and a retry.
        letter.full_clean(validate_unique=False)
    except ValidationError as error:
        raise from_validation_error(letter, error) from error


def _lock(letter: SupervisionLetter) -> SupervisionLetter:
    """Return the letter's row, locked for the rest of the transaction, with what checks and notices need."""
    return (
        SupervisionLetter.objects.select_for_update(of=("self",))
        .select_related("issuer_unit", "recipient_unit", "issued_by", "replied_by")
        .get(pk=letter.pk)
    )


def _save(letter: SupervisionLetter, by: User) -> None:
    _clean(letter)
    save_as(letter, by)


def _signer(letter: SupervisionLetter, side: Side) -> int | None:
    return letter.issuer_signed_by_id if side == ISSUER else letter.recipient_signed_by_id


def _url(letter: SupervisionLetter) -> str:
    return reverse("tasks:letter_detail", args=[letter.pk])


def _notify_issued(letter: SupervisionLetter, by: User) -> None:
    users = {u for u in users_with_role_over(letter.recipient_unit, "head") if u != by}
    official = letter.recipient_official
    if official is not None and official.user_id is not None and official.user_id != by.pk:
        recipient = official.user  # read only when there is one, and not the issuer (no query otherwise)
        if recipient is not None:
            users.add(recipient)
    notify(
        users=users, kind="letter_issued", url=_url(letter),
        title=_("New supervision letter %(number)s: %(title)s") % {"number": letter.number, "title": letter.title},
        body=_("Reply by %(date)s.") % {"date": letter.reply_deadline.isoformat()},
        dedupe_key=f"letter-issued:{letter.pk}",
    )
