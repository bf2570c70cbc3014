"""Reads of the use of the annual results (结果运用, shared/rules.md Q1 and "Defaults to adopt" 11).

From the FINAL grades of a year (``GradeDecision.status == "final"``, the grade in ``final``) and of the two
years before it, five lists for the organization department:

- 嘉奖 (commendation): 优秀 this year; the years required to move up one 职级 are cut by half a year
  (《公务员考核规定》第十九条（一）);
- 记三等功 (merit): 优秀 this year and the two years before (第十九条（二）);
- 诫勉 and a time-limited improvement (admonition): 基本称职 this year; the year does not count towards 级别,
  级别工资档次 or 任职年限 (第二十一条);
- adjustment of post or rank: 不称职 this year, one 职务 or 职级 level down (公务员法 第五十条);
- dismissal review (辞退): 不称职 this year and last year (公务员法 第八十八条（一）).

事业单位 staff (and 编外, graded like them) are on the same lists under their own grade names (合格 …); their
adjustment and the second 不合格 carry the consequences of 事业单位人事管理条例 第16条 (a post change; a review
for ending the contract rather than 辞退), written in their rows' notes.

An official can be on two lists: three 优秀 in a row are on the commendation list too (with a note), and a
second 不称职 is on the adjustment list too — the organization department decides what it carries out.

Every list costs one query (the conditions on earlier years are ``EXISTS`` subqueries), the counts of all five
one query, and the earlier grades of a page of rows one query, whatever the number of officials.

Also: ``promotion_eligibility`` — whether an official may be promoted or listed as a 考察对象 this year, from the
discipline app's facts and last year's final grade (《党政领导干部选拔任用工作条例》第二十四条).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.display.grade_labels import grade_label, uses_qualified_grades
from appraisal.models import AppraisalPeriod, Grade, GradeDecision, GradeStatus, PeriodKind
from discipline.selectors.decisions import promotion_eligibility as discipline_eligibility
from org.models import Official, User
from org.selectors import access_for, subtree_q


class ResultList(models.TextChoices):
    COMMENDATION = "commendation", gettext_lazy("Commendation")
    MERIT = "merit", gettext_lazy("Third-class merit")
    ADMONITION = "admonition", gettext_lazy("Admonishment and improvement")
    ADJUSTMENT = "adjustment", gettext_lazy("Post or rank adjustment")
    DISMISSAL = "dismissal", gettext_lazy("Dismissal review")


@dataclass(frozen=True)
class ListRule:
    """Which final grade puts an official on a list, for how many years running, and what it means."""

    grade: str
    years_running: int  # this year included
    note: Promise


RULES: dict[str, ListRule] = {
    ResultList.COMMENDATION: ListRule(Grade.EXCELLENT, 1, gettext_lazy(
        "Commended this year; the years required to move up one rank are cut by half a year.")),
    ResultList.MERIT: ListRule(Grade.EXCELLENT, 3, gettext_lazy(
        "Excellent three years running: third-class merit; priority for promotion when other conditions are "
        "equal.")),
    ResultList.ADMONITION: ListRule(Grade.BASIC, 1, gettext_lazy(
        "Admonishment, a written self-criticism and a deadline to improve; the year does not count towards the "
        "level, the pay step or the years in post or rank.")),
    ResultList.ADJUSTMENT: ListRule(Grade.INCOMPETENT, 1, gettext_lazy(
        "Lower one post or rank level (Civil Servant Law, art. 50).")),
    ResultList.DISMISSAL: ListRule(Grade.INCOMPETENT, 2, gettext_lazy(
        "Incompetent two years running: review for dismissal (Civil Servant Law, art. 88 (1)).")),
}

# The notes for staff graded 合格/基本合格/不合格 (事业单位, 编外) where their consequence differs.
QUALIFIED_NOTES: dict[str, Promise] = {
    ResultList.ADJUSTMENT: gettext_lazy(
        "Unqualified: adjust the post; if the person does not agree to the change, the unit may end the contract "
        "(Regulations on Personnel Management of Public Institutions, art. 16)."),
    ResultList.DISMISSAL: gettext_lazy(
        "Unqualified two years running: review for ending the employment contract on 30 days' written notice "
        "(Regulations on Personnel Management of Public Institutions, art. 16)."),
}

# The download's name is Chinese whatever the interface language (file names users keep are Chinese).
FILE_NAMES = {
    ResultList.COMMENDATION: "嘉奖名单",
    ResultList.MERIT: "记三等功名单",
    ResultList.ADMONITION: "诫勉名单",
    ResultList.ADJUSTMENT: "调整职务职级名单",
    ResultList.DISMISSAL: "辞退审查名单",
}
HISTORY_YEARS = 2  # the earlier years shown beside this year's grade (the longest rule looks back two)


def final_grades_for(user: User, period: AppraisalPeriod) -> QuerySet[GradeDecision]:
    """Return the final grades of a year in the user's organization-department scope (the grade's top-level
    unit under one of their ``org`` grants; a superuser sees every unit)."""
    access = access_for(user)
    qs = GradeDecision.objects.filter(period=period, status=GradeStatus.FINAL)
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths(("org",)), relation="unit__"))


def _final_in(year: int, grade: str) -> Exists:
    return Exists(GradeDecision.objects.filter(
        official_id=OuterRef("official_id"), period__kind=PeriodKind.YEAR, period__key=str(year),
        status=GradeStatus.FINAL, final=grade))


def _condition(kind: str, year: int) -> Q:
    rule = RULES[kind]
    condition = Q(final=rule.grade)
    for back in range(1, rule.years_running):
        condition &= Q(_final_in(year - back, rule.grade))
    return condition


def result_list(user: User, period: AppraisalPeriod, kind: str) -> QuerySet[GradeDecision]:
    """Return the final grades of the year that put officials on the list ``kind`` (one query), in unit order."""
    return (final_grades_for(user, period).filter(_condition(kind, period.start.year))
            .select_related("official", "official__unit", "unit")
            .order_by("unit__path", "official__unit__path", "official__name", "official_id"))


def result_counts(user: User, period: AppraisalPeriod) -> dict[str, int]:
    """Return how many officials are on each list (one query)."""
    year = period.start.year
    figures = final_grades_for(user, period).aggregate(
        **{kind: Count("id", filter=_condition(kind, year)) for kind in ResultList.values})
    return {kind: figures[kind] or 0 for kind in ResultList.values}


@dataclass(frozen=True)
class YearGrade:
    year: int
    grade: str  # "" when the year has no final grade
    label: str
    triggers: bool  # one of the grades that put the official on the list


@dataclass(frozen=True)
class ResultRow:
    decision: GradeDecision
    years: list[YearGrade]  # oldest first, this year last
    notes: list[str]

    @property
    def official(self) -> Official:
        return self.decision.official

    @property
    def triggering(self) -> list[YearGrade]:
        return [y for y in self.years if y.triggers]

    @property
    def earlier(self) -> list[YearGrade]:
        """The other years' final grades, for context (years without one left out)."""
        return [y for y in self.years if not y.triggers and y.grade]


def result_rows(decisions: Sequence[GradeDecision], *, period: AppraisalPeriod, kind: str) -> list[ResultRow]:
    """Return the rows of a page of a list, with each official's final grades of the two years before (one
    query for the whole page)."""
    year = period.start.year
    rule = RULES[kind]
    earlier = [year - back for back in range(HISTORY_YEARS, 0, -1)]
    found = {
        (official_id, int(key)): final
        for official_id, key, final in GradeDecision.objects.filter(
            official_id__in=[d.official_id for d in decisions], period__kind=PeriodKind.YEAR,
            period__key__in=[str(y) for y in earlier], status=GradeStatus.FINAL,
        ).order_by().values_list("official_id", "period__key", "final")
    }
    first_trigger = year - rule.years_running + 1
    rows = []
    for decision in decisions:
        category = decision.official.personnel_category
        qualified = uses_qualified_grades(category)
        history = [(y, found.get((decision.official_id, y), "")) for y in earlier] + [(year, decision.final)]
        years = [YearGrade(year=y, grade=g, label=grade_label(g, category) or "—", triggers=y >= first_trigger)
                 for y, g in history]
        notes = [str(QUALIFIED_NOTES.get(kind, rule.note) if qualified else rule.note)]
        if kind == ResultList.COMMENDATION and all(g == Grade.EXCELLENT for _y, g in history):
            notes.append(_("Also due a third-class merit (excellent three years running)."))
        if kind == ResultList.ADJUSTMENT and history[-2][1] == Grade.INCOMPETENT:
            notes.append(_("Also due a review for ending the contract (unqualified two years running).") if qualified
                         else _("Also due a dismissal review (incompetent two years running)."))
        rows.append(ResultRow(decision=decision, years=years, notes=notes))
    return rows


# -- promotion eligibility -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PromotionEligibility:
    """Whether an official may be promoted, or listed as a 考察对象, this year, and why not."""

    eligible: bool
    reasons: list[str] = field(default_factory=list)
    year: int = 0  # the appraisal year whose grade was read (last year)
    last_grade: str = ""  # its final grade; "" while it is not final
    category: str = ""  # the official's personnel category, which names the grade

    @property
    def last_grade_label(self) -> str:
        return grade_label(self.last_grade, self.category)


BARRING_GRADES = (Grade.BASIC, Grade.INCOMPETENT)


def promotion_eligibility(official: Official, today: date | None = None) -> PromotionEligibility:
    """Return whether an official may be promoted this year (three queries).

    Not eligible (《党政领导干部选拔任用工作条例》第二十四条, shared/rules.md Q2 "Selection bar") while a case
    about them is open or a discipline decision, 诫勉 or organisational measure still bars promotion (the
    discipline app's ``promotion_eligibility``), or when last year's final grade is 基本称职 or lower. Only
    the effect is named, never the decision or the case.
    """
    today = today or timezone.localdate()
    reasons: list[str] = []
    discipline = discipline_eligibility(official, today)
    if not discipline.eligible:
        if discipline.until is not None:
            reasons.append(_("A discipline decision, admonishment or organisational measure bars promotion until "
                             "%(date)s.") % {"date": discipline.until.isoformat()})
        else:
            reasons.append(_("Under investigation: no promotion while the case is open."))
    last_year = today.year - 1
    last = (GradeDecision.objects.filter(official=official, period__kind=PeriodKind.YEAR,
                                         period__key=str(last_year), status=GradeStatus.FINAL)
            .values_list("final", flat=True).first()) or ""
    if last in BARRING_GRADES:
        reasons.append(_("The final grade of %(year)s was %(grade)s: not to be promoted or listed for selection "
                         "this year.") % {"year": last_year, "grade": grade_label(last, official.personnel_category)})
    return PromotionEligibility(eligible=not reasons, reasons=reasons, year=last_year, last_grade=last,
                                category=official.personnel_category)
