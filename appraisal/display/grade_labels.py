"""The name of an annual grade for an official's personnel category — one place for every page, export and message.

The stored codes are the same for everyone (``appraisal.models.Grade``); only their names differ. 公务员 and
参照公务员法管理 are graded 优秀 / 称职 / 基本称职 / 不称职 (公务员法 第38条), 事业单位 staff 优秀 / 合格 / 基本合格 /
不合格 (事业单位人事管理条例 第21条; shared/rules.md Q3 and "Defaults to adopt" 1); the categories named in
``org.models.QUALIFIED_GRADE_CATEGORIES`` take the second set. 不确定等次 and 不参加考核 are the same for all.

In templates: ``{% load grade_labels %}{{ grade.final|grade_label:grade.official.personnel_category }}``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appraisal.models import Grade
from org.models import QUALIFIED_GRADE_CATEGORIES

# The 事业单位 names of the codes whose names differ; the other codes keep ``Grade``'s labels.
QUALIFIED_LABELS: dict[str, Promise] = {
    Grade.COMPETENT: _("Qualified (合格)"),
    Grade.BASIC: _("Basically qualified (基本合格)"),
    Grade.INCOMPETENT: _("Unqualified (不合格)"),
}
LABELS: dict[str, Promise] = {value: label for value, label in Grade.choices}


def uses_qualified_grades(category: str | None) -> bool:
    """Whether officials of ``category`` are graded 合格 / 基本合格 / 不合格."""
    return category in QUALIFIED_GRADE_CATEGORIES


def grade_label(code: str | None, category: str | None = None) -> str:
    """Return the name of the grade ``code`` for an official of ``category`` ("" for no grade; an unknown code as
    it is)."""
    if not code:
        return ""
    if uses_qualified_grades(category) and code in QUALIFIED_LABELS:
        return str(QUALIFIED_LABELS[code])
    label = LABELS.get(code)
    return str(label) if label is not None else code


def grade_choices(category: str | None, codes: list[str] | None = None) -> list[tuple[str, str]]:
    """Return ``(code, name)`` choices for a form about an official of ``category`` (every grade by default)."""
    return [(code, grade_label(code, category)) for code in (codes or list(Grade.values))]


def grade_heading(code: str) -> str:
    """Return a column heading for a grade over officials of every category, e.g. "称职/合格"."""
    if code in QUALIFIED_LABELS:
        return f"{grade_label(code)}/{QUALIFIED_LABELS[code]}"
    return grade_label(code)
