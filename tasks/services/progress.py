"""Business actions on a task's progress: progress, the closed loop, milestones and weekly updates.

Rules (issue 5):

- Progress is set by the responsible official (through their linked user) or a head in scope.
  Progress above 0 starts a task; 100% completes it. A parent's progress is derived from its children,
  weighted by ``weight`` (cancelled children do not count), and recomputed whenever a child changes.
- Closed loop (tasks from a complaint or a supervision finding, ``LOOP_SOURCES``): found → assigned →
  rectifying → reviewed → closed, forward one step at a time (``tasks.selectors.tasks.loop_next_step``). Such a
  task is completed only by closing its loop, which needs a rectification note; reaching 100% records the
  progress (and needs the note too) but waits for the head's review and close.
- Weekly updates (每周汇报): one per task per ISO week; posting again the same week replaces it.

Every state change locks the task row (``select_for_update``) and checks the state it expects, so two
concurrent requests cannot both apply; the loser gets ``ApplicationError(code="conflict")``.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from org.models import User
from tasks.models import OPEN_STATUSES, LoopStage, Milestone, Task, TaskStatus, WeeklyUpdate
from tasks.selectors.tasks import (
    LOOP_ORDER,
    can_manage,
    can_update_progress,
    is_responsible,
    loop_position,
    week_monday,
)
from tasks.services._task_state import (
    apply_progress_status,
    check_milestone_count,
    full_clean,
    lock,
    recompute_ancestors,
    require_manager_of,
    save,
)


@transaction.atomic
def task_set_progress(
    *, task: Task, by: User, progress: int, note: str = "", rectification_note: str = "", today: date | None = None,
) -> Task:
    """Record a task's progress (responsible official or head in scope); 100% completes an ordinary task."""
    locked, before = lock(task)
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
    apply_progress_status(locked, today or timezone.localdate())
    save(locked, by, note or _("Progress %(p)s%%") % {"p": progress}, before=before)
    if locked.parent_id:
        recompute_ancestors(locked.parent_id, by, today=today)
    return locked


# -- closed loop ----------------------------------------------------------------------------------------
@transaction.atomic
def task_advance_loop(*, task: Task, by: User, stage: str, note: str = "", today: date | None = None) -> Task:
    """Move a loop task one step forward; the responsible official may only start rectifying."""
    locked, before = lock(task)
    manager = can_manage(by, locked)
    if not (manager or is_responsible(by, locked)):
        raise ApplicationError(_("Only the responsible official or a head in scope may do this."), code="forbidden")
    if not locked.has_loop:
        raise ApplicationError(_("This task has no closed loop."), code="no_loop")
    if stage not in LOOP_ORDER:
        raise ApplicationError(_("Unknown closed-loop stage."), code="invalid")
    if LOOP_ORDER.index(LoopStage(stage)) != loop_position(locked) + 1:
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
    save(locked, by, note or str(LoopStage(stage).label), before=before)
    if locked.parent_id:
        recompute_ancestors(locked.parent_id, by, today=today)
    return locked


# -- milestones -----------------------------------------------------------------------------------------
@transaction.atomic
def milestone_add(*, task: Task, by: User, name: str, due_date: date) -> Milestone:
    """Add a milestone to a task (heads in scope)."""
    require_manager_of(by, task.unit)
    order = task.milestones.count()
    check_milestone_count(order + 1)
    milestone = Milestone(task=task, name=name, due_date=due_date, sort_order=order)
    full_clean(milestone)
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
    locked, _before = lock(task)  # serialises two posts for the same task and week
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
    full_clean(update, exclude=["task", "week"])
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
