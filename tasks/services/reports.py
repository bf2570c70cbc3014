"""Monthly work reports (月度实绩报告): drafting, submission, review, sign-off and publication.

Workflow: draft → submitted → returned (reason) → submitted … → approved (rating) → published.
Every transition writes a ``ReportTransition``. Transitions are race-safe: the row is locked
(``select_for_update``) and the write is a conditional ``UPDATE … WHERE status = <seen>``, so two
heads approving at once end with one approval and one ``conflict`` error, on SQLite as on PostgreSQL.

The reads the report pages and API share, and who may review, are in ``tasks.selectors.reports``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError, from_validation_error
from common.notifications import notify
from common.text_limits import check_values
from org.facts import facts_changed, month_span
from org.models import Official, User
from org.selectors import users_with_role_over
from tasks.models import MonthlyReport, MonthlyReportItem, ReportRating, ReportStatus, ReportTransition
from tasks.selectors.reports import (
    is_head_over,
    is_own_report,
    month_start,
    report_deadline,
    reports_visible_to,
)
from tasks.services._report_items import clean_items

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# --- permissions -----------------------------------------------------------------------------------
def _require_reviewer(user: User, report: MonthlyReport) -> None:
    """A head in scope of the official's unit, who is not the report's own official."""
    if is_own_report(user, report.official_id):
        raise ApplicationError(_("Nobody may review or sign their own report."), code="own_report")
    if not is_head_over(user, report.official):
        raise ApplicationError(_("Only a head over this official's unit may review the report."), code="forbidden")


def _require_author(user: User, report: MonthlyReport) -> None:
    if not is_own_report(user, report.official_id):
        raise ApplicationError(_("Only the official may write and submit their own report."), code="forbidden")


# --- writes ----------------------------------------------------------------------------------------
def report_get_or_create_draft(
    *, official: Official, month: date, by: User, today: date | None = None
) -> MonthlyReport:
    """Return the official's report for ``month`` (normalised to the 1st), creating an empty draft.

    Only the official's own user, or a head over the official's unit, may create it; a month after the
    current one cannot be reported on yet.
    """
    month = month_start(month)
    if not (is_own_report(by, official.pk) or is_head_over(by, official)):
        raise ApplicationError(_("You may not write a report for this official."), code="forbidden")
    if month > month_start(today or timezone.localdate()):
        raise ApplicationError(_("A report cannot be written for a future month."), code="future_month")
    try:
        with transaction.atomic():
            report, created = MonthlyReport.objects.get_or_create(official=official, month=month)
            if created:
                ReportTransition.objects.create(report=report, from_status="", to_status=ReportStatus.DRAFT, by=by)
    except IntegrityError:  # created by a concurrent request between the lookup and the insert
        report = MonthlyReport.objects.get(official=official, month=month)
    return report


def _lock(report: MonthlyReport) -> MonthlyReport:
    return MonthlyReport.objects.select_for_update().select_related("official", "official__unit").get(pk=report.pk)


def _refuse_status(
    seen: MonthlyReport, current: MonthlyReport, *, message: str, code: str = "invalid_transition"
) -> ApplicationError:
    """``conflict`` when someone changed the report since the caller read it, else ``invalid_transition``."""
    if seen.status != current.status:
        return ApplicationError(
            _("Someone else has just changed this report (it is now “%(status)s”); reload and check.")
            % {"status": current.get_status_display()}, code="conflict",
        )
    return ApplicationError(message, code=code)


def _conditional_update(locked: MonthlyReport, expected: str, fields: dict[str, Any]) -> None:
    """Write ``fields`` only if the status is still ``expected`` (the lock makes this certain on PostgreSQL;
    the condition makes it certain where row locks do not exist)."""
    for name, value in fields.items():
        setattr(locked, name, value)
    try:
        locked.full_clean()
    except ValidationError as error:
        raise from_validation_error(locked, error) from None
    fields = {**fields, "updated_at": timezone.now()}
    if not MonthlyReport.objects.filter(pk=locked.pk, status=expected).update(**fields):
        raise ApplicationError(_("Someone else has just changed this report; reload and check."), code="conflict")


def report_save(
    *, report: MonthlyReport, by: User, items: list[dict[str, Any]], next_month_plan: str, self_assessment: str
) -> MonthlyReport:
    """Replace the report's items, plan and self-assessment while it is a draft or returned.

    Only the official's own user may write it. A validation error raises before anything is written.
    """
    _require_author(by, report)
    check_values(MonthlyReport, next_month_plan=next_month_plan.strip(), self_assessment=self_assessment.strip())
    rows = clean_items(items, by=by)
    with transaction.atomic():
        locked = _lock(report)
        if locked.status not in EDITABLE:
            raise _refuse_status(
                report, locked, message=_("This report has been submitted and can no longer be edited."),
                code="not_editable",
            )
        _conditional_update(locked, locked.status, {
            "next_month_plan": next_month_plan.strip(), "self_assessment": self_assessment.strip(),
        })
        locked.items.all().delete()
        new_items = [
            MonthlyReportItem(report=locked, content=r.content, indicator=r.indicator, task_id=r.task_id, sort_order=i)
            for i, r in enumerate(rows)
        ]
        for item in new_items:
            item.full_clean(exclude=["report", "task"])
        MonthlyReportItem.objects.bulk_create(new_items)
    report.refresh_from_db()
    return report


def _transition(
    *, report: MonthlyReport, by: User, allowed_from: tuple[str, ...], to: str,
    fields: Callable[[MonthlyReport], dict[str, Any]], refused: str, comment: str = "",
    check: Callable[[MonthlyReport], None] | None = None,
) -> MonthlyReport:
    """Lock, check the status and the actor, write the new status conditionally, record the transition."""
    locked = _lock(report)
    if locked.status not in allowed_from:
        raise _refuse_status(report, locked, message=refused)
    if check is not None:
        check(locked)
    from_status = locked.status
    _conditional_update(locked, from_status, {**fields(locked), "status": to})
    ReportTransition.objects.create(report=locked, from_status=from_status, to_status=to, by=by, comment=comment)
    # Submitted, returned, approved with a rating: the month's timeliness and work components move (publishing
    # an approved report counts as it did approved, so a head signing many at once moves nothing).
    if to != ReportStatus.PUBLISHED:
        span = month_span(locked.month)
        facts_changed(facts={"report_timeliness": [span], "report_rating": [span]}, officials=[locked.official_id])
    return locked


def _url(report: MonthlyReport) -> str:
    return reverse("tasks:report_detail", args=[report.pk])


def report_submit(*, report: MonthlyReport, by: User, now: datetime | None = None) -> MonthlyReport:
    """Submit a draft or returned report for review (at least one item); flag it late after the deadline.

    Lateness is decided by the first submission: a report returned for revision and resubmitted later
    is not late because of the return.
    """
    now = now or timezone.now()
    _require_author(by, report)
    late = timezone.localdate(now) > report_deadline(month_start(report.month))

    def has_items(locked: MonthlyReport) -> None:
        if not locked.items.exists():
            raise ApplicationError(_("Add at least one result before submitting."), code="empty_report")

    def fields(locked: MonthlyReport) -> dict[str, Any]:
        first = locked.submitted_at is None
        return {"submitted_at": now, "is_late": late if first else locked.is_late}

    with transaction.atomic():
        locked = _transition(
            report=report, by=by, allowed_from=EDITABLE, to=ReportStatus.SUBMITTED, fields=fields,
            refused=_("Only a draft or a returned report can be submitted."), check=has_items,
        )
        heads = users_with_role_over(locked.official.unit, "head").exclude(pk=by.pk)
        notify(
            users=list(heads), kind="report_submitted", url=_url(locked),
            title=_("%(name)s submitted the monthly report for %(month)s") % {
                "name": locked.official.name, "month": locked.month_key},
        )
    report.refresh_from_db()
    return report


def report_return(*, report: MonthlyReport, by: User, reason: str) -> MonthlyReport:
    """Return a submitted report to its official for revision, with a reason (a head in scope)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for returning the report."), code="reason_required")
    check_values(MonthlyReport, names={"return_reason": "reason"}, return_reason=reason)
    with transaction.atomic():
        locked = _transition(
            report=report, by=by, allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.RETURNED,
            fields=lambda _r: {"return_reason": reason, "reviewed_by": by, "reviewed_at": timezone.now()},
            comment=reason, refused=_("Only a submitted report can be returned."),
            check=lambda r: _require_reviewer(by, r),
        )
        notify(
            users=[u for u in [locked.official.user] if u is not None], kind="report_returned", url=_url(locked),
            title=_("Your monthly report for %(month)s was returned for revision") % {"month": locked.month_key},
            body=reason,
        )
    report.refresh_from_db()
    return report


def report_approve(*, report: MonthlyReport, by: User, rating: str, comment: str = "") -> MonthlyReport:
    """Approve a submitted report with a quality rating and a comment (a head in scope, never one's own)."""
    if rating not in ReportRating.values:
        raise ApplicationError(_("Choose a rating: excellent, good, fair or poor."), code="invalid_rating")
    comment = (comment or "").strip()
    check_values(MonthlyReport, names={"review_comment": "comment"}, review_comment=comment)
    with transaction.atomic():
        locked = _transition(
            report=report, by=by, allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.APPROVED,
            fields=lambda _r: {
                "rating": rating, "review_comment": comment, "reviewed_by": by, "reviewed_at": timezone.now()},
            comment=comment, refused=_("Only a submitted report can be approved."),
            check=lambda r: _require_reviewer(by, r),
        )
        notify(
            users=[u for u in [locked.official.user] if u is not None], kind="report_approved", url=_url(locked),
            title=_("Your monthly report for %(month)s was approved (%(rating)s)") % {
                "month": locked.month_key, "rating": locked.get_rating_display()},
            body=comment,
        )
    report.refresh_from_db()
    return report


def report_publish(*, report: MonthlyReport, by: User) -> MonthlyReport:
    """Sign an approved report and publish it to the members of the official's unit (月度实绩公示)."""
    with transaction.atomic():
        locked = _transition(
            report=report, by=by, allowed_from=(ReportStatus.APPROVED,), to=ReportStatus.PUBLISHED,
            fields=lambda _r: {"published_by": by, "published_at": timezone.now()},
            refused=_("Only an approved report can be published."), check=lambda r: _require_reviewer(by, r),
        )
        notify(
            users=[u for u in [locked.official.user] if u is not None], kind="report_published", url=_url(locked),
            title=_("Your monthly report for %(month)s was published") % {"month": locked.month_key},
        )
    report.refresh_from_db()
    return report


BULK_MAX = 200  # reports signed in one go; the queue shows 25 a page


@dataclass(frozen=True)
class Refusal:
    report_id: int
    name: str  # the official's name; empty when the report is not one the head may see
    message: str


@dataclass(frozen=True)
class BulkPublishResult:
    published: list[MonthlyReport]
    refused: list[Refusal]


def reports_publish(*, report_ids: Iterable[int], by: User) -> BulkPublishResult:
    """Sign and publish several approved reports at once (the head's review queue).

    Each report goes through ``report_publish`` — its own lock, state and reviewer checks, its notification —
    in its own savepoint, so one refused (not approved any more, one's own, not under one's head role) leaves
    the others signed and is reported with its reason; a report one may not see is refused like a missing one.
    All of it is one transaction: anything unexpected signs nothing.
    """
    ids = list(dict.fromkeys(report_ids))
    if len(ids) > BULK_MAX:
        raise ApplicationError(_("Sign at most %(n)s reports at once.") % {"n": BULK_MAX}, code="too_many")
    found = {r.pk: r for r in reports_visible_to(by, roles=("head",)).filter(pk__in=ids)}
    published: list[MonthlyReport] = []
    refused: list[Refusal] = []
    with transaction.atomic():
        for pk in ids:
            report = found.get(pk)
            if report is None:
                refused.append(Refusal(pk, "", _("This report is not in your queue.")))
                continue
            try:
                published.append(report_publish(report=report, by=by))
            except ApplicationError as error:
                refused.append(Refusal(pk, report.official.name, error.message))
    return BulkPublishResult(published=published, refused=refused)
