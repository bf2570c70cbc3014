"""Business actions on tasks: create, update, progress, cancel, the closed loop, milestones, weekly updates.

Rules (issue 5):

- Only a head or the organization department in scope of a task's unit creates, edits or cancels it.
- Progress is set by the responsible official (through their linked user) or a head in scope.
  Progress above 0 starts a task; 100% completes it. A parent's progress is derived from its children,
  weighted by ``weight`` (cancelled children do not count), and recomputed whenever a child changes.
- Closed loop (tasks from a complaint or a supervision finding, ``LOOP_SOURCES``): found → assigned →
  rectifying → reviewed → closed, forward one step at a time. A task always has a responsible official,
  so a loop task starts at **assigned**: creating it *is* the assignment ("found" is the finding itself,
  recorded by the source and its reference). Such a task is completed only by closing its loop, which
  needs a rectification note; reaching 100% records the progress (and needs the note too) but waits for
  the head's review and close.
- Weekly updates (每周汇报): one per task per ISO week; posting again the same week replaces it.

Every state change locks the task row (``select_for_update``) and checks the state it expects, so two
concurrent requests cannot both apply; the loser gets ``ApplicationError(code="conflict")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError, from_validation_error
from common.history import CHANGE_REASON_MAX, save_as
from common.notifications import notify
from common.text_limits import too_long
from org.facts import facts_changed
from org.models import Official, OrgUnit, User
from org.selectors import access_for, officials_visible_to
from tasks.models import (
    MAX_MILESTONES,
    OPEN_STATUSES,
    LoopStage,
    Milestone,
    Task,
    TaskKind,
    TaskSource,
    TaskStatus,
    WeeklyUpdate,
)
from tasks.selectors import MANAGER_ROLES, tasks_managed_by, week_monday

LOOP_ORDER = [LoopStage.FOUND, LoopStage.ASSIGNED, LoopStage.RECTIFYING, LoopStage.REVIEWED, LoopStage.CLOSED]
EDITABLE_FIELDS = frozenset({
    "title", "description", "goal", "source", "source_ref", "kind", "is_key_project", "unit", "leading_leader",
    "responsible", "members", "start_date", "deadline", "weight", "parent",
})


# -- permission helpers --------------------------------------------------------------------------------
def can_manage(user: User, task: Task) -> bool:
    """Whether ``user`` is a head (or the organization department) over the task's unit."""
    return access_for(user).covers(task.unit.path, MANAGER_ROLES)


def is_responsible(user: User, task: Task) -> bool:
    official_id = access_for(user).official_id
    return official_id is not None and official_id == task.responsible_id


def can_update_progress(user: User, task: Task) -> bool:
    return is_responsible(user, task) or can_manage(user, task)


def _require_manager_of(by: User, unit: OrgUnit) -> None:
    if not access_for(by).covers(unit.path, MANAGER_ROLES):
        raise ApplicationError(_("Only a head of this unit may manage its tasks."), code="forbidden")


def _check_officials(by: User, officials: Iterable[Official | None], *, column: str = "") -> None:
    """Refuse officials outside the manager's scope, or who have left."""
    wanted = {o.pk for o in officials if o is not None}
    if not wanted:
        return
    found = set(officials_visible_to(by, roles=MANAGER_ROLES).filter(pk__in=wanted, is_active=True)
                .values_list("pk", flat=True))
    if wanted - found:
        raise ApplicationError(_("The leading leader, the responsible official and the task group must be active "
                                 "officials within your scope."), code="official_out_of_scope")


def _check_parent(by: User, task: Task | None, parent: Task | None) -> None:
    if parent is None:
        return
    if not tasks_managed_by(by).filter(pk=parent.pk).exists():
        raise ApplicationError(_("The parent task must be within your scope."), code="parent_out_of_scope")
    if task is not None and task.pk is not None:
        node: Task | None = parent
        seen: set[int] = set()
        while node is not None and node.pk not in seen:  # walk up: a task may not sit under itself
            if node.pk == task.pk:
                raise ApplicationError(_("A task cannot be placed under itself or its own subtask."),
                                       code="parent_cycle")
            seen.add(node.pk)
            node = node.parent


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise from_validation_error(obj, error) from error


def _lock(task: Task) -> Task:
    """Return the task's row locked for this transaction, freshly read."""
    locked = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
    locked._scored_as = _scored(locked)  # type: ignore[attr-defined]  # what ``_announce`` compares
    return locked


def _task_url(task: Task) -> str:
    return reverse("tasks:task_detail", args=[task.pk])


def _notify_assignment(task: Task) -> None:
    user = getattr(task.responsible, "user", None)
    if user is None:
        return
    notify(users=[user], kind="assignment", title=_("New task assigned to you: %(title)s") % {"title": task.title},
           body=_("Deadline: %(date)s") % {"date": task.deadline.isoformat()}, url=_task_url(task),
           dedupe_key=f"task-assigned:{task.pk}:{task.responsible_id}")


def _save(task: Task, by: User | None, reason: str = "", update_fields: list[str] | None = None) -> None:
    # The history's one-line label of the change (a rectification note is kept whole on the task itself).
    save_as(task, by, reason=reason, update_fields=update_fields)
    _announce(task)


def _scored(task: Task) -> tuple[Any, ...]:
    """What of a task the work component counts (``appraisal.components.builtin``)."""
    return task.status, task.completed_on, task.deadline, task.weight, task.responsible_id


def _announce(task: Task) -> None:
    """Tell the appraisal when what it counts of the task changed (the responsible official's work component
    in the periods of the deadline): for the old deadline and official as well as the new ones."""
    before = getattr(task, "_scored_as", None)
    now = _scored(task)
    if before == now:
        return  # progress, notes, milestones: no score moves
    old_deadline, old_responsible = (before[2], before[4]) if before else (None, None)
    facts_changed(facts={"task_completion": [old_deadline, task.deadline]},
                  officials=[old_responsible, task.responsible_id])
    task._scored_as = now  # type: ignore[attr-defined]


# -- create and update ---------------------------------------------------------------------------------
@transaction.atomic
def task_create(
    *, by: User, unit: OrgUnit, title: str, responsible: Official, deadline: date, description: str = "",
    goal: str = "", source: str = TaskSource.OWN_KEY, source_ref: str = "", kind: str = TaskKind.AD_HOC,
    is_key_project: bool = False, leading_leader: Official | None = None, members: Iterable[Official] = (),
    start_date: date | None = None, weight: Decimal | int = 1, parent: Task | None = None,
    milestones: Iterable[Mapping[str, Any]] = (), today: date | None = None,
) -> Task:
    """Create a task with the five clarities and notify its responsible official."""
    _require_manager_of(by, unit)
    members = list(members)
    _check_officials(by, [responsible, leading_leader, *members])
    _check_parent(by, None, parent)
    task = Task(
        title=title, description=description, goal=goal, source=source, source_ref=source_ref, kind=kind,
        is_key_project=is_key_project, unit=unit, leading_leader=leading_leader, responsible=responsible,
        start_date=start_date or today or timezone.localdate(), deadline=deadline, weight=weight, parent=parent,
        created_by=by,
    )
    task.loop_stage = LoopStage.ASSIGNED if task.has_loop else ""
    _check_dates(task)
    _full_clean(task)
    _save(task, by, _("Created"))
    if members:
        task.members.set(members)
    _add_milestones(task, milestones)
    if parent is not None:
        _recompute_ancestors(parent.pk, by)
    _notify_assignment(task)
    return task


def _check_dates(task: Task) -> None:
    if task.deadline < task.start_date:
        raise ApplicationError(_("The deadline cannot be before the start date."), code="deadline_before_start")


def _check_milestone_count(count: int) -> None:
    if count > MAX_MILESTONES:
        message = _("A task may have at most %(n)s milestones.") % {"n": MAX_MILESTONES}
        raise ApplicationError(message, code="too_many_milestones", extra={"fields": {"milestones": [message]}})


def _add_milestones(task: Task, milestones: Iterable[Mapping[str, Any]]) -> None:
    milestones = list(milestones)
    _check_milestone_count(len(milestones))
    rows = []
    for order, item in enumerate(milestones):
        milestone = Milestone(task=task, name=item["name"], due_date=item["due_date"],
                              done_on=item.get("done_on"), sort_order=item.get("sort_order", order))
        _full_clean(milestone, exclude=["task"])
        rows.append(milestone)
    Milestone.objects.bulk_create(rows)


@transaction.atomic
def task_update(*, task: Task, by: User, **fields: Any) -> Task:
    """Change a task's details (heads in scope); a new responsible official is notified."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))},
                               code="invalid")
    locked = _lock(task)
    _require_manager_of(by, locked.unit)
    if not locked.is_open:
        raise ApplicationError(_("This task is closed and can no longer be changed."), code="closed")
    if "unit" in fields:
        _require_manager_of(by, fields["unit"])
    members = fields.pop("members", None)
    officials = [fields.get("responsible"), fields.get("leading_leader"), *(members or [])]
    _check_officials(by, officials)
    if "parent" in fields:
        _check_parent(by, locked, fields["parent"])
    old_parent_id, old_responsible_id = locked.parent_id, locked.responsible_id
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.has_loop and not locked.loop_stage:
        locked.loop_stage = LoopStage.ASSIGNED
    elif not locked.has_loop:
        locked.loop_stage = ""
    _check_dates(locked)
    _full_clean(locked)
    _save(locked, by, _("Edited"))
    if members is not None:
        locked.members.set(members)
    for parent_id in {old_parent_id, locked.parent_id}:
        if parent_id is not None:
            _recompute_ancestors(parent_id, by)
    if locked.responsible_id != old_responsible_id:
        _notify_assignment(locked)
    return locked


@transaction.atomic
def task_cancel(*, task: Task, by: User, reason: str = "") -> Task:
    """Cancel an open task (heads in scope); it no longer counts towards its parent's progress."""
    problem = too_long(reason, CHANGE_REASON_MAX)
    if problem:  # the reason is kept only in the task's history: it must fit whole
        raise ApplicationError(problem, code="too_long", extra={"fields": {"reason": [problem]}})
    locked = _lock(task)
    _require_manager_of(by, locked.unit)
    if not locked.is_open:
        raise ApplicationError(_("Only an open task can be cancelled."), code="conflict")
    locked.status = TaskStatus.CANCELLED
    _save(locked, by, reason or _("Cancelled"))
    if locked.parent_id:
        _recompute_ancestors(locked.parent_id, by)
    return locked


# -- progress -------------------------------------------------------------------------------------------
@transaction.atomic
def task_set_progress(
    *, task: Task, by: User, progress: int, note: str = "", rectification_note: str = "", today: date | None = None,
) -> Task:
    """Record a task's progress (responsible official or head in scope); 100% completes an ordinary task."""
    locked = _lock(task)
    if not can_update_progress(by, locked):
        raise ApplicationError(_("Only the responsible official or a head in scope may update progress."),
                               code="forbidden")
    if not locked.is_open:
        raise ApplicationError(_("This task is closed and can no longer be changed."), code="conflict")
    if not 0 <= progress <= 100:
        raise ApplicationError(_("Progress must be between 0 and 100."), code="invalid")
    if locked.children.exclude(status=TaskStatus.CANCELLED).exists():
        raise ApplicationError(_("This task's progress is derived from its subtasks."), code="derived")
    if rectification_note.strip():
        locked.rectification_note = rectification_note.strip()
    if locked.has_loop and progress == 100 and not locked.rectification_note.strip():
        raise ApplicationError(_("A closed-loop task cannot be finished without a rectification note."),
                               code="rectification_note_required")
    locked.progress = progress
    _apply_progress_status(locked, today or timezone.localdate())
    _save(locked, by, note or _("Progress %(p)s%%") % {"p": progress})
    if locked.parent_id:
        _recompute_ancestors(locked.parent_id, by, today=today)
    return locked


def _apply_progress_status(task: Task, today: date) -> None:
    if task.progress > 0 and task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
    if task.has_loop:
        if task.progress > 0 and task.loop_stage in ("", LoopStage.FOUND, LoopStage.ASSIGNED):
            task.loop_stage = LoopStage.RECTIFYING
        return  # a loop task completes only when its loop is closed
    if task.progress == 100:
        task.status = TaskStatus.COMPLETED
        task.completed_on = today


def _recompute_ancestors(parent_id: int, by: User | None, *, today: date | None = None) -> None:
    """Derive each ancestor's progress from its children: one aggregate query and one save per level."""
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        seen.add(current)
        totals = Task.objects.filter(parent_id=current).exclude(status=TaskStatus.CANCELLED).aggregate(
            weighted=Sum(F("progress") * F("weight")), weight=Sum("weight"))
        parent = Task.objects.select_for_update().get(pk=current)
        parent._scored_as = _scored(parent)  # type: ignore[attr-defined]
        progress = _weighted_mean(totals["weighted"], totals["weight"], default=parent.progress)
        if progress != parent.progress and parent.is_open:
            parent.progress = progress
            _apply_progress_status(parent, today or timezone.localdate())
            _save(parent, by, _("Progress derived from subtasks: %(p)s%%") % {"p": progress})
        current = parent.parent_id


def _weighted_mean(weighted: Any, weight: Any, *, default: int) -> int:
    if not weight:
        return default
    mean = Decimal(str(weighted or 0)) / Decimal(str(weight))
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# -- closed loop ----------------------------------------------------------------------------------------
@transaction.atomic
def task_advance_loop(*, task: Task, by: User, stage: str, note: str = "", today: date | None = None) -> Task:
    """Move a loop task one step forward; the responsible official may only start rectifying."""
    locked = _lock(task)
    manager = can_manage(by, locked)
    if not (manager or is_responsible(by, locked)):
        raise ApplicationError(_("Only the responsible official or a head in scope may do this."), code="forbidden")
    if not locked.has_loop:
        raise ApplicationError(_("This task has no closed loop."), code="no_loop")
    if stage not in LOOP_ORDER:
        raise ApplicationError(_("Unknown closed-loop stage."), code="invalid")
    target = LOOP_ORDER.index(LoopStage(stage))
    current = LOOP_ORDER.index(LoopStage(locked.loop_stage or LoopStage.FOUND))
    if target != current + 1:
        raise ApplicationError(_("The closed loop moves forward one step at a time; it is now at “%(stage)s”.")
                               % {"stage": locked.get_loop_stage_display()}, code="conflict")
    if not manager and stage != LoopStage.RECTIFYING:
        raise ApplicationError(_("Only a head in scope may review or close the loop."), code="forbidden")
    if locked.status == TaskStatus.CANCELLED:
        raise ApplicationError(_("This task is closed and can no longer be changed."), code="conflict")
    if note.strip():
        locked.rectification_note = note.strip()
    if stage == LoopStage.CLOSED:
        if not locked.rectification_note.strip():
            raise ApplicationError(_("A closed-loop task cannot be finished without a rectification note."),
                                   code="rectification_note_required")
        locked.progress = 100
        locked.status = TaskStatus.COMPLETED
        locked.completed_on = today or timezone.localdate()
    elif stage == LoopStage.RECTIFYING and locked.status == TaskStatus.NOT_STARTED:
        locked.status = TaskStatus.IN_PROGRESS
    locked.loop_stage = stage
    _save(locked, by, note or str(LoopStage(stage).label))
    if locked.parent_id:
        _recompute_ancestors(locked.parent_id, by, today=today)
    return locked


# -- milestones -----------------------------------------------------------------------------------------
@transaction.atomic
def milestone_add(*, task: Task, by: User, name: str, due_date: date) -> Milestone:
    """Add a milestone to a task (heads in scope)."""
    _require_manager_of(by, task.unit)
    order = task.milestones.count()
    _check_milestone_count(order + 1)
    milestone = Milestone(task=task, name=name, due_date=due_date, sort_order=order)
    _full_clean(milestone)
    milestone.save()
    return milestone


@transaction.atomic
def milestone_mark_done(*, milestone: Milestone, by: User, done_on: date | None = None) -> Milestone:
    """Mark a milestone reached (responsible official or head in scope); a second mark is a conflict."""
    task = milestone.task
    if not can_update_progress(by, task):
        raise ApplicationError(_("Only the responsible official or a head in scope may update progress."),
                               code="forbidden")
    day = done_on or timezone.localdate()
    if Milestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(done_on=day) != 1:
        raise ApplicationError(_("This milestone is already marked as reached."), code="conflict")
    milestone.done_on = day
    return milestone


# -- weekly updates -------------------------------------------------------------------------------------
@transaction.atomic
def weekly_update_post(
    *, task: Task, by: User, progress: int, done: str, problems: str = "", help_needed: str = "",
    rectification_note: str = "", today: date | None = None,
) -> WeeklyUpdate:
    """Post this ISO week's update for a task, replacing one already posted this week.

    The task's progress follows the update (through ``task_set_progress``), except for a parent task,
    whose progress is derived from its subtasks.
    """
    locked = _lock(task)  # serialises two posts for the same task and week
    if not can_update_progress(by, locked):
        raise ApplicationError(_("Only the responsible official or a head in scope may post weekly updates."),
                               code="forbidden")
    if locked.status not in OPEN_STATUSES:
        raise ApplicationError(_("This task is closed and can no longer be changed."), code="closed")
    if not done.strip():
        raise ApplicationError(_("Say what was done this week."), code="invalid")
    day = today or timezone.localdate()
    update = WeeklyUpdate(task=locked, week=week_monday(day), author=by, progress=progress, done=done.strip(),
                          problems=problems.strip(), help_needed=help_needed.strip())
    _full_clean(update, exclude=["task", "week"])
    update, _created = WeeklyUpdate.objects.update_or_create(
        task=locked, week=update.week,
        defaults={"author": by, "progress": progress, "done": update.done, "problems": update.problems,
                  "help_needed": update.help_needed},
    )
    if not locked.children.exclude(status=TaskStatus.CANCELLED).exists() and (
            progress != locked.progress or rectification_note.strip()):
        task_set_progress(task=locked, by=by, progress=progress, note=_("Weekly update"),
                          rectification_note=rectification_note, today=day)
    return update
