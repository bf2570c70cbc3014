"""API of external training and training progress: ``/api/v1/external-training/`` (scoped list, submit,
approve and return actions) and ``/api/v1/training-progress/?year=YYYY`` (per official in scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.filters import as_int
from common.idempotency import idempotent_create
from org.models import Official
from org.selectors import access_for, officials_visible_to
from training.api.serializers import (
    ExternalReturnSerializer,
    ExternalSerializer,
    ExternalSubmitSerializer,
    ProgressSerializer,
)
from training.models import ExternalTraining
from training.selectors.external import external_visible_to
from training.selectors.progress import with_progress
from training.services.external import external_approve, external_return, external_submit


class ExternalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """External training records of the officials in the caller's scope (their own included)."""

    serializer_class = ExternalSerializer
    queryset = ExternalTraining.objects.none()

    def get_queryset(self) -> QuerySet[ExternalTraining]:
        qs = external_visible_to(request_user(self.request))
        wanted = self.request.query_params.get("status")
        return qs.filter(status=wanted) if wanted else qs.order_by("-started_on", "id")

    @idempotent_create
    @extend_schema(request=ExternalSubmitSerializer, responses={201: ExternalSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(ExternalSubmitSerializer, request, self.get_serializer_context())
        official = data.pop("official", None)
        if official is None:
            own = access_for(request_user(request)).official_id
            if own is None:
                raise ValidationError({"official": ["This field is required."]})
            official = Official.objects.select_related("unit").get(pk=own)
        record = external_submit(by=request_user(request), official=official, **data)
        return Response(self._out(record.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ExternalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        record = external_approve(by=request_user(request), record=self.get_object())
        return Response(self._out(record.pk))

    @extend_schema(request=ExternalReturnSerializer, responses=ExternalSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(ExternalReturnSerializer, request, self.get_serializer_context())
        record = external_return(by=request_user(request), record=self.get_object(), reason=data["reason"])
        return Response(self._out(record.pk))

    def _out(self, pk: int) -> dict[str, Any]:
        return ExternalSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data


@extend_schema(parameters=[OpenApiParameter("year", int, description="The year (default: this year).")])
class ProgressViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Training hours against the annual target per active official in the caller's scope."""

    serializer_class = ProgressSerializer
    queryset = Official.objects.none()

    def _year(self) -> int:
        raw = self.request.query_params.get("year", "")
        return as_int(raw, low=2000, high=2100) or timezone.localdate().year

    def get_queryset(self) -> QuerySet[Official]:
        officials = officials_visible_to(request_user(self.request)).filter(is_active=True).order_by(
            "unit__path", "name", "pk")
        return with_progress(officials, year=self._year())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "year": self._year()}


def register(router: BaseRouter) -> None:
    router.register("external-training", ExternalViewSet, basename="external-training")
    router.register("training-progress", ProgressViewSet, basename="training-progress")
