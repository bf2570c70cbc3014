"""平时考核: the quarterly grade of every appraised official (公务员法 第36条: the annual appraisal rests on it).

Each quarter (an ``AppraisalPeriod`` of kind quarter) every appraised official gets a ``QuarterlyGrade``: proposed
from the quarter's score within the unit's share of 好, written up by the head over the official with a short
写实 comment and confirmed; then the official sees it and may ask the head to reconsider it, once. The services are
in ``appraisal.services.quarterly``; the annual grading reads the confirmed grades
(``appraisal.constraints.quarterly`` and the tie-break in ``appraisal.services.grades``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.periods import AppraisalPeriod
from common.history import AppHistoricalRecords
from common.models import TimeStampedModel
from common.text_limits import NOTE, SHORT_NOTE, LimitedTextField
from org.models import Official, OrgUnit

__all__ = ["QUARTER_GRADE_ORDER", "QuarterGrade", "QuarterlyGrade", "QuarterlyRule", "QuarterlyStatus",
           "ReconsiderOutcome"]


class QuarterGrade(models.TextChoices):
    GOOD = "good", _("Good (好)")
    FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
    AVERAGE = "average", _("Average (一般)")
    POOR = "poor", _("Poor (较差)")


# Best first.
QUARTER_GRADE_ORDER = list(QuarterGrade)


class QuarterlyStatus(models.TextChoices):
    PROPOSED = "proposed", _("Not confirmed yet")
    CONFIRMED = "confirmed", _("Confirmed")


class ReconsiderOutcome(models.TextChoices):
    KEPT = "kept", _("Grade kept")
    CHANGED = "changed", _("Grade changed")


class QuarterlyGrade(TimeStampedModel):
    """An official's grade for a quarter: the proposal of the scores, the head's grade and 写实 comment, the
    confirmation, and the one request to reconsider with the head's answer."""

    # No index of their own: the unique pair (period, official) and the index (official, period) serve them. Fewer
    # indexes keep the proposal of a county's quarter fast; so do the users' foreign keys below, never looked up.
    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("quarter"), on_delete=models.PROTECT,
                               related_name="quarterly_grades", db_index=False)
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="quarterly_grades", db_index=False)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("The top-level unit (bureau, town, park) whose share of 好 applies."))
    # What the scores propose: the quarter's score and the grade it reaches within the unit's share of 好.
    score = models.DecimalField(_("quarter score"), max_digits=6, decimal_places=2, null=True, blank=True)
    proposed = models.CharField(_("proposed grade"), max_length=12, choices=QuarterGrade.choices)
    share_tie = models.BooleanField(_("tied at the share of 好"), default=False,
                                    help_text=_("Tied on score with others at the boundary of the share of 好: "
                                                "none of them was proposed 好; the head decides."))
    proposed_at = models.DateTimeField(_("proposed at"))
    # The head over the official: the grade and the 写实 comment.
    grade = models.CharField(_("grade"), max_length=12, choices=QuarterGrade.choices, blank=True)
    comment = LimitedTextField(_("comment (写实)"), blank=True, max_length=SHORT_NOTE)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("graded by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", db_index=False)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=QuarterlyStatus.choices,
                              default=QuarterlyStatus.PROPOSED)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The official's one request to reconsider, and the head's answer.
    reconsider_reason = LimitedTextField(_("reason to reconsider"), blank=True, max_length=NOTE)
    reconsider_asked_at = models.DateTimeField(_("reconsideration asked at"), null=True, blank=True)
    answer_text = LimitedTextField(_("answer"), blank=True, max_length=NOTE)
    answer_outcome = models.CharField(_("outcome"), max_length=8, choices=ReconsiderOutcome.choices, blank=True)
    answer_grade = models.CharField(_("grade after the answer"), max_length=12, choices=QuarterGrade.choices,
                                    blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The history is read per grade (by ``id``); its foreign keys need no index of their own.
    history = AppHistoricalRecords(no_db_index=["period", "official", "unit", "graded_by", "confirmed_by",
                                             "answered_by"])

    class Meta:
        ordering = ["period", "unit", "official"]
        verbose_name = _("quarterly grade")
        verbose_name_plural = _("quarterly grades")
        constraints = [
            models.UniqueConstraint(fields=["period", "official"], name="quarterlygrade_unique"),
            # A confirmed grade has its grade, its comment and who confirmed it.
            models.CheckConstraint(
                condition=Q(status="proposed") | (
                    ~Q(grade="") & ~Q(comment="") & Q(confirmed_at__isnull=False)),
                name="quarterlygrade_confirmed_complete"),
            models.CheckConstraint(condition=Q(answered_at__isnull=True) | Q(reconsider_asked_at__isnull=False),
                                   name="quarterlygrade_answer_after_request"),
        ]
        indexes = [models.Index(fields=["period", "unit", "status"], name="quarterlygrade_unit_idx"),
                   models.Index(fields=["official", "period"], name="quarterlygrade_official_idx"),
                   # The requests to reconsider: the few grades asked about, found without reading the county's.
                   models.Index(fields=["answered_at", "reconsider_asked_at"], name="quarterlygrade_asked_idx",
                                condition=Q(reconsider_asked_at__isnull=False))]

    def __str__(self) -> str:
        return f"{self.period} {self.official_id} {self.current}"

    @property
    def current(self) -> str:
        """The grade as it stands: the head's when written, else the proposal of the scores."""
        return self.grade or self.proposed

    @property
    def waiting_answer(self) -> bool:
        return self.reconsider_asked_at is not None and self.answered_at is None


class QuarterlyRule(models.Model):
    """A top-level unit's choice for a year: an official without a single 好 quarter is not proposed 优秀."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    require_good = models.BooleanField(_("优秀 needs a 好 quarter"), default=False)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["-year", "unit"]
        verbose_name = _("quarterly grade rule of a unit")
        verbose_name_plural = _("quarterly grade rules of units")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="quarterlyrule_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id} {self.require_good}"
