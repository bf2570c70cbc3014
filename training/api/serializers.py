"""Serializers of the training API: output shapes and input parsing (the writes are in the services)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from rest_framework import serializers

from common.api import DateTimeField, IdField, LimitedCharField, ModelSerializer
from common.text_limits import LINE
from org.models import Official, RankLevel, User
from org.selectors import officials_visible_to
from training.models import Attendance, AttendanceStatus, ExternalTraining, SessionKind, TrainingSession
from training.selectors.progress import progress_of

# --- sessions and attendance -----------------------------------------------------------------------


class SessionSerializer(ModelSerializer):
    organiser_name = LimitedCharField(source="organiser.name", read_only=True)
    lecturer_display = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = ["id", "kind", "title", "starts_at", "ends_at", "hours", "place", "organiser", "organiser_name",
                  "plan", "lecturer", "lecturer_name", "lecturer_display", "is_required", "audience_units",
                  "include_subunits", "audience_rank_levels"]
        read_only_fields = fields

    def get_lecturer_display(self, obj: TrainingSession) -> str:
        return obj.lecturer.name if obj.lecturer else obj.lecturer_name


class SessionWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    title = LimitedCharField(max_length=200)
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    place = LimitedCharField(max_length=200, allow_blank=True, required=False, default="")
    organiser = IdField()
    audience_units = serializers.ListField(child=IdField(), allow_empty=False)
    include_subunits = serializers.BooleanField(required=False, default=True)
    audience_rank_levels = serializers.ListField(child=serializers.ChoiceField(choices=RankLevel.choices),
                                                 required=False, default=list)
    lecturer = IdField(required=False, allow_null=True, default=None)
    lecturer_name = LimitedCharField(max_length=100, allow_blank=True, required=False, default="")
    is_required = serializers.BooleanField(required=False, default=True)


class AttendanceSerializer(ModelSerializer):
    official_name = LimitedCharField(source="official.name", read_only=True)
    unit = LimitedCharField(source="official.unit.code", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "session", "official", "official_name", "unit", "status", "hours", "excuse_reason",
                  "excuse_approved_by", "exam_score", "recorded_by", "recorded_at"]
        read_only_fields = fields


class BulkRowSerializer(serializers.Serializer):
    official = IdField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, required=False, allow_null=True,
                                     default=None)
    excuse_reason = LimitedCharField(max_length=200, allow_blank=True, required=False, default="")
    exam_score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True,
                                          default=None)


class BulkSerializer(serializers.Serializer):
    session = IdField()
    rows = BulkRowSerializer(many=True, allow_empty=False)


# --- external training and progress ----------------------------------------------------------------


class ExternalSerializer(ModelSerializer):
    official_name = LimitedCharField(source="official.name", read_only=True)
    reviewed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    certificate_url = serializers.SerializerMethodField()

    class Meta:
        model = ExternalTraining
        fields = ["id", "official", "official_name", "title", "provider", "started_on", "ended_on", "hours",
                  "status", "return_reason", "reviewed_by", "reviewed_at", "certificate_url", "created_at"]

    def get_certificate_url(self, record: ExternalTraining) -> str | None:
        # Only the permission-checked view serves the file, never a public media URL.
        return reverse("training:certificate", args=[record.pk]) if record.certificate else None


class VisibleOfficialField(serializers.PrimaryKeyRelatedField[Official]):
    """An official the caller may see, by id; any other reads as one that does not exist."""

    def get_queryset(self) -> QuerySet[Official]:
        request = self.context.get("request")
        return officials_visible_to(request.user) if request is not None else Official.objects.none()


class ExternalSubmitSerializer(serializers.Serializer):
    """Input of a submission; ``official`` defaults to the caller's own official record."""

    official = VisibleOfficialField(queryset=Official.objects.none(), required=False, allow_null=True)
    title = LimitedCharField(max_length=200)
    provider = LimitedCharField(max_length=200)
    started_on = serializers.DateField()
    ended_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    certificate = serializers.FileField(required=False, allow_null=True)


class ExternalReturnSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=1000)


class ProgressSerializer(serializers.Serializer):
    official = IdField()
    name = LimitedCharField(max_length=LINE)
    hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    target = serializers.DecimalField(max_digits=9, decimal_places=1)
    prorata_target = serializers.DecimalField(max_digits=9, decimal_places=1)
    behind = serializers.BooleanField()
    special_class_incomplete = serializers.BooleanField()

    def to_representation(self, instance: Any) -> Any:
        year = self.context["year"]
        p = progress_of(instance, year=year)
        return super().to_representation({
            "official": instance.pk, "name": instance.name, "hours": p.hours, "target": p.target,
            "prorata_target": p.prorata_target, "behind": p.behind,
            "special_class_incomplete": p.special_class_incomplete,
        })
