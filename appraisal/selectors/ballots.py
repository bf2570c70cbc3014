"""Reads of the ballot codes: what a code typed or scanned opens, the batches the organization department sees with
their counts and response rates, and the officials a ballot lists. The codes' format and keyed hash are here too,
so the lookup and the issuing (``appraisal.services.ballots``) share them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.crypto import salted_hmac
from django_stubs_ext import WithAnnotations

from appraisal.models import BallotBatch, BallotCode, CheckupRound, RaterGroup
from appraisal.selectors.checkup import ORG, min_response_rate
from org.models import Official, OrgUnit, RankLevel, User
from org.selectors import access_for, subtree_q

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: no 0/O and no 1/I to confuse on paper
CODE_LENGTH = 10  # 32 ** 10 == 2 ** 50
HMAC_SALT = "appraisal.ballots.code"
Status = BallotBatch.Status


# -- codes -----------------------------------------------------------------------------------------------------
def code_normalize(text: str) -> str | None:
    """Return the code as stored (upper case, without spaces or dashes), or None when it cannot be a code."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_display(code: str) -> str:
    """Return the code as printed: two groups of five (``ABCDE-FGHJK``)."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def code_digest(code: str, *, secret: str | bytes | None = None) -> str:
    """Return the keyed hash of a normalized code (HMAC-SHA256 keyed with SECRET_KEY unless ``secret``)."""
    return salted_hmac(HMAC_SALT, code, secret=secret, algorithm="sha256").hexdigest()


def code_digests(code: str) -> list[str]:
    """Return the keyed hashes a code may be stored under: with SECRET_KEY and with each of its fallbacks."""
    return [code_digest(code), *(code_digest(code, secret=key) for key in settings.SECRET_KEY_FALLBACKS)]


# -- reads -----------------------------------------------------------------------------------------------------
def _org_q(user: User, relation: str) -> Q | None:
    """Return the filter of the user's organization-department subtrees, None for everything."""
    access = access_for(user)
    if access.is_superuser:
        return None
    return subtree_q(access.paths((ORG,)), relation)


def batches_visible_to(user: User) -> QuerySet[BallotBatch]:
    """Return the batches of units under the user's organization-department roles."""
    qs = BallotBatch.objects.select_related("round__period", "unit", "issued_by", "revoked_by")
    q = _org_q(user, "unit__")
    return qs if q is None else qs.filter(q)


def batches_with_counts(user: User, round: CheckupRound) -> QuerySet[BallotBatch]:
    """The round's visible batches, newest first, with ``used`` codes counted (one query for the page)."""
    return (batches_visible_to(user).filter(round=round)
            .annotate(used=Count("codes", filter=Q(codes__is_used=True), distinct=True),
                      rated=Count("officials", distinct=True))
            .order_by("-created_at", "-id"))


def response_rate(used: int, issued: int) -> float:
    return used / issued if issued else 0.0


def rate_enough(used: int, issued: int) -> bool:
    """Whether ``used`` of ``issued`` reaches the minimum response rate (compared exactly: 2 of 3 is 2/3)."""
    return bool(issued) and Fraction(used, issued) >= min_response_rate()


class BatchCounts(TypedDict):
    used: int
    rated: int


def attach_enough(batches: Iterable[WithAnnotations[BallotBatch, BatchCounts]]) -> None:
    """Mark each batch of a page (counted by ``batches_with_counts``) whose response rate is ``enough``."""
    for batch in batches:
        batch.enough = rate_enough(batch.used, batch.size)


def group_progress(user: User, round: CheckupRound) -> list[dict[str, Any]]:
    """Per rater group, the active batches' codes issued and used, the response rate and whether it is enough."""
    qs = batches_visible_to(user).filter(round=round, status=Status.ACTIVE)
    issued: dict[str, int] = {}
    for group, size in qs.order_by().values_list("group", "size"):
        issued[group] = issued.get(group, 0) + size
    used = dict(BallotCode.objects.filter(batch__in=qs.values("pk"), is_used=True).order_by()
                .values_list("batch__group").annotate(n=Count("id")))
    rows = []
    for value, label in RaterGroup.choices:
        if value not in issued:
            continue
        n = used.get(value, 0)
        rows.append({"group": value, "label": label, "issued": issued[value], "used": n,
                     "rate": response_rate(n, issued[value]), "enough": rate_enough(n, issued[value])})
    return rows


def batch_officials(*, unit: OrgUnit, rank_levels: Iterable[str]) -> QuerySet[Official]:
    """Return the active officials of a unit's subtree at the given rank levels, as a ballot lists them."""
    return (Official.objects.filter(unit.subtree_q("unit__"), is_active=True, rank_level__in=list(rank_levels))
            .select_related("unit").order_by("unit__path", "rank_level", "name", "id"))


def ballot_officials(batch: BallotBatch) -> list[Official]:
    """The batch's officials in ballot order: by unit, the leadership first, then by name."""
    order = {level: i for i, level in enumerate(RankLevel.values)}
    officials = list(batch.officials.select_related("unit").order_by("unit__path", "name", "id"))
    return sorted(officials, key=lambda o: (o.unit.path, order.get(o.rank_level, 9), o.name, o.pk))


@dataclass(frozen=True)
class CodeLookup:
    """What a code opens: ``state`` is ``open`` (a ballot to fill in), ``used`` or ``invalid``."""

    state: str
    batch: BallotBatch | None = None


def code_lookup(text: str) -> CodeLookup:
    """Say what a code typed or scanned opens. Wrong, revoked and closed-round codes are all ``invalid``."""
    code = code_normalize(text)
    if code is None:
        return CodeLookup("invalid")
    found = (BallotCode.objects.filter(digest__in=code_digests(code))
             .select_related("batch__round__period").first())
    if found is None or found.batch.status != Status.ACTIVE or found.batch.round.status != "open":
        return CodeLookup("invalid")
    return CodeLookup("used" if found.is_used else "open", found.batch)
