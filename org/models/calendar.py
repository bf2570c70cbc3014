"""The working-day calendar: the days that break the weekly rhythm."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarDay(models.Model):
    """A day that breaks the weekly rhythm: a weekday off (法定节假日) or a weekend worked (调休上班).

    Weekends are days off unless a row marks them as working days; weekdays are working days unless a
    row marks them as holidays. Reads go through ``org.workdays``; writes through
    ``org.services.calendar``.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), default=False,
        help_text=_("Ticked for a weekend day worked in exchange for a holiday (调休上班); unticked for a "
                    "weekday off."),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()
