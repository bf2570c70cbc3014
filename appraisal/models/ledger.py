"""The score ledger: one row per bonus or deduction of an official."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.schemes import ScoreRule
from common.history import AppHistoricalRecords
from org.models import Official

__all__ = ["ScoreEntry"]


class ScoreEntry(models.Model):
    """One row of the ledger: points (±) for an official, under a rule, for a reason, from a source.

    Derived entries (from tasks, reports, letters, and later training and discipline) are unique per
    source, rule and official, so re-deriving never double counts. Manual entries have no source.
    ``occurred_on`` places the entry in every period (week, month, quarter, year) that contains it.
    """

    class Origin(models.TextChoices):
        DERIVED = "derived", _("Derived")
        MANUAL = "manual", _("Manual")

    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="score_entries")
    occurred_on = models.DateField(_("date"))
    rule = models.ForeignKey(ScoreRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="entries")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.MANUAL)
    source_type = models.ForeignKey(ContentType, verbose_name=_("source type"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = AppHistoricalRecords()

    # Not stored: set on the rows a page shows (``appraisal.selectors.scores.ledger_page_rows`` and
    # ``mark_removable``).
    source_url: str
    source_label: str
    removable: bool

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        indexes = [models.Index(fields=["official", "occurred_on"], name="scoreentry_official_date_idx"),
                   models.Index(fields=["occurred_on"], name="scoreentry_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "source_type", "source_id", "official"],
                                    condition=Q(origin="derived"), name="scoreentry_derived_unique"),
            models.CheckConstraint(
                condition=Q(origin="manual") | (Q(source_type__isnull=False) & Q(source_id__isnull=False)),
                name="scoreentry_derived_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} {self.rule_id} {self.points}"
