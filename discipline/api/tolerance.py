"""API of error tolerance requests (容错免责): ``/api/v1/tolerance-requests/`` with review, decide, rectified."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.filters import IdFilter, YearFilter
from common.idempotency import idempotent_create
from discipline.api import serializers as s
from discipline.models import Case, ToleranceRequest, ToleranceStatus
from discipline.selectors.cases import cases_visible_to
from discipline.selectors.decisions import effect_officials_for
from discipline.selectors.tolerance import may_act_on_tolerance, tolerance_visible_to
from discipline.services import tolerance as tolerance_svc
from org.selectors import access_for


class ToleranceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ToleranceStatus.choices)
    official = IdFilter(field_name="official_id")
    case = IdFilter(field_name="case_id")
    year = YearFilter(field_name="created_at", lookup_expr="year")

    class Meta:
        model = ToleranceRequest
        fields = ["status", "official", "case", "year"]


class ToleranceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Error tolerance requests (容错免责). ``POST`` files one (the official, a head over them or discipline
    inspection); ``review`` is discipline inspection's opinion, ``decide`` the organization department's
    decision, ``rectified`` records the rectification done."""

    serializer_class = s.ToleranceSerializer
    filterset_class = ToleranceFilter
    queryset = ToleranceRequest.objects.none()

    def get_queryset(self) -> QuerySet[ToleranceRequest]:
        user = request_user(self.request)
        # The case is named to those who read case files and to its subject (who sees the decisions about
        # them, case number included), not to a head who filed the request.
        readable: Exists | ExpressionWrapper = Exists(cases_visible_to(user).filter(pk=OuterRef("case_id")))
        own = access_for(user).official_id
        if own is not None:
            readable = ExpressionWrapper(readable | Q(official_id=own), output_field=BooleanField())
        return tolerance_visible_to(user).select_related(
            "requested_by", "reviewed_by", "decided_by").annotate(case_readable=readable).order_by(
            "-created_at", "-id")

    def _acting_on(self) -> ToleranceRequest:
        """The request, when the caller acts on such requests; otherwise 404, as for one out of scope."""
        item = self.get_object()
        if not may_act_on_tolerance(request_user(self.request), item):
            raise Http404
        return item

    def _answer(self, request_: ToleranceRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=request_.pk)).data, status=code)

    @idempotent_create
    @extend_schema(request=s.ToleranceInputSerializer, responses={201: s.ToleranceSerializer})
    def create(self, request: Request) -> Response:
        values = parse_input(s.ToleranceInputSerializer, request)
        user = request_user(request)
        official = effect_officials_for(user).filter(pk=values.pop("official")).first()
        case = (Case.objects.filter(pk=values.pop("case"), subjects=official).first()
                if official is not None else None)
        if official is None or case is None:
            raise Http404
        filed = tolerance_svc.tolerance_request(by=user, case=case, official=official, **values)
        return self._answer(filed, status.HTTP_201_CREATED)

    @extend_schema(request=s.ToleranceReviewSerializer, responses={200: s.ToleranceSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        values = parse_input(s.ToleranceReviewSerializer, request)
        reviewed = tolerance_svc.tolerance_review(by=request_user(request), request=self._acting_on(), **values)
        return self._answer(reviewed)

    @extend_schema(request=s.ToleranceDecideSerializer, responses={200: s.ToleranceSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        values = parse_input(s.ToleranceDecideSerializer, request)
        decided = tolerance_svc.tolerance_decide(by=request_user(request), request=self._acting_on(), **values)
        return self._answer(decided)

    @extend_schema(request=s.RectifiedSerializer, responses={200: s.ToleranceSerializer})
    @action(detail=True, methods=["post"])
    def rectified(self, request: Request, pk: Any = None) -> Response:
        values = parse_input(s.RectifiedSerializer, request)
        done = tolerance_svc.rectification_complete(by=request_user(request), request=self._acting_on(), **values)
        return self._answer(done)


def register(router: BaseRouter) -> None:
    router.register("tolerance-requests", ToleranceViewSet, basename="tolerance-request")
