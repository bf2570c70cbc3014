"""The rule catalogue (八不准 and the accountability situations) and the kinds of decision with their defaults:
period in force, points, grade cap, promotion bar."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import QUALIFIED_GRADE_CATEGORIES, PersonnelCategory


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
