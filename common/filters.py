"""Query-string filters with bounds, shared by every API list: a value out of range is a 400 with the usual
error body (``?year=0`` used to reach the database and answer 500), and the schema states the bounds."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

YEAR_MIN, YEAR_MAX = 1949, 2100
ID_MAX = 2**63 - 1  # the largest id either database stores; larger numbers overflow SQLite's integer


@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(django_filters.NumberFilter):
    """A calendar year, e.g. 2026."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        kwargs.setdefault("help_text", f"Calendar year, {YEAR_MIN}–{YEAR_MAX}.")
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(django_filters.NumberFilter):
    """The id of a related object."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


def as_int(raw: object, *, low: int, high: int) -> int | None:
    """Return ``raw`` as an int when it is a plain decimal number (ASCII digits) within bounds, else None.

    ``str.isdigit`` is not enough: it accepts "²" and "١", on which ``int`` raises, and numbers too large for
    the database."""
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None


def as_id(raw: object) -> int | None:
    """Return ``raw`` as an object id (1 … 2⁶³−1), or None when it cannot be one."""
    return as_int(raw, low=1, high=ID_MAX)


def query_id(request: Any, name: str) -> int | None:
    """Return the id in the query parameter ``name`` (None when absent); a malformed one is a 400."""
    from rest_framework.exceptions import ValidationError

    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    value = as_id(raw)
    if value is None:
        raise ValidationError({name: [f"Enter an id between 1 and {ID_MAX}."]})
    return value
