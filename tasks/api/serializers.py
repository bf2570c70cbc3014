"""Serializers of the task and weekly-update endpoints: output shapes and input parsing (no writes here)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from common.api import IdField, LimitedCharField, ModelSerializer
from common.text_limits import LONG, NOTE
from org.models import Official, OrgUnit
from org.selectors import officials_visible_to, units_visible_to
from org.serializers import UnitBriefSerializer
from tasks.models import Milestone, Task, TaskKind, TaskSource, WeeklyUpdate
from tasks.selectors.tasks import MANAGER_ROLES, tasks_managed_by


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
    unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none())
    leading_leader = serializers.SlugRelatedField[Official](
        slug_field="staff_number", queryset=Official.objects.none(), required=False, allow_null=True)
    responsible = serializers.SlugRelatedField[Official](slug_field="staff_number", queryset=Official.objects.none())
    members = serializers.SlugRelatedField[Official](
        slug_field="staff_number", queryset=Official.objects.none(), many=True, required=False)
    start_date = serializers.DateField(required=False)
    deadline = serializers.DateField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    parent = serializers.PrimaryKeyRelatedField[Task](  # type: ignore[assignment]
        queryset=Task.objects.none(), required=False, allow_null=True)
    milestones = MilestoneInputSerializer(many=True, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only what the caller manages can be named: anything else reads as "does not exist".
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        officials = officials_visible_to(user, roles=MANAGER_ROLES)
        self.fields["unit"].queryset = units_visible_to(user, roles=MANAGER_ROLES)  # type: ignore[attr-defined]
        self.fields["leading_leader"].queryset = officials  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = officials  # type: ignore[attr-defined]
        self.fields["members"].child_relation.queryset = officials  # type: ignore[attr-defined]
        self.fields["parent"].queryset = tasks_managed_by(user)  # type: ignore[attr-defined]


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
    done = LimitedCharField(max_length=NOTE, )
    problems = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")
    help_needed = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")
    rectification_note = LimitedCharField(max_length=NOTE, required=False, allow_blank=True, default="")
