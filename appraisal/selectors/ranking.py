"""Reads of the ranking board and of a unit's scorecard page, for heads and the organization department: the
period shown, the officials ranked (同类同比) with the filters of the board, the unit averages and their chart, a
unit's officials and the history of its average. Scoped through ``appraisal.selectors.scores``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from appraisal.display.grade_labels import grade_label
from appraisal.display.score_text import score_axis
from appraisal.models import AppraisalPeriod, PeriodKind, Scorecard, UnitScorecard
from appraisal.scoring.periods import MONTH, period_key_for
from appraisal.selectors.periods import latest_period_with_scorecards, period_by_key, periods_visible
from appraisal.selectors.scores import MANAGER_ROLES, scorecards_visible_to, unit_scorecards_visible_to
from org.models import User


class WithGrade(TypedDict):
    grade: str | None  # ``appraisal.selectors.scores.with_grade``


def ranking_period(key: str | None, today: date) -> AppraisalPeriod | None:
    """Return the period of the board: the one of ``key``, else the latest month with scorecards, else the latest
    period with any, else the current month's."""
    if key:
        return periods_visible().filter(key=key).first()
    return (latest_period_with_scorecards(PeriodKind.MONTH) or latest_period_with_scorecards()
            or period_by_key(period_key_for(MONTH, today)))


def ranking_unit_cards(user: User | AnonymousUser, period: AppraisalPeriod) -> list[UnitScorecard]:
    """Return the period's unit scorecards the user sees, by category and rank in it."""
    return list(unit_scorecards_visible_to(user).filter(period=period)
                .order_by("category__sort_order", "category_id", "rank_in_category", "unit__path"))


def ranking_scorecards(user: User | AnonymousUser, period: AppraisalPeriod) -> QuerySet[Scorecard]:
    """Return the period's scorecards in the user's head or organization-department scope, best first (ties by the
    name on the card, then the official: the order of ``scorecard_board_idx``)."""
    return (scorecards_visible_to(user, roles=MANAGER_ROLES, include_self=False).filter(period=period)
            .order_by("-total", "name", "official_id"))


def ranking_board(user: User | AnonymousUser, period: AppraisalPeriod | None, unit_cards: list[UnitScorecard],
                  filters: Mapping[str, Any]) -> tuple[QuerySet[Scorecard], list[UnitScorecard]]:
    """Return the board's scorecards and unit scorecards narrowed by its ``filters`` (``category``, ``rank_level``,
    ``unit``; a unit category narrows the unit averages too)."""
    cards = ranking_scorecards(user, period) if period else Scorecard.objects.none()
    if "category" in filters:
        cards = cards.filter(category=filters["category"])
        unit_cards = [uc for uc in unit_cards if uc.category_id == filters["category"].pk]
    if "rank_level" in filters:
        cards = cards.filter(rank_level=filters["rank_level"])
    if "unit" in filters:
        cards = cards.filter(unit_id=filters["unit"])
    return cards, unit_cards


def attach_grade_labels(cards: Iterable[WithAnnotations[Scorecard, WithGrade]]) -> None:
    """Name each card's grade of the year (``with_grade``) for the official's personnel category."""
    for card in cards:
        card.grade_label = grade_label(card.grade, card.official.personnel_category)


def unit_chart(unit_cards: list[UnitScorecard]) -> dict[str, Any]:
    """Return the unit averages chart: one bar series per unit category (units are compared within their category,
    so the legend names it), on a score axis from just under the lowest average to 100."""
    categories: dict[str, list[float | None]] = {}
    labels = [uc.unit.name for uc in unit_cards]
    for i, uc in enumerate(unit_cards):
        name = uc.category.name if uc.category else _("No category")
        categories.setdefault(name, [None] * len(unit_cards))[i] = float(uc.average_total)
    return {"labels": labels, "averages": [float(uc.average_total) for uc in unit_cards],
            "series": [{"label": name, "data": data} for name, data in categories.items()],
            "axis": score_axis(float(uc.average_total) for uc in unit_cards)}


def unit_scorecard_for(user: User | AnonymousUser, unit_id: int, key: str | None) -> UnitScorecard | None:
    """Return the unit's scorecard of the period ``key`` the user sees, else its latest, else None."""
    unit_cards = unit_scorecards_visible_to(user).filter(unit_id=unit_id)
    if key:
        return unit_cards.filter(period__key=key).first()
    return unit_cards.order_by("-period__start", "period__kind").first()


def unit_officials(user: User | AnonymousUser, unit_card: UnitScorecard) -> QuerySet[Scorecard]:
    """Return the scorecards of the unit's officials in the period the user sees, by their rank in the unit."""
    return (scorecards_visible_to(user, roles=MANAGER_ROLES, include_self=False)
            .filter(period=unit_card.period, unit_id=unit_card.unit_id)
            .order_by("rank_in_unit", "-total", "official__name"))


def unit_history(user: User | AnonymousUser, unit_card: UnitScorecard) -> list[tuple[str, Any]]:
    """Return ``(period key, average total)`` of the unit in every period of the same kind, oldest first."""
    return list(unit_scorecards_visible_to(user).filter(unit_id=unit_card.unit_id, period__kind=unit_card.period.kind)
                .order_by("period__start").values_list("period__key", "average_total"))
