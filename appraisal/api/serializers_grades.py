"""Serializers of the annual grades' API and of the register exports (``appraisal.api.grades``)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from appraisal.api.fields import VisibleUnitMixin, period_from_key
from appraisal.display.grade_labels import grade_label
from appraisal.models import AppraisalPeriod, ExportJob, Grade, GradeDecision
from common.api import LimitedCharField, ModelSerializer
from common.text_limits import NOTE
from org.models import OrgUnit, User


class GradeSerializer(ModelSerializer):
    """An annual grade. ``grade`` is where it stands (final, else the head's proposal, else the scores');
    ``status`` where it is in the year's procedure; ``comment`` the 评语."""

    period = LimitedCharField(source="period.key", read_only=True)
    year = LimitedCharField(source="period.key", read_only=True)
    unit = LimitedCharField(source="unit.code", read_only=True)
    official_name = LimitedCharField(source="official.name", read_only=True)
    staff_number = LimitedCharField(source="official.staff_number", read_only=True)
    grade = serializers.ChoiceField(source="current", choices=Grade.choices, read_only=True)
    personnel_category = LimitedCharField(source="official.personnel_category", read_only=True)
    grade_label = serializers.SerializerMethodField(help_text="The grade's name for the official's personnel "
                                                              "category, e.g. 称职 or (事业单位) 合格.")
    proposed_label = serializers.SerializerMethodField()
    final_label = serializers.SerializerMethodField()
    confirmed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = GradeDecision
        fields = ["id", "period", "year", "official", "official_name", "staff_number", "unit", "personnel_category",
                  "grade", "grade_label", "status", "score", "proposed", "proposed_label", "constraints", "flags",
                  "comment", "head_grade", "head_reason", "final", "final_label", "override_reason", "confirmed_by",
                  "confirmed_at"]
        read_only_fields = fields
        # DRF drops allow_blank from read-only fields; "" (none yet) stays in the schema's enum.
        extra_kwargs = {"head_grade": {"allow_blank": True}, "final": {"allow_blank": True}}

    def get_grade_label(self, grade: GradeDecision) -> str:
        return grade_label(grade.current, grade.official.personnel_category)

    def get_proposed_label(self, grade: GradeDecision) -> str:
        return grade_label(grade.proposed, grade.official.personnel_category)

    def get_final_label(self, grade: GradeDecision) -> str:
        return grade_label(grade.final, grade.official.personnel_category)


class ExportJobSerializer(ModelSerializer):
    period = LimitedCharField(source="period.key", read_only=True)
    unit = LimitedCharField(source="unit.code", read_only=True, allow_null=True, default=None)
    created_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "kind", "period", "unit", "status", "progress", "rows", "error", "created_by", "created_at",
                  "finished_at", "download_url"]

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        return reverse("exportjob-download", kwargs={"pk": job.pk})


class ExportStartSerializer(VisibleUnitMixin, serializers.Serializer):
    """Input of an export: ``kind`` is ``register`` (default) or ``forms`` (the year's registration forms),
    ``period`` a key (``2026-10``; a year for forms), ``unit`` an optional unit code."""

    kind = serializers.ChoiceField(choices=ExportJob.Kind.choices, default=ExportJob.Kind.REGISTER)
    period = LimitedCharField(max_length=10)
    unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none(), required=False,
                                                 allow_null=True)

    def validate_period(self, value: str) -> AppraisalPeriod:
        return period_from_key(value)


class GradeCommentSerializer(serializers.Serializer):
    comment = LimitedCharField(max_length=NOTE, allow_blank=True, help_text="The 评语.")
    head_grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True, default="",
                                         help_text="The head's proposal; the scores' proposal when left out.")
    head_reason = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="",
                                   help_text="Required when head_grade differs from the scores' proposal.")
