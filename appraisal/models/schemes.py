"""The scoring scheme (DESIGN §4): the weighted components, the schemes that weight them by unit category and
rank level, and the catalogue of bonus and deduction rules."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.history import AppHistoricalRecords
from common.text_limits import NOTE, LimitedTextField
from org.models import RankLevel, UnitCategory

__all__ = ["DEFAULT_WEIGHTS", "Component", "Scheme", "SchemeComponent", "ScoreRule"]


class Component(models.TextChoices):
    """The weighted parts of a score. A component whose facts are not (yet) available for an official is left
    out and the others are scaled up, so a new source (training, in its own issue) plugs in by registering a
    provider in ``appraisal.components`` — the rollup does not change."""

    WORK = "work", _("Work results")
    TIMELINESS = "timeliness", _("Report timeliness")
    EVALUATION = "evaluation", _("Multi-rater evaluation")
    TRAINING = "training", _("Training hours")


DEFAULT_WEIGHTS = {Component.WORK: 40, Component.TIMELINESS: 10, Component.EVALUATION: 30, Component.TRAINING: 20}


class Scheme(models.Model):
    """Component weights for a unit category and rank level (差异化考核); blank means "any"."""

    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        UnitCategory, verbose_name=_("unit category"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="schemes",
    )
    rank_level = models.CharField(_("rank level"), max_length=16, choices=RankLevel.choices, blank=True)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["category__sort_order", "rank_level", "id"]
        verbose_name = _("appraisal scheme")
        verbose_name_plural = _("appraisal schemes")
        constraints = [
            models.UniqueConstraint(fields=["category", "rank_level"], name="scheme_unique_scope",
                                    nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeComponent(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="components")
    component = models.CharField(_("component"), max_length=16, choices=Component.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["scheme", "component"]
        verbose_name = _("scheme component")
        verbose_name_plural = _("scheme components")
        constraints = [models.UniqueConstraint(fields=["scheme", "component"], name="schemecomponent_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.get_component_display()} {self.weight}"


class ScoreRule(models.Model):
    """A bonus or deduction rule of the catalogue (加减分规则), with its points range and cap per period."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = LimitedTextField(_("description"), blank=True, max_length=NOTE)
    min_points = models.DecimalField(_("minimum points"), max_digits=6, decimal_places=2)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(
        _("cap per period"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("The most this rule can add or take away in one period, as a positive number."),
    )
    is_manual = models.BooleanField(_("entered by hand"), default=True,
                                    help_text=_("Heads may record it; otherwise it is derived from facts."))
    is_active = models.BooleanField(_("active"), default=True)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("score rule")
        verbose_name_plural = _("score rules")
        constraints = [
            models.CheckConstraint(condition=Q(min_points__lte=models.F("max_points")), name="scorerule_range"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="scorerule_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
