"""Reads of tasks and weekly updates, scoped to the user; who may act on a task; the closed loop's next step."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from org.models import Official, OrgUnit, User
from org.selectors import ALL_ROLES, access_for, units_visible_to
from tasks.models import OPEN_STATUSES, LoopStage, Task, TaskImport, TaskStatus, WeeklyUpdate
from tasks.selectors._common import unit_q

# Roles that manage work in their subtree: assign and review tasks and reports.
MANAGER_ROLES = ("head", "org")
DUE_SOON_DAYS = 7  # "due soon" on the home page and ``?due=week`` on my tasks
SOON_DAYS = 3  # a deadline this close is shown in amber
LOOP_ORDER = [LoopStage.FOUND, LoopStage.ASSIGNED, LoopStage.RECTIFYING, LoopStage.REVIEWED, LoopStage.CLOSED]


def tasks_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[Task]:
    """Return the tasks a user may see: those of units in their role subtrees, and their own tasks."""
    qs = Task.objects.select_related("unit", "responsible", "leading_leader", "parent")
    everything, q = unit_q(user, "unit__", roles)
    if everything:
        return qs
    official_id = access_for(user).official_id
    if official_id is not None:
        q |= Q(responsible_id=official_id) | Q(leading_leader_id=official_id) | Q(members__id=official_id)
        # Membership is a many-to-many join; keep rows unique without DISTINCT on the whole row.
        return qs.filter(pk__in=Task.objects.filter(q).values("pk"))
    return qs.filter(q)


def tasks_managed_by(user: User | AnonymousUser) -> QuerySet[Task]:
    """Return the tasks of units where the user is a head (or the organization department)."""
    qs = Task.objects.select_related("unit", "responsible", "leading_leader", "parent")
    everything, q = unit_q(user, "unit__", MANAGER_ROLES)
    return qs if everything else qs.filter(q)


def weekly_updates_visible_to(user: User | AnonymousUser) -> QuerySet[WeeklyUpdate]:
    return WeeklyUpdate.objects.select_related("task", "task__unit", "author").filter(
        task__in=tasks_visible_to(user).values("pk")
    )


def tasks_of_official(user: User | AnonymousUser) -> QuerySet[Task]:
    """Return "my tasks": those the user's official is responsible for, leads or works on in the task group."""
    official_id = access_for(user).official_id
    if official_id is None:
        return Task.objects.none()
    mine = Task.objects.filter(Q(responsible_id=official_id) | Q(leading_leader_id=official_id)
                               | Q(members__id=official_id)).values("pk")
    return tasks_visible_to(user).filter(pk__in=mine)


def overdue_q(today: date) -> Q:
    """Open tasks past their deadline (flagged by the weekly job or not yet)."""
    return Q(status=TaskStatus.OVERDUE) | Q(status__in=OPEN_STATUSES, deadline__lt=today)


def due_soon_q(today: date) -> Q:
    """Open tasks due within ``DUE_SOON_DAYS`` days, or overdue."""
    return Q(status__in=OPEN_STATUSES, deadline__lte=today + timedelta(days=DUE_SOON_DAYS)) | overdue_q(today)


def my_missing_weekly_q(user: User | AnonymousUser, today: date) -> Q:
    """My open tasks (as the responsible official, who posts the update) with no update this week."""
    return Q(responsible_id=access_for(user).official_id, pk__in=tasks_missing_weekly_update(today).values("pk"))


def tasks_missing_update_managed_by(user: User | AnonymousUser, week: date) -> QuerySet[Task]:
    """The tasks of the units the user manages that miss the update of ``week`` (the "who has not updated" list)."""
    return tasks_managed_by(user).filter(pk__in=tasks_missing_weekly_update(week).values("pk"))


def week_monday(day: date) -> date:
    """Return the Monday of the ISO week containing ``day`` (weekly updates are keyed by it)."""
    return day - timedelta(days=day.weekday())


def tasks_missing_weekly_update(week: date) -> QuerySet[Task]:
    """Return open tasks, started by the end of ``week``, with no weekly update for that week (unscoped)."""
    monday = week_monday(week)
    return Task.objects.filter(status__in=OPEN_STATUSES, start_date__lte=monday + timedelta(days=6)).exclude(
        pk__in=WeeklyUpdate.objects.filter(week=monday).values("task_id")
    )


def task_imports_of(user: User) -> QuerySet[TaskImport]:
    """Return the user's own task-list uploads, newest first: a refused upload's problems name the units and
    officials of its uploader's scope, so nobody else's are shown."""
    return TaskImport.objects.filter(uploaded_by_id=user.pk).select_related("uploaded_by__official").order_by(
        "-created_at", "-id")


# -- lists of the pages -------------------------------------------------------------------------------------
def my_task_list(user: User, *, today: date, open_only: bool = True, due: str = "",
                 missing_update: bool = False) -> QuerySet[Task]:
    """The "my tasks" page: the open ones (or all), narrowed to those due within ``DUE_SOON_DAYS`` days or overdue
    (``due="week"``), overdue only (``due="overdue"``) or missing this week's update; flagged with this week's
    update, earliest deadline first."""
    qs = tasks_of_official(user)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if due:
        qs = qs.filter(due_soon_q(today) if due == "week" else overdue_q(today))
    if missing_update:
        qs = qs.filter(my_missing_weekly_q(user, today))
    return with_week_flag(qs, week_monday(today)).order_by("deadline", "id")


def with_week_flag(qs: QuerySet[Task], monday: date) -> QuerySet[Task]:
    """Annotate ``updated_this_week``: whether the task has its weekly update for the week of ``monday``."""
    return qs.annotate(updated_this_week=Exists(WeeklyUpdate.objects.filter(task=OuterRef("pk"), week=monday)))


def order_by_urgency(queryset: QuerySet[Task], today: date) -> QuerySet[Task]:
    """Most urgent first: overdue tasks (the longest overdue first), then open tasks by nearest deadline, then
    the closed ones."""
    return queryset.annotate(urgency=Case(
        When(overdue_q(today), then=Value(0)), When(status__in=OPEN_STATUSES, then=Value(1)), default=Value(2),
        output_field=IntegerField(),
    )).order_by("urgency", "deadline", "id")


def in_unit_subtree(queryset: QuerySet[Task], code: str) -> QuerySet[Task]:
    """Narrow to the tasks of the unit with this code and its sub-units (none when there is no such unit)."""
    unit = OrgUnit.objects.filter(code=code.strip()).only("path").first()
    return queryset.filter(unit.subtree_q("unit__")) if unit else queryset.none()


def units_managed_by(user: User) -> QuerySet[OrgUnit]:
    """The active units where the user may manage tasks (the task form's and the board's choice of unit)."""
    return units_visible_to(user, roles=MANAGER_ROLES).filter(is_active=True)


def leaders_of(tasks: QuerySet[Task]) -> QuerySet[Official]:
    """The officials leading any of ``tasks``, by name (the board's choice of leading leader)."""
    return Official.objects.filter(pk__in=tasks.order_by().values("leading_leader_id")).order_by("name")


def responsible_count(tasks: QuerySet[Task]) -> int:
    """How many officials are responsible for ``tasks`` (one query)."""
    return tasks.order_by().values("responsible_id").distinct().count()


def parent_choices(user: User, *, exclude_pk: int | None = None) -> QuerySet[Task]:
    """The open tasks the user manages that a task may be placed under (never the task itself)."""
    parents = tasks_managed_by(user).filter(status__in=OPEN_STATUSES).order_by("unit__path", "deadline")
    return parents.exclude(pk=exclude_pk) if exclude_pk is not None else parents


def ledger_unit(user: User, code: str | None) -> OrgUnit | None:
    """The unit whose ledger to export: the one with ``code`` among those the user manages, else the first."""
    units = units_visible_to(user, roles=MANAGER_ROLES)
    return units.filter(code=code).first() if code else units.order_by("path").first()


def ledger_tasks(user: User, unit: OrgUnit) -> QuerySet[Task]:
    """Return the unit subtree's tasks for the ledger, with milestones and the latest weekly update."""
    latest = WeeklyUpdate.objects.filter(task=OuterRef("pk")).order_by("-week")
    return (
        tasks_managed_by(user).filter(unit.subtree_q("unit__"))
        .prefetch_related("milestones")
        .annotate(last_week=Subquery(latest.values("week")[:1]), last_done=Subquery(latest.values("done")[:1]))
        .order_by("unit__path", "deadline", "id")
    )


def deadline_class(task: Task, today: date) -> str:
    """Colour a deadline: green when done, red when overdue, amber within ``SOON_DAYS`` days."""
    if task.status == TaskStatus.COMPLETED:
        return "done"
    if task.status == TaskStatus.CANCELLED:
        return "cancelled"
    days = (task.deadline - today).days
    if task.status == TaskStatus.OVERDUE or days < 0:
        return "overdue"
    if days <= SOON_DAYS:
        return "soon"
    return "normal"


# -- who may act on a task (``tasks.services`` enforces it; pages show only what will work) ----------------
def can_manage(user: User, task: Task) -> bool:
    """Whether ``user`` is a head (or the organization department) over the task's unit."""
    return access_for(user).covers(task.unit.path, MANAGER_ROLES)


def is_responsible(user: User, task: Task) -> bool:
    official_id = access_for(user).official_id
    return official_id is not None and official_id == task.responsible_id


def can_update_progress(user: User, task: Task) -> bool:
    return is_responsible(user, task) or can_manage(user, task)


# -- the closed loop ---------------------------------------------------------------------------------------
def loop_position(task: Task) -> int:
    """The index of the task's loop stage in ``LOOP_ORDER`` (a task without one is at "found")."""
    return LOOP_ORDER.index(LoopStage(task.loop_stage or LoopStage.FOUND))


def loop_next_step(task: Task) -> LoopStage | None:
    """The stage the loop moves to next, one step at a time; none once closed, or when the task is cancelled."""
    following = loop_position(task) + 1
    if following < len(LOOP_ORDER) and task.status != TaskStatus.CANCELLED:
        return LOOP_ORDER[following]
    return None


def can_advance_loop(user: User, task: Task) -> bool:
    """Whether ``user`` may move the loop its next step: a head in scope any step, the responsible official only
    to rectifying."""
    step = loop_next_step(task)
    return step is not None and (can_manage(user, task) or (step == LoopStage.RECTIFYING
                                                             and is_responsible(user, task)))


def loop_steps(task: Task) -> list[dict[str, object]]:
    """The loop's stages in order, each marked done or current, for the task's page."""
    current = loop_position(task)
    return [{"value": s.value, "label": s.label, "done": i < current, "current": i == current}
            for i, s in enumerate(LOOP_ORDER)]
