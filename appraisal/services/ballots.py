"""One-time ballot codes of the check-up (民主测评 for rater groups without a login).

Who may do what:
- the organization department over a unit issues a batch of codes in an open round, for one rater group and the
  unit's officials of chosen rank levels (e.g. a bureau's 班子 and 中层); it gets the clear codes once, in the
  issuing response, prints them as slips, and may revoke a batch (its unused codes stop working and its ballots
  stop counting); it sees, per batch, how many codes were issued and used;
- anyone holding an unused code of an active batch in an open round casts one ballot with it, without a login.

Codes: ``CODE_LENGTH`` symbols of an alphabet without look-alikes (no 0/O, no 1/I), drawn with ``secrets`` —
32¹⁰ = 2⁵⁰ possibilities, so guessing one of even a hundred thousand live codes takes ~10¹⁰ tries. Only a keyed
hash (HMAC-SHA256 with SECRET_KEY; its fallbacks are accepted too, so a key rotation does not void the slips in
people's hands) is stored. Casting marks the code used with one conditional UPDATE (``is_used = false``) and writes
the ballot — without a reference to the code and without a time — in the same transaction, so two submissions of
one code cannot both count and nothing pairs a ballot with its code afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Ballot, BallotBatch, BallotChoice, BallotCode, BallotRating, CheckupRound, RaterGroup
from appraisal.selectors.ballots import (
    ALPHABET,
    CODE_LENGTH,
    Status,
    batch_officials,
    code_digest,
    code_digests,
    code_normalize,
)
from appraisal.selectors.checkup import ORG
from appraisal.services.checkup import _full_clean, _lock_open
from common.errors import ApplicationError
from common.history import save_as
from common.text_limits import check_values
from org.models import OrgUnit, RankLevel, User
from org.selectors import access_for

MAX_OFFICIALS = 40  # a ballot lists at most this many officials: it has to stay short on a phone
INVALID = "invalid_code"  # one code for every failure a code holder may not tell apart (no oracle)


# -- codes -----------------------------------------------------------------------------------------------------
def code_new() -> str:
    """Return a new random code."""
    return "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))


def ballot_scores() -> dict[str, int]:
    """Return the 0–100 score of each ballot rating from the setting, refusing a bad one."""
    scores = {str(k): int(v) for k, v in settings.APPRAISAL_BALLOT_SCORES.items()}
    if set(scores) != set(BallotChoice.values) or not all(0 <= v <= 100 for v in scores.values()):
        raise ApplicationError(_("The ballot scores setting needs a score from 0 to 100 for each rating."),
                               code="bad_setting")
    return scores


# -- writes ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedBatch:
    """A batch just issued and its clear codes: the only time they exist outside the slips."""

    batch: BallotBatch
    codes: list[str]


def _check_org_over(by: User, unit: OrgUnit) -> None:
    if not access_for(by).covers(unit.path, (ORG,)):
        raise ApplicationError(_("Only the organization department over this unit may issue or revoke ballot codes."),
                               code="forbidden")


@transaction.atomic
def batch_issue(
    *, by: User, round: CheckupRound, group: str, unit: OrgUnit, rank_levels: Iterable[str], size: int,
    audience: str = "",
) -> IssuedBatch:
    """Issue ``size`` one-time codes for a rater group to rate the unit's officials of the given rank levels.

    Return the batch and the clear codes; only their keyed hashes are stored. Constant number of queries.
    """
    _check_org_over(by, unit)
    chosen = set(rank_levels)
    levels = [level for level in RankLevel.values if level in chosen]
    if group not in RaterGroup.values:
        raise ApplicationError(_("Unknown rater group “%(group)s”.") % {"group": group}, code="bad_group",
                               extra={"fields": {"group": [_("Unknown rater group.")]}})
    if not levels or len(levels) != len(chosen):
        raise ApplicationError(_("Choose at least one rank level."), code="invalid",
                               extra={"fields": {"rank_levels": [_("Choose at least one rank level.")]}})
    limit = settings.APPRAISAL_BALLOT_MAX_CODES
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= limit:
        raise ApplicationError(_("Issue from 1 to %(limit)d codes at a time.") % {"limit": limit}, code="bad_size",
                               extra={"fields": {"size": [_("From 1 to %(limit)d.") % {"limit": limit}]}})
    scores = ballot_scores()
    checkup = _lock_open(round)
    official_ids = list(batch_officials(unit=unit, rank_levels=levels).values_list("id", flat=True))
    if not official_ids:
        raise ApplicationError(_("The unit has no active official at these rank levels."), code="no_officials")
    if len(official_ids) > MAX_OFFICIALS:
        raise ApplicationError(
            _("A ballot lists at most %(max)d officials, to stay short on a phone; this choice has %(n)d. "
              "Choose a smaller unit or fewer rank levels.") % {"max": MAX_OFFICIALS, "n": len(official_ids)},
            code="too_many_officials")
    batch = BallotBatch(round=checkup, group=group, audience=audience.strip(), unit=unit, rank_levels=levels,
                        size=size, scores=scores, issued_by=by)
    _full_clean(batch)
    save_as(batch, by)
    batch.officials.set(official_ids)
    codes: set[str] = set()
    while len(codes) < size:  # a repeat within the batch is astronomically unlikely; the set makes it impossible
        codes.add(code_new())
    clear = sorted(codes)  # sorted, so the order of the slips says nothing about the order of the rows
    BallotCode.objects.bulk_create([BallotCode(batch=batch, digest=code_digest(c)) for c in clear], batch_size=1000)
    return IssuedBatch(batch=batch, codes=clear)


@transaction.atomic
def batch_revoke(*, by: User, batch: BallotBatch, reason: str) -> BallotBatch:
    """Revoke a batch: its unused codes stop working and its ballots no longer count in the results."""
    _check_org_over(by, batch.unit)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the batch is revoked."), code="reason_required",
                               extra={"fields": {"reason": [_("Required.")]}})
    check_values(BallotBatch, names={"revoke_reason": "reason"}, revoke_reason=reason)
    locked = BallotBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == Status.REVOKED:
        raise ApplicationError(_("This batch has already been revoked."), code="conflict")
    locked.status = Status.REVOKED
    locked.revoked_by = by
    locked.revoked_at = timezone.now()
    locked.revoke_reason = reason
    _full_clean(locked)
    save_as(locked, by)
    return locked


def _invalid() -> ApplicationError:
    return ApplicationError(_("This ballot code is not valid."), code=INVALID)


@transaction.atomic
def ballot_cast(*, code: str, ratings: Mapping[int, str]) -> Ballot:
    """Cast the one ballot of a code: a rating (``BallotChoice``) for every official of its batch, by id.

    Refused as ``invalid_code`` alike when the code is wrong, its batch revoked or its round closed; as ``used``
    when the code has voted; as ``incomplete_ballot`` when an official is not rated (the code stays unused).
    """
    normalized = code_normalize(code)
    if normalized is None:
        raise _invalid()
    found = BallotCode.objects.filter(digest__in=code_digests(normalized)).select_related("batch__round").first()
    if found is None or found.batch.status != Status.ACTIVE:
        raise _invalid()
    try:
        _lock_open(found.batch.round)  # closing the round waits for a ballot being cast, and refuses it after
    except ApplicationError:
        raise _invalid() from None
    # Re-read the batch under the round's lock: a revocation committed meanwhile is seen.
    if BallotBatch.objects.filter(pk=found.batch_id, status=Status.ACTIVE).count() != 1:
        raise _invalid()
    official_ids = set(found.batch.officials.values_list("id", flat=True))
    missing = sorted(official_ids - set(ratings))
    bad = [oid for oid, value in ratings.items() if oid in official_ids and value not in BallotChoice.values]
    if missing or bad:
        raise ApplicationError(_("Rate every official on the ballot."), code="incomplete_ballot",
                               extra={"missing": missing + bad})
    # The conditional update is the single-use guarantee: of two submissions racing, the second finds no unused
    # row (PostgreSQL re-checks the condition after the first commits; SQLite serializes writers).
    if BallotCode.objects.filter(pk=found.pk, is_used=False).update(is_used=True) != 1:
        raise ApplicationError(_("This ballot code has already been used."), code="used")
    ballot = Ballot.objects.create(batch_id=found.batch_id)
    BallotRating.objects.bulk_create([BallotRating(ballot=ballot, official_id=oid, value=ratings[oid])
                                      for oid in sorted(official_ids)])
    return ballot
