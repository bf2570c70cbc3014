"""API of external training and training progress: ``/api/v1/external-training/`` (scoped list, submit,
approve and return actions) and ``/api/v1/training-progress/?year=YYYY`` (per official in scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import IdField, LimitedCharField, ModelSerializer, parse_input
from common.filters import as_int
from common.idempotency import idempotent_create
from common.text_limits import LINE
from org.models import Official, User
from org.selectors import access_for, officials_visible_to
from training.models import ExternalTraining
from training.progress import progress_of, with_progress
from training.services.external import external_approve, external_return, external_submit, external_visible_to


class ExternalSerializer(ModelSerializer):
    official_name = LimitedCharField(source="official.name", read_only=True)
    reviewed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    certificate_url = serializers.SerializerMethodField()

    class Meta:
        model = ExternalTraining
        fields = ["id", "official", "official_name", "title", "provider", "started_on", "ended_on", "hours",
                  "status", "return_reason", "reviewed_by", "reviewed_at", "certificate_url", "created_at"]

    def get_certificate_url(self, record: ExternalTraining) -> str | None:
        # Only the permission-checked view serves the file, never a public media URL.
        return reverse("training:certificate", args=[record.pk]) if record.certificate else None


class ExternalSubmitSerializer(serializers.Serializer):
    """Input of a submission; ``official`` defaults to the caller's own official record."""

    official = serializers.PrimaryKeyRelatedField[Official](
        queryset=Official.objects.none(), required=False, allow_null=True)
    title = LimitedCharField(max_length=200)
    provider = LimitedCharField(max_length=200)
    started_on = serializers.DateField()
    ended_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    certificate = serializers.FileField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["official"].queryset = officials_visible_to(request.user)  # type: ignore[attr-defined]


class ExternalReturnSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=1000)


class ExternalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """External training records of the officials in the caller's scope (their own included)."""

    serializer_class = ExternalSerializer
    queryset = ExternalTraining.objects.none()

    def get_queryset(self) -> QuerySet[ExternalTraining]:
        qs = external_visible_to(self.request.user)  # type: ignore[arg-type]
        wanted = self.request.query_params.get("status")
        return qs.filter(status=wanted) if wanted else qs.order_by("-started_on", "id")

    @idempotent_create
    @extend_schema(request=ExternalSubmitSerializer, responses={201: ExternalSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(ExternalSubmitSerializer, request, self.get_serializer_context())
        official = data.pop("official", None)
        if official is None:
            own = access_for(request.user).official_id
            if own is None:
                raise ValidationError({"official": ["This field is required."]})
            official = Official.objects.select_related("unit").get(pk=own)
        record = external_submit(by=request.user, official=official, **data)  # type: ignore[arg-type]
        return Response(self._out(record.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ExternalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        record = external_approve(by=request.user, record=self.get_object())  # type: ignore[arg-type]
        return Response(self._out(record.pk))

    @extend_schema(request=ExternalReturnSerializer, responses=ExternalSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(ExternalReturnSerializer, request, self.get_serializer_context())
        record = external_return(by=request.user, record=self.get_object(), reason=data["reason"])  # type: ignore[arg-type]
        return Response(self._out(record.pk))

    def _out(self, pk: int) -> dict[str, Any]:
        return ExternalSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data


class ProgressSerializer(serializers.Serializer):
    official = IdField()
    name = LimitedCharField(max_length=LINE, )
    hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    target = serializers.DecimalField(max_digits=9, decimal_places=1)
    prorata_target = serializers.DecimalField(max_digits=9, decimal_places=1)
    behind = serializers.BooleanField()
    special_class_incomplete = serializers.BooleanField()

    def to_representation(self, instance: Any) -> Any:
        year = self.context["year"]
        p = progress_of(instance, year=year)
        return super().to_representation({
            "official": instance.pk, "name": instance.name, "hours": p.hours, "target": p.target,
            "prorata_target": p.prorata_target, "behind": p.behind,
            "special_class_incomplete": p.special_class_incomplete,
        })


@extend_schema(parameters=[OpenApiParameter("year", int, description="The year (default: this year).")])
class ProgressViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Training hours against the annual target per active official in the caller's scope."""

    serializer_class = ProgressSerializer
    queryset = Official.objects.none()

    def _year(self) -> int:
        raw = self.request.query_params.get("year", "")
        return as_int(raw, low=2000, high=2100) or timezone.localdate().year

    def get_queryset(self) -> QuerySet[Official]:
        officials = officials_visible_to(self.request.user).filter(is_active=True).order_by(
            "unit__path", "name", "pk")
        return with_progress(officials, year=self._year())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "year": self._year()}


def register(router: BaseRouter) -> None:
    router.register("external-training", ExternalViewSet, basename="external-training")
    router.register("training-progress", ProgressViewSet, basename="training-progress")
