"""Training (学习培训): sessions and study plans, attendance and hours, external training, hour targets."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from common.models import ImportRecord, TimeStampedModel
from common.text_limits import NOTE, LimitedTextField
from org.models import Official, OrgUnit, RankLevel


class SessionKind(models.TextChoices):
    COLLECTIVE_STUDY = "collective_study", _("Collective study")
    PARTY_CLASS = "party_class", _("Party class")
    SPECIAL_CLASS = "special_class", _("Special training class")
    ONLINE_COURSE = "online_course", _("Online course")
    COLLEAGUE_LECTURE = "colleague_lecture", _("Lecture by a colleague")
    FIELD_STUDY = "field_study", _("Field study")
    EXAM = "exam", _("Exam")


class StudyPlan(models.Model):
    """A unit's annual study plan (学习计划): the sessions it plans for the year."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="study_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    notes = LimitedTextField(_("notes"), blank=True, max_length=NOTE)

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="studyplan_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class TrainingSession(TimeStampedModel):
    """A training or study session, with its audience (units with or without their subtree, rank levels)."""

    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    hours = models.DecimalField(_("credited hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0"))])
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(OrgUnit, verbose_name=_("organising unit"), on_delete=models.PROTECT,
                                  related_name="organised_sessions")
    plan = models.ForeignKey(StudyPlan, verbose_name=_("study plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="sessions")
    lecturer = models.ForeignKey(Official, verbose_name=_("lecturer (an official)"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="lectures")
    lecturer_name = models.CharField(_("lecturer (external)"), max_length=100, blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    # Audience: officials of these units (with their subtree when ``include_subunits``) and rank levels
    # (empty list = every rank level).
    audience_units = models.ManyToManyField(OrgUnit, verbose_name=_("audience units"), related_name="+")
    include_subunits = models.BooleanField(_("include sub-units"), default=True)
    audience_rank_levels = models.JSONField(_("audience rank levels"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["starts_at"], name="session_starts_idx"),
                   models.Index(fields=["organiser", "starts_at"], name="session_organiser_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Arrived late")
    LEFT_EARLY = "left_early", _("Left early")
    EXCUSED = "excused", _("On leave (excused)")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """One official's attendance at one session: status, credited hours, optional exam score."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="attendance")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="attendance")
    status = models.CharField(_("status"), max_length=12, choices=AttendanceStatus.choices)
    hours = models.DecimalField(_("credited hours"), max_digits=5, decimal_places=1, default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0"))])
    excuse_reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    excuse_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leave approved by"),
                                           null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    exam_score = models.DecimalField(_("exam score"), max_digits=5, decimal_places=1, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "official"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "official"], name="attendance_unique")]
        indexes = [models.Index(fields=["official", "status"], name="attendance_official_idx")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.official_id} {self.status}"


class SignInImport(ImportRecord):
    """A record of each sign-in sheet uploaded for a session (签到表导入), kept whether it was applied or refused."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="sign_in_imports")
    saved = models.PositiveIntegerField(_("attendance saved"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("sign-in sheet import")
        verbose_name_plural = _("sign-in sheet imports")

    def __str__(self) -> str:
        return f"{self.session_id} {self.filename} {self.created_at:%Y-%m-%d %H:%M}"

    def summary(self) -> str:
        return ngettext("%(n)s official recorded", "%(n)s officials recorded", self.saved) % {"n": self.saved}


class ExternalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ExternalTraining(TimeStampedModel):
    """Training taken elsewhere (个人学习档案): party school, online academy, a superior body's course."""

    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="external_training")
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5"))])
    certificate = models.FileField(
        _("certificate"), upload_to="certificates/%Y/", blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg"])],
    )
    status = models.CharField(_("status"), max_length=10, choices=ExternalStatus.choices,
                              default=ExternalStatus.SUBMITTED)
    return_reason = LimitedTextField(_("reason for return"), blank=True, max_length=NOTE)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("external training")
        verbose_name_plural = _("external training")
        indexes = [models.Index(fields=["official", "status"], name="external_official_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__gte=models.F("started_on")), name="external_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class HourTarget(models.Model):
    """Annual training hours required per rank level; defaults from the national cadre-training rules."""

    rank_level = models.CharField(_("rank level"), max_length=16, choices=RankLevel.choices, unique=True)
    hours_per_year = models.DecimalField(_("hours per year"), max_digits=5, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank_level"]
        verbose_name = _("hour target")
        verbose_name_plural = _("hour targets")

    def __str__(self) -> str:
        return f"{self.get_rank_level_display()} {self.hours_per_year}"


def _month_hours(month: int) -> models.DecimalField:
    return models.DecimalField(format_lazy(_("hours in month {month}"), month=month), max_digits=7,
                               decimal_places=1, default=Decimal("0"))


class MonthHours(models.Model):
    """Hours credited per month of a year (the training report's chart), by the month a session started or external
    training began."""

    month_1 = _month_hours(1)
    month_2 = _month_hours(2)
    month_3 = _month_hours(3)
    month_4 = _month_hours(4)
    month_5 = _month_hours(5)
    month_6 = _month_hours(6)
    month_7 = _month_hours(7)
    month_8 = _month_hours(8)
    month_9 = _month_hours(9)
    month_10 = _month_hours(10)
    month_11 = _month_hours(11)
    month_12 = _month_hours(12)

    class Meta:
        abstract = True


class YearHours(MonthHours):
    """An official's training in one calendar year, summed: a read model of ``Attendance`` and approved
    ``ExternalTraining`` for the county's training report, which would otherwise sum every attendance row of the
    year to rank the officials (171,000 rows at 10,000 officials). Kept by ``training.services.year_hours`` on
    every write of either (model signals and the bulk services); ``manage.py training_hours_rebuild`` rebuilds
    it. The rollup still reads the ledger itself (``with_progress``), since it counts only up to a day.
    """

    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="year_hours")
    year = models.PositiveSmallIntegerField(_("year"))
    # The official's unit when the row was last written: the unit whose ``UnitYearHours`` counts it, so that moving
    # the official knows which unit's sums to take the hours from (``training.services.year_hours``).
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit counted in"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    attendance_hours = models.DecimalField(_("attendance hours"), max_digits=7, decimal_places=1,
                                           default=Decimal("0"))
    external_hours = models.DecimalField(_("external training hours"), max_digits=7, decimal_places=1,
                                         default=Decimal("0"))
    total_hours = models.DecimalField(_("hours credited"), max_digits=7, decimal_places=1, default=Decimal("0"))
    absences = models.PositiveIntegerField(_("absences"), default=0)
    special_incomplete = models.PositiveIntegerField(_("special classes missed"), default=0)

    class Meta:
        verbose_name = _("training hours of a year")
        verbose_name_plural = _("training hours of a year")
        constraints = [models.UniqueConstraint(fields=["official", "year"], name="year_hours_unique")]
        indexes = [models.Index(fields=["year", "total_hours"], name="year_hours_rank_idx")]

    def __str__(self) -> str:
        return f"{self.official_id} {self.year} {self.total_hours}"


MONTH_FIELDS = tuple(f"month_{m}" for m in range(1, 13))


class UnitYearHours(MonthHours):
    """The hours credited per month of a year to the officials now in one unit (not its sub-units): the sums of their
    ``YearHours``, so that the training report's chart adds up a subtree's units instead of every official in it
    (49,000 rows for the county at 50,000 officials). Kept with ``YearHours`` by ``training.services.year_hours``,
    and when officials move to another unit or are deleted (``training.receivers``)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("training hours of a unit's year")
        verbose_name_plural = _("training hours of a unit's year")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unit_year_hours_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


# Leadership members 110 hours a year (550 over five years); everyone else 90 hours (12 days).
DEFAULT_HOUR_TARGETS = {RankLevel.LEADERSHIP: Decimal(110), RankLevel.MIDDLE: Decimal(90),
                        RankLevel.ORDINARY: Decimal(90)}


class CriticismFlag(models.Model):
    """Three or more unexcused absences in a quarter: a public criticism (通报批评) for the head to confirm."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the head")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        # The absences fell below three before a head decided (an absence corrected to leave, say).
        WITHDRAWN = "withdrawn", _("Withdrawn (absences corrected)")

    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="criticism_flags")
    quarter = models.CharField(_("quarter"), max_length=7)  # e.g. 2026-Q3
    absences = models.PositiveSmallIntegerField(_("unexcused absences"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = LimitedTextField(_("note"), blank=True, max_length=NOTE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-quarter", "official"]
        verbose_name = _("public criticism flag")
        verbose_name_plural = _("public criticism flags")
        constraints = [models.UniqueConstraint(fields=["official", "quarter"], name="criticismflag_unique")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.official_id} {self.status}"
