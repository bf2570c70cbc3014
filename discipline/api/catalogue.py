"""API of the discipline catalogue: ``/api/v1/discipline-rules/`` and ``/api/v1/decision-kinds/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.idempotency import idempotent_create
from discipline.api import serializers as s
from discipline.models import DecisionKind, DisciplineRule, RuleCategory
from discipline.selectors.cases import can_read_case_files
from discipline.services import catalogue as catalogue_svc


class RuleFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=RuleCategory.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = DisciplineRule
        fields = ["category", "is_active"]


class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The rule catalogue (discipline inspection and the organization department). ``POST`` adds a rule and
    ``PUT``/``PATCH`` changes one — county-level discipline inspection only."""

    serializer_class = s.RuleSerializer
    filterset_class = RuleFilter
    queryset = DisciplineRule.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[DisciplineRule]:
        if not can_read_case_files(request_user(self.request)):
            return DisciplineRule.objects.none()
        return DisciplineRule.objects.order_by("code")

    @idempotent_create
    @extend_schema(request=s.RuleInputSerializer, responses={201: s.RuleSerializer})
    def create(self, request: Request) -> Response:
        values = parse_input(s.RuleInputSerializer, request)
        rule = catalogue_svc.rule_save(by=request_user(request), **values)
        return Response(s.RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RuleInputSerializer, responses={200: s.RuleSerializer})
    def update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=s.RuleInputSerializer, responses={200: s.RuleSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        rule = self.get_object()
        data = parse_input(s.RuleInputSerializer, request, partial=partial)
        values = {"code": rule.code, "category": rule.category, "text": rule.text, "is_active": rule.is_active,
                  **data}
        rule = catalogue_svc.rule_save(by=request_user(request), rule=rule, **values)
        return Response(s.RuleSerializer(rule).data)


class KindViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The kinds of decision with their defaults. ``PATCH`` changes a kind's defaults (county-level discipline
    inspection); decisions already recorded keep theirs."""

    serializer_class = s.KindSerializer
    filterset_fields = ["group", "is_active"]
    queryset = DecisionKind.objects.none()

    def get_queryset(self) -> QuerySet[DecisionKind]:
        if not can_read_case_files(request_user(self.request)):
            return DecisionKind.objects.none()
        return DecisionKind.objects.order_by("group", "severity", "code")

    @extend_schema(request=s.KindInputSerializer, responses={200: s.KindSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        kind = self.get_object()
        data = parse_input(s.KindInputSerializer, request, partial=True)
        values = {"points": kind.points, "grade_cap": kind.grade_cap, "cap_years": kind.cap_years,
                  "later_cap": kind.later_cap, "cap_in_force": kind.cap_in_force,
                  "months_in_force": kind.months_in_force, "promotion_bar_months": kind.promotion_bar_months,
                  "is_active": kind.is_active, **data}
        kind = catalogue_svc.kind_configure(by=request_user(request), kind=kind, **values)
        return Response(s.KindSerializer(kind).data)


def register(router: BaseRouter) -> None:
    router.register("discipline-rules", RuleViewSet, basename="discipline-rule")
    router.register("decision-kinds", KindViewSet, basename="decision-kind")
