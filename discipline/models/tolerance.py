"""Error tolerance (容错免责): a request for one subject of a case, its review, decision and rectification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from discipline.models.cases import Case
from org.models import Official


class ToleranceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed by discipline inspection")
    APPROVED = "approved", _("Exempted")
    REJECTED = "rejected", _("Rejected")


class RectificationStatus(models.TextChoices):
    NONE = "", _("Not required")
    PENDING = "pending", _("Rectifying")
    DONE = "done", _("Rectified")


class ToleranceRequest(TimeStampedModel):
    """A request for error tolerance (容错免责) for one subject of a case, with the "three distinctions".

    Discipline inspection reviews it (with an opinion for or against), the organization department decides.
    Approval marks the subject's decisions in the case exempted; rectification (纠错) is tracked to the end.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="tolerance_requests")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    by_unit = models.BooleanField(_("requested by the unit"), default=False)
    for_public_good = models.BooleanField(_("acted for the public good, not for personal gain"), default=False)
    followed_procedure = models.BooleanField(_("followed procedure and decided collectively"), default=False)
    no_personal_gain = models.BooleanField(_("sought no personal or improper gain"), default=False)
    corrected_promptly = models.BooleanField(_("corrected the error promptly"), default=False)
    statement = LimitedTextField(_("statement of grounds"), max_length=LONG)
    status = models.CharField(_("status"), max_length=10, choices=ToleranceStatus.choices,
                              default=ToleranceStatus.SUBMITTED)
    review_supports = models.BooleanField(_("review supports exemption"), null=True, blank=True)
    review_opinion = LimitedTextField(_("review opinion"), blank=True, max_length=NOTE)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decision_note = LimitedTextField(_("decision note"), blank=True, max_length=NOTE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rectification = LimitedTextField(_("rectification required"), blank=True, max_length=NOTE)
    rectification_due = models.DateField(_("rectify by"), null=True, blank=True)
    rectification_status = models.CharField(_("rectification"), max_length=8, choices=RectificationStatus.choices,
                                             blank=True, default=RectificationStatus.NONE)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_note = LimitedTextField(_("rectification note"), blank=True, max_length=NOTE)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("error tolerance request")
        verbose_name_plural = _("error tolerance requests")
        constraints = [
            models.UniqueConstraint(fields=["case", "official"], condition=~Q(status="rejected"),
                                    name="tolerance_one_live_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.official}"
