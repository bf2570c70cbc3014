"""Serializers of the quarterly grades' API (``appraisal.api.quarterly``)."""

from __future__ import annotations

from rest_framework import serializers

from appraisal.api.fields import VisibleUnitMixin, period_from_key
from appraisal.models import AppraisalPeriod, QuarterGrade, QuarterlyGrade, ReconsiderOutcome
from common.api import LimitedCharField, ModelSerializer
from common.text_limits import NOTE, SHORT_NOTE
from org.models import OrgUnit, User


class QuarterlyGradeSerializer(ModelSerializer):
    """A quarterly grade. ``grade`` is where it stands (the head's grade, else the proposal of the scores; once
    confirmed, the grade the official sees); ``proposed`` what the scores propose; ``status`` proposed or
    confirmed; then the official's one request to reconsider and the head's answer."""

    period = LimitedCharField(source="period.key", read_only=True, help_text="The quarter, e.g. 2026-Q3.")
    official_name = LimitedCharField(source="official.name", read_only=True)
    unit = LimitedCharField(source="unit.code", read_only=True, help_text="The top-level unit's code.")
    grade = serializers.ChoiceField(source="current", choices=QuarterGrade.choices, read_only=True)
    graded_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    confirmed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    answered_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = QuarterlyGrade
        fields = ["id", "period", "official", "official_name", "unit", "grade", "comment", "status", "score",
                  "proposed", "share_tie", "graded_by", "graded_at", "confirmed_by", "confirmed_at",
                  "reconsider_reason", "reconsider_asked_at", "answer_outcome", "answer_grade", "answer_text",
                  "answered_by", "answered_at"]
        read_only_fields = fields
        # DRF drops allow_blank from read-only fields; unanswered rows send "" (kept in the schema's enum).
        extra_kwargs = {"answer_outcome": {"allow_blank": True}, "answer_grade": {"allow_blank": True}}


class WriteSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=QuarterGrade.choices)
    comment = LimitedCharField(max_length=SHORT_NOTE, allow_blank=True, required=False, default="",
                               trim_whitespace=False, help_text="The short 写实 comment; required to confirm.")


class ConfirmSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=QuarterGrade.choices, required=False,
                                    help_text="Written first when given; else the grade as it stands.")
    comment = LimitedCharField(max_length=SHORT_NOTE, allow_blank=True, required=False, trim_whitespace=False,
                               help_text="Written first when given; a confirmed grade needs one.")


class ReconsiderSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=NOTE, allow_blank=True, trim_whitespace=False)


class AnswerSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReconsiderOutcome.choices)
    grade = serializers.ChoiceField(choices=QuarterGrade.choices, required=False, allow_blank=True, default="",
                                    help_text="The new grade when the outcome is `changed`.")
    text = LimitedCharField(max_length=NOTE, allow_blank=True, trim_whitespace=False,
                            help_text="The answer in writing.")


class PeriodUnitSerializer(VisibleUnitMixin, serializers.Serializer):
    period = LimitedCharField(max_length=7, help_text="The quarter, e.g. 2026-Q3.")
    unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none(), required=False,
                                                 allow_null=True, help_text="A top-level unit's code.")

    def validate_period(self, value: str) -> AppraisalPeriod:
        return period_from_key(value)


class ConfirmUnitSerializer(PeriodUnitSerializer):
    unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none(),
                                                 help_text="A top-level unit's code.")


class ConfirmUnitResultSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()


class ProposeResultSerializer(serializers.Serializer):
    proposed = serializers.IntegerField()
    kept_confirmed = serializers.IntegerField()
    removed = serializers.IntegerField()
