"""What is still open in a period before it is closed (the guarded close, issue 15 item 3).

Closing freezes the period's scores, so work that would still move them is listed first, each with its count
and a list of the records behind it:

- reports submitted but not reviewed, of the months lying wholly in the period;
- reports missing: officials in post by a month's end with no report handed in for it (none, a draft, or one
  returned to them) — whether or not the monthly job has flagged them yet;
- training sessions held in the period with no attendance recorded;
- public criticism flags (通报批评) of the period's quarters waiting for the head.

A week contains no whole month, so it has no report items. Manual bonus and deduction entries are recorded
directly by a head with a reason (there is no proposal step to wait for), so they are not an open item.

Counting costs four queries whatever the size of the county; a list costs a count and a page. The counts
cover the whole county (the period is the county's); a list shows the rows in the viewer's subtrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appraisal.models import AppraisalPeriod
from appraisal.scoring.periods import QUARTER, period_key_for
from common.dates import month_end
from org.models import Official, User
from org.selectors import access_for, subtree_q
from tasks.models import MonthlyReport, ReportStatus
from training.models import Attendance, CriticismFlag, TrainingSession

REPORTS_UNREVIEWED, REPORTS_MISSING = "reports_unreviewed", "reports_missing"
SESSIONS_UNRECORDED, FLAGS_UNDECIDED = "sessions_unrecorded", "flags_undecided"
HANDED_IN = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.PUBLISHED)
LABELS: dict[str, Promise] = {
    REPORTS_UNREVIEWED: _("Monthly reports submitted but not reviewed"),
    REPORTS_MISSING: _("Monthly reports not handed in"),
    SESSIONS_UNRECORDED: _("Training sessions without attendance"),
    FLAGS_UNDECIDED: _("Public criticisms waiting for the head"),
}
ITEMS = tuple(LABELS)


@dataclass(frozen=True)
class OpenItem:
    code: str
    label: Promise
    count: int
    url: str


def period_months(period: AppraisalPeriod) -> list[date]:
    """Return the first days of the months lying wholly in the period."""
    months = []
    month = period.start if period.start.day == 1 else (period.start.replace(day=1) + timedelta(days=32)).replace(
        day=1)
    while month_end(month) <= period.end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def period_quarters(period: AppraisalPeriod) -> list[str]:
    """Return the keys of the quarters the period touches (a criticism flag belongs to a quarter)."""
    keys, day = [], period.start
    while day <= period.end:
        keys.append(period_key_for(QUARTER, day))
        day = (month_end(day.replace(month=(day.month - 1) // 3 * 3 + 3, day=1)) + timedelta(days=1))
    return keys


def _in_post_by(day: date, relation: str = "") -> Q:
    """Officials in post by ``day`` (those without a joining date always), as the monthly job counts them."""
    return Q(**{f"{relation}joined_on__isnull": True}) | Q(**{f"{relation}joined_on__lte": day})


def _sessions(period: AppraisalPeriod) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(starts_at__date__gte=period.start, starts_at__date__lte=period.end).filter(
        ~Exists(Attendance.objects.filter(session=OuterRef("pk"))))


def _flags(period: AppraisalPeriod) -> QuerySet[CriticismFlag]:
    return CriticismFlag.objects.filter(status=CriticismFlag.Status.PENDING, quarter__in=period_quarters(period))


def period_open_items(period: AppraisalPeriod) -> list[OpenItem]:
    """Return the open items of ``period`` with their counts and the address of their lists (four queries)."""
    months = period_months(period)
    unreviewed = missing = 0
    if months:
        reports = MonthlyReport.objects.filter(month__in=months).aggregate(
            unreviewed=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            **{f"in_{i}": Count("pk", filter=Q(month=m, status__in=HANDED_IN, official__is_active=True)
                                & _in_post_by(month_end(m), "official__")) for i, m in enumerate(months)})
        expected = Official.objects.filter(is_active=True).aggregate(
            **{f"due_{i}": Count("pk", filter=_in_post_by(month_end(m))) for i, m in enumerate(months)})
        unreviewed = reports["unreviewed"]
        missing = sum(expected[f"due_{i}"] - reports[f"in_{i}"] for i in range(len(months)))
    counts = {REPORTS_UNREVIEWED: unreviewed, REPORTS_MISSING: missing,
              SESSIONS_UNRECORDED: _sessions(period).count(), FLAGS_UNDECIDED: _flags(period).count()}
    return [OpenItem(code, LABELS[code], counts[code],
                     reverse("appraisal:period_open_items", args=[period.key, code])) for code in ITEMS]


def open_item_rows(user: User | AnonymousUser, period: AppraisalPeriod, code: str, *,
                   month: date | None = None) -> QuerySet[Any]:
    """Return the records behind an open item, in the user's organization-department subtrees.

    ``reports_missing`` lists the officials of one month (``month``, one of ``period_months``), each with the
    status of the report they have, if any (``report_status``, ``report_id``).
    """
    access = access_for(user)
    everywhere = access.is_superuser
    paths = access.paths(("org",))
    if code == REPORTS_UNREVIEWED:
        reports = MonthlyReport.objects.filter(month__in=period_months(period), status=ReportStatus.SUBMITTED)
        if not everywhere:
            reports = reports.filter(subtree_q(paths, "official__unit__"))
        return reports.select_related("official", "official__unit").order_by(
            "month", "official__unit__path", "official__name", "pk")
    if code == REPORTS_MISSING:
        assert month is not None
        own = MonthlyReport.objects.filter(official=OuterRef("pk"), month=month)
        officials = Official.objects.filter(_in_post_by(month_end(month)), is_active=True).exclude(
            pk__in=MonthlyReport.objects.filter(month=month, status__in=HANDED_IN).values("official_id"))
        if not everywhere:
            officials = officials.filter(subtree_q(paths, "unit__"))
        return officials.select_related("unit").annotate(
            report_status=Subquery(own.values("status")[:1]), report_id=Subquery(own.values("pk")[:1]),
        ).order_by("unit__path", "name", "pk")
    if code == SESSIONS_UNRECORDED:
        sessions = _sessions(period)
        if not everywhere:
            sessions = sessions.filter(subtree_q(paths, "organiser__"))
        return sessions.select_related("organiser").order_by("starts_at", "pk")
    flags = _flags(period)
    if not everywhere:
        flags = flags.filter(subtree_q(paths, "official__unit__"))
    return flags.select_related("official", "official__unit").order_by("quarter", "official__unit__path",
                                                                       "official__name", "pk")
