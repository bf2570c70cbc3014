"""Business actions on tasks: create, edit and cancel (progress, the closed loop, milestones and weekly updates are
in ``tasks.services.progress``).

Rules (issue 5):

- Only a head or the organization department in scope of a task's unit creates, edits or cancels it.
- A task always has a responsible official, so a closed-loop task (from a complaint or a supervision finding,
  ``LOOP_SOURCES``) starts at **assigned**: creating it *is* the assignment ("found" is the finding itself,
  recorded by the source and its reference).
- A parent's progress is derived from its children (``_task_state.recompute_ancestors``): cancelling a child or
  moving it under another parent recomputes both.

Every state change locks the task row (``select_for_update``) and checks the state it expects, so two
concurrent requests cannot both apply; the loser gets ``ApplicationError(code="conflict")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.history import CHANGE_REASON_MAX
from common.notifications import notify
from common.text_limits import too_long
from org.models import Official, OrgUnit, User
from org.selectors import officials_visible_to
from tasks.models import LoopStage, Milestone, Task, TaskKind, TaskSource, TaskStatus
from tasks.selectors.tasks import MANAGER_ROLES, tasks_managed_by
from tasks.services._task_state import (
    check_milestone_count,
    full_clean,
    lock,
    recompute_ancestors,
    require_manager_of,
    save,
)

EDITABLE_FIELDS = frozenset({
    "title", "description", "goal", "source", "source_ref", "kind", "is_key_project", "unit", "leading_leader",
    "responsible", "members", "start_date", "deadline", "weight", "parent",
})


@transaction.atomic
def task_create(
    *, by: User, unit: OrgUnit, title: str, responsible: Official, deadline: date, description: str = "",
    goal: str = "", source: str = TaskSource.OWN_KEY, source_ref: str = "", kind: str = TaskKind.AD_HOC,
    is_key_project: bool = False, leading_leader: Official | None = None, members: Iterable[Official] = (),
    start_date: date | None = None, weight: Decimal | int = 1, parent: Task | None = None,
    milestones: Iterable[Mapping[str, Any]] = (), today: date | None = None,
) -> Task:
    """Create a task with the five clarities and notify its responsible official."""
    require_manager_of(by, unit)
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
    full_clean(task)
    save(task, by, _("Created"), before=None)
    if members:
        task.members.set(members)
    _add_milestones(task, milestones)
    if parent is not None:
        recompute_ancestors(parent.pk, by)
    _notify_assignment(task)
    return task


@transaction.atomic
def task_update(*, task: Task, by: User, **fields: Any) -> Task:
    """Change a task's details (heads in scope); a new responsible official is notified."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))},
                               code="invalid")
    locked, before = lock(task)
    require_manager_of(by, locked.unit)
    if not locked.is_open:
        raise ApplicationError(_("This task is closed and can no longer be changed."), code="closed")
    if "unit" in fields:
        require_manager_of(by, fields["unit"])
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
    full_clean(locked)
    save(locked, by, _("Edited"), before=before)
    if members is not None:
        locked.members.set(members)
    for parent_id in {old_parent_id, locked.parent_id}:
        if parent_id is not None:
            recompute_ancestors(parent_id, by)
    if locked.responsible_id != old_responsible_id:
        _notify_assignment(locked)
    return locked


@transaction.atomic
def task_cancel(*, task: Task, by: User, reason: str = "") -> Task:
    """Cancel an open task (heads in scope); it no longer counts towards its parent's progress."""
    problem = too_long(reason, CHANGE_REASON_MAX)
    if problem:  # the reason is kept only in the task's history: it must fit whole
        raise ApplicationError(problem, code="too_long", extra={"fields": {"reason": [problem]}})
    locked, before = lock(task)
    require_manager_of(by, locked.unit)
    if not locked.is_open:
        raise ApplicationError(_("Only an open task can be cancelled."), code="conflict")
    locked.status = TaskStatus.CANCELLED
    save(locked, by, reason or _("Cancelled"), before=before)
    if locked.parent_id:
        recompute_ancestors(locked.parent_id, by)
    return locked


# -- checks and notices ---------------------------------------------------------------------------------
def _check_officials(by: User, officials: Iterable[Official | None]) -> None:
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


def _check_dates(task: Task) -> None:
    if task.deadline < task.start_date:
        raise ApplicationError(_("The deadline cannot be before the start date."), code="deadline_before_start")


def _add_milestones(task: Task, milestones: Iterable[Mapping[str, Any]]) -> None:
    milestones = list(milestones)
    check_milestone_count(len(milestones))
    rows = []
    for order, item in enumerate(milestones):
        milestone = Milestone(task=task, name=item["name"], due_date=item["due_date"],
                              done_on=item.get("done_on"), sort_order=item.get("sort_order", order))
        full_clean(milestone, exclude=["task"])
        rows.append(milestone)
    Milestone.objects.bulk_create(rows)


def _notify_assignment(task: Task) -> None:
    user = getattr(task.responsible, "user", None)
    if user is None:
        return
    notify(users=[user], kind="assignment", title=_("New task assigned to you: %(title)s") % {"title": task.title},
           body=_("Deadline: %(date)s") % {"date": task.deadline.isoformat()},
           url=reverse("tasks:task_detail", args=[task.pk]),
           dedupe_key=f"task-assigned:{task.pk}:{task.responsible_id}")
