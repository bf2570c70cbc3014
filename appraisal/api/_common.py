"""Helpers shared by the appraisal's API modules: the year and unit filter of the annual procedure's lists, and the
schema pieces they repeat."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request

M = TypeVar("M", bound=Model)

REFUSED = OpenApiResponse(description="Refused by the rules: `{code, message, fields?}`, e.g. `wrong_stage`.")
YEAR = OpenApiParameter("year", str, description="The year's period key, e.g. 2025.")
UNIT = OpenApiParameter("unit", str, description="The top-level unit's code.")


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
