"""Manual bonus and deduction entries of the score ledger (加减分), recorded by a head with a reason.

Only a head (or the organization department) whose scope covers the official may record or delete one,
never for themself; a closed or published period refuses both. Every change is audited by
simple-history (``ScoreEntry.history``: who, when, and the row before and after).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod, ScoreEntry, ScoreRule
from appraisal.scoring.periods import frozen_period_on
from common.errors import ApplicationError
from common.history import delete_as, save_as
from common.notifications import notify
from org.models import Official, User
from org.selectors import access_for

MANAGER_ROLES = ("head", "org")


def _require_manager(by: User, official: Official) -> None:
    access = access_for(by)
    if access.official_id == official.pk:
        raise ApplicationError(_("Nobody may record points for themself."), code="own_entry")
    if not access.covers(official.unit.path, MANAGER_ROLES):
        raise ApplicationError(
            _("Only a head over this official's unit or the organization department may record points."),
            code="forbidden")


def _require_open_on(day: date) -> None:
    """Refuse when any period containing ``day`` is closed or published (rows locked until commit)."""
    frozen = frozen_period_on(day, lock=True)
    if frozen:
        raise ApplicationError(
            _("The period %(key)s is closed; points can no longer be recorded or removed in it.")
            % {"key": frozen}, code="period_closed")


def _points(value: Decimal | int | str, rule: ScoreRule) -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        points = Decimal("NaN")
    if not points.is_finite() or not rule.min_points <= points <= rule.max_points:
        raise ApplicationError(
            _("Points for “%(rule)s” must be between %(min)s and %(max)s.")
            % {"rule": rule.name, "min": _number(rule.min_points), "max": _number(rule.max_points)},
            code="points_out_of_range")
    return points


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return f"+{text}" if value > 0 else text


@transaction.atomic
def entry_add(
    *, by: User, official: Official, period: AppraisalPeriod, rule: ScoreRule, points: Decimal | int | str,
    reason: str, occurred_on: date | None = None, today: date | None = None,
) -> ScoreEntry:
    """Record a manual bonus or deduction for ``official`` in ``period`` and tell the official.

    The entry is dated ``occurred_on`` (by default the period's last day, or today while it runs); it must
    fall inside the period, not in the future, and in no closed or published period.
    """
    _require_manager(by, official)
    if not rule.is_active or not rule.is_manual:
        raise ApplicationError(_("The rule “%(rule)s” cannot be recorded by hand.") % {"rule": rule.name},
                               code="rule_not_manual")
    value = _points(points, rule)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the points."), code="reason_required")
    today = today or timezone.localdate()
    day = occurred_on or min(period.end, today)
    if not period.start <= day <= period.end:
        raise ApplicationError(
            _("The date %(day)s is not in the period %(key)s.") % {"day": day.isoformat(), "key": period.key},
            code="outside_period")
    if day > today:
        raise ApplicationError(_("Points cannot be recorded for a future date."), code="future_date")
    _require_open_on(day)

    entry = ScoreEntry(official=official, occurred_on=day, rule=rule, points=value, reason=reason,
                       origin=ScoreEntry.Origin.MANUAL, created_by=by)
    entry.full_clean()
    save_as(entry, by)

    if official.user is not None:
        title = (_("A bonus was recorded: %(reason)s") if value > 0 else _("A deduction was recorded: %(reason)s")) \
            % {"reason": reason}
        notify(users=[official.user], kind="score_entry", title=title,
               body=f"{rule.name} {_number(value)}",
               url=f"{reverse('appraisal:my_score')}?period={period.key}", dedupe_key=f"score_entry:{entry.pk}")
    return entry


@transaction.atomic
def entry_delete(*, by: User, entry: ScoreEntry, reason: str) -> None:
    """Delete a manual entry with a reason; the history keeps the row as it was, who deleted it and why."""
    official = Official.objects.select_related("unit", "user").get(pk=entry.official_id)
    _require_manager(by, official)
    if entry.origin != ScoreEntry.Origin.MANUAL:
        raise ApplicationError(_("Only a manual entry can be removed; derived points follow their facts."),
                               code="derived_entry")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for removing the entry."), code="reason_required")
    _require_open_on(entry.occurred_on)
    locked = ScoreEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise ApplicationError(_("Someone else has just removed this entry."), code="conflict")
    rule_name = entry.rule.name
    delete_as(locked, by, reason=reason)
    if official.user is not None:
        notify(users=[official.user], kind="score_entry",
               title=_("A score entry was removed: %(reason)s") % {"reason": reason},
               body=f"{rule_name} {_number(entry.points)} · {entry.reason}",
               url=reverse("appraisal:my_score"), dedupe_key=f"score_entry_removed:{entry.pk}")
