"""API of training sessions and attendance: ``/api/v1/training-sessions/`` and ``/api/v1/attendance/``,
through the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.filters import IdFilter
from common.idempotency import idempotent_create
from org.selectors import officials_visible_to, units_visible_to
from training.api.serializers import AttendanceSerializer, BulkSerializer, SessionSerializer, SessionWriteSerializer
from training.models import Attendance, AttendanceStatus, SessionKind, TrainingSession
from training.selectors import sessions as selectors
from training.services import sessions as svc

# --- filters ---------------------------------------------------------------------------------------


class SessionFilter(django_filters.FilterSet):
    starts_after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    starts_before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices)
    organiser = IdFilter(field_name="organiser_id")

    class Meta:
        model = TrainingSession
        fields = ["starts_after", "starts_before", "kind", "organiser"]


class AttendanceFilter(django_filters.FilterSet):
    session = IdFilter(field_name="session_id")
    official = IdFilter(field_name="official_id")
    status = django_filters.ChoiceFilter(choices=AttendanceStatus.choices)

    class Meta:
        model = Attendance
        fields = ["session", "official", "status"]


# --- views -----------------------------------------------------------------------------------------


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Training sessions the caller may see (organised under their roles, or with them in the audience).
    ``POST`` creates one (a head or the organization department over the organising unit)."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    queryset = TrainingSession.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[TrainingSession]:
        return selectors.sessions_visible_to(request_user(self.request)).prefetch_related("audience_units").order_by(
            "-starts_at", "id")

    @idempotent_create
    @extend_schema(request=SessionWriteSerializer, responses={201: SessionSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(SessionWriteSerializer, request)
        values: dict[str, Any] = dict(data)
        user = request_user(request)
        units = {u.pk: u for u in units_visible_to(user).filter(
            pk__in=[values["organiser"], *values["audience_units"]])}
        if values["organiser"] not in units or any(pk not in units for pk in values["audience_units"]):
            raise NotFound
        lecturer = None
        if values["lecturer"] is not None:
            lecturer = officials_visible_to(user).filter(pk=values["lecturer"], is_active=True).first()
            if lecturer is None:
                raise NotFound
        session = svc.session_create(
            by=user, kind=values["kind"], title=values["title"], starts_at=values["starts_at"],
            ends_at=values["ends_at"], hours=values["hours"], place=values["place"],
            organiser=units[values["organiser"]], audience_units=[units[pk] for pk in values["audience_units"]],
            include_subunits=values["include_subunits"], audience_rank_levels=values["audience_rank_levels"],
            lecturer=lecturer, lecturer_name=values["lecturer_name"], is_required=values["is_required"])
        fresh = self.get_queryset().get(pk=session.pk)
        return Response(SessionSerializer(fresh).data, status=status.HTTP_201_CREATED)


class AttendanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Attendance records the caller may see; filter by ``?session=ID``. ``POST bulk/`` writes a session's
    attendance as a list of ``{official, status, hours}`` — all or nothing."""

    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter
    queryset = Attendance.objects.none()

    def get_queryset(self) -> QuerySet[Attendance]:
        return selectors.attendance_visible_to(request_user(self.request)).order_by(
            "session_id", "official__unit__path", "official__name", "id")

    @extend_schema(request=BulkSerializer, responses=AttendanceSerializer(many=True))
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        data = parse_input(BulkSerializer, request)
        user = request_user(request)
        session = selectors.sessions_visible_to(user).filter(pk=data["session"]).first()
        if session is None:
            raise NotFound
        rows = [cast(svc.AttendanceRow, dict(r)) for r in data["rows"]]
        saved = svc.attendance_bulk(by=user, session=session, rows=rows)
        fresh = self.get_queryset().filter(pk__in=[a.pk for a in saved])
        return Response(AttendanceSerializer(fresh, many=True).data)


def register(router: BaseRouter) -> None:
    router.register("training-sessions", SessionViewSet, basename="training-session")
    router.register("attendance", AttendanceViewSet, basename="attendance")

