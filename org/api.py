"""Read-only API over units and officials, scoped through the same selectors as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from org.filters import OfficialFilter, UnitFilter
from org.models import Official, OrgUnit
from org.selectors import officials_visible_to, units_visible_to
from org.serializers import OfficialSerializer, UnitSerializer


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
