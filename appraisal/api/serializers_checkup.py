"""Serializers of the quarterly check-up's API (``appraisal.api.checkup``): a round named by its quarter's key, the
caller's own assignments (their own scores), the assignments as made (never the scores), the results."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from appraisal.models import CheckupResult, CheckupRound, RaterAssignment, RaterGroup
from appraisal.selectors import checkup as selectors
from appraisal.services import checkup_raters as raters_svc
from common.api import LimitedCharField, ModelSerializer, limit_related
from org.models import Official, OrgUnit, User
from org.selectors import officials_visible_to

KEY_REGEX = r"\d{4}-[Qq][1-4]"
KEY_LENGTH = len("2026-Q3")  # with the pattern, the whole key


class RoundSerializer(ModelSerializer):
    key = LimitedCharField(source="period.key", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CheckupRound
        fields = ["key", "status", "group_weights", "group_trim", "min_responses", "problem_threshold", "created_at",
                  "closed_at", "progress"]

    def get_progress(self, checkup: CheckupRound) -> dict[str, int]:
        return {name: getattr(checkup, name, 0) for name in ("assigned", "submitted", "pending", "excused")}


class RoundOpenSerializer(serializers.Serializer):
    period = serializers.RegexField(KEY_REGEX, max_length=KEY_LENGTH, help_text="The quarter, e.g. 2026-Q3.")
    group_weights = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=2),
                                          required=False, help_text="Weight by rater group; defaults when empty.")
    min_responses = serializers.IntegerField(min_value=1, max_value=50, default=1)
    problem_threshold = serializers.IntegerField(min_value=0, max_value=100, default=70)
    group_trim = serializers.DictField(child=serializers.BooleanField(), required=False,
                                       help_text="By rater group, whether a group with five ratings or more drops "
                                                 "its highest and lowest; groups not named do.")


class AssignDefaultsSerializer(serializers.Serializer):
    unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none())
    colleagues = serializers.IntegerField(min_value=0, max_value=30, default=raters_svc.DEFAULT_COLLEAGUES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            limit_related(self, "unit", selectors.units_managed_by(request.user))


class _CheckupOfficialSerializer(ModelSerializer):
    unit = LimitedCharField(source="unit.name", read_only=True)

    class Meta:
        model = Official
        fields = ["id", "staff_number", "name", "unit"]


class AssignmentSerializer(ModelSerializer):
    """One of the caller's own assignments (the scores are their own)."""

    round = LimitedCharField(source="round.period.key", read_only=True)
    official = _CheckupOfficialSerializer(read_only=True)

    class Meta:
        model = RaterAssignment
        fields = ["id", "round", "official", "group", "status", "political", "moral", "discipline", "law", "style",
                  "comment", "excuse_reason", "submitted_at"]


class AssignedSerializer(ModelSerializer):
    """An assignment as the organization department made it: who rates whom, never the scores."""

    round = LimitedCharField(source="round.period.key", read_only=True)
    rater = LimitedCharField(source="rater.username", read_only=True)

    class Meta:
        model = RaterAssignment
        fields = ["id", "round", "official", "rater", "group", "status"]


class AssignSerializer(serializers.Serializer):
    round = serializers.RegexField(KEY_REGEX, max_length=KEY_LENGTH)
    official = serializers.PrimaryKeyRelatedField[Official](queryset=Official.objects.none())
    group = serializers.ChoiceField(choices=RaterGroup.choices)
    raters = serializers.ListField(child=serializers.SlugRelatedField[User](
        slug_field="username", queryset=User.objects.all()), min_length=1, help_text="User names of the raters.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            limit_related(self, "official",
                          officials_visible_to(request.user, roles=(selectors.ORG,), include_self=False))


class RateSerializer(serializers.Serializer):
    political = serializers.IntegerField(min_value=0, max_value=100)
    moral = serializers.IntegerField(min_value=0, max_value=100)
    discipline = serializers.IntegerField(min_value=0, max_value=100)
    law = serializers.IntegerField(min_value=0, max_value=100)
    style = serializers.IntegerField(min_value=0, max_value=100)  # type: ignore[assignment]  # Field.style: a name
    comment = LimitedCharField(max_length=2000, required=False, allow_blank=True, default="")


class ExcuseSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=200)


class ResultSerializer(ModelSerializer):
    round = LimitedCharField(source="round.period.key", read_only=True)
    round_status = LimitedCharField(source="round.status", read_only=True)
    official = _CheckupOfficialSerializer(read_only=True)
    problem_count = serializers.SerializerMethodField()

    class Meta:
        model = CheckupResult
        fields = ["round", "round_status", "official", "score", "is_incomplete", "group_scores", "dimension_scores",
                  "problems", "problem_count", "computed_at"]

    def get_problem_count(self, result: CheckupResult) -> int:
        return len(result.problems)

    def to_representation(self, instance: CheckupResult) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not selectors.may_see_group_scores(request.user, instance):
            data.pop("group_scores")  # a group of one rater would name that rater's scores
        return data
