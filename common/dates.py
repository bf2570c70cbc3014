"""Small date helpers shared by the apps (parsing what a URL or a form gives), free of any domain."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from common.filters import as_int


def parse_month(value: str) -> date | None:
    """Parse ``YYYY-MM`` into the first day of that month; ``None`` when it is not one."""
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def parse_day(value: str) -> date | None:
    """Parse ``YYYY-MM-DD``; ``None`` when it is not a day."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def year_or_this_year(value: str, *, low: int, high: int) -> int:
    """The year a page shows: ``value`` when it is a year from ``low`` to ``high``, else this year."""
    return as_int(value, low=low, high=high) or timezone.localdate().year


def years_around(year: int) -> list[int]:
    """The years a page's year picker offers, latest first: three years back to next year, and ``year``."""
    this_year = timezone.localdate().year
    return sorted({*range(this_year - 3, this_year + 2), year}, reverse=True)


def day_or_today(value: str | None) -> date:
    """The day a job runs for: ``YYYY-MM-DD`` (to replay a run), or today when empty. A malformed day raises
    ``ValueError``: a replay with a typo must fail, not quietly run for today."""
    return date.fromisoformat(value) if value else timezone.localdate()


def month_end(day: date) -> date:
    """Return the last day of the month containing ``day``."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_month(day: date) -> date:
    """Return the first day of the month before the one containing ``day`` (a month is its first day, as in
    ``parse_month``; ``month_end`` gives its last)."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def quarter_of(day: date) -> tuple[str, date, date]:
    """Return the key (``2026-Q3``, the appraisal's period key), first and last day of ``day``'s quarter."""
    quarter = (day.month - 1) // 3 + 1
    first = date(day.year, 3 * quarter - 2, 1)
    after = date(day.year + 1, 1, 1) if quarter == 4 else date(day.year, 3 * quarter + 1, 1)
    return f"{day.year}-Q{quarter}", first, after - timedelta(days=1)


def quarters_between(start: date, end: date) -> list[tuple[str, date, date]]:
    """Return every quarter (as ``quarter_of``) touching the days from ``start`` to ``end``."""
    quarters = []
    day = start
    while day <= end:
        quarters.append(quarter := quarter_of(day))
        day = quarter[2] + timedelta(days=1)
    return quarters
