"""The quarterly multi-rater check-up (季度多维体检): rounds, rater assignments, ratings and results.

Who may do what:
- the organization department opens a round for a quarter, assigns raters to officials in its subtree
  (one by one or the default set for a unit), computes the results and closes the round;
- a rater rates only their own assignments, or declares a conflict of interest and is excused;
- nobody rates themself, and nobody but the rater sees a rater's scores: the organization department sees
  the aggregates (results, progress counts), the official rated sees their own result once the round is
  closed — the score, the dimension scores and the problem list, never who said what.

The rounds are here; the raters and ratings in ``appraisal.services.checkup_raters``, the computation of the results
in ``appraisal.services.checkup_results``, the reads in ``appraisal.selectors.checkup``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod, CheckupRound, PeriodKind, PeriodStatus
from appraisal.scoring.periods import QUARTER, parse_period_key
from appraisal.selectors.checkup import can_manage_checkups
from appraisal.services.checkup_results import clean_group_trim, clean_group_weights, round_compute
from common.errors import ApplicationError, from_validation_error
from common.history import save_as, set_actor
from common.notifications import notify
from org.models import User


def quarter_period(*, key: str) -> AppraisalPeriod:
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
    return round_open(by=by, period=quarter_period(key=key), group_weights=group_weights, min_responses=min_responses,
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
