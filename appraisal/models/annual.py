"""The annual appraisal as the rules run it (公务员法 第35–38、95条; 公务员考核规定 2020), per top-level unit and year:

个人总结 (summaries) → 评语 and proposals → confirmation by the 考核委员会 → 公示 of the 优秀 candidates, with
objections → final grades → written notices the officials sign → 复核 and 申诉. Each step is a service in
``appraisal.services`` that writes a ``ProcedureEvent``; the grade itself is ``GradeDecision``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from appraisal.models.grades import Grade, GradeDecision
from appraisal.models.periods import AppraisalPeriod
from common.models import TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from discipline.models import ATTACHMENT_EXTENSIONS, private_storage
from org.models import Official, OrgUnit

__all__ = [
    "STAGE_ORDER", "SUMMARY_SECTIONS", "AnnualProcedure", "AnnualSummary", "AppealOutcome", "EventAction",
    "GradeAppeal", "GradeNotice", "GradeReview", "NoticeCandidate", "Objection", "ObjectionStatus",
    "ProcedureEvent", "PublicNotice", "ReviewOutcome", "SignStatus", "Stage", "SummaryStatus",
]


class Stage(models.TextChoices):
    SUMMARIES = "summaries", _("Summaries")
    COMMENTS = "comments", _("Comments and proposals")
    CONFIRMATION = "confirmation", _("Confirmation")
    NOTICE = "notice", _("Public notice")
    FINAL = "final", _("Final, notices out")
    SIGNED = "signed", _("Notices signed")


STAGE_ORDER = list(Stage)


class AnnualProcedure(models.Model):
    """The year's appraisal of one top-level unit (bureau, town, park) and where it stands."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("year"), on_delete=models.PROTECT,
                               related_name="procedures")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.SUMMARIES)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__start", "unit__path"]
        verbose_name = _("annual procedure")
        verbose_name_plural = _("annual procedures")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="procedure_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.unit}"

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(Stage(self.stage))


class EventAction(models.TextChoices):
    OPEN = "open", _("Opened the appraisal")
    SUMMARY_SUBMIT = "summary_submit", _("Submitted a summary")
    SUMMARY_RETURN = "summary_return", _("Returned a summary")
    SUMMARY_ORAL = "summary_oral", _("Arranged an oral report")
    SUMMARIES_CLOSE = "summaries_close", _("Closed the summaries")
    COMMENT = "comment", _("Wrote a comment")
    PROPOSALS_SUBMIT = "proposals_submit", _("Submitted the proposals")
    CONFIRM = "confirm", _("Confirmed the grades")
    NOTICE_OPEN = "notice_open", _("Posted a public notice")
    OBJECTION_FILE = "objection_file", _("Filed an objection")
    OBJECTION_DECIDE = "objection_decide", _("Recorded an objection's finding")
    FINALIZE = "finalize", _("Made the grades final")
    NOTICE_SIGN = "notice_sign", _("Signed the written notice")
    NOTICE_UNSIGNED = "notice_unsigned", _("Recorded a notice as not signed")
    NOTICES_SIGNED = "notices_signed", _("Every notice signed")
    REVIEW_REQUEST = "review_request", _("Asked for a review")
    REVIEW_DECIDE = "review_decide", _("Decided a review")
    APPEAL_FILE = "appeal_file", _("Recorded an appeal")
    APPEAL_RECORD = "appeal_record", _("Recorded an appeal's outcome")


class ProcedureEvent(models.Model):
    """The audit row of every step of the procedure: who did what, to whom, when, and why."""

    procedure = models.ForeignKey(AnnualProcedure, verbose_name=_("procedure"), on_delete=models.CASCADE,
                                  related_name="events")
    action = models.CharField(_("action"), max_length=32, choices=EventAction.choices)
    official = models.ForeignKey(Official, verbose_name=_("official"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = LimitedTextField(_("note"), blank=True, max_length=LONG)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["procedure", "at", "id"]
        verbose_name = _("procedure event")
        verbose_name_plural = _("procedure events")
        indexes = [models.Index(fields=["procedure", "action"], name="procevent_action_idx")]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.action}"


# -- 个人总结 (述职) ---------------------------------------------------------------------------------------


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")


SUMMARY_SECTIONS = ("morality", "ability", "diligence", "achievement", "integrity")  # 德、能、勤、绩、廉


class AnnualSummary(TimeStampedModel):
    """An official's summary of the year in five sections; a draft, submitted, or returned with a reason."""

    procedure = models.ForeignKey(AnnualProcedure, verbose_name=_("procedure"), on_delete=models.CASCADE,
                                  related_name="summaries")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="annual_summaries")
    morality = LimitedTextField(_("morality (德)"), blank=True, max_length=LONG)
    ability = LimitedTextField(_("ability (能)"), blank=True, max_length=LONG)
    diligence = LimitedTextField(_("diligence (勤)"), blank=True, max_length=LONG)
    achievement = LimitedTextField(_("achievements (绩)"), blank=True, max_length=LONG)
    integrity = LimitedTextField(_("integrity (廉)"), blank=True, max_length=LONG)
    status = models.CharField(_("status"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = LimitedTextField(_("reason for return"), blank=True, max_length=NOTE)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("returned by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    # 班子成员 and 中层 may be asked to give their 述职 orally at a meeting.
    oral_at = models.DateTimeField(_("oral report at"), null=True, blank=True)
    oral_place = models.CharField(_("oral report place"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure", "official__name", "official_id"]
        verbose_name = _("annual summary")
        verbose_name_plural = _("annual summaries")
        constraints = [models.UniqueConstraint(fields=["procedure", "official"], name="summary_unique")]
        indexes = [models.Index(fields=["procedure", "status"], name="summary_status_idx")]

    def __str__(self) -> str:
        return f"{self.procedure} {self.official_id}"

    @property
    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SUMMARY_SECTIONS}

    @property
    def is_editable(self) -> bool:
        return self.status in (SummaryStatus.DRAFT, SummaryStatus.RETURNED)


# -- 公示 and objections ---------------------------------------------------------------------------------


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


def objection_path(instance: Objection, filename: str) -> str:
    return f"objections/{instance.notice_id}/{filename}"


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
    history = HistoricalRecords(excluded_fields=["attachment"])

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [models.Index(fields=["notice", "status"], name="objection_status_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.candidate_id} {self.status}"


# -- the written notice (书面通知) and the official's signature -----------------------------------------------


class SignStatus(models.TextChoices):
    PENDING = "pending", _("Not signed yet")
    AGREED = "agreed", _("Signed: agree (同意)")
    DISAGREED = "disagreed", _("Signed: disagree (不同意)")
    UNSIGNED = "unsigned", _("Not signed in time (未签署)")


class GradeNotice(models.Model):
    """The written notice of a final grade, as it was sent; the official signs it with their opinion.

    A grade changed on review (复核) is notified again: the earlier notice stops being current.
    """

    grade = models.ForeignKey(GradeDecision, verbose_name=_("grade"), on_delete=models.CASCADE,
                              related_name="notices")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grade_notices")
    grade_value = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    comment = LimitedTextField(_("comment (评语)"), blank=True, max_length=NOTE)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    sign_due = models.DateField(_("sign by"))
    review_due = models.DateField(_("review may be asked until"))
    is_current = models.BooleanField(_("current"), default=True)
    status = models.CharField(_("signature"), max_length=10, choices=SignStatus.choices, default=SignStatus.PENDING)
    opinion = LimitedTextField(_("own opinion (本人意见)"), blank=True, max_length=NOTE)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("written grade notice")
        verbose_name_plural = _("written grade notices")
        indexes = [models.Index(fields=["official", "is_current"], name="gradenotice_official_idx"),
                   models.Index(fields=["status", "sign_due"], name="gradenotice_due_idx")]

    def __str__(self) -> str:
        return f"{self.grade_id} {self.grade_value} {self.status}"


# -- 复核 and 申诉 -----------------------------------------------------------------------------------------


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld (维持)")
    CHANGED = "changed", _("Changed (变更)")


class GradeReview(models.Model):
    """A request for review (复核) of a final grade, and the organization department's decision."""

    grade = models.OneToOneField(GradeDecision, verbose_name=_("grade"), on_delete=models.CASCADE,
                                 related_name="review")
    notice = models.ForeignKey(GradeNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="+")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grade_reviews")
    reason = LimitedTextField(_("reasons"), max_length=NOTE)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decide_by = models.DateField(_("decide by"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=ReviewOutcome.choices, blank=True)
    previous_grade = models.CharField(_("grade before"), max_length=16, choices=Grade.choices)
    new_grade = models.CharField(_("new grade"), max_length=16, choices=Grade.choices, blank=True)
    decision_reason = LimitedTextField(_("reasons for the decision"), blank=True, max_length=NOTE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("grade review")
        verbose_name_plural = _("grade reviews")

    def __str__(self) -> str:
        return f"{self.grade_id} {self.outcome or 'open'}"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    CHANGED = "changed", _("Changed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GradeAppeal(models.Model):
    """An appeal (申诉) to the higher authority, recorded here: the decision is made outside the product."""

    grade = models.ForeignKey(GradeDecision, verbose_name=_("grade"), on_delete=models.CASCADE,
                              related_name="appeals")
    review = models.ForeignKey(GradeReview, verbose_name=_("review"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="appeals")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grade_appeals")
    filed_on = models.DateField(_("filed on"))
    body = models.CharField(_("appealed to"), max_length=200)
    reason = LimitedTextField(_("reasons"), max_length=LONG)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=AppealOutcome.choices, blank=True)
    outcome_text = LimitedTextField(_("decision"), blank=True, max_length=NOTE)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("outcome recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("grade appeal")
        verbose_name_plural = _("grade appeals")

    def __str__(self) -> str:
        return f"{self.grade_id} {self.body}"
