"""Reads of the monthly work reports (月度实绩), scoped to the user, shared by the report pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from org.facts import frozen_periods, month_span
from org.models import Official, OrgUnit, User
from org.selectors import ALL_ROLES, access_for, subtree_q, units_visible_to
from tasks.models import MonthlyReport, MonthlyReportItem, ReportStatus, ReportTransition, Task
from tasks.selectors._common import unit_q
from tasks.selectors.tasks import tasks_visible_to


def reports_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[MonthlyReport]:
    """Return the monthly reports a user may see: in their role subtrees, their own, and their unit's published."""
    qs = MonthlyReport.objects.select_related("official", "official__unit")
    everything, q = unit_q(user, "official__unit__", roles)
    if everything:
        return qs
    access = access_for(user)
    if access.official_id is not None:
        q |= Q(official_id=access.official_id)
        q |= Q(official__unit_id=access.official_unit_id, status=ReportStatus.PUBLISHED)
    return qs.filter(q)


def report_deadline(month: date) -> date:
    """Return the day a month's report is due: MONTHLY_REPORT_DEADLINE_DAY of the following month."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=min(settings.MONTHLY_REPORT_DEADLINE_DAY, 28))


def month_start(month: date) -> date:
    return month.replace(day=1)


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
    everything, q = unit_q(user, "official__unit__", ("head",))
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
    """Published reports the user may see (their unit's 公示 and their role subtrees), with items.

    The same reports as ``reports_visible_to`` with the status, scoped through the units (role subtrees and one's
    own unit, picked from the small unit table) and their officials' ids rather than by an OR over the reports'
    columns, which made PostgreSQL read every published report of the county (150 ms at 10,000 officials); the
    count of the page then reads the reports' (status, official) index alone. One's own published reports are
    in one's own unit's. Roles over the whole unit tree see every report, with no scope to match.

    With a ``month`` (the board shows one at a time) the order is the tree's: PostgreSQL walks the units by path,
    their officials and each one's report of the month through their indexes and stops at the page, where a
    board of every month sorted a whole city's reports (50 ms at 50,000 officials)."""
    qs = MonthlyReport.objects.select_related("official", "official__unit").filter(status=ReportStatus.PUBLISHED)
    access = access_for(user)
    if not (access.is_superuser or access.paths().every_unit):
        units = units_visible_to(user).order_by().values("pk")
        qs = qs.filter(official__in=Official.objects.filter(unit__in=units).values("pk"))
    if month is not None:
        qs = qs.filter(month=month_start(month))
    return qs.select_related("published_by__official").prefetch_related(_items()).order_by(
        "-month", "official__unit__path", "official__name", "id")


def latest_published_month() -> date | None:
    """The newest month with a published report anywhere in the county (the board's default month), or None."""
    return MonthlyReport.objects.filter(status=ReportStatus.PUBLISHED).aggregate(month=Max("month"))["month"]


def report_detail_for(user: User) -> QuerySet[MonthlyReport]:
    """Reports the user may see, with what the detail page shows: items, timeline, reviewers."""
    timeline = ReportTransition.objects.select_related("by__official").order_by("at", "id")
    transitions: Prefetch[str] = Prefetch("transitions", queryset=timeline)
    return reports_visible_to(user).select_related(
        "reviewed_by__official", "published_by__official", "official__user").prefetch_related(
        _items(), transitions)


def own_official(user: User) -> Official | None:
    """The official the user's account belongs to (with their unit), whose reports they write."""
    official_id = access_for(user).official_id
    if official_id is None:
        return None
    return Official.objects.select_related("unit").get(pk=official_id)


def report_of(official_id: int, month: date) -> MonthlyReport | None:
    """The official's report for ``month`` (its first day), if it exists."""
    return MonthlyReport.objects.filter(official_id=official_id, month=month).first()


def report_exists(official: Official, month: date) -> bool:
    return MonthlyReport.objects.filter(official=official, month=month).exists()


def report_for_form(official: Official, month: date) -> MonthlyReport | None:
    """The official's report for ``month`` with what the report form shows (its items, its reviewer), if any."""
    return (MonthlyReport.objects.filter(official=official, month=month).select_related("reviewed_by__official")
            .prefetch_related("items").first())


def units_headed_by(user: User) -> QuerySet[OrgUnit]:
    """The active units under the user's head roles, in tree order (the review queue's choice of unit)."""
    access = access_for(user)
    units = OrgUnit.objects.filter(is_active=True).order_by("path")
    if not access.is_superuser:
        units = units.filter(subtree_q(access.paths(("head",))))
    return units


def linkable_tasks(user: User) -> QuerySet[Task]:
    """Tasks the user works on (responsible, leading or member), for linking report items."""
    official_id = access_for(user).official_id
    if official_id is None:
        return Task.objects.none()
    own = Q(responsible_id=official_id) | Q(leading_leader_id=official_id) | Q(members__id=official_id)
    return tasks_visible_to(user).filter(pk__in=Task.objects.filter(own).values("pk")).order_by("-deadline", "id")


# -- who may review ----------------------------------------------------------------------------------------
def is_own_report(user: User, report_official_id: int) -> bool:
    return access_for(user).official_id == report_official_id


def is_head_over(user: User, official: Official) -> bool:
    return access_for(user).covers(official.unit.path, ("head",))


def can_review(user: User, report: MonthlyReport) -> bool:
    """Whether the user is a head over the report's official, and not that official (the report's state aside)."""
    return not is_own_report(user, report.official_id) and is_head_over(user, report.official)


def report_closed_warning(report: MonthlyReport) -> str:
    """Return why reviewing ``report`` no longer changes a score (its month's appraisal periods are closed), or
    "" while they are open. The review still counts: it is recorded, and in the periods still open."""
    keys = frozen_periods(month_span(report.month))
    if not keys:
        return ""
    return _("The appraisal of %(periods)s is closed: reviewing this report no longer changes its score.") % {
        "periods": "、".join(keys)}
