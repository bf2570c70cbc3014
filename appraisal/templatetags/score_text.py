"""``{{ e.points|signed_points }}`` → "扣 1 分"; ``{{ c.rank_in_unit|rank_of:c.unit_size }}`` → "第 3 名 / 共 19 人";
``{{ uc.rank_in_category|unit_rank_of:uc.category_size }}`` → "第 2 名 / 共 7 个单位"
(``appraisal.display.score_text``)."""

from __future__ import annotations

from typing import Any

from django import template

from appraisal.display import score_text

register = template.Library()


@register.filter
def signed_points(value: Any) -> str:
    return score_text.signed_points(value)


@register.filter
def rank_of(rank: int | None, of: int | None) -> str:
    return score_text.rank_text(rank, of)


@register.filter
def unit_rank_of(rank: int | None, of: int | None) -> str:
    return score_text.unit_rank_text(rank, of)
