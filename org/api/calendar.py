"""API of the working-day calendar: ``/api/v1/calendar-days/``, read by everyone and written by the organization
department through its services."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.filters import YearFilter
from common.idempotency import idempotent_create
from org import workdays
from org.api.serializers import (
    CalendarDayChangeSerializer,
    CalendarDayInputSerializer,
    CalendarDaySerializer,
)
from org.models import CalendarDay
from org.services import calendar as calendar_svc


class CalendarDayFilter(django_filters.FilterSet):
    year = YearFilter(field_name="date", lookup_expr="year")
    is_working_day = django_filters.BooleanFilter()

    class Meta:
        model = CalendarDay
        fields = ["year", "is_working_day"]


class CalendarDayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The working-day calendar: weekdays off (``is_working_day: false``) and weekend days worked
    (``is_working_day: true``); every other day follows the weekly rhythm. Any signed-in user reads it
    (``?year=2026``), by date (``/api/v1/calendar-days/2026-10-01/``). ``POST`` marks a day (or changes its
    mark), ``PUT``/``PATCH`` change a mark, ``DELETE`` removes it — the organization department only; anyone
    else is refused by the service (400, ``{"code": "forbidden"}``), as for the other writes the caller may
    read but not make."""

    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilter
    queryset = CalendarDay.objects.none()  # for the schema; requests use get_queryset
    lookup_field = "date"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"

    def get_queryset(self) -> QuerySet[CalendarDay]:
        return workdays.calendar_days()

    def get_object(self) -> CalendarDay:
        try:
            day = date.fromisoformat(self.kwargs["date"])
        except ValueError:
            raise Http404 from None
        row = self.filter_queryset(self.get_queryset()).filter(date=day).first()
        if row is None:
            raise Http404
        return row

    @idempotent_create
    @extend_schema(request=CalendarDayInputSerializer, responses={201: CalendarDaySerializer,
                                                                  200: CalendarDaySerializer})
    def create(self, request: Request) -> Response:
        values = parse_input(CalendarDayInputSerializer, request)
        day = values.pop("date")
        existed = workdays.calendar_day_on(day) is not None
        row = calendar_svc.calendar_day_set(day=day, by=request_user(self.request), **values)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(CalendarDaySerializer(row).data, status=code)

    @extend_schema(request=CalendarDayChangeSerializer, responses={200: CalendarDaySerializer})
    def update(self, request: Request, **kwargs: Any) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=CalendarDayChangeSerializer, responses={200: CalendarDaySerializer})
    def partial_update(self, request: Request, **kwargs: Any) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        row = self.get_object()
        values = {"is_working_day": row.is_working_day, "name": row.name, "note": row.note,
                  **parse_input(CalendarDayChangeSerializer, request, partial=partial)}
        row = calendar_svc.calendar_day_set(day=row.date, by=request_user(self.request), **values)
        return Response(CalendarDaySerializer(row).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, **kwargs: Any) -> Response:
        row = self.get_object()
        calendar_svc.calendar_day_delete(day=row.date, by=request_user(self.request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> None:
    router.register("calendar-days", CalendarDayViewSet, basename="calendar-day")
