"""Discipline and accountability (纪律与问责): the rule catalogue, cases, decisions, error tolerance, appeals, talks.

Everything here is confidential except a decision's *effect* (grade cap, points, promotion bar), which heads
see for officials in their scope. Who may read what is decided in ``discipline.selectors``; this module holds
the data and its invariants. The appraisal reads decisions in force (``Decision.objects.in_effect``) to derive
its ledger entries and grade constraints — this app does not import the appraisal.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from org.models import QUALIFIED_GRADE_CATEGORIES, Official, OrgUnit, PersonnelCategory

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
        return ("discipline.models.PrivateStorage", (), {})


private_storage = PrivateStorage()


# -- the rule catalogue ---------------------------------------------------------------------------------


class RuleCategory(models.TextChoices):
    PROHIBITION = "prohibition", _("Eight prohibitions")
    VIOLATION = "violation", _("Breach of rules and discipline")
    DECISION_ERROR = "decision_error", _("Faulty decision-making")
    WORK_ERROR = "work_error", _("Failure at work")
    STYLE = "style", _("Work style")


class DisciplineRule(models.Model):
    """A rule officials are held to: one of the eight prohibitions (八不准) or an accountability situation."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=RuleCategory.choices)
    text = models.CharField(_("text"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("discipline rule")
        verbose_name_plural = _("discipline rules")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


# -- decision kinds -------------------------------------------------------------------------------------


class DecisionGroup(models.TextChoices):
    ACCOUNTABILITY = "accountability", _("Accountability measure")
    ORGANISATIONAL = "organisational", _("Organisational measure")
    GOVERNMENT = "government", _("Government sanction")
    PARTY = "party", _("Party sanction")
    # 事业单位工作人员处分 (事业单位人事管理条例 第28、29条): 警告, 记过, 降低岗位等级, 开除 — for 事业单位 staff only.
    INSTITUTION = "institution", _("Public institution staff sanction")


class GradeCap(models.TextChoices):
    """The best annual grade a decision allows; the values are the appraisal's grade codes."""

    COMPETENT = "competent", _("at most Competent (称职)")
    BASIC = "basic", _("at most Basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("Incompetent (不称职)")
    UNDETERMINED = "undetermined", _("Not determined (不确定等次)")
    NOT_APPRAISED = "not_appraised", _("Not appraised (不参加考核)")


# How the caps read for staff graded 合格/基本合格/不合格 (org.QUALIFIED_GRADE_CATEGORIES: 事业单位, 编外).
QUALIFIED_CAP_LABELS: dict[str, Promise] = {
    GradeCap.COMPETENT: _("at most Qualified (合格)"),
    GradeCap.BASIC: _("at most Basically qualified (基本合格)"),
    GradeCap.INCOMPETENT: _("Unqualified (不合格)"),
}


def cap_label(cap: str, category: str | None = None) -> str:
    """Return the name of a grade cap for an official of ``category`` ("" for none): "at most 合格" for 事业单位."""
    if not cap:
        return ""
    if category in QUALIFIED_GRADE_CATEGORIES and cap in QUALIFIED_CAP_LABELS:
        return str(QUALIFIED_CAP_LABELS[cap])
    return str(GradeCap(cap).label) if cap in GradeCap.values else cap


def cap_years_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        _("grade cap for (appraisal years)"), default=1, validators=[MinValueValidator(1)],
        help_text=_("How many appraisal years the cap applies to, counted from the year the decision takes "
                    "effect; 1 = that year only."))


def later_cap_field() -> models.CharField:
    return models.CharField(
        _("grade cap in the later years"), max_length=16, choices=GradeCap.choices, blank=True,
        help_text=_("Empty: the same cap every year. Otherwise the cap for the years after the first."))


class DecisionKind(models.Model):
    """A kind of decision with its defaults: period in force, points, grade cap, promotion bar."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    group = models.CharField(_("group"), max_length=20, choices=DecisionGroup.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), default=0, help_text=_("Lighter kinds first."))
    months_in_force = models.PositiveSmallIntegerField(_("months in force"), null=True, blank=True,
                                                      help_text=_("Empty: the decision has no period."))
    points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=2, default=Decimal(0),
                                 validators=[MinValueValidator(Decimal(0))])
    grade_cap = models.CharField(_("grade cap"), max_length=16, choices=GradeCap.choices, blank=True)
    cap_years = cap_years_field()
    later_cap = later_cap_field()
    cap_in_force = models.BooleanField(
        _("grade cap for the period in force"), default=False,
        help_text=_("Ticked: a decision caps every appraisal year its period in force touches (a 12-month period "
                    "from March caps that year and the next); the number of years above is then ignored."))
    promotion_bar_months = models.PositiveSmallIntegerField(
        _("no promotion for (months)"), null=True, blank=True,
        help_text=_("Empty: no bar beyond the period in force (a sanction bars promotion while in force)."))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "severity", "code"]
        verbose_name = _("decision kind")
        verbose_name_plural = _("decision kinds")

    def __str__(self) -> str:
        return self.name

    @property
    def grade_cap_label(self) -> str:
        """The cap as named for the staff the kind is for (合格 for a 事业单位 sanction)."""
        return cap_label(self.grade_cap, PersonnelCategory.INSTITUTION if self.group == DecisionGroup.INSTITUTION
                         else None)

    @property
    def later_cap_label(self) -> str:
        return cap_label(self.later_cap, PersonnelCategory.INSTITUTION if self.group == DecisionGroup.INSTITUTION
                         else None)


# -- cases ----------------------------------------------------------------------------------------------


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


# -- decisions ------------------------------------------------------------------------------------------


class DecisionQuerySet(models.QuerySet["Decision"]):
    def effective(self) -> DecisionQuerySet:
        """Decisions whose effects count: neither exempted under error tolerance nor revoked on appeal."""
        return self.filter(exempted=False, revoked=False)

    def in_force_on(self, day: date) -> DecisionQuerySet:
        return self.effective().filter(effective_date__lte=day).filter(
            Q(in_force_until__isnull=True, effective_date=day) | Q(in_force_until__gte=day))


class Decision(TimeStampedModel):
    """The outcome of a case for one subject: a kind with its period, points, grade cap and promotion bar.

    The effects are copied from the kind when decided (and may be set otherwise then), so a later change to
    the catalogue does not rewrite past decisions. ``exempted`` (error tolerance) and ``revoked`` (appeal)
    keep the record but remove every effect.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="decisions")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.PROTECT,
                                 related_name="discipline_decisions")
    kind = models.ForeignKey(DecisionKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+")
    effective_date = models.DateField(_("effective date"))
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0))])
    grade_cap = models.CharField(_("grade cap"), max_length=16, choices=GradeCap.choices, blank=True)
    cap_years = cap_years_field()
    later_cap = later_cap_field()
    no_promotion_until = models.DateField(_("no promotion until"), null=True, blank=True)
    summary = LimitedTextField(_("decision text"), blank=True, max_length=LONG)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    exempted = models.BooleanField(_("exempted (error tolerance)"), default=False)
    revoked = models.BooleanField(_("revoked on appeal"), default=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["official", "effective_date"], name="decision_official_idx")]
        constraints = [
            models.UniqueConstraint(fields=["case", "official", "kind"], name="decision_unique_per_kind"),
            models.CheckConstraint(condition=Q(in_force_until__isnull=True)
                                   | Q(in_force_until__gte=models.F("effective_date")),
                                   name="decision_in_force_after_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.kind}"

    @property
    def has_effect(self) -> bool:
        return not (self.exempted or self.revoked)

    @property
    def grade_cap_label(self) -> str:
        """The cap as named for the official's personnel category (合格, not 称职, for 事业单位 staff)."""
        return cap_label(self.grade_cap, self.official.personnel_category)

    @property
    def later_cap_label(self) -> str:
        return cap_label(self.later_cap, self.official.personnel_category)

    def capped_years(self) -> range:
        """The appraisal years whose grade this decision caps: ``cap_years`` from the year it takes effect."""
        if not self.grade_cap or not self.has_effect:
            return range(0)
        first = self.effective_date.year
        return range(first, first + max(self.cap_years, 1))

    def cap_in(self, year: int) -> str:
        """The cap on the grade of ``year`` ("" if none): ``later_cap`` after the first year, when set."""
        if year not in self.capped_years():
            return ""
        return self.later_cap if self.later_cap and year > self.effective_date.year else self.grade_cap

    def bars_promotion_on(self, day: date) -> bool:
        return self.has_effect and self.no_promotion_until is not None and day <= self.no_promotion_until


# -- error tolerance ------------------------------------------------------------------------------------


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


# -- appeals --------------------------------------------------------------------------------------------


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    CHANGED = "changed", _("Changed")
    REVOKED = "revoked", _("Revoked")


class Appeal(TimeStampedModel):
    """An appeal (申诉) by the subject against a decision, and its outcome."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT,
                                 related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    filed_on = models.DateField(_("filed on"))
    grounds = LimitedTextField(_("grounds"), max_length=LONG)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AppealOutcome.choices, blank=True)
    outcome_note = LimitedTextField(_("reasons for the outcome"), blank=True, max_length=NOTE)
    previous_kind = models.ForeignKey(DecisionKind, verbose_name=_("kind before the appeal"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    new_kind = models.ForeignKey(DecisionKind, verbose_name=_("kind after the appeal"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(fields=["decision"], condition=Q(outcome=""), name="appeal_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.filed_on}"

    @property
    def is_pending(self) -> bool:
        return not self.outcome


# -- talks ----------------------------------------------------------------------------------------------


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
