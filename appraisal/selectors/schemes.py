"""Reads of the schemes: the snapshot a closed period freezes (every scheme's weights, every rule's points range
and cap) and what is read back from it; the lists of the scheme and rule catalogue pages."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from appraisal.models import Component, Scheme, SchemeComponent, ScoreRule
from org.models import UnitCategory


def scheme_key(category_id: int | None, rank_level: str) -> str:
    """Return the snapshot key of a scheme's scope: ``"<category id or *>/<rank level or *>"``."""
    return f"{category_id if category_id is not None else '*'}/{rank_level or '*'}"


def is_default_scheme(scheme: Scheme) -> bool:
    return scheme.category_id is None and scheme.rank_level == ""


def scheme_snapshot() -> dict[str, Any]:
    """Return the live schemes and rules as JSON-serialisable data (decimals as strings), in 3 queries.

    ``{"schemes": {"<cat>/<rank>": {"id", "name", "category_id", "rank_level", "weights": {component: "40.00"}}},
       "rules": {code: {"id", "name", "min_points", "max_points", "cap"}}, "taken_at": iso}``
    """
    weights: dict[int, dict[str, str]] = {}
    for scheme_id, component, weight in SchemeComponent.objects.order_by("scheme_id", "component").values_list(
        "scheme_id", "component", "weight"
    ):
        weights.setdefault(scheme_id, {})[component] = str(weight)
    schemes = {
        scheme_key(s["category_id"], s["rank_level"]): {
            "id": s["id"], "name": s["name"], "category_id": s["category_id"], "rank_level": s["rank_level"],
            "weights": weights.get(s["id"], {}),
        }
        for s in Scheme.objects.order_by("id").values("id", "name", "category_id", "rank_level")
    }
    rules = {
        r["code"]: {
            "id": r["id"], "name": r["name"], "min_points": str(r["min_points"]), "max_points": str(r["max_points"]),
            "cap": None if r["cap"] is None else str(r["cap"]),
        }
        for r in ScoreRule.objects.order_by("code").values("id", "code", "name", "min_points", "max_points", "cap")
    }
    return {"schemes": schemes, "rules": rules, "taken_at": timezone.now().isoformat()}


def snapshot_weights(snapshot: dict[str, Any]) -> dict[str, dict[str, Decimal]]:
    """Return ``{scheme key: {component: weight}}`` from a snapshot."""
    return {
        key: {component: Decimal(w) for component, w in scheme["weights"].items()}
        for key, scheme in (snapshot.get("schemes") or {}).items()
    }


def snapshot_caps(snapshot: dict[str, Any]) -> dict[int, Decimal | None]:
    """Return ``{rule id: cap}`` from a snapshot."""
    return {
        rule["id"]: None if rule["cap"] is None else Decimal(rule["cap"])
        for rule in (snapshot.get("rules") or {}).values()
    }


# -- the catalogue pages -------------------------------------------------------------------------------
def schemes_listed() -> QuerySet[Scheme]:
    """Return the schemes with their category and weights, by category and rank level."""
    return Scheme.objects.select_related("category").prefetch_related("components").order_by(
        "category__sort_order", "category__code", "rank_level", "id")


def scheme_rows(schemes: Iterable[Scheme]) -> list[dict[str, Any]]:
    """Return a row per scheme (fetched by ``schemes_listed``): its weight per component in ``Component`` order
    (None where it has none), their total, and whether it is the default scheme."""
    rows = []
    for scheme in schemes:
        weights = {c.component: c.weight for c in scheme.components.all()}
        values = [weights.get(c) for c in Component.values]
        rows.append({"scheme": scheme, "weights": values, "total": sum(w for w in values if w is not None),
                     "is_default": is_default_scheme(scheme)})
    return rows


def rules_listed() -> QuerySet[ScoreRule]:
    """Return the rule catalogue by code, each rule with its ``entry_count``."""
    return ScoreRule.objects.annotate(entry_count=Count("entries")).order_by("code")


def unit_categories() -> QuerySet[UnitCategory]:
    """Return the unit categories a scheme may be for, in their order."""
    return UnitCategory.objects.order_by("sort_order", "code")
