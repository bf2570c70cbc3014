"""Reads of the periods for recording into them and for the fact apps (the pages' period reads are in
``appraisal.selectors.scores``)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod, PeriodStatus
from appraisal.periods import parse_period_key
from common.errors import ApplicationError


def period_existing(key: str) -> AppraisalPeriod:
    """Return the period of a key for recording into it; never create one (only the organization department
    opens periods, on the periods page). Raise ``bad_period`` for a malformed key, ``unknown_period`` when the
    period does not exist (e.g. a date decades away)."""
    span = parse_period_key(key)
    period = AppraisalPeriod.objects.filter(key=span.key).first()
    if period is None:
        raise ApplicationError(
            _("There is no appraisal period %(key)s: points can be recorded only in a period the organization "
              "department has opened.") % {"key": span.key}, code="unknown_period")
    return period


def frozen_period_keys(span: tuple[date, date], *, lock: bool = False) -> list[str]:
    """Return the keys of the closed or published periods overlapping ``span`` (answers
    ``org.facts.frozen_periods``); with ``lock``, every covering period row is locked (open ones too)."""
    start, end = span
    covering = AppraisalPeriod.objects.filter(start__lte=end, end__gte=start).order_by("start", "end")
    if lock:
        statuses = covering.select_for_update().values_list("key", "status")
        return [key for key, status in statuses if status != PeriodStatus.OPEN]
    return list(covering.exclude(status=PeriodStatus.OPEN).values_list("key", flat=True))
