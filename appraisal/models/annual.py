"""The annual appraisal as the rules run it (公务员法 第35–38、95条; 公务员考核规定 2020), per top-level unit and year:

个人总结 (summaries) → 评语 and proposals → confirmation by the 考核委员会 → 公示 of the 优秀 candidates, with
objections → final grades → written notices the officials sign → 复核 and 申诉. Each step is a service in
``appraisal.services`` that writes a ``ProcedureEvent``; the grade itself is ``GradeDecision``. The 公示 is in
``appraisal.models.notices``, the written notices, 复核 and 申诉 in ``appraisal.models.verdicts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.periods import AppraisalPeriod
from common.history import AppHistoricalRecords
from common.models import TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from org.models import Official, OrgUnit

if TYPE_CHECKING:
    from appraisal.models.notices import Objection
    from org.selectors.posts import Placement

__all__ = ["STAGE_ORDER", "SUMMARY_SECTIONS", "AnnualProcedure", "AnnualSummary", "EventAction", "ProcedureEvent",
           "Stage", "SummaryStatus"]


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
    history = AppHistoricalRecords()

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
    history = AppHistoricalRecords()

    # Not stored: set on the rows of a unit's summaries page (``appraisal.selectors.summaries.attach_moves``): the
    # placement of an official who changed units during the year.
    move: Placement | None

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


# Here, not beside ``Objection`` (``appraisal.models.notices``): the migrations name it by this module.
def objection_path(instance: Objection, filename: str) -> str:
    return f"objections/{instance.notice_id}/{filename}"
