"""The periodic work behind the daily, weekly and monthly jobs, set-based and safe to re-run.

Each function costs a fixed number of queries however many tasks, reports or officials there are
(UPDATEs over a filter, one bulk insert, notices written in bulk), and running it twice for the same
day, week or month changes nothing the second time: updates only touch rows not yet flagged, rows are
inserted with ``ignore_conflicts`` and every notice has a ``dedupe_key``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.notifications import Notice, notify_many
from org.facts import facts_changed, month_span
from org.models import Official, RoleGrant
from org.selectors import ancestor_paths
from tasks.models import LetterStatus, MonthlyReport, ReportStatus, SupervisionLetter, Task, TaskStatus
from tasks.selectors.reports import report_deadline
from tasks.selectors.tasks import tasks_missing_weekly_update, week_monday

BATCH = 500
# Tasks that can still turn overdue or be reminded of (an overdue task is past its deadline already).
PENDING_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


# -- tasks ---------------------------------------------------------------------------------------------------
def tasks_mark_overdue(*, today: date) -> int:
    """Mark open tasks whose deadline has passed as overdue, in one UPDATE. Return how many changed."""
    return Task.objects.filter(status__in=PENDING_STATUSES, deadline__lt=today).update(
        status=TaskStatus.OVERDUE, updated_at=timezone.now()
    )


def tasks_remind_deadlines(*, today: date, days: int | None = None) -> int:
    """Remind responsible officials of open tasks due within ``days`` days (once per task and deadline).

    Return the number of reminders written.
    """
    days = settings.DEADLINE_REMINDER_DAYS if days is None else days
    rows = (
        Task.objects.filter(
            status__in=PENDING_STATUSES, deadline__gte=today, deadline__lte=today + timedelta(days=days),
            responsible__user__isnull=False, responsible__user__is_active=True,
        )
        .order_by()
        .values_list("pk", "title", "deadline", "responsible__user_id")
    )
    notices = [
        Notice(
            user_id=user_id, kind="task_deadline", url=_link("tasks:task_detail", pk),
            title=_("Task “%(title)s” is due on %(date)s") % {"title": title, "date": deadline.isoformat()},
            dedupe_key=f"task-due:{pk}:{deadline.isoformat()}",
        )
        for pk, title, deadline, user_id in rows
    ]
    return notify_many(notices)


def weekly_updates_notify_missing(*, week: date) -> int:
    """Tell every head how many open tasks in their units have no update for ``week``; once per head and week.

    Return the number of notices written.
    """
    monday = week_monday(week)
    per_unit = (
        tasks_missing_weekly_update(monday).order_by().values_list("unit__path").annotate(n=Count("pk"))
    )
    subtree = _subtree_totals((path, n) for path, n in per_unit)
    notices = []
    for user_id, paths in _heads().items():
        n = sum(subtree.get(p, 0) for p in paths)
        if n:
            notices.append(Notice(
                user_id=user_id, kind="weekly_missing", url=_link("tasks:weekly_missing"),
                title=ngettext(
                    "%(n)s task in your units has no weekly update for the week of %(week)s",
                    "%(n)s tasks in your units have no weekly update for the week of %(week)s", n,
                ) % {"n": n, "week": monday.isoformat()},
                dedupe_key=f"weekly-missing:{monday.isoformat()}",
            ))
    return notify_many(notices)


# -- monthly reports -----------------------------------------------------------------------------------------
def reports_flag_missing_and_late(*, month: date, today: date) -> dict[str, int]:
    """After the month's report deadline, flag missing and late monthly reports and tell those concerned.

    - every active official (in post by the month's end) without a report gets a draft flagged missing;
    - a draft or returned report is flagged missing;
    - a report first submitted after the deadline is flagged late;
    - the officials concerned and the heads over them are notified once for the month.

    Before the deadline has passed nothing is done. Return counts of what changed.
    """
    month = month.replace(day=1)
    deadline = report_deadline(month)
    counts = {"created": 0, "missing": 0, "late": 0, "notified": 0}
    if today <= deadline:
        return counts
    month_end = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    deadline_end = timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time.min))
    officials = Official.objects.filter(is_active=True).filter(Q(joined_on__isnull=True) | Q(joined_on__lte=month_end))
    reports = MonthlyReport.objects.filter(month=month)

    with transaction.atomic():
        without = officials.exclude(pk__in=reports.values("official_id")).values_list("pk", flat=True)
        created = MonthlyReport.objects.bulk_create(
            [MonthlyReport(official_id=pk, month=month, status=ReportStatus.DRAFT, is_missing=True) for pk in without],
            ignore_conflicts=True, batch_size=BATCH,
        )
        counts["created"] = len(created)
        counts["missing"] = reports.filter(
            status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED), is_missing=False, official__in=officials,
        ).update(is_missing=True, updated_at=timezone.now())
        # Lateness is decided by the first submission, as report_submit does: a report returned for
        # revision and resubmitted after the deadline was not late.
        first_submitted = Coalesce(
            Min("transitions__at", filter=Q(transitions__to_status=ReportStatus.SUBMITTED)), F("submitted_at")
        )
        late = reports.filter(is_late=False, submitted_at__isnull=False).annotate(first=first_submitted).filter(
            first__gte=deadline_end)
        counts["late"] = MonthlyReport.objects.filter(pk__in=late.values("pk")).update(
            is_late=True, updated_at=timezone.now())
        counts["notified"] = _notify_reports(month, deadline)
        if counts["created"] or counts["missing"] or counts["late"]:
            # Many officials at once: the month's periods are marked stale for the rollup that follows.
            facts_changed(facts={"report_timeliness": [month_span(month)]}, officials=None)
    return counts


def _notify_reports(month: date, deadline: date) -> int:
    key = f"{month:%Y-%m}"
    missing = Q(is_missing=True, status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
    reports = MonthlyReport.objects.filter(month=month)
    notices = []
    own = reports.filter(official__user__isnull=False, official__user__is_active=True).filter(missing | Q(is_late=True))
    for user_id, is_missing, is_late, status in own.order_by().values_list(
        "official__user_id", "is_missing", "is_late", "status"
    ):
        if is_missing and status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            notices.append(Notice(
                user_id=user_id, kind="report_missing", url=_link("tasks:report_mine"),
                title=_("Your monthly report for %(month)s was not submitted by %(date)s") % {
                    "month": key, "date": deadline.isoformat()},
                dedupe_key=f"report-missing:{key}",
            ))
        elif is_late:
            notices.append(Notice(
                user_id=user_id, kind="report_late", url=_link("tasks:report_mine"),
                title=_("Your monthly report for %(month)s was submitted after the deadline (%(date)s)") % {
                    "month": key, "date": deadline.isoformat()},
                dedupe_key=f"report-late:{key}",
            ))

    per_unit = reports.order_by().values_list("official__unit__path").annotate(
        missing=Count("pk", filter=missing), late=Count("pk", filter=Q(is_late=True)))
    rows = list(per_unit)
    missing_below = _subtree_totals((path, m) for path, m, _late in rows)
    late_below = _subtree_totals((path, n) for path, _m, n in rows)
    for user_id, paths in _heads().items():
        m = sum(missing_below.get(p, 0) for p in paths)
        n = sum(late_below.get(p, 0) for p in paths)
        if m or n:
            notices.append(Notice(
                user_id=user_id, kind="reports_missing", url=_link("tasks:report_review_queue"),
                title=_("Monthly reports for %(month)s in your units: %(missing)s missing, %(late)s late") % {
                    "month": key, "missing": m, "late": n},
                dedupe_key=f"reports-heads:{key}",
            ))
    return notify_many(notices)


# -- supervision letters -------------------------------------------------------------------------------------
def letters_notify_overdue(*, today: date) -> int:
    """Tell the issuer, the heads over the recipient unit and the recipient official of each letter not
    replied by its deadline; once per letter. Return the number of notices written."""
    rows = (
        SupervisionLetter.objects.filter(status=LetterStatus.ISSUED, reply_deadline__lt=today)
        .order_by()
        .values_list("pk", "number", "title", "reply_deadline", "issued_by_id", "recipient_unit__path",
                     "recipient_official__user_id")
    )
    # A letter whose deadline was yesterday has just become a deduction (the rollup finds older ones).
    yesterday = today - timedelta(days=1)
    if any(deadline == yesterday for _pk, _n, _t, deadline, *_rest in rows):
        with transaction.atomic():
            facts_changed(facts={"letter_reply_deadline": [yesterday]}, officials=[])
    heads_at: dict[str, set[int]] = defaultdict(set)
    for user_id, path in _head_grants():
        heads_at[path].add(user_id)
    notices = []
    for pk, number, title, deadline, issuer_id, path, official_user_id in rows:
        users = {u for p in ancestor_paths(path) for u in heads_at.get(p, ())}
        users |= {u for u in (issuer_id, official_user_id) if u is not None}
        for user_id in users:
            notices.append(Notice(
                user_id=user_id, kind="letter_overdue", url=_link("tasks:letter_detail", pk),
                title=_("Supervision letter %(number)s “%(title)s” was not replied to by %(date)s") % {
                    "number": number, "title": title, "date": deadline.isoformat()},
                dedupe_key=f"letter-overdue:{pk}",
            ))
    return notify_many(notices)


# -- notices in bulk -----------------------------------------------------------------------------------------
# -- helpers -------------------------------------------------------------------------------------------------
def _head_grants() -> list[tuple[int, str]]:
    return list(
        RoleGrant.objects.filter(role="head", unit__is_active=True, user__is_active=True)
        .values_list("user_id", "unit__path")
    )


def _heads() -> dict[int, list[str]]:
    """Return each active head's minimal list of covered subtree paths (nested grants counted once)."""
    paths: dict[int, set[str]] = defaultdict(set)
    for user_id, path in _head_grants():
        paths[user_id].add(path)
    minimal: dict[int, list[str]] = {}
    for user_id, held in paths.items():
        kept: list[str] = []
        for path in sorted(held):
            if not any(path.startswith(k) for k in kept):
                kept.append(path)
        minimal[user_id] = kept
    return minimal


def _subtree_totals(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum per-unit counts into every ancestor, so a subtree's total is one dictionary look-up."""
    totals: dict[str, int] = defaultdict(int)
    for path, n in rows:
        if n:
            for ancestor in ancestor_paths(path):
                totals[ancestor] += n
    return totals


def _link(name: str, *args: object) -> str:
    """Return the page's address, or "" while that page does not exist (a notice without a link)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
