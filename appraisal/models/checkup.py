"""The quarterly multi-rater check-up (季度多维体检): rounds, rater assignments with their ratings, and results."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.periods import AppraisalPeriod
from common.history import AppHistoricalRecords
from common.text_limits import NOTE, LimitedTextField
from org.models import Official

__all__ = ["DEFAULT_GROUP_WEIGHTS", "CheckupResult", "CheckupRound", "Dimension", "RaterAssignment", "RaterGroup"]


class RaterGroup(models.TextChoices):
    PRINCIPAL = "principal", _("Principal leader")
    COLLEAGUES = "colleagues", _("Colleagues and public")
    RECIPIENTS = "recipients", _("Service recipients")
    FUNCTIONAL = "functional", _("Functional departments")
    ORGANIZATION = "organization", _("Organization department")


class Dimension(models.TextChoices):
    POLITICAL = "political", _("Political")
    MORAL = "moral", _("Moral")
    DISCIPLINE = "discipline", _("Discipline")
    LAW = "law", _("Law-abiding")
    STYLE = "style", _("Work style")


DEFAULT_GROUP_WEIGHTS = {RaterGroup.PRINCIPAL: 30, RaterGroup.COLLEAGUES: 25, RaterGroup.RECIPIENTS: 20,
                         RaterGroup.FUNCTIONAL: 15, RaterGroup.ORGANIZATION: 10}


class CheckupRound(models.Model):
    """A quarter's check-up, opened by the organization department."""

    period = models.OneToOneField(AppraisalPeriod, verbose_name=_("quarter"), on_delete=models.PROTECT,
                                  related_name="checkup")
    status = models.CharField(_("status"), max_length=8, choices=[("open", _("Open")), ("closed", _("Closed"))],
                              default="open")
    group_weights = models.JSONField(_("group weights"), default=dict)
    # Per group, whether a group with TRIM_FROM ratings or more drops its highest and lowest; a group missing
    # here does (the behaviour before the setting existed).
    group_trim = models.JSONField(_("drop the highest and the lowest rating, by group"), default=dict, blank=True)
    min_responses = models.PositiveSmallIntegerField(_("minimum responses per group"), default=1)
    problem_threshold = models.PositiveSmallIntegerField(_("problem threshold"), default=70)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = AppHistoricalRecords()

    class Meta:
        ordering = ["-period__start"]
        verbose_name = _("check-up round")
        verbose_name_plural = _("check-up rounds")

    def __str__(self) -> str:
        return f"{self.period} 体检"


class RaterAssignment(models.Model):
    """A rater asked to rate an official in a rater group; the rating itself is filled in here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUBMITTED = "submitted", _("Submitted")
        EXCUSED = "excused", _("Excused (conflict of interest)")

    round = models.ForeignKey(CheckupRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="assignments")
    official = models.ForeignKey(Official, verbose_name=_("official rated"), on_delete=models.CASCADE,
                                 related_name="checkup_assignments")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rater"), on_delete=models.CASCADE,
                              related_name="checkup_assignments")
    group = models.CharField(_("rater group"), max_length=16, choices=RaterGroup.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    excuse_reason = models.CharField(_("conflict of interest"), max_length=200, blank=True)
    political = models.PositiveSmallIntegerField(_("political"), null=True, blank=True,
                                                 validators=[MaxValueValidator(100)])
    moral = models.PositiveSmallIntegerField(_("moral"), null=True, blank=True, validators=[MaxValueValidator(100)])
    discipline = models.PositiveSmallIntegerField(_("discipline"), null=True, blank=True,
                                                  validators=[MaxValueValidator(100)])
    law = models.PositiveSmallIntegerField(_("law-abiding"), null=True, blank=True,
                                           validators=[MaxValueValidator(100)])
    style = models.PositiveSmallIntegerField(_("work style"), null=True, blank=True,
                                             validators=[MaxValueValidator(100)])
    comment = LimitedTextField(_("comment"), blank=True, max_length=NOTE)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["round", "official", "group", "id"]
        verbose_name = _("rater assignment")
        verbose_name_plural = _("rater assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "official", "rater"], name="assignment_unique"),
            models.CheckConstraint(
                condition=~Q(status="submitted") | (
                    Q(political__isnull=False) & Q(moral__isnull=False) & Q(discipline__isnull=False)
                    & Q(law__isnull=False) & Q(style__isnull=False)),
                name="assignment_submitted_has_scores"),
        ]
        indexes = [models.Index(fields=["rater", "status"], name="assignment_rater_idx"),
                   # A round's progress (how many assignments in each state) counted from the index alone.
                   models.Index(fields=["round", "status"], name="assignment_progress_idx")]

    def __str__(self) -> str:
        return f"{self.round} {self.official_id} ← {self.rater_id}"


class CheckupResult(models.Model):
    """An official's check-up result: the score, whether it is complete, the problem list."""

    round = models.ForeignKey(CheckupRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="results")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="checkup_results")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    group_scores = models.JSONField(_("group scores"), default=dict)
    dimension_scores = models.JSONField(_("dimension scores"), default=dict)
    is_incomplete = models.BooleanField(_("incomplete"), default=False)
    problems = models.JSONField(_("problem list"), default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["round", "official"]
        verbose_name = _("check-up result")
        verbose_name_plural = _("check-up results")
        constraints = [models.UniqueConstraint(fields=["round", "official"], name="checkupresult_unique")]

    def __str__(self) -> str:
        return f"{self.round} {self.official_id} {self.score}"
