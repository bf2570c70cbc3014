"""The 公示 of the annual procedure: public notices of the 优秀 candidates, and the objections filed while one runs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.annual import AnnualProcedure, objection_path
from appraisal.models.grades import GradeDecision
from common.history import AppHistoricalRecords
from common.text_limits import NOTE, LimitedTextField
from discipline.models import ATTACHMENT_EXTENSIONS, private_storage
from org.models import Official

__all__ = ["NoticeCandidate", "Objection", "ObjectionStatus", "PublicNotice"]


class PublicNotice(models.Model):
    """The public notice of a unit's 优秀 candidates, for at least the configured number of working days."""

    procedure = models.ForeignKey(AnnualProcedure, verbose_name=_("procedure"), on_delete=models.CASCADE,
                                  related_name="notices")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="notice_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.procedure} {self.starts_on}–{self.ends_on}"


class NoticeCandidate(models.Model):
    """A 优秀 candidate as the notice published them: name, unit and post (never a score)."""

    notice = models.ForeignKey(PublicNotice, verbose_name=_("notice"), on_delete=models.CASCADE,
                               related_name="candidates")
    grade = models.ForeignKey(GradeDecision, verbose_name=_("grade"), on_delete=models.CASCADE, related_name="+")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    unit_name = models.CharField(_("unit"), max_length=100)
    post = models.CharField(_("post"), max_length=100, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = LimitedTextField(_("reason withdrawn"), blank=True, max_length=NOTE)

    class Meta:
        ordering = ["notice", "unit_name", "name", "id"]
        verbose_name = _("notice candidate")
        verbose_name_plural = _("notice candidates")
        constraints = [models.UniqueConstraint(fields=["notice", "grade"], name="candidate_unique")]

    def __str__(self) -> str:
        return self.name


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a finding")
    UPHELD = "upheld", _("Upheld (成立)")
    REJECTED = "rejected", _("Unfounded (不成立)")


class Objection(models.Model):
    """An objection (异议) to a candidate, filed under the objector's own name; the candidate never sees who."""

    notice = models.ForeignKey(PublicNotice, verbose_name=_("notice"), on_delete=models.CASCADE,
                               related_name="objections")
    candidate = models.ForeignKey(NoticeCandidate, verbose_name=_("candidate"), on_delete=models.CASCADE,
                                  related_name="objections")
    filed_by = models.ForeignKey(Official, verbose_name=_("filed by"), on_delete=models.CASCADE, related_name="+")
    filed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by user"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    reason = LimitedTextField(_("reasons"), max_length=NOTE)
    attachment = models.FileField(_("attachment"), upload_to=objection_path, storage=private_storage, blank=True,
                                  max_length=300, validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)])
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN)
    finding = LimitedTextField(_("finding"), blank=True, max_length=NOTE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = AppHistoricalRecords(excluded_fields=["attachment"])

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [models.Index(fields=["notice", "status"], name="objection_status_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.candidate_id} {self.status}"


# -- the written notice (书面通知) and the official's signature -----------------------------------------------
