"""Appraisal periods: open → closed → published, re-opening with a reason, and the frozen scheme.

Closing a period freezes the scheme it used (``scheme_snapshot``: every scheme's component weights and
every rule's points range and cap, and the score parameters of ``appraisal.scoring.parameters``: component
constants, hour targets, grade thresholds and 优秀 shares) and runs the final rollup with it, so a later
edit of a weight or a cap never changes a closed period's scores and a recalculation of that period gives
the same numbers. A re-opened period keeps its snapshot until the next close replaces it; while open,
rollups use the live tables again.

Only the organization department acts on periods. Every action is recorded as a ``PeriodEvent`` (who,
when, the reason for a re-open) besides the period's own history. Transitions lock the period's row and
check its status, so two people acting at once end with one action and one ``conflict`` error.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraisal.models import (
    AppraisalPeriod,
    PeriodEvent,
    PeriodStatus,
    RollupRun,
)
from appraisal.scoring.parameters import live_parameters
from appraisal.scoring.periods import parse_period_key
from appraisal.selectors.schemes import scheme_snapshot
from common.errors import ApplicationError
from common.history import save_as
from common.text_limits import check_values
from org.models import User
from org.selectors import access_for


def period_get_or_create(*, key: str) -> AppraisalPeriod:
    """Return the period of a key such as ``2026-10``, creating it (open) if needed.

    Raise ``ApplicationError`` (code ``bad_period``) for a malformed key.
    """
    span = parse_period_key(key)
    period, _created = AppraisalPeriod.objects.get_or_create(
        key=span.key, defaults={"kind": span.kind, "start": span.start, "end": span.end}
    )
    return period


# -- transitions -----------------------------------------------------------------------------------


def _require_org(by: User) -> None:
    if not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may manage appraisal periods."),
                               code="forbidden")


def _lock(period: AppraisalPeriod) -> AppraisalPeriod:
    return AppraisalPeriod.objects.select_for_update().get(pk=period.pk)


def _check_status(seen: AppraisalPeriod, current: AppraisalPeriod, allowed: tuple[str, ...], message: str) -> None:
    """``conflict`` when someone changed the period since the caller read it, else ``invalid_transition``."""
    if current.status in allowed:
        return
    if seen.status != current.status:
        raise ApplicationError(
            _("Someone else has just changed this period (it is now “%(status)s”); reload and check.")
            % {"status": current.get_status_display()}, code="conflict",
        )
    raise ApplicationError(message, code="invalid_transition")


def _save(period: AppraisalPeriod, by: User, reason: str = "") -> None:
    """Save with the actor (and reason) on the period's history row as well."""
    save_as(period, by, reason=reason or None)


def open_items_text(items: list[Any]) -> str:
    """Return "月度报告已提交未审核：9；…" (the interface is Chinese, so are its separators)."""
    return "；".join(_("%(label)s: %(count)s") % {"label": item.label, "count": item.count} for item in items)


def _refresh(period: AppraisalPeriod, current: AppraisalPeriod) -> None:
    """Copy the saved state onto the caller's object so it sees the change."""
    for field in ("status", "scheme_snapshot", "closed_at", "published_at", "last_rollup_at", "close_reason",
                  "facts_changed_at"):
        setattr(period, field, getattr(current, field))


@transaction.atomic
def period_close(*, period: AppraisalPeriod, by: User, reason: str = "") -> AppraisalPeriod:
    """Close an open period: freeze the scheme, run the final rollup with it, record the event.

    Work still open in the period (``appraisal.selectors.close``: unreviewed or missing reports, sessions
    without attendance, criticism flags to decide) needs a ``reason``, refused with code ``reason_required``
    and ``extra["open_items"]`` (code → count) without one; the reason is kept on the period
    (``close_reason``) and, with the counts, on the close event.
    """
    from appraisal.selectors.close import period_open_items
    from appraisal.services.rollup import rollup_period  # the rollup imports this module

    _require_org(by)
    reason = (reason or "").strip()
    check_values(AppraisalPeriod, close_reason=reason)
    current = _lock(period)
    _check_status(period, current, (PeriodStatus.OPEN,), _("Only an open period can be closed."))
    still_open = [item for item in period_open_items(current) if item.count]
    if still_open and not reason:
        raise ApplicationError(
            _("Work is still open in this period (%(items)s): give the reason for closing it now.")
            % {"items": open_items_text(still_open)}, code="reason_required",
            extra={"open_items": {item.code: item.count for item in still_open}})
    current.status = PeriodStatus.CLOSED
    current.scheme_snapshot = {**scheme_snapshot(), "parameters": live_parameters(current)}
    current.closed_at = timezone.now()
    current.close_reason = reason if still_open else ""
    current.full_clean()
    _save(current, by, reason)
    with translation.override(settings.LANGUAGE_CODE):  # the trail is read in the interface's language
        # (Not in an f-string: xgettext does not look inside one, and the text would stay English.)
        open_when_closed = _("Open when closed: %(items)s") % {"items": open_items_text(still_open)}
        event_reason = f"{reason}\n{open_when_closed}" if still_open else reason
    PeriodEvent.objects.create(period=current, action="close", by=by, reason=event_reason)
    # The final run is the closer's (the period's page lists who ran each rollup).
    rollup_period(period=current, final=True, derive=True,
                  run=RollupRun.objects.create(period=current, final=True, started_by=by))
    current.refresh_from_db()
    _refresh(period, current)
    return current


@transaction.atomic
def period_publish(*, period: AppraisalPeriod, by: User) -> AppraisalPeriod:
    """Publish a closed period: its scores and ranks become visible and frozen."""
    _require_org(by)
    current = _lock(period)
    _check_status(period, current, (PeriodStatus.CLOSED,), _("Only a closed period can be published."))
    current.status = PeriodStatus.PUBLISHED
    current.published_at = timezone.now()
    current.full_clean()
    _save(current, by)
    PeriodEvent.objects.create(period=current, action="publish", by=by)
    _refresh(period, current)
    return current


@transaction.atomic
def period_reopen(*, period: AppraisalPeriod, by: User, reason: str) -> AppraisalPeriod:
    """Re-open a closed or published period, for a recorded reason. The snapshot stays until the next close."""
    _require_org(by)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for re-opening the period."), code="reason_required")
    check_values(PeriodEvent, reason=reason)
    current = _lock(period)
    _check_status(period, current, (PeriodStatus.CLOSED, PeriodStatus.PUBLISHED),
                  _("The period is already open."))
    current.status = PeriodStatus.OPEN
    current.closed_at = None
    current.close_reason = ""  # the next close gives its own; the history keeps this one
    current.published_at = None
    current.full_clean()
    _save(current, by, reason)
    PeriodEvent.objects.create(period=current, action="reopen", by=by, reason=reason)
    _refresh(period, current)
    return current
