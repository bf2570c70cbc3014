"""Leave records (请假) of officials."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from org.models.officials import Official


class LeaveKind(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    MATERNITY = "maternity", _("Maternity leave")
    MARRIAGE = "marriage", _("Marriage leave")
    BEREAVEMENT = "bereavement", _("Bereavement leave")
    ANNUAL = "annual", _("Annual leave")
    OTHER = "other", _("Other leave")


class LeaveRecord(TimeStampedModel):
    """A leave (请假) of an official, from ``start_date`` to ``end_date``, both days included.

    Kept by the head over the official or the organization department (``org.services.leave``), seen by the
    official; the appraisal counts the days of some kinds (病假、事假) toward "more than half the year away"
    (考核规定 2020 第27条). Two records of one official never overlap: the services refuse it.
    """

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="leave_records")
    kind = models.CharField(_("kind of leave"), max_length=16, choices=LeaveKind.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["official", "-start_date"]
        verbose_name = _("leave record")
        verbose_name_plural = _("leave records")
        indexes = [
            models.Index(fields=["official", "start_date"], name="leave_official_start_idx"),
            models.Index(fields=["start_date", "end_date"], name="leave_dates_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} {self.kind} {self.start_date}–{self.end_date}"

    def clean(self) -> None:
        """Refuse reversed dates and an overlap with another record of the official (for the admin; the services
        check the same under a lock, with their own messages)."""
        if self.start_date is None or self.end_date is None or self.official_id is None:
            return
        if self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day is before the first day.")})
        overlapping = LeaveRecord.objects.filter(official_id=self.official_id, start_date__lte=self.end_date,
                                                 end_date__gte=self.start_date).exclude(pk=self.pk or 0)
        if overlapping.exists():
            raise ValidationError(_("This leave overlaps another leave record of the official."))

    @property
    def days(self) -> int:
        """Calendar days of the leave, both ends included."""
        return (self.end_date - self.start_date).days + 1

    @property
    def recorded_by_name(self) -> str:
        """Who recorded it, by name (their official record's, else the account's full name), never by login."""
        user = self.recorded_by
        if user is None:
            return ""
        official = getattr(user, "official", None)
        return official.name if official is not None else user.get_full_name()
