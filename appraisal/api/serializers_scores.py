"""Serializers of the periods, the rule catalogue, the scorecards and the score ledger (``appraisal.api.scores``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appraisal.display.grade_labels import grade_label
from appraisal.models import AppraisalPeriod, Component, Scorecard, ScoreEntry, ScoreRule
from common.api import IdField, LimitedCharField, ModelSerializer

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
