"""Small date helpers shared by the apps (parsing what a URL or a form gives), free of any domain."""

from __future__ import annotations

from datetime import date


def parse_month(value: str) -> date | None:
    """Parse ``YYYY-MM`` into the first day of that month; ``None`` when it is not one."""
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return date(int(year), int(month), 1)
    except ValueError:
        return None
