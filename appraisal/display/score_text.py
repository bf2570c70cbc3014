"""How scores read on the pages: points with their sign in words, ranks out of how many, a chart's score axis.

One helper each, used by every appraisal page that shows them (through ``appraisal.templatetags.scores``), so a
deduction reads "扣 1 分" and a rank "第 13 名 / 共 19 人" everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def plain_number(value: Decimal, places: int = 2) -> str:
    """Return ``value`` rounded to ``places`` decimals without trailing zeros: 2, 0.5, 88.25."""
    text = format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def signed_points(value: Any) -> str:
    """Return "加 2 分", "扣 1 分" or "0 分" (up to two decimals, none when whole); "" for no value."""
    points = _decimal(value)
    if points is None:
        return ""
    amount = plain_number(abs(points))
    if points > 0:
        return _("%(points)s points added") % {"points": amount}
    if points < 0:
        return _("%(points)s points deducted") % {"points": amount}
    return _("%(points)s points") % {"points": amount}


def rank_text(rank: int | None, of: int | None) -> str:
    """Return "第 13 名 / 共 19 人"; "共 19 人" alone when the official is not ranked; "—" when nothing is known."""
    if not of:
        return "—"
    if rank is None:
        return _("%(of)s ranked") % {"of": of}
    return _("No. %(rank)s of %(of)s") % {"rank": rank, "of": of}


def unit_rank_text(rank: int | None, of: int | None) -> str:
    """Return "第 2 名 / 共 7 个单位" for a unit among the units of its category."""
    if not of or rank is None:
        return "—"
    return _("No. %(rank)s of %(of)s units") % {"rank": rank, "of": of}


def score_axis(values: Iterable[Any], *, top: int = 100) -> dict[str, int]:
    """Return the score axis of a chart: from a multiple of 5 just under the lowest value to ``top`` (or the
    highest value rounded up, when a bonus lifts one above it), with a tick step that keeps the labels apart.

    Scores sit between 80 and 100; an axis from 0 flattens the differences that matter, one from the lowest
    value exactly makes the lowest bar vanish and small gaps look huge.
    """
    numbers = [float(v) for v in values if v is not None]
    if not numbers:
        return {"min": 0, "max": top, "step": 10}
    low = max(0, int(math.floor((min(numbers) - 1) / 5) * 5))
    high = max(top, int(math.ceil(max(numbers) / 5) * 5))
    low = min(low, high - 10)  # at least two ticks
    span = high - low
    step = 5 if span <= 40 else 10 if span <= 100 else 20
    return {"min": low, "max": high, "step": step}
