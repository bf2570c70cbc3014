"""Appraisal periods (week, month, quarter, year), their audited events and the runs of their rollup."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.history import AppHistoricalRecords
from common.text_limits import LONG, NOTE, LimitedTextField

__all__ = ["AppraisalPeriod", "PeriodEvent", "PeriodKind", "PeriodStatus", "RollupRun"]


class PeriodKind(models.TextChoices):
    # A kind of period reads 周/月度/季度/年度 (a context of its own: "Month" elsewhere is 月份).
    WEEK = "week", pgettext_lazy("period kind", "Week")
    MONTH = "month", pgettext_lazy("period kind", "Month")
    QUARTER = "quarter", pgettext_lazy("period kind", "Quarter")
    YEAR = "year", pgettext_lazy("period kind", "Year")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class AppraisalPeriod(models.Model):
    """A week, month, quarter or year. Closing freezes the scheme it used (``scheme_snapshot``)."""

    key = models.CharField(_("key"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    scheme_snapshot = models.JSONField(_("scheme snapshot"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    last_rollup_at = models.DateTimeField(_("last rollup"), null=True, blank=True)
    # When a fact dated in the open period last changed and the scores may not show it yet (a change touching
    # many officials, or whose scores are still being recomputed); cleared by a rollup or the recomputation
    # that covers it (``appraisal.consequences``). Set: the rollup is stale.
    facts_changed_at = models.DateTimeField(_("facts changed at"), null=True, blank=True, editable=False)
    # Why the organization department closed the period with work still open (the close page, issue 15).
    close_reason = LimitedTextField(_("reason for closing with open items"), blank=True, editable=False,
                                    max_length=NOTE)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("appraisal period")
        verbose_name_plural = _("appraisal periods")
        indexes = [models.Index(fields=["kind", "start"], name="period_kind_start_idx")]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start")]

    def __str__(self) -> str:
        return self.key

    @property
    def is_frozen(self) -> bool:
        return self.status != PeriodStatus.OPEN


class PeriodEvent(models.Model):
    """An audited action on a period: close, publish, re-open (with the reason)."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="events")
    action = models.CharField(_("action"), max_length=16)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # The reason as typed (at most NOTE) and, on a close with work open, the counts of what was open.
    reason = LimitedTextField(_("reason"), blank=True, max_length=LONG)

    class Meta:
        ordering = ["period", "at", "id"]
        verbose_name = _("period event")
        verbose_name_plural = _("period events")

    def __str__(self) -> str:
        return f"{self.period} {self.action}"


class RollupRun(models.Model):
    """One run of the rollup of a period, for the progress bar and the record."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="rollups")
    final = models.BooleanField(_("final"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = LimitedTextField(_("error"), blank=True, max_length=NOTE)
    officials = models.PositiveIntegerField(_("officials"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")

    def __str__(self) -> str:
        return f"{self.period} {self.status} {self.progress}%"
