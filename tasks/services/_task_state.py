"""What the task services share: locking a task's row, saving it with its history, telling the appraisal when a
score can move, and deriving a parent's progress from its children."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError, from_validation_error
from common.history import save_as
from org.facts import facts_changed
from org.models import OrgUnit, User
from org.selectors import access_for
from tasks.models import MAX_MILESTONES, LoopStage, Task, TaskStatus
from tasks.selectors.tasks import MANAGER_ROLES

# What of a task the work component counts (``appraisal.components.builtin``): status, completion day, deadline,
# weight and responsible official. A change of anything else moves no score.
Scored = tuple[Any, ...]


def scored(task: Task) -> Scored:
    return task.status, task.completed_on, task.deadline, task.weight, task.responsible_id


def lock(task: Task) -> tuple[Task, Scored]:
    """Return the task's row locked for this transaction, freshly read, and what the appraisal counts of it now
    (``save`` compares it with the row as saved)."""
    locked = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
    return locked, scored(locked)


def save(task: Task, by: User | None, reason: str, *, before: Scored | None) -> None:
    """Save the task with the acting user and the history's one-line label of the change (a rectification note is
    kept whole on the task itself), and tell the appraisal if what it counts changed since ``before``."""
    save_as(task, by, reason=reason)
    announce(task, before)


def announce(task: Task, before: Scored | None) -> None:
    """Tell the appraisal when what it counts of the task changed (the responsible official's work component
    in the periods of the deadline): for the old deadline and official as well as the new ones."""
    if before == scored(task):
        return  # progress, notes, milestones: no score moves
    old_deadline, old_responsible = (before[2], before[4]) if before else (None, None)
    facts_changed(facts={"task_completion": [old_deadline, task.deadline]},
                  officials=[old_responsible, task.responsible_id])


def full_clean(obj: Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise from_validation_error(obj, error) from error


def require_manager_of(by: User, unit: OrgUnit) -> None:
    if not access_for(by).covers(unit.path, MANAGER_ROLES):
        raise ApplicationError(_("Only a head of this unit may manage its tasks."), code="forbidden")


def check_milestone_count(count: int) -> None:
    if count > MAX_MILESTONES:
        message = _("A task may have at most %(n)s milestones.") % {"n": MAX_MILESTONES}
        raise ApplicationError(message, code="too_many_milestones", extra={"fields": {"milestones": [message]}})


def apply_progress_status(task: Task, today: date) -> None:
    """Progress above 0 starts a task; 100% completes it, unless it has a loop (closing the loop completes it)."""
    if task.progress > 0 and task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
    if task.has_loop:
        if task.progress > 0 and task.loop_stage in ("", LoopStage.FOUND, LoopStage.ASSIGNED):
            task.loop_stage = LoopStage.RECTIFYING
        return  # a loop task completes only when its loop is closed
    if task.progress == 100:
        task.status = TaskStatus.COMPLETED
        task.completed_on = today


def recompute_ancestors(parent_id: int, by: User | None, *, today: date | None = None) -> None:
    """Derive each ancestor's progress from its children: one aggregate query and one save per level."""
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        seen.add(current)
        totals = Task.objects.filter(parent_id=current).exclude(status=TaskStatus.CANCELLED).aggregate(
            weighted=Sum(F("progress") * F("weight")), weight=Sum("weight"))
        parent = Task.objects.select_for_update().get(pk=current)
        before = scored(parent)
        progress = _weighted_mean(totals["weighted"], totals["weight"], default=parent.progress)
        if progress != parent.progress and parent.is_open:
            parent.progress = progress
            apply_progress_status(parent, today or timezone.localdate())
            save(parent, by, _("Progress derived from subtasks: %(p)s%%") % {"p": progress}, before=before)
        current = parent.parent_id


def _weighted_mean(weighted: Any, weight: Any, *, default: int) -> int:
    if not weight:
        return default
    mean = Decimal(str(weighted or 0)) / Decimal(str(weight))
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))
