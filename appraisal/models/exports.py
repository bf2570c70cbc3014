"""Register exports run as Celery jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.periods import AppraisalPeriod
from common.text_limits import NOTE, LimitedTextField
from org.models import OrgUnit

__all__ = ["ExportJob"]


class ExportJob(models.Model):
    """A register export running as a Celery job: progress for the page, the file when done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        REGISTER = "register", _("Appraisal register")
        FORMS = "forms", _("Annual appraisal registration forms")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGISTER)
    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="exports")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = LimitedTextField(_("error"), blank=True, max_length=NOTE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")

    def __str__(self) -> str:
        return f"{self.period} {self.status} {self.progress}%"
