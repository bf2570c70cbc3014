"""API of the units and officials: read-only, scoped through the same selectors as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.routers import BaseRouter

from org.api.serializers import (
    OfficialSerializer,
    UnitSerializer,
)
from org.filters import OfficialFilter, UnitFilter
from org.models import Official, OrgUnit
from org.selectors import officials_visible_to, units_visible_to


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the caller may see, in tree order."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    queryset = OrgUnit.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[OrgUnit]:
        return units_visible_to(self.request.user)


class OfficialViewSet(viewsets.ReadOnlyModelViewSet):
    """Officials the caller may see. ``unit`` filters by a unit code and its whole subtree."""

    serializer_class = OfficialSerializer
    filterset_class = OfficialFilter
    queryset = Official.objects.none()

    def get_queryset(self) -> QuerySet[Official]:
        return officials_visible_to(self.request.user).order_by("unit__path", "name", "staff_number")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The list shows active officials unless ``?status=`` says otherwise, as the page does; one official is
        # found whether active or not (the page shows an official who has left to those in scope too).
        return super().filter_queryset(queryset) if self.action == "list" else queryset


def register(router: BaseRouter) -> None:
    router.register("units", UnitViewSet, basename="unit")
    router.register("officials", OfficialViewSet, basename="official")
