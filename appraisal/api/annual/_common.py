"""Helpers shared by the annual procedure's API modules."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from org.models import User

M = TypeVar("M", bound=Model)


def user_of(request: Request) -> User:
    return cast(User, request.user)  # IsAuthenticated: never anonymous here


def parse(serializer_class: type[BaseSerializer], request: Request, *, partial: bool = False) -> dict[str, Any]:
    """Validate the request body with an input serializer (400 ``invalid`` with ``fields`` when it is wrong)."""
    data = serializer_class(data=request.data, partial=partial, context={"request": request})
    data.is_valid(raise_exception=True)
    return dict(cast(dict[str, Any], data.validated_data))


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
