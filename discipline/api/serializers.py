"""Serializers of the discipline API: output shapes and input parsing (the writes are in the services).

Confidentiality is kept by shape: decisions, tolerance requests and appeals — which the subject also reads —
never carry the case's title or facts, only its id and number; a decision's text goes to case readers only.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import IdField, LimitedCharField, ModelSerializer
from common.text_limits import LONG, NOTE
from discipline.models import (
    Appeal,
    AppealOutcome,
    Case,
    CaseAttachment,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Decision,
    DecisionKind,
    DisciplineRule,
    GradeCap,
    RuleCategory,
    Talk,
    TalkKind,
    TalkOccasion,
    ToleranceRequest,
)
from discipline.selectors.decisions import appeal_deadline
from discipline.selectors.scope import CASE_ROLES
from org.api.serializers import UnitBriefSerializer
from org.models import Official, User
from org.selectors import access_for

# --- shared pieces ---------------------------------------------------------------------------------


class SubjectBriefSerializer(ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Official
        fields = ["id", "staff_number", "name", "unit"]


class UserBriefSerializer(ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class CaseRefSerializer(ModelSerializer):
    """A case named without its content: what the subject of a decision may see."""

    class Meta:
        model = Case
        fields = ["id", "number"]


class KindBriefSerializer(ModelSerializer):
    class Meta:
        model = DecisionKind
        fields = ["id", "code", "name", "group"]


# --- the catalogue ---------------------------------------------------------------------------------


class RuleSerializer(ModelSerializer):
    class Meta:
        model = DisciplineRule
        fields = ["id", "code", "category", "text", "is_active"]
        read_only_fields = fields


class RuleInputSerializer(serializers.Serializer):
    code = LimitedCharField(max_length=20, allow_blank=True)
    category = serializers.ChoiceField(choices=RuleCategory.choices)
    text = LimitedCharField(max_length=300, allow_blank=True)
    is_active = serializers.BooleanField(required=False, default=True)


class KindSerializer(ModelSerializer):
    class Meta:
        model = DecisionKind
        fields = ["id", "code", "name", "group", "severity", "months_in_force", "points", "grade_cap", "cap_years",
                  "later_cap", "cap_in_force", "promotion_bar_months", "is_active"]
        read_only_fields = fields
        # DRF drops allow_blank from read-only fields; "" (no cap; the same cap later) stays in the enums.
        extra_kwargs = {"grade_cap": {"allow_blank": True}, "later_cap": {"allow_blank": True}}


class KindInputSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    grade_cap = serializers.ChoiceField(choices=GradeCap.choices, allow_blank=True)
    cap_years = serializers.IntegerField(min_value=1, max_value=10,
                                         help_text="Appraisal years the grade cap applies to, 1 = the year the "
                                                   "decision takes effect only.")
    later_cap = serializers.ChoiceField(choices=GradeCap.choices, allow_blank=True, required=False,
                                        help_text="The cap in the years after the first; blank = the same cap.")
    cap_in_force = serializers.BooleanField(required=False,
                                            help_text="true: a decision caps every appraisal year its period in "
                                                      "force touches (cap_years is then ignored).")
    months_in_force = serializers.IntegerField(min_value=1, max_value=600, allow_null=True)
    promotion_bar_months = serializers.IntegerField(min_value=1, max_value=600, allow_null=True)
    is_active = serializers.BooleanField()


# --- cases -----------------------------------------------------------------------------------------


class TransitionSerializer(ModelSerializer):
    by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseTransition
        fields = ["id", "from_status", "to_status", "by", "at", "comment"]


class AttachmentSerializer(ModelSerializer):
    """An attachment's name and size; the file itself is served only by the permission-checked page."""

    class Meta:
        model = CaseAttachment
        fields = ["id", "name", "size", "uploaded_by", "uploaded_at"]


class CaseListSerializer(ModelSerializer):
    """A case in a list: no facts (reading those is a logged read of the case file, see the detail)."""

    unit = UnitBriefSerializer(read_only=True)
    subjects = SubjectBriefSerializer(many=True, read_only=True)
    rules = serializers.SlugRelatedField[DisciplineRule](slug_field="code", many=True, read_only=True)
    investigator = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "unit", "subjects", "source", "source_reference", "rules", "status",
                  "investigator", "registered_on", "decided_on", "closed_on"]


class CaseDetailSerializer(CaseListSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    decisions = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "facts", "not_pursued_reason", "created_at", "updated_at",
                  "transitions", "attachments", "decisions"]

    def get_decisions(self, obj: Case) -> list[dict[str, Any]]:
        return [{"id": d.pk, "official": d.official_id, "kind": d.kind.name, "effective_date": d.effective_date,
                 "exempted": d.exempted, "revoked": d.revoked} for d in obj.decisions.all()]


class CaseEditSerializer(serializers.Serializer):
    """Edit an open case (the unit and registration date stay); ids are resolved and scoped by the view."""

    title = LimitedCharField(max_length=200, allow_blank=True)
    subjects = serializers.ListField(child=IdField(), allow_empty=False)
    # Declared fields are collected by DRF's metaclass, so ``source`` does not clash with Field.source.
    source = serializers.ChoiceField(choices=CaseSource.choices)  # type: ignore[assignment]
    source_reference = LimitedCharField(max_length=200, required=False, allow_blank=True, default="")
    rules = serializers.ListField(child=IdField(), required=False, default=list)
    facts = LimitedCharField(max_length=LONG, allow_blank=True)
    investigator = IdField(required=False, allow_null=True, default=None)


class CaseInputSerializer(CaseEditSerializer):
    """Register a case under a unit (discipline inspection over it)."""

    unit = IdField()
    registered_on = serializers.DateField(required=False, allow_null=True, default=None)
    comment = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseStatus.choices)
    comment = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()


# --- decisions -------------------------------------------------------------------------------------


class DecisionSerializer(ModelSerializer):
    """A decision and its effects. The decision text (``summary``) is part of the case file: it is given to
    case readers only, ``null`` for the subject."""

    official = SubjectBriefSerializer(read_only=True)
    case = CaseRefSerializer(read_only=True)
    kind = KindBriefSerializer(read_only=True)
    summary = serializers.SerializerMethodField()
    appeal_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "official", "case", "kind", "effective_date", "in_force_until", "grade_cap", "cap_years",
                  "later_cap", "points", "no_promotion_until", "exempted", "revoked", "summary", "appeal_deadline",
                  "created_at"]

    def get_summary(self, obj: Decision) -> str | None:
        request = self.context.get("request")
        if request is None or not access_for(request.user).covers(obj.case.unit.path, CASE_ROLES):
            return None
        return obj.summary

    def get_appeal_deadline(self, obj: Decision) -> Any:
        return appeal_deadline(obj)


class DecisionInputSerializer(serializers.Serializer):
    case = IdField()
    official = IdField()
    kind = IdField()
    effective_date = serializers.DateField()
    summary = LimitedCharField(max_length=LONG, required=False, allow_blank=True, default="")
    points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,
                                      required=False, allow_null=True, default=None)
    grade_cap = serializers.ChoiceField(choices=GradeCap.choices, allow_blank=True, required=False,
                                        allow_null=True, default=None)
    in_force_until = serializers.DateField(required=False, allow_null=True, default=None)
    no_promotion_until = serializers.DateField(required=False, allow_null=True, default=None)


# --- error tolerance -------------------------------------------------------------------------------


class ToleranceSerializer(ModelSerializer):
    # The case is named only to those who may read it (``case_readable``, annotated by the API's queryset), as
    # on the page: a head who filed a request for an official sees the request, not the case file.
    case = serializers.SerializerMethodField()
    official = SubjectBriefSerializer(read_only=True)
    requested_by = UserBriefSerializer(read_only=True, allow_null=True)
    reviewed_by = UserBriefSerializer(read_only=True, allow_null=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ToleranceRequest
        fields = ["id", "case", "official", "requested_by", "by_unit", "for_public_good", "followed_procedure",
                  "no_personal_gain", "corrected_promptly", "statement", "status", "review_supports",
                  "review_opinion", "reviewed_by", "reviewed_at", "decision_note", "decided_by", "decided_at",
                  "rectification", "rectification_due", "rectification_status", "rectified_on",
                  "rectification_note", "created_at"]

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_case(self, obj: ToleranceRequest) -> dict[str, Any] | None:
        if not getattr(obj, "case_readable", False):
            return None
        return dict(CaseRefSerializer(obj.case).data)


class ToleranceInputSerializer(serializers.Serializer):
    case = IdField()
    official = IdField()
    statement = LimitedCharField(max_length=LONG, allow_blank=True)
    for_public_good = serializers.BooleanField(required=False, default=False)
    followed_procedure = serializers.BooleanField(required=False, default=False)
    no_personal_gain = serializers.BooleanField(required=False, default=False)
    corrected_promptly = serializers.BooleanField(required=False, default=False)


class ToleranceReviewSerializer(serializers.Serializer):
    supports = serializers.BooleanField()
    opinion = LimitedCharField(max_length=NOTE, allow_blank=True)


class ToleranceDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = LimitedCharField(max_length=NOTE, allow_blank=True)
    rectification = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")
    rectification_due = serializers.DateField(required=False, allow_null=True, default=None)


class RectifiedSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    note = LimitedCharField(max_length=NOTE, allow_blank=True)


# --- appeals ---------------------------------------------------------------------------------------


class AppealSerializer(ModelSerializer):
    official = SubjectBriefSerializer(source="decision.official", read_only=True)
    case = CaseRefSerializer(source="decision.case", read_only=True)
    kind = KindBriefSerializer(source="decision.kind", read_only=True)
    filed_by = UserBriefSerializer(read_only=True, allow_null=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)
    previous_kind = KindBriefSerializer(read_only=True, allow_null=True)
    new_kind = KindBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Appeal
        fields = ["id", "decision", "official", "case", "kind", "filed_by", "filed_on", "grounds", "outcome",
                  "outcome_note", "previous_kind", "new_kind", "decided_by", "decided_at"]


class AppealInputSerializer(serializers.Serializer):
    decision = IdField()
    grounds = LimitedCharField(max_length=LONG, allow_blank=True)


class AppealDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AppealOutcome.choices)
    note = LimitedCharField(max_length=NOTE, allow_blank=True)
    new_kind = IdField(required=False, allow_null=True, default=None)


# --- talks -----------------------------------------------------------------------------------------


class TalkSerializer(ModelSerializer):
    official = SubjectBriefSerializer(read_only=True)
    talker = SubjectBriefSerializer(read_only=True, allow_null=True)
    case = CaseRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Talk
        fields = ["id", "official", "kind", "occasion", "held_on", "talker", "talker_name", "topic", "follow_up",
                  "follow_up_done", "case", "recorded_by", "created_at", "updated_at"]


class TalkInputSerializer(serializers.Serializer):
    official = IdField()
    kind = serializers.ChoiceField(choices=TalkKind.choices)
    occasion = serializers.ChoiceField(choices=TalkOccasion.choices, required=False, default=TalkOccasion.OTHER)
    held_on = serializers.DateField()
    topic = LimitedCharField(max_length=NOTE, allow_blank=True)
    talker = IdField(required=False, allow_null=True, default=None)
    talker_name = LimitedCharField(max_length=100, required=False, allow_blank=True, default="")
    follow_up = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")
    case = IdField(required=False, allow_null=True, default=None)


class TalkFollowUpSerializer(serializers.Serializer):
    follow_up = LimitedCharField(max_length=NOTE, allow_blank=True)
    done = serializers.BooleanField()
