"""API of talks (谈心谈话): ``/api/v1/talks/``, confidential records with their follow-up."""

from __future__ import annotations

from typing import Any

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
from discipline.models import Talk, TalkKind, TalkOccasion
from discipline.selectors.cases import cases_visible_to
from discipline.selectors.scope import CASE_ROLES
from discipline.selectors.talks import talks_visible_to
from discipline.services import talks as talk_svc
from org.selectors import officials_visible_to


class TalkFilter(django_filters.FilterSet):
    official = IdFilter(field_name="official_id")
    kind = django_filters.ChoiceFilter(choices=TalkKind.choices)
    occasion = django_filters.ChoiceFilter(choices=TalkOccasion.choices)
    year = YearFilter(field_name="held_on", lookup_expr="year")
    follow_up_done = django_filters.BooleanFilter()

    class Meta:
        model = Talk
        fields = ["official", "kind", "occasion", "year", "follow_up_done"]


class TalkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Talks (谈心谈话) — confidential records kept by discipline inspection and the organization department.
    ``POST`` records a talk; ``PATCH`` records its follow-up (``follow_up``, ``done``)."""

    serializer_class = s.TalkSerializer
    filterset_class = TalkFilter
    queryset = Talk.objects.none()

    def get_queryset(self) -> QuerySet[Talk]:
        return talks_visible_to(request_user(self.request)).select_related("talker__unit", "case").order_by(
            "-held_on", "-id")

    def _answer(self, talk: Talk, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=talk.pk)).data, status=code)

    @idempotent_create
    @extend_schema(request=s.TalkInputSerializer, responses={201: s.TalkSerializer})
    def create(self, request: Request) -> Response:
        values = parse_input(s.TalkInputSerializer, request)
        user = request_user(request)
        official = officials_visible_to(user, roles=CASE_ROLES, include_self=False).filter(
            pk=values.pop("official")).first()
        if official is None:
            raise Http404
        talker_id, case_id = values.pop("talker"), values.pop("case")
        talker = officials_visible_to(user).filter(pk=talker_id).first() if talker_id is not None else None
        if talker_id is not None and talker is None:
            raise _missing("talker", _("Say who held the talk."))
        case = cases_visible_to(user).filter(pk=case_id).first() if case_id is not None else None
        if case_id is not None and case is None:
            raise Http404
        talk = talk_svc.talk_record(by=user, official=official, talker=talker, case=case, **values)
        return self._answer(talk, status.HTTP_201_CREATED)

    @extend_schema(request=s.TalkFollowUpSerializer, responses={200: s.TalkSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        talk = self.get_object()
        data = parse_input(s.TalkFollowUpSerializer, request, partial=True)
        values = {"follow_up": talk.follow_up, "done": talk.follow_up_done, **data}
        talk = talk_svc.talk_follow_up(by=request_user(request), talk=talk, **values)
        return self._answer(talk)


def register(router: BaseRouter) -> None:
    router.register("talks", TalkViewSet, basename="talk")
