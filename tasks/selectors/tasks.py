"""Reads of tasks and weekly updates, scoped to the user; the date rules of the weekly update."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from org.models import User
from org.selectors import ALL_ROLES, access_for
from tasks.models import OPEN_STATUSES, Task, TaskImport, TaskStatus, WeeklyUpdate
from tasks.selectors._common import unit_q

# Roles that manage work in their subtree: assign and review tasks and reports.
MANAGER_ROLES = ("head", "org")
DUE_SOON_DAYS = 7  # "due soon" on the home page and ``?due=week`` on my tasks


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
