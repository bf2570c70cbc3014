"""Serializers of the tasks app's endpoints (tasks and weekly updates, monthly reports, supervision letters): output
shapes and input parsing, no writes here. Related fields that name something accept only what the caller may see or
manage; anything else reads as "does not exist"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import IdField, LimitedCharField, ModelSerializer, request_user
from common.dates import parse_month
from common.text_limits import LONG, NOTE
from org.api.serializers import UnitBriefSerializer
from org.models import Official, OrgUnit, User
from org.selectors import officials_visible_to, units_visible_to
from tasks.models import (
    Milestone,
    MonthlyReport,
    MonthlyReportItem,
    ReportRating,
    SupervisionLetter,
    Task,
    TaskKind,
    TaskSource,
    WeeklyUpdate,
)
from tasks.selectors.letters import ISSUER, RECIPIENT, units_issuable_by
from tasks.selectors.reports import report_closed_warning
from tasks.selectors.tasks import MANAGER_ROLES, tasks_managed_by, tasks_visible_to

Scope = Callable[[User], QuerySet[Any]]


class ScopedSlugField(serializers.SlugRelatedField[Any]):
    """A related object named by ``slug_field``, among those ``scope(caller)`` returns; any other reads as one that
    does not exist."""

    def __init__(self, *, scope: Scope, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any] | None:
        request = self.context.get("request")  # none while the schema is generated: then nothing is accepted
        return self.scope(request_user(request)) if request is not None else super().get_queryset()


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField[Any]):
    """A related object named by its id, among those ``scope(caller)`` returns; any other reads as one that does
    not exist."""

    def __init__(self, *, scope: Scope, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any] | None:
        request = self.context.get("request")  # none while the schema is generated: then nothing is accepted
        return self.scope(request_user(request)) if request is not None else super().get_queryset()


def _managed_units(user: User) -> QuerySet[OrgUnit]:
    return units_visible_to(user, roles=MANAGER_ROLES)


def _managed_officials(user: User) -> QuerySet[Official]:
    return officials_visible_to(user, roles=MANAGER_ROLES)


# -- tasks and weekly updates ------------------------------------------------------------------------------


class OfficialBriefSerializer(ModelSerializer):
    class Meta:
        model = Official
        fields = ["id", "staff_number", "name"]


class MilestoneSerializer(ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due_date", "done_on"]


class TaskSerializer(ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    leading_leader = OfficialBriefSerializer(read_only=True, allow_null=True)
    responsible = OfficialBriefSerializer(read_only=True)
    members = OfficialBriefSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = ["id", "title", "description", "goal", "source", "source_ref", "kind", "is_key_project", "unit",
                  "leading_leader", "responsible", "members", "start_date", "deadline", "weight", "status",
                  "completed_on", "progress", "parent", "loop_stage", "rectification_note", "milestones",
                  "created_at", "updated_at"]


class MilestoneInputSerializer(serializers.Serializer):
    name = LimitedCharField(max_length=100)
    due_date = serializers.DateField()


class TaskInputSerializer(serializers.Serializer):
    """Create or change a task. Units are given by code, officials by staff number, the parent by id."""

    title = LimitedCharField(max_length=200)
    description = LimitedCharField(max_length=LONG, required=False, allow_blank=True)
    goal = LimitedCharField(max_length=LONG, required=False, allow_blank=True)
    # Declared fields are collected by DRF's metaclass, so ``source``/``parent`` do not clash with Field's.
    source = serializers.ChoiceField(choices=TaskSource.choices, required=False)  # type: ignore[assignment]
    source_ref = LimitedCharField(max_length=100, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=TaskKind.choices, required=False)
    is_key_project = serializers.BooleanField(required=False)
    unit = ScopedSlugField(slug_field="code", scope=_managed_units, queryset=OrgUnit.objects.none())
    leading_leader = ScopedSlugField(slug_field="staff_number", scope=_managed_officials,
                                     queryset=Official.objects.none(), required=False, allow_null=True)
    responsible = ScopedSlugField(slug_field="staff_number", scope=_managed_officials, queryset=Official.objects.none())
    members = ScopedSlugField(slug_field="staff_number", scope=_managed_officials, queryset=Official.objects.none(),
                              many=True, required=False)
    start_date = serializers.DateField(required=False)
    deadline = serializers.DateField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    parent = ScopedPrimaryKeyField(  # type: ignore[assignment]
        scope=tasks_managed_by, queryset=Task.objects.none(), required=False, allow_null=True)
    milestones = MilestoneInputSerializer(many=True, required=False)


class ProgressInputSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = LimitedCharField(max_length=100, required=False, allow_blank=True, default="")
    rectification_note = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")


class WeeklyUpdateSerializer(ModelSerializer):
    task_title = LimitedCharField(source="task.title", read_only=True)
    iso_week = LimitedCharField(read_only=True)
    author = LimitedCharField(source="author.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = WeeklyUpdate
        fields = ["id", "task", "task_title", "week", "iso_week", "author", "progress", "done", "problems",
                  "help_needed", "created_at", "updated_at"]


class WeeklyUpdateInputSerializer(serializers.Serializer):
    task = IdField()
    progress = serializers.IntegerField(min_value=0, max_value=100)
    done = LimitedCharField(max_length=NOTE)
    problems = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")
    help_needed = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")
    rectification_note = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")


# -- monthly reports ---------------------------------------------------------------------------------------
@extend_schema_field(OpenApiTypes.STR)
class MonthField(serializers.Field):
    """A month as ``"YYYY-MM"`` (stored as its first day)."""

    default_error_messages = {"invalid": gettext_lazy("Enter a month as YYYY-MM.")}

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"

    def to_internal_value(self, data: Any) -> date:
        month = parse_month(str(data))
        if month is None:
            self.fail("invalid")
        assert month is not None
        return month


class ReportItemSerializer(ModelSerializer):
    task = IdField(source="task_id", allow_null=True, required=False)
    indicator = LimitedCharField(allow_blank=True, required=False, max_length=200)

    class Meta:
        model = MonthlyReportItem
        fields = ["content", "indicator", "task"]


class ReportSerializer(ModelSerializer):
    month = MonthField(read_only=True)
    official_name = LimitedCharField(source="official.name", read_only=True)
    unit = LimitedCharField(source="official.unit.code", read_only=True)
    items = ReportItemSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = ["id", "official", "official_name", "unit", "month", "status", "items", "next_month_plan",
                  "self_assessment", "submitted_at", "is_late", "is_missing", "rating", "review_comment",
                  "return_reason", "reviewed_at", "published_at"]
        read_only_fields = fields
        # DRF drops allow_blank from read-only fields; an unrated report's rating is "" (kept in the schema's enum).
        extra_kwargs = {"rating": {"allow_blank": True}}


class ApprovedReportSerializer(ReportSerializer):
    """The approved report, and why the approval no longer changes a score when its month is closed."""

    warning = serializers.SerializerMethodField(
        help_text=gettext_lazy("Set when the report's month is closed in the appraisal: the approval is recorded "
                               "but no longer changes that period's score."))

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "warning"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_warning(self, report: MonthlyReport) -> str | None:
        return report_closed_warning(report) or None


class ReportWriteSerializer(serializers.Serializer):
    """What the official writes; on PATCH, a missing field keeps its saved value."""

    month = MonthField(required=False)
    items = ReportItemSerializer(many=True, required=False)
    next_month_plan = LimitedCharField(max_length=LONG, allow_blank=True, required=False, trim_whitespace=False)
    self_assessment = LimitedCharField(max_length=LONG, allow_blank=True, required=False, trim_whitespace=False)


class ReturnSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=NOTE)


class ApproveSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=ReportRating.choices)
    comment = LimitedCharField(max_length=NOTE, allow_blank=True, required=False, default="")


# -- supervision letters -----------------------------------------------------------------------------------
class LetterSerializer(ModelSerializer):
    issuer_unit = UnitBriefSerializer(read_only=True)
    recipient_unit = UnitBriefSerializer(read_only=True)
    recipient_official = OfficialBriefSerializer(read_only=True, allow_null=True)
    issued_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    replied_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    issuer_signed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    recipient_signed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionLetter
        fields = [
            "id", "number", "title", "content", "issuer_unit", "issued_by", "recipient_unit", "recipient_official",
            "task", "reply_deadline", "status", "is_overdue", "reply", "replied_by", "replied_at",
            "issuer_signed_by", "issuer_signed_at", "recipient_signed_by", "recipient_signed_at", "closed_at",
            "created_at",
        ]

    def get_is_overdue(self, letter: SupervisionLetter) -> bool:
        return letter.is_overdue()


class LetterIssueSerializer(serializers.Serializer):
    """Input of an issue: ``recipient_unit`` is a unit code; the official and the task are ids."""

    recipient_unit = ScopedSlugField(slug_field="code", scope=units_issuable_by, queryset=OrgUnit.objects.none())
    recipient_official = ScopedPrimaryKeyField(scope=officials_visible_to, queryset=Official.objects.none(),
                                               required=False, allow_null=True)
    task = ScopedPrimaryKeyField(scope=tasks_visible_to, queryset=Task.objects.none(), required=False,
                                 allow_null=True)
    title = LimitedCharField(max_length=200)
    content = LimitedCharField(max_length=LONG)
    reply_deadline = serializers.DateField()
    number = LimitedCharField(max_length=40, required=False, allow_blank=True)


class LetterReplySerializer(serializers.Serializer):
    reply = LimitedCharField(max_length=5000)


class LetterSignSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=[ISSUER, RECIPIENT], required=False, allow_null=True)
