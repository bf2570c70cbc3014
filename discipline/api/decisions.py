"""API of decisions: ``/api/v1/decisions/``, recorded for a subject of a case under investigation."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.filters import IdFilter, YearFilter
from common.idempotency import idempotent_create
from discipline.api import serializers as s
from discipline.api._common import _missing
from discipline.models import Decision, DecisionKind, DecisionQuerySet
from discipline.selectors.cases import cases_visible_to
from discipline.selectors.decisions import decisions_visible_to
from discipline.services import decisions as decision_svc


class DecisionFilter(django_filters.FilterSet):
    official = IdFilter(field_name="official_id")
    case = IdFilter(field_name="case_id")
    kind = django_filters.CharFilter(field_name="kind__code")
    year = YearFilter(field_name="effective_date", lookup_expr="year")
    effective = django_filters.BooleanFilter(method="filter_effective",
                                             help_text="true: neither exempted nor revoked.")

    class Meta:
        model = Decision
        fields = ["official", "case", "kind", "year", "effective"]

    def filter_effective(self, queryset: DecisionQuerySet, name: str, value: bool | None) -> QuerySet[Decision]:
        if value is None:
            return queryset
        effective = queryset.effective()
        return effective if value else queryset.exclude(pk__in=effective.values("pk"))


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Decisions: case readers in scope, and the subject their own (with no case facts and no decision text).
    ``POST`` records a decision for a subject of a case under investigation (discipline inspection)."""

    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter
    queryset = Decision.objects.none()

    def get_queryset(self) -> QuerySet[Decision]:
        return decisions_visible_to(request_user(self.request)).order_by("-effective_date", "-id")

    @idempotent_create
    @extend_schema(request=s.DecisionInputSerializer, responses={201: s.DecisionSerializer})
    def create(self, request: Request) -> Response:
        values = parse_input(s.DecisionInputSerializer, request)
        user = request_user(request)
        case = cases_visible_to(user).filter(pk=values.pop("case")).first()
        if case is None:
            raise Http404
        official = case.subjects.filter(pk=values.pop("official")).first()
        if official is None:
            raise _missing("official", _("This official is not a subject of the case."))
        kind = DecisionKind.objects.filter(pk=values.pop("kind")).first()
        if kind is None:
            raise _missing("kind", _("Choose a kind of decision."))
        decision = decision_svc.decision_record(by=user, case=case, official=official, kind=kind, **values)
        fresh = self.get_queryset().get(pk=decision.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("decisions", DecisionViewSet, basename="decision")
