"""Monthly work reports (月度实绩报告): the report, its items and every step of its workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from org.models import Official
from tasks.models.tasks import Task


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class ReportRating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class MonthlyReport(TimeStampedModel):
    """The monthly work report (月度实绩报告): this month's quantified results and next month's plan."""

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    next_month_plan = LimitedTextField(_("next month's plan"), blank=True, max_length=LONG)
    self_assessment = LimitedTextField(_("self-assessment"), blank=True, max_length=LONG)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    is_missing = models.BooleanField(
        _("missing at the deadline"), default=False, help_text=_("Set by the monthly job when not submitted in time.")
    )
    return_reason = LimitedTextField(_("reason for return"), blank=True, max_length=NOTE)
    rating = models.CharField(_("quality rating"), max_length=16, choices=ReportRating.choices, blank=True)
    review_comment = LimitedTextField(_("review comment"), blank=True, max_length=NOTE)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "official"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["official", "month"], name="monthlyreport_one_per_official_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthlyreport_month_is_first_day"),
        ]
        indexes = [models.Index(fields=["month", "status"], name="monthlyreport_month_status_idx"),
                   # The 公示 board counts a county's published reports by their officials' units from the index.
                   models.Index(fields=["status", "official"], name="monthlyreport_status_idx"),
                   # A month's reports of every official (readiness, the home page's to-dos) read from the index
                   # alone, in official order: at 50,000 officials the table's 12,000 pages cost 60 ms.
                   models.Index(fields=["month", "official"], include=["status", "id"],
                                name="monthlyreport_month_cover_idx")]

    def __str__(self) -> str:
        return f"{self.official} {self.month:%Y-%m}"

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class MonthlyReportItem(models.Model):
    """One result in a monthly report, optionally tied to a task, with a quantified indicator."""

    report = models.ForeignKey(MonthlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="items")
    content = LimitedTextField(_("result"), max_length=NOTE)
    indicator = models.CharField(_("quantified indicator"), max_length=200, blank=True)
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL, related_name="report_items"
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["report", "sort_order", "id"]
        verbose_name = _("report item")
        verbose_name_plural = _("report items")

    def __str__(self) -> str:
        return self.content[:30]


class ReportTransition(models.Model):
    """Every step of a report's workflow: who moved it, when, from what to what, and why."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ReportStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = LimitedTextField(_("comment"), blank=True, max_length=NOTE)

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status}"
