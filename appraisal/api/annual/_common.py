"""Helpers shared by the annual procedure's API modules."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from rest_framework.request import Request

M = TypeVar("M", bound=Model)


def year_unit_filter(qs: QuerySet[M], request: Request, *, procedure: str) -> QuerySet[M]:
    """Filter a list by ``?year=2025`` (period key) and ``?unit=WL`` (top-level unit code) through ``procedure``,
    the path from the listed model to the procedure's period and unit (e.g. ``procedure__``, ``grade__``)."""
    year = request.query_params.get("year")
    if year:
        qs = qs.filter(**{f"{procedure}period__key": year})
    unit = request.query_params.get("unit")
    if unit:
        qs = qs.filter(**{f"{procedure}unit__code": unit})
    return qs
