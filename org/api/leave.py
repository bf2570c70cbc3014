"""API of leave records (请假): ``/api/v1/leave-records/``.

Heads and the organization department list, read, create, change and delete the leave of the officials under
them; an official reads their own. A record or an official outside the caller's scope is a 404, exactly like a
missing one; a write on a record the caller may only read (their own) is refused by the service (400,
``{"code": "forbidden"}``), as elsewhere in the API.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.filters import IdFilter, YearFilter
from common.idempotency import idempotent_create
from org.api.serializers import LeaveRecordChangeSerializer, LeaveRecordInputSerializer, LeaveRecordSerializer
from org.models import LeaveKind, LeaveRecord, OrgUnit
from org.selectors import officials_visible_to
from org.selectors.leave import LEAVE_ROLES, leave_in_year, leave_records_visible_to
from org.services import leave as leave_svc


class LeaveRecordFilter(django_filters.FilterSet):
    official = IdFilter(field_name="official_id")
    kind = django_filters.ChoiceFilter(choices=LeaveKind.choices)
    year = YearFilter(method="filter_year", help_text="Records with a day in this year.")
    unit = django_filters.CharFilter(method="filter_unit", help_text="A unit code: the unit and its sub-units.")

    class Meta:
        model = LeaveRecord
        fields = ["official", "kind", "year", "unit"]

    def filter_year(self, queryset: QuerySet[LeaveRecord], name: str, value: Any) -> QuerySet[LeaveRecord]:
        return leave_in_year(queryset, int(value))

    def filter_unit(self, queryset: QuerySet[LeaveRecord], name: str, value: str) -> QuerySet[LeaveRecord]:
        unit = OrgUnit.objects.filter(code=value).only("path").first()
        return queryset.filter(unit.subtree_q("official__unit__")) if unit else queryset.none()


class LeaveRecordViewSet(viewsets.ModelViewSet):
    """Leave records (病假、事假、产假、婚假、丧假、年休假、其他). ``POST`` records a leave of an official under the
    caller; ``PUT``/``PATCH`` change it; ``DELETE`` removes it. Two records of one official never overlap (400,
    ``{"code": "overlap"}``)."""

    serializer_class = LeaveRecordSerializer
    filterset_class = LeaveRecordFilter
    queryset = LeaveRecord.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[LeaveRecord]:
        return leave_records_visible_to(request_user(self.request)).order_by("-start_date", "-id")

    def _answer(self, record: LeaveRecord, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data, status=code)

    @idempotent_create
    @extend_schema(request=LeaveRecordInputSerializer, responses={201: LeaveRecordSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = parse_input(LeaveRecordInputSerializer, request)
        user = request_user(request)
        official = officials_visible_to(user, roles=LEAVE_ROLES).filter(pk=values.pop("official")).first()
        if official is None:
            raise Http404
        record = leave_svc.leave_record_create(official=official, by=user, **values)
        return self._answer(record, status.HTTP_201_CREATED)

    @extend_schema(request=LeaveRecordChangeSerializer, responses={200: LeaveRecordSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        partial = kwargs.get("partial", False)
        values = {"kind": record.kind, "start_date": record.start_date, "end_date": record.end_date,
                  "note": record.note, **parse_input(LeaveRecordChangeSerializer, request, partial=partial)}
        record = leave_svc.leave_record_update(record=record, by=request_user(self.request), **values)
        return self._answer(record)

    @extend_schema(request=LeaveRecordChangeSerializer, responses={200: LeaveRecordSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        leave_svc.leave_record_delete(record=self.get_object(), by=request_user(self.request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> None:
    router.register("leave-records", LeaveRecordViewSet, basename="leave-record")
