"""Serializers of the annual procedure's API: output shapes (read through the scoping selectors) and the input of
each action. Inputs hold only what the caller types; the services check permissions, stages and deadlines."""

from __future__ import annotations

from rest_framework import serializers

from appraisal.api.fields import VisibleUnitMixin, period_from_key
from appraisal.display.grade_labels import grade_label
from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    AppealOutcome,
    AppraisalPeriod,
    Grade,
    GradeAppeal,
    GradeNotice,
    GradeReview,
    NoticeCandidate,
    Objection,
    PublicNotice,
    ReviewOutcome,
)
from appraisal.selectors.annual import procedure_figures
from common.api import DateTimeField, IdField, LimitedCharField, ModelSerializer
from common.text_limits import LINE, LONG, NOTE
from org.models import OrgUnit

# -- procedures ----------------------------------------------------------------------------------------


class AnnualProcedureSerializer(ModelSerializer):
    year = LimitedCharField(source="period.key", read_only=True)
    unit = LimitedCharField(source="unit.code", read_only=True)
    unit_name = LimitedCharField(source="unit.name", read_only=True)

    class Meta:
        model = AnnualProcedure
        fields = ["id", "year", "unit", "unit_name", "stage", "opened_at", "stage_changed_at", "finalized_at"]
        read_only_fields = fields


class AnnualProcedureDetailSerializer(AnnualProcedureSerializer):
    """A procedure with its figures: summaries by status, 评语 written, grades confirmed, notices signed."""

    figures = serializers.SerializerMethodField()

    class Meta(AnnualProcedureSerializer.Meta):
        fields = [*AnnualProcedureSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    def get_figures(self, procedure: AnnualProcedure) -> dict[str, int]:
        return procedure_figures(procedure)


class AnnualProcedureOpenSerializer(VisibleUnitMixin, serializers.Serializer):
    year = LimitedCharField(max_length=4, help_text="The year's period key, e.g. 2025.")
    unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none(),
                                                 help_text="The top-level unit's code.")

    def validate_year(self, value: str) -> AppraisalPeriod:
        return period_from_key(value)


class NoticeOpenSerializer(serializers.Serializer):
    starts_on = serializers.DateField(required=False, allow_null=True,
                                      help_text="First day of the notice (today when left out).")


# -- summaries -----------------------------------------------------------------------------------------


class SummarySectionsSerializer(serializers.Serializer):
    """The five sections 德、能、勤、绩、廉; on input a section left out keeps its saved text."""

    morality = LimitedCharField(max_length=LONG, required=False, allow_blank=True, trim_whitespace=False)
    ability = LimitedCharField(max_length=LONG, required=False, allow_blank=True, trim_whitespace=False)
    diligence = LimitedCharField(max_length=LONG, required=False, allow_blank=True, trim_whitespace=False)
    achievement = LimitedCharField(max_length=LONG, required=False, allow_blank=True, trim_whitespace=False)
    integrity = LimitedCharField(max_length=LONG, required=False, allow_blank=True, trim_whitespace=False)


class AnnualSummarySerializer(ModelSerializer):
    year = LimitedCharField(source="procedure.period.key", read_only=True)
    unit = LimitedCharField(source="procedure.unit.code", read_only=True)
    official_name = LimitedCharField(source="official.name", read_only=True)
    sections = SummarySectionsSerializer(read_only=True)

    class Meta:
        model = AnnualSummary
        fields = ["id", "year", "unit", "official", "official_name", "sections", "status", "submitted_at",
                  "return_reason", "oral_at", "oral_place"]
        read_only_fields = fields


class AnnualSummaryWriteSerializer(serializers.Serializer):
    sections = SummarySectionsSerializer()


class SummaryReturnSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=NOTE, allow_blank=True, trim_whitespace=False)


class SummaryOralSerializer(serializers.Serializer):
    at = DateTimeField(allow_null=True, help_text="When; null clears the arrangement.")
    place = LimitedCharField(max_length=200, required=False, allow_blank=True, default="")


# -- public notices and objections ---------------------------------------------------------------------


class NoticeCandidateSerializer(ModelSerializer):
    """A candidate as the notice published them (never a score)."""

    unit = LimitedCharField(source="unit_name", read_only=True)
    withdrawn = serializers.SerializerMethodField()

    class Meta:
        model = NoticeCandidate
        fields = ["id", "name", "unit", "post", "withdrawn"]
        read_only_fields = fields

    def get_withdrawn(self, candidate: NoticeCandidate) -> bool:
        return candidate.withdrawn_at is not None


class PublicNoticeSerializer(ModelSerializer):
    year = LimitedCharField(source="procedure.period.key", read_only=True)
    unit = LimitedCharField(source="procedure.unit.code", read_only=True)
    unit_name = LimitedCharField(source="procedure.unit.name", read_only=True)
    candidates = NoticeCandidateSerializer(many=True, read_only=True)

    class Meta:
        model = PublicNotice
        fields = ["id", "year", "unit", "unit_name", "starts_on", "ends_on", "working_days", "candidates"]
        read_only_fields = fields


class ObjectionFileSerializer(serializers.Serializer):
    candidate = IdField(help_text="The candidate's id on this notice.")
    reason = LimitedCharField(max_length=NOTE, allow_blank=True)
    attachment = serializers.FileField(required=False, allow_null=True,
                                       help_text="Optional (multipart): PDF, image, Word or Excel.")


class ObjectionSerializer(ModelSerializer):
    """An objection as the organization department, or its own objector, sees it."""

    year = LimitedCharField(source="notice.procedure.period.key", read_only=True)
    unit = LimitedCharField(source="notice.procedure.unit.code", read_only=True)
    candidate_name = LimitedCharField(source="candidate.name", read_only=True)
    filed_by_name = LimitedCharField(source="filed_by.name", read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "notice", "year", "unit", "candidate", "candidate_name", "filed_by", "filed_by_name",
                  "reason", "attachment_name", "filed_at", "status", "finding", "decided_at"]
        read_only_fields = fields


class ObjectionDecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="true: 成立 (the candidate is withdrawn); false: 不成立.")
    note = LimitedCharField(max_length=NOTE, allow_blank=True, help_text="The finding.")


# -- written notices, reviews and appeals --------------------------------------------------------------


class GradeNoticeSerializer(ModelSerializer):
    decision = serializers.IntegerField(source="grade_id", read_only=True, help_text="The grade's id.")
    year = LimitedCharField(source="grade.period.key", read_only=True)
    unit = LimitedCharField(source="grade.unit.code", read_only=True)
    official_name = LimitedCharField(source="official.name", read_only=True)
    grade = serializers.ChoiceField(source="grade_value", choices=Grade.choices, read_only=True)
    grade_label = serializers.SerializerMethodField(help_text="The grade's name for the official's personnel "
                                                              "category, e.g. 称职 or (事业单位) 合格.")

    class Meta:
        model = GradeNotice
        fields = ["id", "decision", "year", "unit", "official", "official_name", "grade", "grade_label", "comment",
                  "issued_at", "sign_due", "review_due", "status", "opinion", "signed_at", "is_current"]
        read_only_fields = fields

    def get_grade_label(self, notice: GradeNotice) -> str:
        return grade_label(notice.grade_value, notice.official.personnel_category)


class GradeNoticeSignSerializer(serializers.Serializer):
    agree = serializers.BooleanField(help_text="true: 同意; false: 不同意 (then the opinion is required).")
    opinion = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="", help_text="本人意见.")


class GradeReviewSerializer(ModelSerializer):
    decision = serializers.IntegerField(source="grade_id", read_only=True, help_text="The grade's id.")
    year = LimitedCharField(source="grade.period.key", read_only=True)
    unit = LimitedCharField(source="grade.unit.code", read_only=True)
    official_name = LimitedCharField(source="official.name", read_only=True)
    previous_grade_label = serializers.SerializerMethodField()
    new_grade_label = serializers.SerializerMethodField()

    class Meta:
        model = GradeReview
        fields = ["id", "decision", "year", "unit", "official", "official_name", "notice", "reason", "requested_at",
                  "decide_by", "outcome", "previous_grade", "previous_grade_label", "new_grade", "new_grade_label",
                  "decision_reason", "decided_at"]
        read_only_fields = fields
        # DRF drops allow_blank from read-only fields; "" (not decided yet) stays in the schema's enums.
        extra_kwargs = {"outcome": {"allow_blank": True}, "new_grade": {"allow_blank": True}}

    def get_previous_grade_label(self, review: GradeReview) -> str:
        return grade_label(review.previous_grade, review.official.personnel_category)

    def get_new_grade_label(self, review: GradeReview) -> str:
        return grade_label(review.new_grade, review.official.personnel_category)


class GradeReviewRequestSerializer(serializers.Serializer):
    grade = IdField(help_text="The grade's id (its current written notice is reviewed).")
    reason = LimitedCharField(max_length=NOTE, allow_blank=True)


class GradeReviewDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True, default="",
                                    help_text="The new grade, for outcome `changed`.")
    reason = LimitedCharField(max_length=NOTE, allow_blank=True)


class GradeAppealSerializer(ModelSerializer):
    decision = serializers.IntegerField(source="grade_id", read_only=True, help_text="The grade's id.")
    year = LimitedCharField(source="grade.period.key", read_only=True)
    unit = LimitedCharField(source="grade.unit.code", read_only=True)
    official_name = LimitedCharField(source="official.name", read_only=True)

    class Meta:
        model = GradeAppeal
        fields = ["id", "decision", "year", "unit", "official", "official_name", "review", "filed_on", "body",
                  "reason", "outcome", "outcome_text", "document_number", "decided_on", "recorded_at"]
        read_only_fields = fields
        extra_kwargs = {"outcome": {"allow_blank": True}}  # "" until the outcome is recorded


class GradeAppealFileSerializer(serializers.Serializer):
    grade = IdField(help_text="The grade's id.")
    body = LimitedCharField(max_length=LINE, allow_blank=True, help_text="The authority the appeal goes to.")
    reason = LimitedCharField(max_length=LONG, allow_blank=True)


class GradeAppealRecordSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AppealOutcome.choices)
    outcome_text = LimitedCharField(max_length=NOTE, allow_blank=True)
    document_number = LimitedCharField(max_length=100, required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
