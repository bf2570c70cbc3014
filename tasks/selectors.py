"""Reads for tasks, weekly updates, monthly reports and supervision letters, scoped to the user.

Scope: a role on a unit covers the unit's subtree (org.selectors); besides, an official always sees the
tasks they lead, are responsible for or work on, their own reports, the published reports of their own
unit (月度实绩公示), and the supervision letters addressed to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from org.models import OrgUnit, User
from org.selectors import ALL_ROLES, access_for, subtree_q
from tasks.models import (
    OPEN_STATUSES,
    MonthlyReport,
    MonthlyReportItem,
    ReportStatus,
    ReportTransition,
    SupervisionLetter,
    Task,
    TaskImport,
    TaskStatus,
    WeeklyUpdate,
)


def _unit_q(user: User | AnonymousUser, relation: str, roles: Iterable[str]) -> tuple[bool, Q]:
    access = access_for(user)
    if access.is_superuser:
        return True, Q()
    return False, subtree_q(access.paths(roles), relation)


def tasks_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[Task]:
    """Return the tasks a user may see: those of units in their role subtrees, and their own tasks."""
    qs = Task.objects.select_related("unit", "responsible", "leading_leader", "parent")
    everything, q = _unit_q(user, "unit__", roles)
    if everything:
        return qs
    official_id = access_for(user).official_id
    if official_id is not None:
        q |= Q(responsible_id=official_id) | Q(leading_leader_id=official_id) | Q(members__id=official_id)
        # Membership is a many-to-many join; keep rows unique without DISTINCT on the whole row.
        return qs.filter(pk__in=Task.objects.filter(q).values("pk"))
    return qs.filter(q)


# Roles that manage work in their subtree: assign and review tasks and reports.
MANAGER_ROLES = ("head", "org")


def tasks_managed_by(user: User | AnonymousUser) -> QuerySet[Task]:
    """Return the tasks of units where the user is a head (or the organization department)."""
    qs = Task.objects.select_related("unit", "responsible", "leading_leader", "parent")
    everything, q = _unit_q(user, "unit__", MANAGER_ROLES)
    return qs if everything else qs.filter(q)


def weekly_updates_visible_to(user: User | AnonymousUser) -> QuerySet[WeeklyUpdate]:
    return WeeklyUpdate.objects.select_related("task", "task__unit", "author").filter(
        task__in=tasks_visible_to(user).values("pk")
    )


def reports_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[MonthlyReport]:
    """Return the monthly reports a user may see: in their role subtrees, their own, and their unit's published."""
    qs = MonthlyReport.objects.select_related("official", "official__unit")
    everything, q = _unit_q(user, "official__unit__", roles)
    if everything:
        return qs
    access = access_for(user)
    if access.official_id is not None:
        q |= Q(official_id=access.official_id)
        q |= Q(official__unit_id=access.official_unit_id, status=ReportStatus.PUBLISHED)
    return qs.filter(q)


def letters_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[SupervisionLetter]:
    """Return the supervision letters a user may see: issued or received in their subtrees, or addressed to them."""
    qs = SupervisionLetter.objects.select_related("issuer_unit", "recipient_unit", "recipient_official", "task")
    everything, q_recipient = _unit_q(user, "recipient_unit__", roles)
    if everything:
        return qs
    _everything, q_issuer = _unit_q(user, "issuer_unit__", roles)
    q = q_recipient | q_issuer
    official_id = access_for(user).official_id
    if official_id is not None:
        q |= Q(recipient_official_id=official_id)
    return qs.filter(q)


def tasks_of_official(user: User | AnonymousUser) -> QuerySet[Task]:
    """Return "my tasks": those the user's official is responsible for, leads or works on in the task group."""
    official_id = access_for(user).official_id
    if official_id is None:
        return Task.objects.none()
    mine = Task.objects.filter(Q(responsible_id=official_id) | Q(leading_leader_id=official_id)
                               | Q(members__id=official_id)).values("pk")
    return tasks_visible_to(user).filter(pk__in=mine)


DUE_SOON_DAYS = 7  # "due soon" on the home page and ``?due=week`` on my tasks


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


def report_deadline(month: date) -> date:
    """Return the day a month's report is due: MONTHLY_REPORT_DEADLINE_DAY of the following month."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=min(settings.MONTHLY_REPORT_DEADLINE_DAY, 28))


def month_start(month: date) -> date:
    return month.replace(day=1)


# -- monthly reports: reads shared by the report pages and the API ---------------------------------


def _items() -> Prefetch[str]:
    return Prefetch("items", queryset=MonthlyReportItem.objects.select_related("task").order_by("sort_order", "id"))


def reports_with_items(user: User) -> QuerySet[MonthlyReport]:
    """Reports the user may see, with their items (one extra query for any number of reports)."""
    return reports_visible_to(user).prefetch_related(_items())


def reports_mine(user: User) -> QuerySet[MonthlyReport]:
    """The user's own reports, newest month first, with item counts."""
    official_id = access_for(user).official_id
    if official_id is None:
        return MonthlyReport.objects.none()
    return (reports_visible_to(user).filter(official_id=official_id).annotate(item_count=Count("items"))
            .order_by("-month"))


def reports_for_head(user: User) -> QuerySet[MonthlyReport]:
    """Reports of officials under the user's head roles, never one's own (the review queue's scope).

    The subtree alone, without the OR of ``reports_visible_to`` (one's own, one's unit's published): neither can
    be reviewed, and the OR keeps PostgreSQL from starting at the head's units (a scan of every report instead)."""
    qs = MonthlyReport.objects.select_related("official", "official__unit")
    everything, q = _unit_q(user, "official__unit__", ("head",))
    if not everything:
        qs = qs.filter(q)
    official_id = access_for(user).official_id
    return qs.exclude(official_id=official_id) if official_id is not None else qs


def reports_to_review(user: User, *, status: str = ReportStatus.SUBMITTED, unit: OrgUnit | None = None,
                      month: date | None = None, late: bool = False) -> QuerySet[MonthlyReport]:
    """Reports of officials under the user's head roles in ``status``, oldest submission first; never one's own.
    Narrowed to a unit's subtree, a month, or the reports submitted late."""
    qs = _under_review(user, unit=unit, month=month).filter(status=status)
    if late:
        qs = qs.filter(is_late=True)
    return qs.annotate(item_count=Count("items")).order_by("submitted_at", "id")


def _under_review(user: User, *, unit: OrgUnit | None, month: date | None) -> QuerySet[MonthlyReport]:
    qs = reports_for_head(user)
    if unit is not None:
        qs = qs.filter(unit.subtree_q("official__unit__"))
    if month is not None:
        qs = qs.filter(month=month_start(month))
    return qs


def review_counts(user: User, *, unit: OrgUnit | None = None, month: date | None = None) -> dict[str, int]:
    """How many reports wait for review and for signature under the same filters, and how many of each came in
    late (one query)."""
    qs = _under_review(user, unit=unit, month=month).order_by()
    submitted, approved = Q(status=ReportStatus.SUBMITTED), Q(status=ReportStatus.APPROVED)
    return qs.aggregate(
        submitted=Count("pk", filter=submitted), submitted_late=Count("pk", filter=submitted & Q(is_late=True)),
        approved=Count("pk", filter=approved), approved_late=Count("pk", filter=approved & Q(is_late=True)),
    )


def report_due(official_id: int, today: date) -> tuple[date, MonthlyReport | None]:
    """The report the official should be working on, and the row if it exists (one query): last month's until it
    is submitted (it is due in this month), then this month's."""
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    rows = {r.month: r for r in MonthlyReport.objects.filter(official_id=official_id,
                                                             month__in=[last_month, this_month])}
    last = rows.get(last_month)
    if last is None or last.is_editable:
        return last_month, last
    return this_month, rows.get(this_month)


def reports_published(user: User, *, month: date | None = None) -> QuerySet[MonthlyReport]:
    """Published reports the user may see (their unit's 公示 and their role subtrees), with items."""
    qs = reports_visible_to(user).filter(status=ReportStatus.PUBLISHED)
    if month is not None:
        qs = qs.filter(month=month_start(month))
    return qs.select_related("published_by__official").prefetch_related(_items()).order_by(
        "-month", "official__unit__path", "official__name", "id")


def report_detail_for(user: User) -> QuerySet[MonthlyReport]:
    """Reports the user may see, with what the detail page shows: items, timeline, reviewers."""
    timeline = ReportTransition.objects.select_related("by__official").order_by("at", "id")
    transitions: Prefetch[str] = Prefetch("transitions", queryset=timeline)
    return reports_visible_to(user).select_related(
        "reviewed_by__official", "published_by__official", "official__user").prefetch_related(
        _items(), transitions)


def linkable_tasks(user: User) -> QuerySet[Task]:
    """Tasks the user works on (responsible, leading or member), for linking report items."""
    official_id = access_for(user).official_id
    if official_id is None:
        return Task.objects.none()
    own = Q(responsible_id=official_id) | Q(leading_leader_id=official_id) | Q(members__id=official_id)
    return tasks_visible_to(user).filter(pk__in=Task.objects.filter(own).values("pk")).order_by("-deadline", "id")




def task_imports_of(user: User) -> QuerySet[TaskImport]:
    """Return the user's own task-list uploads, newest first: a refused upload's problems name the units and
    officials of its uploader's scope, so nobody else's are shown."""
    return TaskImport.objects.filter(uploaded_by_id=user.pk).select_related("uploaded_by__official").order_by(
        "-created_at", "-id")
