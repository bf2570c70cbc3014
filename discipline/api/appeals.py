"""API of appeals (申诉): ``/api/v1/appeals/`` with the ``decide`` action."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
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
from discipline.api._common import _missing
from discipline.models import Appeal, AppealOutcome, DecisionKind
from discipline.selectors.decisions import appeals_visible_to, decisions_visible_to
from discipline.services import appeals as appeal_svc


class AppealFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=AppealOutcome.choices)
    pending = django_filters.BooleanFilter(method="filter_pending", help_text="true: not decided yet.")
    official = IdFilter(field_name="decision__official_id")
    decision = IdFilter(field_name="decision_id")
    year = YearFilter(field_name="filed_on", lookup_expr="year")

    class Meta:
        model = Appeal
        fields = ["outcome", "pending", "official", "decision", "year"]

    def filter_pending(self, queryset: QuerySet[Appeal], name: str, value: bool | None) -> QuerySet[Appeal]:
        if value is None:
            return queryset
        return queryset.filter(outcome="") if value else queryset.exclude(outcome="")


class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appeals (申诉): the subject files one against their decision within the window; discipline inspection
    over the case ``decide``s it (upheld, changed to ``new_kind``, revoked)."""

    serializer_class = s.AppealSerializer
    filterset_class = AppealFilter
    queryset = Appeal.objects.none()

    def get_queryset(self) -> QuerySet[Appeal]:
        return appeals_visible_to(request_user(self.request)).select_related(
            "decision__official__unit", "filed_by", "decided_by").order_by("-filed_on", "-id")

    def _answer(self, appeal: Appeal, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=appeal.pk)).data, status=code)

    @idempotent_create
    @extend_schema(request=s.AppealInputSerializer, responses={201: s.AppealSerializer})
    def create(self, request: Request) -> Response:
        values = parse_input(s.AppealInputSerializer, request)
        user = request_user(request)
        decision = decisions_visible_to(user).filter(pk=values["decision"]).first()
        if decision is None:
            raise Http404
        appeal = appeal_svc.appeal_file(by=user, decision=decision, grounds=values["grounds"])
        return self._answer(appeal, status.HTTP_201_CREATED)

    @extend_schema(request=s.AppealDecideSerializer, responses={200: s.AppealSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        values = parse_input(s.AppealDecideSerializer, request)
        new_kind = None
        if values["new_kind"] is not None:
            new_kind = DecisionKind.objects.filter(pk=values["new_kind"], is_active=True).first()
            if new_kind is None:
                raise _missing("new_kind", _("Choose the kind of decision it is changed to."))
        decided = appeal_svc.appeal_decide(by=request_user(request), appeal=appeal, outcome=values["outcome"],
                                           note=values["note"], new_kind=new_kind)
        return self._answer(decided)


def register(router: BaseRouter) -> None:
    router.register("appeals", AppealViewSet, basename="appeal")
