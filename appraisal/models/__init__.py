"""The scoring model (DESIGN §4): schemes and rules, periods, the score ledger, the quarterly multi-rater
check-up, scorecards and rankings, annual grades, and the register exports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.text_limits import LONG, NOTE, LimitedTextField
from org.models import Official, OrgUnit, RankLevel, UnitCategory

# -- schemes and rules --------------------------------------------------------------------------------


class Component(models.TextChoices):
    """The weighted parts of a score. A component whose facts are not (yet) available for an official is left
    out and the others are scaled up, so a new source (training, in its own issue) plugs in by registering a
    provider in ``appraisal.components`` — the rollup does not change."""

    WORK = "work", _("Work results")
    TIMELINESS = "timeliness", _("Report timeliness")
    EVALUATION = "evaluation", _("Multi-rater evaluation")
    TRAINING = "training", _("Training hours")


DEFAULT_WEIGHTS = {Component.WORK: 40, Component.TIMELINESS: 10, Component.EVALUATION: 30, Component.TRAINING: 20}


class Scheme(models.Model):
    """Component weights for a unit category and rank level (差异化考核); blank means "any"."""

    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        UnitCategory, verbose_name=_("unit category"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="schemes",
    )
    rank_level = models.CharField(_("rank level"), max_length=16, choices=RankLevel.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category__sort_order", "rank_level", "id"]
        verbose_name = _("appraisal scheme")
        verbose_name_plural = _("appraisal schemes")
        constraints = [
            models.UniqueConstraint(fields=["category", "rank_level"], name="scheme_unique_scope",
                                    nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeComponent(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="components")
    component = models.CharField(_("component"), max_length=16, choices=Component.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "component"]
        verbose_name = _("scheme component")
        verbose_name_plural = _("scheme components")
        constraints = [models.UniqueConstraint(fields=["scheme", "component"], name="schemecomponent_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.get_component_display()} {self.weight}"


class ScoreRule(models.Model):
    """A bonus or deduction rule of the catalogue (加减分规则), with its points range and cap per period."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = LimitedTextField(_("description"), blank=True, max_length=NOTE)
    min_points = models.DecimalField(_("minimum points"), max_digits=6, decimal_places=2)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(
        _("cap per period"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("The most this rule can add or take away in one period, as a positive number."),
    )
    is_manual = models.BooleanField(_("entered by hand"), default=True,
                                    help_text=_("Heads may record it; otherwise it is derived from facts."))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("score rule")
        verbose_name_plural = _("score rules")
        constraints = [
            models.CheckConstraint(condition=Q(min_points__lte=models.F("max_points")), name="scorerule_range"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="scorerule_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# -- periods ------------------------------------------------------------------------------------------


class PeriodKind(models.TextChoices):
    # A kind of period reads 周/月度/季度/年度 (a context of its own: "Month" elsewhere is 月份).
    WEEK = "week", pgettext_lazy("period kind", "Week")
    MONTH = "month", pgettext_lazy("period kind", "Month")
    QUARTER = "quarter", pgettext_lazy("period kind", "Quarter")
    YEAR = "year", pgettext_lazy("period kind", "Year")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class AppraisalPeriod(models.Model):
    """A week, month, quarter or year. Closing freezes the scheme it used (``scheme_snapshot``)."""

    key = models.CharField(_("key"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    scheme_snapshot = models.JSONField(_("scheme snapshot"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    last_rollup_at = models.DateTimeField(_("last rollup"), null=True, blank=True)
    # When a fact dated in the open period last changed and the scores may not show it yet (a change touching
    # many officials, or whose scores are still being recomputed); cleared by a rollup or the recomputation
    # that covers it (``appraisal.consequences``). Set: the rollup is stale.
    facts_changed_at = models.DateTimeField(_("facts changed at"), null=True, blank=True, editable=False)
    # Why the organization department closed the period with work still open (the close page, issue 15).
    close_reason = LimitedTextField(_("reason for closing with open items"), blank=True, editable=False,
                                    max_length=NOTE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("appraisal period")
        verbose_name_plural = _("appraisal periods")
        indexes = [models.Index(fields=["kind", "start"], name="period_kind_start_idx")]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start")]

    def __str__(self) -> str:
        return self.key

    @property
    def is_frozen(self) -> bool:
        return self.status != PeriodStatus.OPEN


class PeriodEvent(models.Model):
    """An audited action on a period: close, publish, re-open (with the reason)."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="events")
    action = models.CharField(_("action"), max_length=16)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # The reason as typed (at most NOTE) and, on a close with work open, the counts of what was open.
    reason = LimitedTextField(_("reason"), blank=True, max_length=LONG)

    class Meta:
        ordering = ["period", "at", "id"]
        verbose_name = _("period event")
        verbose_name_plural = _("period events")

    def __str__(self) -> str:
        return f"{self.period} {self.action}"


class RollupRun(models.Model):
    """One run of the rollup of a period, for the progress bar and the record."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="rollups")
    final = models.BooleanField(_("final"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = LimitedTextField(_("error"), blank=True, max_length=NOTE)
    officials = models.PositiveIntegerField(_("officials"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")

    def __str__(self) -> str:
        return f"{self.period} {self.status} {self.progress}%"


# -- the ledger ---------------------------------------------------------------------------------------


class ScoreEntry(models.Model):
    """One row of the ledger: points (±) for an official, under a rule, for a reason, from a source.

    Derived entries (from tasks, reports, letters, and later training and discipline) are unique per
    source, rule and official, so re-deriving never double counts. Manual entries have no source.
    ``occurred_on`` places the entry in every period (week, month, quarter, year) that contains it.
    """

    class Origin(models.TextChoices):
        DERIVED = "derived", _("Derived")
        MANUAL = "manual", _("Manual")

    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="score_entries")
    occurred_on = models.DateField(_("date"))
    rule = models.ForeignKey(ScoreRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="entries")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.MANUAL)
    source_type = models.ForeignKey(ContentType, verbose_name=_("source type"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        indexes = [models.Index(fields=["official", "occurred_on"], name="scoreentry_official_date_idx"),
                   models.Index(fields=["occurred_on"], name="scoreentry_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "source_type", "source_id", "official"],
                                    condition=Q(origin="derived"), name="scoreentry_derived_unique"),
            models.CheckConstraint(
                condition=Q(origin="manual") | (Q(source_type__isnull=False) & Q(source_id__isnull=False)),
                name="scoreentry_derived_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} {self.rule_id} {self.points}"


# -- quarterly multi-rater check-up (季度多维体检) -------------------------------------------------------


class RaterGroup(models.TextChoices):
    PRINCIPAL = "principal", _("Principal leader")
    COLLEAGUES = "colleagues", _("Colleagues and public")
    RECIPIENTS = "recipients", _("Service recipients")
    FUNCTIONAL = "functional", _("Functional departments")
    ORGANIZATION = "organization", _("Organization department")


class Dimension(models.TextChoices):
    POLITICAL = "political", _("Political")
    MORAL = "moral", _("Moral")
    DISCIPLINE = "discipline", _("Discipline")
    LAW = "law", _("Law-abiding")
    STYLE = "style", _("Work style")


DEFAULT_GROUP_WEIGHTS = {RaterGroup.PRINCIPAL: 30, RaterGroup.COLLEAGUES: 25, RaterGroup.RECIPIENTS: 20,
                         RaterGroup.FUNCTIONAL: 15, RaterGroup.ORGANIZATION: 10}


class CheckupRound(models.Model):
    """A quarter's check-up, opened by the organization department."""

    period = models.OneToOneField(AppraisalPeriod, verbose_name=_("quarter"), on_delete=models.PROTECT,
                                  related_name="checkup")
    status = models.CharField(_("status"), max_length=8, choices=[("open", _("Open")), ("closed", _("Closed"))],
                              default="open")
    group_weights = models.JSONField(_("group weights"), default=dict)
    # Per group, whether a group with TRIM_FROM ratings or more drops its highest and lowest; a group missing
    # here does (the behaviour before the setting existed).
    group_trim = models.JSONField(_("drop the highest and the lowest rating, by group"), default=dict, blank=True)
    min_responses = models.PositiveSmallIntegerField(_("minimum responses per group"), default=1)
    problem_threshold = models.PositiveSmallIntegerField(_("problem threshold"), default=70)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__start"]
        verbose_name = _("check-up round")
        verbose_name_plural = _("check-up rounds")

    def __str__(self) -> str:
        return f"{self.period} 体检"


class RaterAssignment(models.Model):
    """A rater asked to rate an official in a rater group; the rating itself is filled in here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUBMITTED = "submitted", _("Submitted")
        EXCUSED = "excused", _("Excused (conflict of interest)")

    round = models.ForeignKey(CheckupRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="assignments")
    official = models.ForeignKey(Official, verbose_name=_("official rated"), on_delete=models.CASCADE,
                                 related_name="checkup_assignments")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rater"), on_delete=models.CASCADE,
                              related_name="checkup_assignments")
    group = models.CharField(_("rater group"), max_length=16, choices=RaterGroup.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    excuse_reason = models.CharField(_("conflict of interest"), max_length=200, blank=True)
    political = models.PositiveSmallIntegerField(_("political"), null=True, blank=True,
                                                 validators=[MaxValueValidator(100)])
    moral = models.PositiveSmallIntegerField(_("moral"), null=True, blank=True, validators=[MaxValueValidator(100)])
    discipline = models.PositiveSmallIntegerField(_("discipline"), null=True, blank=True,
                                                  validators=[MaxValueValidator(100)])
    law = models.PositiveSmallIntegerField(_("law-abiding"), null=True, blank=True,
                                           validators=[MaxValueValidator(100)])
    style = models.PositiveSmallIntegerField(_("work style"), null=True, blank=True,
                                             validators=[MaxValueValidator(100)])
    comment = LimitedTextField(_("comment"), blank=True, max_length=NOTE)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["round", "official", "group", "id"]
        verbose_name = _("rater assignment")
        verbose_name_plural = _("rater assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "official", "rater"], name="assignment_unique"),
            models.CheckConstraint(
                condition=~Q(status="submitted") | (
                    Q(political__isnull=False) & Q(moral__isnull=False) & Q(discipline__isnull=False)
                    & Q(law__isnull=False) & Q(style__isnull=False)),
                name="assignment_submitted_has_scores"),
        ]
        indexes = [models.Index(fields=["rater", "status"], name="assignment_rater_idx")]

    def __str__(self) -> str:
        return f"{self.round} {self.official_id} ← {self.rater_id}"


class CheckupResult(models.Model):
    """An official's check-up result: the score, whether it is complete, the problem list."""

    round = models.ForeignKey(CheckupRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="results")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="checkup_results")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    group_scores = models.JSONField(_("group scores"), default=dict)
    dimension_scores = models.JSONField(_("dimension scores"), default=dict)
    is_incomplete = models.BooleanField(_("incomplete"), default=False)
    problems = models.JSONField(_("problem list"), default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["round", "official"]
        verbose_name = _("check-up result")
        verbose_name_plural = _("check-up results")
        constraints = [models.UniqueConstraint(fields=["round", "official"], name="checkupresult_unique")]

    def __str__(self) -> str:
        return f"{self.round} {self.official_id} {self.score}"


# -- scorecards ---------------------------------------------------------------------------------------


class Scorecard(models.Model):
    """An official's score for a period: each component, the ledger, the total and the ranks."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="scorecards")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="scorecards")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("The top-level unit (bureau, town, park) the official is ranked in."))
    category = models.ForeignKey(UnitCategory, verbose_name=_("unit category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    rank_level = models.CharField(_("rank level"), max_length=16, choices=RankLevel.choices)
    # {"work": {"ratio": 0.93, "weight": 40, "points": 37.2, "inputs": {...}}, ...}
    components = models.JSONField(_("components"), default=dict)
    component_total = models.DecimalField(_("component total"), max_digits=6, decimal_places=2, default=Decimal(0))
    bonus = models.DecimalField(_("bonus"), max_digits=6, decimal_places=2, default=Decimal(0))
    deduction = models.DecimalField(_("deductions"), max_digits=6, decimal_places=2, default=Decimal(0))
    ledger_total = models.DecimalField(_("ledger total"), max_digits=6, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, default=Decimal(0))
    rank_in_unit = models.PositiveIntegerField(_("rank in unit"), null=True, blank=True)
    rank_in_category = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    is_provisional = models.BooleanField(_("provisional"), default=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["period", "unit", "rank_in_unit", "official"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [models.UniqueConstraint(fields=["period", "official"], name="scorecard_unique")]
        indexes = [models.Index(fields=["period", "unit", "total"], name="scorecard_period_unit_idx"),
                   models.Index(fields=["official", "period"], name="scorecard_official_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.official_id} {self.total}"


class UnitScorecard(models.Model):
    """A unit's score for a period: the average of its officials, ranked among units of its category."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="unit_scorecards")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(UnitCategory, verbose_name=_("unit category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    headcount = models.PositiveIntegerField(_("appraised headcount"), default=0)
    average_total = models.DecimalField(_("average total"), max_digits=6, decimal_places=2, default=Decimal(0))
    rank_in_category = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    is_provisional = models.BooleanField(_("provisional"), default=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["period", "category", "rank_in_category"]
        verbose_name = _("unit scorecard")
        verbose_name_plural = _("unit scorecards")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="unitscorecard_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.unit_id} {self.average_total}"


# -- annual grades ------------------------------------------------------------------------------------


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    COMPETENT = "competent", _("Competent (称职)")
    BASIC = "basic", _("Basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("Incompetent (不称职)")
    UNDETERMINED = "undetermined", _("Not determined (不确定等次)")
    NOT_APPRAISED = "not_appraised", _("Not appraised (不参加考核)")


class GradeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    NOTICE = "notice", _("Under public notice")
    FINAL = "final", _("Final")


# Best first; a cap "at most X" allows X and everything after it in this order (not the last two).
GRADE_ORDER = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]


class GradeDecision(models.Model):
    """An official's annual grade: proposed from the year's score, capped by constraints, confirmed by the
    organization department (an override needs a reason)."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("year"), on_delete=models.PROTECT,
                               related_name="grades")
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE,
                                 related_name="grades")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("year score"), max_digits=6, decimal_places=2, null=True, blank=True)
    proposed = models.CharField(_("proposed grade"), max_length=16, choices=Grade.choices)
    constraints = models.JSONField(_("constraints"), default=list)  # [{"max_grade", "reason", "source"}]
    final = models.CharField(_("final grade"), max_length=16, choices=Grade.choices, blank=True)
    # LONG: a change on review writes "复核变更：" before the review's reasons (a NOTE).
    override_reason = LimitedTextField(_("reason for override"), blank=True, max_length=LONG)
    flags = models.JSONField(_("flags"), default=list)  # e.g. ["commendation", "dismissal_review"]
    # Where the grade stands in the year's procedure (see ``appraisal.models.annual``).
    status = models.CharField(_("status"), max_length=12, choices=GradeStatus.choices, default=GradeStatus.PROPOSED)
    # The head over the official (主管领导): the 评语 and the head's proposed grade, with a reason when it differs
    # from the proposal of the scores.
    comment = LimitedTextField(_("comment (评语)"), blank=True, max_length=NOTE)
    head_grade = models.CharField(_("head's proposed grade"), max_length=16, choices=Grade.choices, blank=True)
    head_reason = LimitedTextField(_("reason for the head's proposal"), blank=True, max_length=NOTE)
    commented_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("comment by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    commented_at = models.DateTimeField(_("comment at"), null=True, blank=True)
    # An upheld objection sends a 优秀 candidate's grade back to proposal; the finding is kept here.
    withdrawn_reason = LimitedTextField(_("reason sent back"), blank=True, max_length=NOTE)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "unit", "official"]
        verbose_name = _("annual grade")
        verbose_name_plural = _("annual grades")
        constraints = [models.UniqueConstraint(fields=["period", "official"], name="grade_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.official_id} {self.final or self.proposed}"

    @property
    def recommended(self) -> str:
        """The grade put to the organization department: the head's proposal, else the scores'."""
        return self.head_grade or self.proposed

    @property
    def current(self) -> str:
        """The grade as it stands: final when confirmed, else the recommendation."""
        return self.final or self.recommended


class QuotaApproval(models.Model):
    """A recorded approval for a unit to grade more than the default share of its officials 优秀."""

    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("year"), on_delete=models.CASCADE,
                               related_name="quota_approvals")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    share = models.DecimalField(_("share of 优秀"), max_digits=4, decimal_places=3,
                                validators=[MinValueValidator(0), MaxValueValidator(1)])
    reason = LimitedTextField(_("reason"), max_length=NOTE)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quota approval")
        verbose_name_plural = _("quota approvals")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="quotaapproval_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.unit_id} {self.share}"


# -- exports ------------------------------------------------------------------------------------------


class ExportJob(models.Model):
    """A register export running as a Celery job: progress for the page, the file when done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        REGISTER = "register", _("Appraisal register")
        FORMS = "forms", _("Annual appraisal registration forms")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGISTER)
    period = models.ForeignKey(AppraisalPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="exports")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = LimitedTextField(_("error"), blank=True, max_length=NOTE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")

    def __str__(self) -> str:
        return f"{self.period} {self.status} {self.progress}%"


# The annual procedure (个人总结 → 评语 → 确认 → 公示 → 书面通知 → 复核/申诉) lives in its own module; imported
# here so Django finds its models under ``appraisal.models``.
from appraisal.models.annual import *  # noqa: E402, F403

# One-time ballot codes of the check-up (民主测评 without accounts).
from appraisal.models.ballots import *  # noqa: E402, F403

# 平时考核 (quarterly grades): also its own module, imported here for the same reason.
from appraisal.models.quarterly import *  # noqa: E402, F403
