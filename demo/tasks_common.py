"""What the demo's work builders share: a top-level unit's team and month arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tasks.selectors.reports import month_start

BATCH = 2000


@dataclass
class Team:
    """The active officials of one top-level unit (a bureau, town or park) and its subtree."""

    unit_id: int
    code: str
    leaders: list[dict[str, Any]] = field(default_factory=list)
    middles: list[dict[str, Any]] = field(default_factory=list)
    everyone: list[dict[str, Any]] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)
