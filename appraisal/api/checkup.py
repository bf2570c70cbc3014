"""API of the quarterly check-up: ``/api/v1/checkup-rounds/``, ``/api/v1/checkup-assignments/`` and
``/api/v1/checkup-results/``. A round is named by its quarter's key (``2026-Q3``).

Nobody reads another rater's scores here: the assignments endpoint lists only the caller's own assignments;
the organization department sees results (aggregates) and progress counts, the official rated their own
result once the round is closed, without the group scores.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.api.serializers_checkup import (
    KEY_REGEX,
    AssignDefaultsSerializer,
    AssignedSerializer,
    AssignmentSerializer,
    AssignSerializer,
    ExcuseSerializer,
    RateSerializer,
    ResultSerializer,
    RoundOpenSerializer,
    RoundSerializer,
)
from appraisal.models import CheckupResult, CheckupRound, RaterAssignment
from appraisal.selectors import checkup as selectors
from appraisal.services import checkup as svc
from appraisal.services import checkup_raters as raters_svc
from common.api import parse_input, request_user
from common.errors import ApplicationError
from common.idempotency import idempotent_create


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Check-up rounds (organization department): list, retrieve by quarter key, open, compute, close."""

    serializer_class = RoundSerializer
    queryset = CheckupRound.objects.none()
    lookup_field = "period__key"
    lookup_url_kwarg = "key"
    lookup_value_regex = KEY_REGEX

    def get_queryset(self) -> QuerySet[CheckupRound]:
        return selectors.rounds_with_progress(request_user(self.request))

    def get_object(self) -> CheckupRound:
        self.kwargs["key"] = self.kwargs["key"].upper()
        return super().get_object()

    @idempotent_create
    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(RoundOpenSerializer, request)
        checkup = svc.round_open_for_key(
            by=request_user(request), key=data["period"],
            group_weights=data.get("group_weights"), min_responses=data["min_responses"],
            problem_threshold=data["problem_threshold"], group_trim=data.get("group_trim"))
        return Response(self._out(checkup), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RoundSerializer},
                   description="Compute the results of an open round now; answers with `computed` officials.")
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, key: str | None = None) -> Response:
        n = svc.round_recompute(by=request_user(request), round=self.get_object())
        return Response({**self._out(self.get_object()), "computed": n})

    @extend_schema(request=None, responses={200: RoundSerializer},
                   description="Compute the final results and close the round.")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, key: str | None = None) -> Response:
        svc.round_close(by=request_user(request), round=self.get_object())
        return Response(self._out(self.get_object()))

    @extend_schema(request=AssignDefaultsSerializer, responses={200: RoundSerializer},
                   description="Assign the usual raters (principal leader, colleagues, organization department) "
                               "to every active official of a unit's subtree; answers with `added`.")
    @action(detail=True, methods=["post"], url_path="assign-defaults")
    def assign_defaults(self, request: Request, key: str | None = None) -> Response:
        data = parse_input(AssignDefaultsSerializer, request)
        added = raters_svc.raters_assign_defaults(by=request_user(request), round=self.get_object(),
                                           unit=data["unit"], colleagues=data["colleagues"])
        return Response({**self._out(self.get_object()), "added": added})

    def _out(self, checkup: CheckupRound) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=checkup.pk)
        return dict(RoundSerializer(fresh, context=self.get_serializer_context()).data)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own rater assignments (``?round=KEY``, ``?status=pending``), with rate and excuse actions.
    POST (organization department) assigns raters to an official: ``{round, official, group, raters}``."""

    serializer_class = AssignmentSerializer
    queryset = RaterAssignment.objects.none()

    def get_queryset(self) -> QuerySet[RaterAssignment]:
        qs = selectors.assignments_of(request_user(self.request))
        if self.action == "list":
            key = self.request.query_params.get("round")
            if key:
                qs = qs.filter(round__period__key=key.upper())
            wanted = self.request.query_params.get("status")
            if wanted:
                qs = qs.filter(status=wanted)
        return qs

    @idempotent_create
    @extend_schema(request=AssignSerializer, responses={201: AssignedSerializer(many=True)})
    def create(self, request: Request) -> Response:
        data = parse_input(AssignSerializer, request)
        checkup = selectors.rounds_visible_to(request_user(request)).filter(
            period__key=data["round"].upper()).first()
        if checkup is None:
            raise ApplicationError(_("There is no check-up round for %(key)s.") % {"key": data["round"].upper()},
                                   code="no_round")
        new = raters_svc.raters_assign(by=request_user(request), round=checkup, official=data["official"],
                                group=data["group"], raters=data["raters"])
        return Response(AssignedSerializer(new, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RateSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(RateSerializer, request)
        assignment = raters_svc.rating_submit(by=request_user(request), assignment=self.get_object(), **data)
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(request=ExcuseSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def excuse(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(ExcuseSerializer, request)
        assignment = raters_svc.rating_excuse(by=request_user(request), assignment=self.get_object(),
                                       reason=data["reason"])
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)


@extend_schema(parameters=[OpenApiParameter("round", str, description="The quarter's key, e.g. 2026-Q3.")])
class ResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Check-up results: the organization department's subtree, and the caller's own once the round is closed."""

    serializer_class = ResultSerializer
    queryset = CheckupResult.objects.none()

    def get_queryset(self) -> QuerySet[CheckupResult]:
        qs = selectors.results_visible_to(request_user(self.request))
        key = self.request.query_params.get("round")
        if key:
            qs = qs.filter(round__period__key=key.upper())
        return qs.order_by("-round__period__start", "official__unit__path", "official__name", "official_id")


def register(router: BaseRouter) -> None:
    router.register("checkup-rounds", RoundViewSet, basename="checkup-round")
    router.register("checkup-assignments", AssignmentViewSet, basename="checkup-assignment")
    router.register("checkup-results", ResultViewSet, basename="checkup-result")
