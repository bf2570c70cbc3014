"""Scorecards: an official's and a unit's score and ranks for a period, written by the rollup."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.periods import AppraisalPeriod
from org.models import Official, OrgUnit, RankLevel, UnitCategory

__all__ = ["Scorecard", "UnitScorecard"]


class Scorecard(models.Model):
    """An official's score for a period: each component, the ledger, the total and the ranks."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="scorecards")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="scorecards")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("The top-level unit (bureau, town, park) the official is ranked in."))
    category = models.ForeignKey(UnitCategory, verbose_name=_("unit category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    rank_level = models.CharField(_("rank level"), max_length=16, choices=RankLevel.choices)
    # The official's name when the card was computed, like the unit and rank level above: the ranking board's
    # tie-break, so that its order (total, name, official) is read from one index of the period's cards instead of
    # sorting the county's cards joined to their officials (``scorecard_board_idx``).
    name = models.CharField(_("name"), max_length=50, blank=True, default="")
    # {"work": {"ratio": 0.93, "weight": 40, "points": 37.2, "inputs": {...}}, ...}
    components = models.JSONField(_("components"), default=dict)
    component_total = models.DecimalField(_("component total"), max_digits=6, decimal_places=2, default=Decimal(0))
    bonus = models.DecimalField(_("bonus"), max_digits=6, decimal_places=2, default=Decimal(0))
    deduction = models.DecimalField(_("deductions"), max_digits=6, decimal_places=2, default=Decimal(0))
    ledger_total = models.DecimalField(_("ledger total"), max_digits=6, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, default=Decimal(0))
    rank_in_unit = models.PositiveIntegerField(_("rank in unit"), null=True, blank=True)
    rank_in_category = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    is_provisional = models.BooleanField(_("provisional"), default=True)
    computed_at = models.DateTimeField(_("computed at"))
    # A hash of every computed column but ``computed_at`` (``appraisal.services.bulk.row_fingerprint``): the rollup
    # sends only cards whose fingerprint differs from the stored one. NULL (a card written another way) never
    # matches, so that card is written again.
    fingerprint = models.BigIntegerField(_("fingerprint"), null=True, blank=True, editable=False)

    # Not stored: set on the cards a page shows (``appraisal.selectors.explain.attach_rank_sizes``; the annual
    # pages' ``quarterly_grade``; the ranking board's ``grade_label``), so the templates read them like fields.
    unit_size: int
    category_size: int
    quarterly_grade: str
    grade_label: str

    class Meta:
        ordering = ["period", "unit", "rank_in_unit", "official"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [models.UniqueConstraint(fields=["period", "official"], name="scorecard_unique")]
        indexes = [models.Index(fields=["period", "unit", "total"], name="scorecard_period_unit_idx"),
                   models.Index(fields=["official", "period"], name="scorecard_official_idx"),
                   # "第 n 名 / 共 N 人": the group sizes of a period read from the index alone.
                   models.Index(fields=["period", "category", "rank_level", "unit"], name="scorecard_rank_sizes_idx"),
                   # A head's lists of a period: the scope (the official's unit or the card's) tested on the index
                   # alone, not on 10,000 wide rows.
                   models.Index(fields=["period", "official", "unit"], name="scorecard_period_scope_idx"),
                   models.Index(fields=["period", "-total", "name", "official"], name="scorecard_board_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.official_id} {self.total}"


class UnitScorecard(models.Model):
    """A unit's score for a period: the average of its officials, ranked among units of its category."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="unit_scorecards")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(UnitCategory, verbose_name=_("unit category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    headcount = models.PositiveIntegerField(_("appraised headcount"), default=0)
    average_total = models.DecimalField(_("average total"), max_digits=6, decimal_places=2, default=Decimal(0))
    rank_in_category = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    is_provisional = models.BooleanField(_("provisional"), default=True)
    computed_at = models.DateTimeField(_("computed at"))

    # Not stored: set on the cards a page shows (``appraisal.selectors.explain.attach_unit_category_sizes``).
    category_size: int

    class Meta:
        ordering = ["period", "category", "rank_in_category"]
        verbose_name = _("unit scorecard")
        verbose_name_plural = _("unit scorecards")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="unitscorecard_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.unit_id} {self.average_total}"
