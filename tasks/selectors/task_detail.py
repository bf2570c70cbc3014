"""Reads of a task's page: its timeline of weekly updates and recorded changes, its people and subtasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from org.models import Official
from tasks.models import Task, WeeklyUpdate

# The recorded changes of a task shown on its timeline (the history keeps every field).
TIMELINE_FIELDS = ["status", "progress", "deadline", "loop_stage", "rectification_note", "title", "responsible",
                   "leading_leader", "start_date", "weight"]


def task_timeline(task: Task) -> list[dict[str, Any]]:
    """Merge the weekly updates and the recorded changes of a task, newest first."""
    entries: list[dict[str, Any]] = []
    for update in task.weekly_updates.select_related("author").order_by("-week"):
        entries.append({"kind": "update", "at": update.updated_at, "by": update.author, "update": update})
    records = list(task.history.select_related("history_user").order_by("-history_date", "-history_id"))
    # Each record against the one before it (the oldest against nothing). A task written in bulk (an import,
    # the demo) has no record at all.
    for index, newer in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None:
            for change in newer.diff_against(older, included_fields=TIMELINE_FIELDS).changes:
                field = Task._meta.get_field(change.field)
                value = change.new
                choices = dict(getattr(field, "choices", None) or [])
                if value in choices:
                    value = choices[value]
                if change.field in ("responsible", "leading_leader"):
                    value = None  # shown as "changed"; names are on the page
                changes.append({"label": getattr(field, "verbose_name", change.field), "value": value})
        entries.append({"kind": "change", "at": newer.history_date, "by": newer.history_user,
                        "reason": newer.history_change_reason or "", "changes": changes,
                        "created": newer.history_type == "+"})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def weekly_update_of(task: Task, monday: date) -> WeeklyUpdate | None:
    """The task's update for the week of ``monday``, if posted."""
    return task.weekly_updates.filter(week=monday).first()


def task_members(task: Task) -> QuerySet[Official]:
    """The task group, with their units."""
    return task.members.select_related("unit")


def task_children(task: Task) -> QuerySet[Task]:
    """The task's subtasks, earliest deadline first, with their responsible officials."""
    return task.children.select_related("responsible").order_by("deadline", "id")
