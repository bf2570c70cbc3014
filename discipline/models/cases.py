"""Cases (问责/案件): the file, its steps, its attachments (in private storage) and the log of every read."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from discipline.models.catalogue import DisciplineRule
from org.models import Official, OrgUnit

ATTACHMENT_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "doc", "docx", "xls", "xlsx"]


class PrivateStorage(FileSystemStorage):
    """Case attachments live outside MEDIA_ROOT, with no URL: only a permission-checked view serves them.

    The location is read from ``settings.PRIVATE_MEDIA_ROOT`` on each use (not cached), so tests can point it
    at a temporary folder.
    """

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL")

    def deconstruct(self) -> tuple[str, tuple[()], dict[str, object]]:
        # The migrations name it where it was first defined (re-exported by ``discipline.models``).
        return ("discipline.models.PrivateStorage", (), {})


private_storage = PrivateStorage()


class CaseSource(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision finding")
    COMPLAINT = "complaint", _("Citizen complaint")
    INSPECTION = "inspection", _("Inspection")
    REPORT = "report", _("Report (举报)")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    INVESTIGATING = "investigating", _("Under investigation")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
    NOT_PURSUED = "not_pursued", _("Not pursued")


OPEN_CASE_STATUSES = (CaseStatus.REGISTERED, CaseStatus.INVESTIGATING)


class Case(TimeStampedModel):
    """An accountability or discipline case (问责/案件) about one or more officials."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    # The unit the case is filed under; discipline inspection over it (or above) handles the case.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    subjects = models.ManyToManyField(Official, verbose_name=_("subjects"), related_name="discipline_cases")
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    rules = models.ManyToManyField(DisciplineRule, verbose_name=_("rules broken"), blank=True, related_name="+")
    facts = LimitedTextField(_("facts"), max_length=LONG)
    investigator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("investigator"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices,
                              default=CaseStatus.REGISTERED)
    registered_on = models.DateField(_("registered on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    not_pursued_reason = LimitedTextField(_("reason not pursued"), blank=True, max_length=NOTE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["status", "registered_on"], name="case_status_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="not_pursued") | ~Q(not_pursued_reason=""),
                                   name="case_not_pursued_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES


class CaseTransition(models.Model):
    """One step of a case's life: who moved it, when, from what to what, and why."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = LimitedTextField(_("comment"), blank=True, max_length=NOTE)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=300,
                            validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)])
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self) -> str:
        return self.name


class CaseAccess(models.Model):
    """Every read of a case file (its page, an attachment, the API detail, the register export)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed the case file")
        ATTACHMENT = "attachment", _("Opened an attachment")
        API = "api", _("Read through the API")
        EXPORT = "export", _("Exported in the case register")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="+")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("case file access")
        verbose_name_plural = _("case file accesses")
        indexes = [models.Index(fields=["case", "-at"], name="caseaccess_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id} {self.action}"
