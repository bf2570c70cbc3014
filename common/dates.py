"""Small date helpers shared by the apps (parsing what a URL or a form gives), free of any domain."""

from __future__ import annotations

from datetime import date, timedelta


def parse_month(value: str) -> date | None:
    """Parse ``YYYY-MM`` into the first day of that month; ``None`` when it is not one."""
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return date(int(year), int(month), 1)
    except ValueError:
        return None


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
