"""The end of the annual procedure: the written notices of the grades (书面通知) the officials sign, and the 复核 and
申诉 that may follow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.grades import Grade, GradeDecision
from common.history import AppHistoricalRecords
from common.text_limits import LONG, NOTE, LimitedTextField
from org.models import Official

__all__ = ["AppealOutcome", "GradeAppeal", "GradeNotice", "GradeReview", "ReviewOutcome", "SignStatus"]


class SignStatus(models.TextChoices):
    PENDING = "pending", _("Not signed yet")
    AGREED = "agreed", _("Signed: agree (同意)")
    DISAGREED = "disagreed", _("Signed: disagree (不同意)")
    UNSIGNED = "unsigned", _("Not signed in time (未签署)")


class GradeNotice(models.Model):
    """The written notice of a final grade, as it was sent; the official signs it with their opinion.

    A grade changed on review (复核) is notified again: the earlier notice stops being current.
    """

    grade = models.ForeignKey(GradeDecision, verbose_name=_("grade"), on_delete=models.CASCADE,
                              related_name="notices")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grade_notices")
    grade_value = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    comment = LimitedTextField(_("comment (评语)"), blank=True, max_length=NOTE)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    sign_due = models.DateField(_("sign by"))
    review_due = models.DateField(_("review may be asked until"))
    is_current = models.BooleanField(_("current"), default=True)
    status = models.CharField(_("signature"), max_length=10, choices=SignStatus.choices, default=SignStatus.PENDING)
    opinion = LimitedTextField(_("own opinion (本人意见)"), blank=True, max_length=NOTE)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("written grade notice")
        verbose_name_plural = _("written grade notices")
        indexes = [models.Index(fields=["official", "is_current"], name="gradenotice_official_idx"),
                   models.Index(fields=["status", "sign_due"], name="gradenotice_due_idx")]

    def __str__(self) -> str:
        return f"{self.grade_id} {self.grade_value} {self.status}"


# -- 复核 and 申诉 -----------------------------------------------------------------------------------------


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld (维持)")
    CHANGED = "changed", _("Changed (变更)")


class GradeReview(models.Model):
    """A request for review (复核) of a final grade, and the organization department's decision."""

    grade = models.OneToOneField(GradeDecision, verbose_name=_("grade"), on_delete=models.CASCADE,
                                 related_name="review")
    notice = models.ForeignKey(GradeNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="+")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grade_reviews")
    reason = LimitedTextField(_("reasons"), max_length=NOTE)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decide_by = models.DateField(_("decide by"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=ReviewOutcome.choices, blank=True)
    previous_grade = models.CharField(_("grade before"), max_length=16, choices=Grade.choices)
    new_grade = models.CharField(_("new grade"), max_length=16, choices=Grade.choices, blank=True)
    decision_reason = LimitedTextField(_("reasons for the decision"), blank=True, max_length=NOTE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("grade review")
        verbose_name_plural = _("grade reviews")

    def __str__(self) -> str:
        return f"{self.grade_id} {self.outcome or 'open'}"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    CHANGED = "changed", _("Changed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GradeAppeal(models.Model):
    """An appeal (申诉) to the higher authority, recorded here: the decision is made outside the product."""

    grade = models.ForeignKey(GradeDecision, verbose_name=_("grade"), on_delete=models.CASCADE,
                              related_name="appeals")
    review = models.ForeignKey(GradeReview, verbose_name=_("review"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="appeals")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grade_appeals")
    filed_on = models.DateField(_("filed on"))
    body = models.CharField(_("appealed to"), max_length=200)
    reason = LimitedTextField(_("reasons"), max_length=LONG)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=AppealOutcome.choices, blank=True)
    outcome_text = LimitedTextField(_("decision"), blank=True, max_length=NOTE)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("outcome recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("grade appeal")
        verbose_name_plural = _("grade appeals")

    def __str__(self) -> str:
        return f"{self.grade_id} {self.body}"
