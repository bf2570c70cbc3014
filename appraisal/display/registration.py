"""The annual appraisal registration form (公务员年度考核登记表) as display texts: one ``RegistrationEntry`` per
official, shown by the print page in the browser and written to a workbook by ``appraisal.excel.registration``.

The rows come from ``appraisal.selectors.registration`` as plain mappings (``values()`` of ``GRADE_FIELDS``,
``SUMMARY_FIELDS`` and ``NOTICE_FIELDS``), turned into an entry of translated texts, formatted dates and resolved
labels by ``entry_from``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appraisal.display.grade_labels import grade_label, uses_qualified_grades
from appraisal.models import SUMMARY_SECTIONS, Grade, GradeStatus, SignStatus, SummaryStatus
from org.models import Gender, PersonnelCategory, RankLevel

# The grade's fields a form shows (one joined query; the head's name through the user's official record).
GRADE_FIELDS = (
    "id", "official_id", "unit_id", "period_id", "period__key", "unit__path", "unit__name", "official__name",
    "official__gender", "official__birth_date", "official__unit__path", "official__unit__name",
    "official__position_title", "official__rank_level", "official__personnel_category", "proposed", "head_grade",
    "final", "status", "comment", "commented_at", "commented_by__official__name", "commented_by__last_name",
    "commented_by__first_name", "override_reason", "confirmed_at",
)
# The order of the forms, in a key that compares the same in Python as in the database (ASCII paths and codes,
# then the id), so the summaries and notices read in the same order can be matched to their grade in one pass.
GRADE_ORDER = ("unit__path", "official__unit__path", "official__rank_level", "official_id")
SUMMARY_FIELDS = ("official_id", *SUMMARY_SECTIONS, "status", "submitted_at", "oral_at", "oral_place")
NOTICE_FIELDS = ("grade_id", "status", "opinion", "signed_at")


@dataclass(frozen=True)
class RegistrationEntry:
    """One official's form, as display texts (translated, dates formatted, labels resolved)."""

    grade_id: int
    unit_id: int  # the top-level unit (GradeDecision.unit): the county-wide zip has one workbook per unit
    unit_name: str
    year: str
    title: str
    name: str
    gender: str
    born: str
    unit: str
    position: str
    rank: str
    sections: tuple[tuple[str, str], ...]  # (heading, text) × 5: 德、能、勤、绩、廉
    summary_note: str
    comment: str
    comment_note: str
    committee: str
    committee_note: str
    grade: str
    opinion: str
    opinion_note: str


def section_headings() -> tuple[str, ...]:
    return (_("Form section: morality"), _("Form section: ability"), _("Form section: diligence"),
            _("Form section: achievements"), _("Form section: integrity"))


def form_title(year: str, category: str | None = None) -> str:
    """The form's title: 公务员 (参公 use the same form), 事业单位工作人员, or plain 工作人员 for 编外."""
    if category == PersonnelCategory.INSTITUTION:
        return _("Annual appraisal registration form of public institution staff (%(year)s)") % {"year": year}
    if category == PersonnelCategory.NON_ESTABLISHMENT:
        return _("Annual appraisal registration form of staff (%(year)s)") % {"year": year}
    return _("Annual appraisal registration form of civil servants (%(year)s)") % {"year": year}


def local_date(value: datetime | date | None) -> str:
    """Return a date as the interface writes it (2025年12月20日), a time converted to local time first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class FormLabels:
    """The labels every entry uses, translated once per export rather than once per official."""

    grades: dict[str, str]
    ranks: dict[str, str]
    genders: dict[str, str]
    headings: tuple[str, ...]
    qualified_grades: dict[str, str]  # the names for 事业单位 (and 编外) staff: 合格, 基本合格, 不合格

    @classmethod
    def current(cls) -> FormLabels:
        return cls(grades={v: grade_label(v) for v in Grade.values},
                   ranks={v: str(label) for v, label in RankLevel.choices},
                   genders={v: str(label) for v, label in Gender.choices},
                   headings=section_headings(),
                   qualified_grades={v: grade_label(v, PersonnelCategory.INSTITUTION) for v in Grade.values})

    def grade(self, code: str, category: str | None) -> str:
        """The name of a grade for an official of ``category``."""
        names = self.qualified_grades if uses_qualified_grades(category) else self.grades
        return names.get(code, code)


def _head_name(grade: Mapping[str, Any]) -> str:
    """The head's name from their official record, else the account's full name (never the login)."""
    if grade.get("commented_by__official__name"):
        return str(grade["commented_by__official__name"])
    return f"{grade.get('commented_by__last_name') or ''}{grade.get('commented_by__first_name') or ''}".strip()


def _status_text(status: str) -> str:
    if status == GradeStatus.CONFIRMED:
        return _("Not final yet: confirmed, waiting for the public notice")
    if status == GradeStatus.NOTICE:
        return _("Not final yet: under public notice")
    return _("Not final yet: waiting for confirmation")


def entry_from(grade: Mapping[str, Any], summary: Mapping[str, Any] | None, notice: Mapping[str, Any] | None,
               labels: FormLabels) -> RegistrationEntry:
    """Build one official's form from a grade row (``GRADE_FIELDS``), the summary row (``SUMMARY_FIELDS``) of the
    same year and unit, and the current written notice (``NOTICE_FIELDS``); either may be missing."""
    year = str(grade["period__key"])
    category = grade.get("official__personnel_category")
    unit = str(grade["official__unit__name"])
    if grade["official__unit__path"] != grade["unit__path"]:
        unit = f"{grade['unit__name']} {unit}"
    birth = grade["official__birth_date"]

    # 个人总结: only a submitted summary is shown (a draft is the official's own until they submit it).
    submitted = summary is not None and summary["status"] == SummaryStatus.SUBMITTED
    texts = [str(summary[name] or "") if submitted and summary else "" for name in SUMMARY_SECTIONS]
    notes: list[str] = []
    if submitted and summary:
        notes.append(_("Submitted on %(date)s") % {"date": local_date(summary["submitted_at"])})
    else:
        notes.append(_("The summary has not been submitted."))
    if summary and summary.get("oral_at"):
        notes.append(_("Oral report: %(date)s, %(place)s") % {"date": local_date(summary["oral_at"]),
                                                               "place": summary.get("oral_place") or ""})

    # 主管领导评语及考核等次建议
    recommended = grade["head_grade"] or grade["proposed"]
    comment_parts: list[str] = []
    if grade["comment"]:
        comment_parts.append(_("Proposed grade: %(grade)s") % {"grade": labels.grade(recommended, category)})
        head = _head_name(grade)
        if head:
            comment_parts.append(_("Head in charge: %(name)s") % {"name": head})
        comment_parts.append(local_date(grade["commented_at"]))
    comment = str(grade["comment"] or "") or _("No comment written yet.")

    # 考核委员会意见
    if grade["confirmed_at"] and grade["final"]:
        lines = [_("Confirmed grade: %(grade)s") % {"grade": labels.grade(grade["final"], category)}]
        if grade["override_reason"]:
            lines.append(_("Reason for the change: %(reason)s") % {"reason": grade["override_reason"]})
        committee, committee_note = "\n".join(lines), local_date(grade["confirmed_at"])
    else:
        committee, committee_note = _("Not confirmed yet."), ""

    # 考核等次
    if grade["status"] == GradeStatus.FINAL and grade["final"]:
        final = labels.grade(grade["final"], category)
    else:
        final = _status_text(grade["status"])

    # 本人意见: blank while the notice waits for a signature (or before there is one).
    opinion, opinion_note = "", ""
    if notice is not None:
        if notice["status"] in (SignStatus.AGREED, SignStatus.DISAGREED):
            word = _("Opinion: agree") if notice["status"] == SignStatus.AGREED else _("Opinion: disagree")
            opinion = f"{word}\n{notice['opinion']}" if notice["opinion"] else word
            opinion_note = _("Signed on %(date)s") % {"date": local_date(notice["signed_at"])}
        elif notice["status"] == SignStatus.UNSIGNED:
            opinion = _("Unsigned")

    return RegistrationEntry(
        grade_id=int(grade["id"]), unit_id=int(grade["unit_id"]), unit_name=str(grade["unit__name"]), year=year,
        title=form_title(year, category), name=str(grade["official__name"]),
        gender=labels.genders.get(grade["official__gender"], grade["official__gender"] or ""),
        born=f"{birth.year}.{birth.month:02d}" if birth else "", unit=unit,
        position=str(grade["official__position_title"] or ""),
        rank=labels.ranks.get(grade["official__rank_level"], grade["official__rank_level"] or ""),
        sections=tuple(zip(labels.headings, texts, strict=True)), summary_note="；".join(notes),
        comment=comment, comment_note="　　".join(comment_parts), committee=committee,
        committee_note=committee_note, grade=final, opinion=opinion, opinion_note=opinion_note,
    )
