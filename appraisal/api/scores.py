"""API of periods, the rule catalogue, scorecards and the score ledger (``/api/v1/periods/``,
``/score-rules/``, ``/scorecards/``, ``/score-entries/``), through the same services and selectors as the pages.

Wherever the API takes a period it takes its key (``2026-W43``, ``2026-10``, ``2026-Q3``, ``2026``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.display.grade_labels import grade_label
from appraisal.models import AppraisalPeriod, Component, Scorecard, ScoreEntry, ScoreRule
from appraisal.scoring.periods import parse_period_key
from appraisal.selectors import scores as selectors
from appraisal.services.entries import entry_add, entry_delete
from appraisal.services.periods import period_existing
from common.api import IdField, LimitedCharField, ModelSerializer, request_user
from common.errors import ApplicationError
from common.filters import IdFilter
from common.idempotency import idempotent_create
from org.selectors import access_for

# --- serializers -----------------------------------------------------------------------------------


class PeriodSerializer(ModelSerializer):
    class Meta:
        model = AppraisalPeriod
        # facts_changed_at: set while facts changed since the last rollup are not in every score yet;
        # close_reason: why it was closed with work still open (both issue 15).
        fields = ["key", "kind", "start", "end", "status", "closed_at", "published_at", "last_rollup_at",
                  "facts_changed_at", "close_reason"]
        read_only_fields = fields


class ScoreRuleSerializer(ModelSerializer):
    class Meta:
        model = ScoreRule
        fields = ["code", "name", "description", "min_points", "max_points", "cap", "is_manual", "is_active"]
        read_only_fields = fields


# A decimal string like the card's other points ("12.50", as DRF writes decimals), or null.
@extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2))
class ComponentPointsField(serializers.Field):
    """A component's points from ``Scorecard.components``; null when the component had no facts."""

    def __init__(self, code: str, **kwargs: Any) -> None:
        self.code = code
        kwargs.update(source="*", read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def to_representation(self, value: Scorecard) -> str | None:
        data = (value.components or {}).get(self.code) or {}
        points = data.get("points") if isinstance(data, dict) else None
        return None if points is None else f"{points:.2f}"


class ScorecardSerializer(ModelSerializer):
    period = LimitedCharField(source="period.key", read_only=True)
    official_name = LimitedCharField(source="official.name", read_only=True)
    staff_number = LimitedCharField(source="official.staff_number", read_only=True)
    unit = LimitedCharField(source="unit.code", read_only=True)
    unit_name = LimitedCharField(source="unit.name", read_only=True)
    category = LimitedCharField(source="category.code", read_only=True, allow_null=True, default=None)
    work = ComponentPointsField(Component.WORK)
    timeliness = ComponentPointsField(Component.TIMELINESS)
    evaluation = ComponentPointsField(Component.EVALUATION)
    training = ComponentPointsField(Component.TRAINING)
    grade = LimitedCharField(read_only=True, allow_null=True)
    grade_label = serializers.SerializerMethodField(help_text="The year's grade named for the official's personnel "
                                                              "category (称职, or 合格 for 事业单位 staff).")

    class Meta:
        model = Scorecard
        fields = ["id", "period", "official", "official_name", "staff_number", "unit", "unit_name", "category",
                  "rank_level", "work", "timeliness", "evaluation", "training", "component_total", "bonus",
                  "deduction", "ledger_total", "total", "rank_in_unit", "rank_in_category", "grade", "grade_label",
                  "is_provisional", "computed_at"]
        read_only_fields = fields

    def get_grade_label(self, card: Scorecard) -> str:
        return grade_label(getattr(card, "grade", None), card.official.personnel_category)


class ScoreEntrySerializer(ModelSerializer):
    official_name = LimitedCharField(source="official.name", read_only=True)
    rule = LimitedCharField(source="rule.code", read_only=True)
    rule_name = LimitedCharField(source="rule.name", read_only=True)
    source_type = serializers.SerializerMethodField()
    created_by = LimitedCharField(source="created_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ScoreEntry
        fields = ["id", "official", "official_name", "occurred_on", "rule", "rule_name", "points", "reason",
                  "origin", "source_type", "source_id", "created_by", "created_at"]
        read_only_fields = fields

    def get_source_type(self, entry: ScoreEntry) -> str | None:
        kind = entry.source_type
        return f"{kind.app_label}.{kind.model}" if kind is not None else None


class ScoreEntryCreateSerializer(serializers.Serializer):
    official = IdField(help_text="The official's id.")
    period = LimitedCharField(max_length=10, help_text="A period key such as 2026-10.")
    rule = LimitedCharField(max_length=40, help_text="A manual rule's code, e.g. innovation.")
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    reason = LimitedCharField(max_length=300)
    occurred_on = serializers.DateField(required=False, allow_null=True,
                                        help_text="Defaults to the period's last day, or today while it runs.")


class ScoreEntryDeleteSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=300)


# --- filters ---------------------------------------------------------------------------------------


def _period_or_400(key: str) -> AppraisalPeriod:
    span = parse_period_key(key)  # ApplicationError (bad_period) for a malformed key
    period = selectors.period_by_key(span.key)
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
        return selectors.periods_visible()


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
        data = ScoreEntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request_user(request)
        # Out of scope and missing look the same: never reveal that an official exists.
        official = selectors.officials_for_entries(user).filter(pk=values["official"]).first()
        if official is None:
            if values["official"] == access_for(user).official_id:
                raise ApplicationError(_("Nobody may record points for themself."), code="own_entry")
            raise ApplicationError(_("Choose an official in your scope."), code="invalid_official")
        rule = ScoreRule.objects.filter(code=values["rule"]).first()
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
        data = ScoreEntryDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry_delete(by=request_user(request), entry=self.get_object(), reason=data.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> None:
    router.register("periods", PeriodViewSet, basename="period")
    router.register("score-rules", ScoreRuleViewSet, basename="score-rule")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("score-entries", ScoreEntryViewSet, basename="score-entry")
