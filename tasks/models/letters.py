"""Supervision letters (督办函): issued to a unit or an official, replied to, closed by two signatures."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.text_limits import LONG, LimitedTextField
from org.models import Official, OrgUnit
from tasks.models.tasks import Task


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class SupervisionLetter(TimeStampedModel):
    """A supervision letter (督办函) to a unit or an official, with a reply deadline; closing needs two signatures."""

    number = models.CharField(_("letter number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    content = LimitedTextField(_("content"), max_length=LONG)
    issuer_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="letters_issued"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("recipient unit"), on_delete=models.PROTECT, related_name="letters_received"
    )
    recipient_official = models.ForeignKey(
        Official, verbose_name=_("recipient official"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="letters_received",
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    reply_deadline = models.DateField(_("reply deadline"))
    status = models.CharField(_("status"), max_length=16, choices=LetterStatus.choices, default=LetterStatus.ISSUED)
    reply = LimitedTextField(_("reply"), blank=True, max_length=LONG)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    issuer_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issuer sign-off"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    issuer_signed_at = models.DateTimeField(_("issuer signed at"), null=True, blank=True)
    recipient_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient sign-off"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    recipient_signed_at = models.DateTimeField(_("recipient signed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supervision letter")
        verbose_name_plural = _("supervision letters")
        indexes = [models.Index(fields=["status", "reply_deadline"], name="letter_status_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_overdue(self, today: date | None = None) -> bool:
        """Not replied by the reply deadline (a replied letter is not overdue, even if late)."""
        return self.status == LetterStatus.ISSUED and self.reply_deadline < (today or timezone.localdate())
