"""Period keys: ``2026-W43`` (ISO week), ``2026-10`` (month), ``2026-Q3`` (quarter), ``2026`` (year)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from common.dates import month_end
from common.errors import ApplicationError

WEEK, MONTH, QUARTER, YEAR = "week", "month", "quarter", "year"
_PATTERNS = [
    (WEEK, re.compile(r"^(\d{4})-W(\d{2})$")),
    (MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (YEAR, re.compile(r"^(\d{4})$")),
]


@dataclass(frozen=True)
class PeriodSpan:
    kind: str
    key: str
    start: date
    end: date


def parse_period_key(key: str) -> PeriodSpan:
    """Return the kind and dates of a period key, or raise ``ApplicationError`` (code ``bad_period``)."""
    key = (key or "").strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.match(key)
        if not match:
            continue
        year = int(match.group(1))
        try:
            if kind == WEEK:
                week = int(match.group(2))
                start = date.fromisocalendar(year, week, 1)
                return PeriodSpan(kind, f"{year}-W{week:02d}", start, start + timedelta(days=6))
            if kind == MONTH:
                month = int(match.group(2))
                return PeriodSpan(kind, f"{year}-{month:02d}", date(year, month, 1), month_end(date(year, month, 1)))
            if kind == QUARTER:
                quarter = int(match.group(2))
                first = 3 * quarter - 2
                return PeriodSpan(kind, f"{year}-Q{quarter}", date(year, first, 1), month_end(date(year, first + 2, 1)))
            return PeriodSpan(kind, str(year), date(year, 1, 1), date(year, 12, 31))
        except ValueError:
            break
    raise ApplicationError(
        _("“%(key)s” is not a period; write 2026-W43, 2026-10, 2026-Q3 or 2026.") % {"key": key}, code="bad_period"
    )


def period_key_for(kind: str, day: date) -> str:
    """Return the key of the period of ``kind`` containing ``day``."""
    if kind == WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == MONTH:
        return f"{day.year}-{day.month:02d}"
    if kind == QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def frozen_period_on(day: date, *, lock: bool = False) -> str | None:
    """Return the key of a closed or published period containing ``day`` (week, month, quarter or year),
    or None when every such period is open — facts dated that day may then still change.

    With ``lock`` (inside a transaction) every covering period row is locked, so a close running at the
    same time waits for the caller, or the caller for it and then sees it closed.
    """
    from appraisal.models import AppraisalPeriod, PeriodStatus  # models import this module's neighbours

    covering = AppraisalPeriod.objects.filter(start__lte=day, end__gte=day).order_by("start")
    if lock:
        covering = covering.select_for_update()
    frozen = [key for key, status in covering.values_list("key", "status") if status != PeriodStatus.OPEN]
    return frozen[0] if frozen else None
