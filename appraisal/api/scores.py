"""API of periods, the rule catalogue, scorecards and the score ledger (``/api/v1/periods/``,
``/score-rules/``, ``/scorecards/``, ``/score-entries/``), through the same services and selectors as the pages.

Wherever the API takes a period it takes its key (``2026-W43``, ``2026-10``, ``2026-Q3``, ``2026``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.api.serializers_scores import (
    PeriodSerializer,
    ScorecardSerializer,
    ScoreEntryCreateSerializer,
    ScoreEntryDeleteSerializer,
    ScoreEntrySerializer,
    ScoreRuleSerializer,
)
from appraisal.models import AppraisalPeriod, Scorecard, ScoreEntry, ScoreRule
from appraisal.scoring.periods import parse_period_key
from appraisal.selectors import periods as period_reads
from appraisal.selectors import scores as selectors
from appraisal.selectors.periods import period_existing
from appraisal.services.entries import entry_add, entry_delete
from common.api import parse_input, request_user
from common.errors import ApplicationError
from common.filters import IdFilter
from common.idempotency import idempotent_create
from org.selectors import access_for

# --- filters ---------------------------------------------------------------------------------------


def _period_or_400(key: str) -> AppraisalPeriod:
    span = parse_period_key(key)  # ApplicationError (bad_period) for a malformed key
    period = period_reads.period_by_key(span.key)
    if period is None:
        raise ApplicationError(_("There is no period %(key)s yet.") % {"key": span.key}, code="unknown_period")
    return period


class ScorecardFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(method="filter_period", label="period key")
    official = IdFilter(field_name="official_id")
    unit = django_filters.CharFilter(field_name="unit__code")
    category = django_filters.CharFilter(field_name="category__code")
    rank_level = django_filters.CharFilter(field_name="rank_level")

    class Meta:
        model = Scorecard
        fields = ["period", "official", "unit", "category", "rank_level"]

    def filter_period(self, queryset: QuerySet[Scorecard], name: str, value: str) -> QuerySet[Scorecard]:
        return queryset.filter(period=_period_or_400(value))


class ScoreEntryFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(method="filter_period", label="period key")
    official = IdFilter(field_name="official_id")
    rule = django_filters.CharFilter(field_name="rule__code")
    origin = django_filters.ChoiceFilter(choices=ScoreEntry.Origin.choices)

    class Meta:
        model = ScoreEntry
        fields = ["period", "official", "rule", "origin"]

    def filter_period(self, queryset: QuerySet[ScoreEntry], name: str, value: str) -> QuerySet[ScoreEntry]:
        span = parse_period_key(value)  # an entry belongs to every period containing its date
        return queryset.filter(occurred_on__gte=span.start, occurred_on__lte=span.end)


# --- views -----------------------------------------------------------------------------------------


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Appraisal periods, newest first; fetch one by its key (``/api/v1/periods/2026-10/``)."""

    serializer_class = PeriodSerializer
    lookup_field = "key"
    lookup_value_regex = r"[0-9A-Za-z-]+"
    queryset = AppraisalPeriod.objects.none()  # for the schema; requests use get_queryset
    filterset_fields = ["kind", "status"]

    def get_queryset(self) -> QuerySet[AppraisalPeriod]:
        return period_reads.periods_visible()


class ScoreRuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of bonus and deduction rules; ``is_manual`` ones may be recorded by a head."""

    serializer_class = ScoreRuleSerializer
    lookup_field = "code"
    queryset = ScoreRule.objects.none()
    filterset_fields = ["is_manual", "is_active"]

    def get_queryset(self) -> QuerySet[ScoreRule]:
        return selectors.score_rules()


class ScorecardViewSet(viewsets.ReadOnlyModelViewSet):
    """Scorecards the caller may see (``?period=2026-10``): officials under their roles, and their own.
    ``grade`` is the annual grade (final, else proposed) on a year's scorecards, null otherwise."""

    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    queryset = Scorecard.objects.none()

    def get_queryset(self) -> QuerySet[Scorecard]:
        qs = selectors.scorecards_visible_to(request_user(self.request))
        return selectors.with_grade(qs).order_by("-period__start", "period__kind", "-total", "official_id")


@extend_schema_view(create=extend_schema(
    request=ScoreEntryCreateSerializer,
    responses={201: ScoreEntrySerializer, 400: OpenApiResponse(description="code, message")}))
class ScoreEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """The score ledger the caller may see (``?official=ID&period=KEY``). ``POST`` records a manual bonus or
    deduction (a head or the organization department over the official); ``POST …/{id}/delete/`` removes a
    manual one with a reason."""

    serializer_class = ScoreEntrySerializer
    filterset_class = ScoreEntryFilter
    queryset = ScoreEntry.objects.none()

    def get_queryset(self) -> QuerySet[ScoreEntry]:
        return selectors.entries_visible_to(request_user(self.request)).order_by("-occurred_on", "-id")

    @idempotent_create
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = parse_input(ScoreEntryCreateSerializer, request)
        values = data
        user = request_user(request)
        # Out of scope and missing look the same: never reveal that an official exists.
        official = selectors.officials_for_entries(user).filter(pk=values["official"]).first()
        if official is None:
            if values["official"] == access_for(user).official_id:
                raise ApplicationError(_("Nobody may record points for themself."), code="own_entry")
            raise ApplicationError(_("Choose an official in your scope."), code="invalid_official")
        rule = selectors.score_rules().filter(code=values["rule"]).first()
        if rule is None:
            raise ApplicationError(_("There is no rule “%(code)s”.") % {"code": values["rule"]}, code="invalid_rule")
        period = period_existing(values["period"])
        entry = entry_add(by=user, official=official, period=period, rule=rule, points=values["points"],
                          reason=values["reason"], occurred_on=values.get("occurred_on"))
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(ScoreEntrySerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScoreEntryDeleteSerializer,
                   responses={204: None, 400: OpenApiResponse(description="code, message")})
    @action(detail=True, methods=["post"], url_path="delete", url_name="delete")
    def remove(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(ScoreEntryDeleteSerializer, request)
        entry_delete(by=request_user(request), entry=self.get_object(), reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> None:
    router.register("periods", PeriodViewSet, basename="period")
    router.register("score-rules", ScoreRuleViewSet, basename="score-rule")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("score-entries", ScoreEntryViewSet, basename="score-entry")
