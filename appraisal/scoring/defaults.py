"""The default scheme (DESIGN §4: work 40, timeliness 10, evaluation 30, training 20) and the rule catalogue
seeded from the practice. A task or report done late counts in the work and timeliness components only (one
fact, one consequence: ``appraisal.scoring.facts``), so the catalogue has no deduction rule for it; migration 0006
retired the ones earlier versions had. Migration 0002 writes them once; both stay editable by the organization
department. ``ensure_defaults`` puts them back where a test database was flushed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

RULES = [
    # code, name, min, max, cap, manual
    ("innovation", "创新创效建议", 1, 3, 6, True),
    ("commendation", "受到表彰奖励", 1, 5, 5, True),
    ("study_absence", "无故缺席集中学习", -3, -1, 6, True),
    ("public_criticism", "通报批评", -5, -2, 10, True),
    ("letter_overdue", "督办函逾期未回复", -1, -1, 3, False),
    ("lecture_given", "人人当讲师：授课一次", 1, 1, 3, False),
    # Points come from the decision (its kind's default, set when decided); no cap: a sanction counts whole.
    ("discipline_decision", "纪律处分、问责处理", -30, 0, None, False),
]
WEIGHTS = {"work": 40, "timeliness": 10, "evaluation": 30, "training": 20}


def seed_defaults(scheme_model: Any, component_model: Any, rule_model: Any) -> None:
    """Create the default scheme and rules if missing (models passed in, so migrations can use it)."""
    scheme, _created = scheme_model.objects.get_or_create(
        category=None, rank_level="", defaults={"name": "默认考核方案"})
    for component, weight in WEIGHTS.items():
        component_model.objects.get_or_create(scheme=scheme, component=component,
                                              defaults={"weight": Decimal(weight)})
    for code, name, low, high, cap, manual in RULES:
        rule_model.objects.get_or_create(code=code, defaults={
            "name": name, "min_points": Decimal(low), "max_points": Decimal(high),
            "cap": None if cap is None else Decimal(cap), "is_manual": manual})


def ensure_defaults() -> None:
    from appraisal.models import Scheme, SchemeComponent, ScoreRule

    seed_defaults(Scheme, SchemeComponent, ScoreRule)
