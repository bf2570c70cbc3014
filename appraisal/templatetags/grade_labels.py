"""``{{ code|grade_label:category }}``: a grade's name for the official's personnel category (合格 for 事业单位)."""

from __future__ import annotations

from django import template

from appraisal.display import grade_labels

register = template.Library()


@register.filter
def grade_label(code: str | None, category: str | None = None) -> str:
    return grade_labels.grade_label(code, category)
