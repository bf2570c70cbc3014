"""Talks (谈心谈话): records of reminder and care talks — records, not scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.text_limits import NOTE, LimitedTextField
from discipline.models.cases import Case
from org.models import Official


class TalkKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder talk (提醒谈话)")
    CARE = "care", _("Care talk (关心关爱)")


class TalkOccasion(models.TextChoices):
    JOB_CHANGE = "job_change", _("Job change")
    SETBACK = "setback", _("Setback at work")
    FAMILY = "family", _("Family event")
    RETIREMENT = "retirement", _("Retirement")
    WARNING_SIGN = "warning_sign", _("Early sign of a problem")
    OTHER = "other", _("Other")


class Talk(TimeStampedModel):
    """A record of a talk (谈心谈话) — a record, not a score."""

    official = models.ForeignKey(Official, verbose_name=_("talked to"), on_delete=models.PROTECT,
                                 related_name="talks")
    kind = models.CharField(_("kind"), max_length=10, choices=TalkKind.choices)
    occasion = models.CharField(_("occasion"), max_length=16, choices=TalkOccasion.choices,
                                default=TalkOccasion.OTHER)
    held_on = models.DateField(_("date"))
    talker = models.ForeignKey(Official, verbose_name=_("talked by"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    talker_name = models.CharField(_("talked by (name and post)"), max_length=100, blank=True)
    topic = LimitedTextField(_("topic"), max_length=NOTE)
    follow_up = LimitedTextField(_("follow-up"), blank=True, max_length=NOTE)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="talks")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        constraints = [
            models.CheckConstraint(condition=Q(talker__isnull=False) | ~Q(talker_name=""), name="talk_has_talker"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.official}"
