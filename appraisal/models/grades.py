"""Annual grades: the grade decided for each official and the approvals of a larger share of 优秀."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.periods import AppraisalPeriod
from common.history import AppHistoricalRecords
from common.text_limits import LONG, NOTE, LimitedTextField
from org.models import Official, OrgUnit

if TYPE_CHECKING:
    from org.selectors.posts import Placement

__all__ = ["GRADE_ORDER", "Grade", "GradeDecision", "GradeStatus", "QuotaApproval"]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    COMPETENT = "competent", _("Competent (称职)")
    BASIC = "basic", _("Basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("Incompetent (不称职)")
    UNDETERMINED = "undetermined", _("Not determined (不确定等次)")
    NOT_APPRAISED = "not_appraised", _("Not appraised (不参加考核)")


class GradeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    NOTICE = "notice", _("Under public notice")
    FINAL = "final", _("Final")


# Best first; a cap "at most X" allows X and everything after it in this order (not the last two).
GRADE_ORDER = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]


class GradeDecision(models.Model):
    """An official's annual grade: proposed from the year's score, capped by constraints, confirmed by the
    organization department (an override needs a reason)."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("year"), on_delete=models.PROTECT,
                               related_name="grades")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grades")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("year score"), max_digits=6, decimal_places=2, null=True, blank=True)
    proposed = models.CharField(_("proposed grade"), max_length=16, choices=Grade.choices)
    constraints = models.JSONField(_("constraints"), default=list)  # [{"max_grade", "reason", "source"}]
    final = models.CharField(_("final grade"), max_length=16, choices=Grade.choices, blank=True)
    # LONG: a change on review writes "复核变更：" before the review's reasons (a NOTE).
    override_reason = LimitedTextField(_("reason for override"), blank=True, max_length=LONG)
    flags = models.JSONField(_("flags"), default=list)  # e.g. ["commendation", "dismissal_review"]
    # Where the grade stands in the year's procedure (see ``appraisal.models.annual``).
    status = models.CharField(_("status"), max_length=12, choices=GradeStatus.choices, default=GradeStatus.PROPOSED)
    # The head over the official (主管领导): the 评语 and the head's proposed grade, with a reason when it differs
    # from the proposal of the scores.
    comment = LimitedTextField(_("comment (评语)"), blank=True, max_length=NOTE)
    head_grade = models.CharField(_("head's proposed grade"), max_length=16, choices=Grade.choices, blank=True)
    head_reason = LimitedTextField(_("reason for the head's proposal"), blank=True, max_length=NOTE)
    commented_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("comment by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    commented_at = models.DateTimeField(_("comment at"), null=True, blank=True)
    # An upheld objection sends a 优秀 candidate's grade back to proposal; the finding is kept here.
    withdrawn_reason = LimitedTextField(_("reason sent back"), blank=True, max_length=NOTE)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = AppHistoricalRecords()

    # Not stored: set on the rows of the 评语 page (``appraisal.selectors.comments.attach_comment_rules``): what the
    # head must write (a ``CommentRule``) and, for an official who changed units during the year, where.
    rule: str
    move: Placement | None

    class Meta:
        ordering = ["period", "unit", "official"]
        verbose_name = _("annual grade")
        verbose_name_plural = _("annual grades")
        constraints = [models.UniqueConstraint(fields=["period", "official"], name="grade_unique")]
        # A unit's grades of a year, and whether a unit has any (the grades page's units without a procedure):
        # one probe per unit instead of reading the unit's grades of every year (13 ms over 1,669 units).
        indexes = [models.Index(fields=["unit", "period"], name="grade_unit_period_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.official_id} {self.final or self.proposed}"

    @property
    def recommended(self) -> str:
        """The grade put to the organization department: the head's proposal, else the scores'."""
        return self.head_grade or self.proposed

    @property
    def current(self) -> str:
        """The grade as it stands: final when confirmed, else the recommendation."""
        return self.final or self.recommended


class QuotaApproval(models.Model):
    """A recorded approval for a unit to grade more than the default share of its officials 优秀."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("year"), on_delete=models.CASCADE,
                               related_name="quota_approvals")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    share = models.DecimalField(_("share of 优秀"), max_digits=4, decimal_places=3,
                                validators=[MinValueValidator(0), MaxValueValidator(1)])
    reason = LimitedTextField(_("reason"), max_length=NOTE)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    history = AppHistoricalRecords()

    class Meta:
        verbose_name = _("quota approval")
        verbose_name_plural = _("quota approvals")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="quotaapproval_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.unit_id} {self.share}"
