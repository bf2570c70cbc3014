"""The tasks app's lines on the home page (registered with ``org.home`` in ``TasksConfig.ready``).

An official: the monthly report due (its status and the working days left), tasks due within a week or overdue,
this week's updates still missing. A head: reports to review and to sign (how many came in late), officials
missing this week's update, overdue tasks. Each count is taken from the selector and filter of the list it
links to, so the number on the home page is the length of that list.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from org.home import STAFF, TodoItem, home_todo
from org.models import User
from org.selectors import access_for
from org.workdays import working_days_between
from tasks.models import MonthlyReport, ReportStatus
from tasks.selectors.reports import report_deadline, report_due, review_counts
from tasks.selectors.tasks import (
    DUE_SOON_DAYS,
    due_soon_q,
    my_missing_weekly_q,
    overdue_q,
    tasks_managed_by,
    tasks_missing_weekly_update,
    tasks_of_official,
    week_monday,
)

SOON_WORKING_DAYS = 3  # a report due within this many working days is shown in amber
# This month's report is a line to do once its deadline is this close (about the last week of the month); before,
# the line only says how long is left.
TO_DO_WORKING_DAYS = 10


def _url(name: str, **query: str) -> str:
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def report_line(month: date, report: MonthlyReport | None, today: date) -> TodoItem:
    """The line of the report due: its status, and the deadline counted in working days (one query)."""
    deadline = report_deadline(month)
    status = report.get_status_display() if report else _("Not started")
    label = _("Monthly report for %(month)s") % {"month": f"{month:%Y-%m}"}
    if report is not None and not report.is_editable:
        return TodoItem(key="report", label=label, url=reverse("tasks:report_detail", args=[report.pk]),
                        note=str(status), tone="success")
    url = reverse("tasks:report_edit", kwargs={"month": f"{month:%Y-%m}"})
    values = {"status": status, "date": f"{deadline:%Y-%m-%d}"}
    if today > deadline:
        days = working_days_between(deadline + timedelta(days=1), today)
        note = (ngettext("%(status)s · was due %(date)s, %(days)s working day ago",
                         "%(status)s · was due %(date)s, %(days)s working days ago", days) % {**values, "days": days}
                if days else _("%(status)s · was due %(date)s") % values)
        return TodoItem(key="report", label=label, url=url, note=note, tone="danger", actionable=True)
    days = working_days_between(today, deadline)
    note = (ngettext("%(status)s · due %(date)s, %(days)s working day left (today included)",
                     "%(status)s · due %(date)s, %(days)s working days left (today included)", days)
            % {**values, "days": days} if days else _("%(status)s · due %(date)s, no working day left") % values)
    returned = report is not None and report.status == ReportStatus.RETURNED
    tone = "warning" if returned or days <= SOON_WORKING_DAYS else ""
    return TodoItem(key="report", label=label, url=url, note=note, tone=tone,
                    actionable=returned or days <= TO_DO_WORKING_DAYS)


@home_todo(STAFF, order=10)
def my_report(user: User) -> list[TodoItem]:
    """The monthly report the official should be working on (two queries: the reports, the calendar)."""
    official_id = access_for(user).official_id
    if official_id is None:
        return []
    today = timezone.localdate()
    month, report = report_due(official_id, today)
    return [report_line(month, report, today)]


@home_todo(STAFF, order=20)
def my_tasks(user: User) -> list[TodoItem]:
    """Tasks due within a week or overdue, and my tasks without this week's update (one query)."""
    today = timezone.localdate()
    figures = tasks_of_official(user).aggregate(
        due=Count("pk", filter=due_soon_q(today)), overdue=Count("pk", filter=overdue_q(today)),
        weekly=Count("pk", filter=my_missing_weekly_q(user, today)))
    return [
        TodoItem(key="tasks-due", label=_("Tasks due within %(days)s days or overdue") % {"days": DUE_SOON_DAYS},
                 url=_url("tasks:my_tasks", due="week"), count=figures["due"], late=figures["overdue"],
                 late_url=_url("tasks:my_tasks", due="overdue"), late_label=_("overdue")),
        TodoItem(key="weekly-mine", label=_("Tasks missing this week's update"),
                 url=_url("tasks:my_tasks", weekly="missing"), count=figures["weekly"]),
    ]


@home_todo("head", order=10)
def reports_to_review(user: User) -> list[TodoItem]:
    """Reports to review and to sign, with those submitted late: the review queue's own counts (one query)."""
    figures = review_counts(user)
    return [
        TodoItem(key="reports-review", label=_("Monthly reports waiting for your review"),
                 url=_url("tasks:report_review_queue", tab="submitted"), count=figures["submitted"],
                 late=figures["submitted_late"], late_label=_("submitted late"),
                 late_url=_url("tasks:report_review_queue", tab="submitted", late="1")),
        TodoItem(key="reports-sign", label=_("Monthly reports to sign and publish"),
                 url=_url("tasks:report_review_queue", tab="approved"), count=figures["approved"],
                 late=figures["approved_late"], late_label=_("submitted late"),
                 late_url=_url("tasks:report_review_queue", tab="approved", late="1")),
    ]


@home_todo("head", order=20)
def unit_tasks(user: User) -> list[TodoItem]:
    """Officials missing this week's update (and their tasks), overdue tasks — of the units the user manages
    (one query)."""
    today = timezone.localdate()
    missing = Q(pk__in=tasks_missing_weekly_update(week_monday(today)).values("pk"))
    figures = tasks_managed_by(user).aggregate(
        officials=Count("responsible_id", distinct=True, filter=missing), tasks=Count("pk", filter=missing),
        overdue=Count("pk", filter=overdue_q(today)))
    return [
        TodoItem(key="weekly-missing", label=_("Officials missing this week's update"),
                 url=reverse("tasks:weekly_missing"), count=figures["officials"],
                 note=_("%(n)s tasks without an update") % {"n": figures["tasks"]} if figures["tasks"] else ""),
        TodoItem(key="tasks-overdue", label=_("Overdue tasks"), url=_url("tasks:task_board", overdue="on"),
                 count=figures["overdue"], tone="danger" if figures["overdue"] else ""),
    ]
