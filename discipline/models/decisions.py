"""Decisions (the outcome of a case for one subject, with its effects) and the appeals (申诉) against them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from discipline.models.cases import Case
from discipline.models.catalogue import DecisionKind, GradeCap, cap_label, cap_years_field, later_cap_field
from org.models import Official


class DecisionQuerySet(models.QuerySet["Decision"]):
    def effective(self) -> DecisionQuerySet:
        """Decisions whose effects count: neither exempted under error tolerance nor revoked on appeal."""
        return self.filter(exempted=False, revoked=False)

    def in_force_on(self, day: date) -> DecisionQuerySet:
        return self.effective().filter(effective_date__lte=day).filter(
            Q(in_force_until__isnull=True, effective_date=day) | Q(in_force_until__gte=day))


class Decision(TimeStampedModel):
    """The outcome of a case for one subject: a kind with its period, points, grade cap and promotion bar.

    The effects are copied from the kind when decided (and may be set otherwise then), so a later change to
    the catalogue does not rewrite past decisions. ``exempted`` (error tolerance) and ``revoked`` (appeal)
    keep the record but remove every effect.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="decisions")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.PROTECT,
                                 related_name="discipline_decisions")
    kind = models.ForeignKey(DecisionKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+")
    effective_date = models.DateField(_("effective date"))
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0))])
    grade_cap = models.CharField(_("grade cap"), max_length=16, choices=GradeCap.choices, blank=True)
    cap_years = cap_years_field()
    later_cap = later_cap_field()
    no_promotion_until = models.DateField(_("no promotion until"), null=True, blank=True)
    summary = LimitedTextField(_("decision text"), blank=True, max_length=LONG)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    exempted = models.BooleanField(_("exempted (error tolerance)"), default=False)
    revoked = models.BooleanField(_("revoked on appeal"), default=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["official", "effective_date"], name="decision_official_idx")]
        constraints = [
            models.UniqueConstraint(fields=["case", "official", "kind"], name="decision_unique_per_kind"),
            models.CheckConstraint(condition=Q(in_force_until__isnull=True)
                                   | Q(in_force_until__gte=models.F("effective_date")),
                                   name="decision_in_force_after_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.kind}"

    @property
    def has_effect(self) -> bool:
        return not (self.exempted or self.revoked)

    @property
    def grade_cap_label(self) -> str:
        """The cap as named for the official's personnel category (合格, not 称职, for 事业单位 staff)."""
        return cap_label(self.grade_cap, self.official.personnel_category)

    @property
    def later_cap_label(self) -> str:
        return cap_label(self.later_cap, self.official.personnel_category)

    def capped_years(self) -> range:
        """The appraisal years whose grade this decision caps: ``cap_years`` from the year it takes effect."""
        if not self.grade_cap or not self.has_effect:
            return range(0)
        first = self.effective_date.year
        return range(first, first + max(self.cap_years, 1))

    def cap_in(self, year: int) -> str:
        """The cap on the grade of ``year`` ("" if none): ``later_cap`` after the first year, when set."""
        if year not in self.capped_years():
            return ""
        return self.later_cap if self.later_cap and year > self.effective_date.year else self.grade_cap

    def bars_promotion_on(self, day: date) -> bool:
        return self.has_effect and self.no_promotion_until is not None and day <= self.no_promotion_until


# -- appeals --------------------------------------------------------------------------------------------


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    CHANGED = "changed", _("Changed")
    REVOKED = "revoked", _("Revoked")


class Appeal(TimeStampedModel):
    """An appeal (申诉) by the subject against a decision, and its outcome."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT,
                                 related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    filed_on = models.DateField(_("filed on"))
    grounds = LimitedTextField(_("grounds"), max_length=LONG)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AppealOutcome.choices, blank=True)
    outcome_note = LimitedTextField(_("reasons for the outcome"), blank=True, max_length=NOTE)
    previous_kind = models.ForeignKey(DecisionKind, verbose_name=_("kind before the appeal"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    new_kind = models.ForeignKey(DecisionKind, verbose_name=_("kind after the appeal"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(fields=["decision"], condition=Q(outcome=""), name="appeal_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.filed_on}"

    @property
    def is_pending(self) -> bool:
        return not self.outcome
