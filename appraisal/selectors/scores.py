"""Reads for the appraisal pages and API: scorecards and the score ledger, scoped to the user (the periods are in
``appraisal.selectors.periods``).

Scope (DESIGN §5): a role on a unit covers the officials of its subtree (by the official's own unit);
besides, an official always sees their own scorecards and ledger. Single objects are fetched through
these querysets, so one outside the user's scope is a 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from appraisal.models import (
    AppraisalPeriod,
    Component,
    GradeDecision,
    PeriodKind,
    PeriodStatus,
    Scorecard,
    ScoreEntry,
    ScoreRule,
    UnitScorecard,
)
from org.models import Official, User
from org.selectors import ALL_ROLES, access_for, in_subtrees_q, subtree_q

# Roles that see the rankings and may record manual entries in their subtree.
MANAGER_ROLES = ("head", "org")


def _official_q(user: User | AnonymousUser, relation: str, roles: Iterable[str],
                include_self: bool = True) -> tuple[bool, Q]:
    """Return (sees everything, filter on ``<relation>official`` by role subtree and oneself)."""
    access = access_for(user)
    if access.is_superuser:
        return True, Q()
    q = subtree_q(access.paths(roles), f"{relation}official__unit__")
    if include_self and access.official_id is not None:
        q |= Q(**{f"{relation}official_id": access.official_id})
    return False, q


def score_rules() -> QuerySet[ScoreRule]:
    return ScoreRule.objects.order_by("code")


def manual_rules() -> QuerySet[ScoreRule]:
    """Return the rules a head may record by hand."""
    return ScoreRule.objects.filter(is_manual=True, is_active=True).order_by("-max_points", "code")


def scorecards_visible_to(
    user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES, include_self: bool = True
) -> QuerySet[Scorecard]:
    """Return the scorecards a user may see: officials in their role subtrees, and their own; and the cards of
    the units in their role subtrees — a period's card stays with the unit the official was in during it
    (``appraisal.selectors.transfers``), so the head over that unit still sees it after the official moved on."""
    qs = Scorecard.objects.select_related("period", "official", "official__unit", "unit", "category")
    access = access_for(user)
    if access.is_superuser:
        return qs
    q = in_subtrees_q(access.paths(roles), "official__unit", "unit", model=Scorecard)
    if include_self and access.official_id is not None:
        q |= Q(official_id=access.official_id)
    return qs.filter(q)


def with_grade(qs: QuerySet[Scorecard]) -> QuerySet[Scorecard]:
    """Annotate ``grade``: the year's final grade, else the proposed one (null for other periods)."""
    decision = GradeDecision.objects.filter(period_id=OuterRef("period_id"), official_id=OuterRef("official_id"))
    return qs.annotate(grade=Subquery(
        decision.annotate(g=Coalesce(NullIf("final", Value("")), "proposed")).values("g")[:1]))


def entries_visible_to(
    user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES, include_self: bool = True
) -> QuerySet[ScoreEntry]:
    """Return the ledger rows a user may see: officials in their role subtrees, and their own."""
    qs = ScoreEntry.objects.select_related("official", "official__unit", "rule", "created_by", "source_type")
    everything, q = _official_q(user, "", roles, include_self)
    return qs if everything else qs.filter(q)


def entries_in(qs: QuerySet[ScoreEntry], period: AppraisalPeriod) -> QuerySet[ScoreEntry]:
    """Return the rows of ``qs`` that fall in the period (an entry counts in every period containing it)."""
    return qs.filter(occurred_on__gte=period.start, occurred_on__lte=period.end)


def unit_scorecards_visible_to(user: User | AnonymousUser) -> QuerySet[UnitScorecard]:
    """Return the unit scorecards of units in the user's head or organization-department subtrees."""
    qs = UnitScorecard.objects.select_related("unit", "category", "period")
    access = access_for(user)
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths(MANAGER_ROLES), "unit__"))


def officials_for_entries(user: User | AnonymousUser) -> QuerySet[Official]:
    """Return the active officials a user may record manual entries for (never themself)."""
    access = access_for(user)
    qs = Official.objects.select_related("unit").filter(is_active=True)
    if not access.is_superuser:
        qs = qs.filter(subtree_q(access.paths(MANAGER_ROLES), "unit__"))
    if access.official_id is not None:
        qs = qs.exclude(pk=access.official_id)
    return qs.order_by("unit__path", "name", "staff_number")


# -- "why is my score X" -----------------------------------------------------------------------------


@dataclass
class RuleTotal:
    code: str
    name: str
    count: int
    raw: Decimal
    cap: Decimal | None
    counted: Decimal  # after the cap

    @property
    def capped(self) -> bool:
        return self.counted != self.raw


def rule_totals(entries: QuerySet[ScoreEntry], period: AppraisalPeriod) -> list[RuleTotal]:
    """Return the ledger total per rule for the period, before and after the rule's cap (one query).

    A closed period counts with the caps it was closed with (its scheme snapshot), when the snapshot
    lists them; otherwise with the catalogue's current caps.
    """
    frozen = _snapshot_caps(period) if period.is_frozen else {}  # re-opened: live caps again
    rows = (entries_in(entries, period).order_by().values("rule__code", "rule__name", "rule__cap")
            .annotate(n=Count("id"), total=Sum("points")).order_by("rule__code"))
    totals = []
    for row in rows:
        code = row["rule__code"]
        cap = frozen.get(code, row["rule__cap"])
        raw = row["total"] or Decimal(0)
        counted = raw if cap is None else max(-cap, min(cap, raw))
        totals.append(RuleTotal(code=code, name=row["rule__name"], count=row["n"], raw=raw, cap=cap,
                                counted=counted))
    return totals


def _snapshot_caps(period: AppraisalPeriod) -> dict[str, Decimal | None]:
    snapshot = period.scheme_snapshot if isinstance(period.scheme_snapshot, dict) else {}
    rules = snapshot.get("rules")
    caps: dict[str, Decimal | None] = {}
    if isinstance(rules, dict):
        for code, rule in rules.items():
            if isinstance(rule, dict) and "cap" in rule:
                caps[code] = None if rule["cap"] is None else Decimal(str(rule["cap"]))
    elif isinstance(rules, list):
        for rule in rules:
            if isinstance(rule, dict) and "code" in rule and "cap" in rule:
                caps[rule["code"]] = None if rule["cap"] is None else Decimal(str(rule["cap"]))
    return caps


# Where a ledger row's source is shown: (app label, model) → URL name taking the object's pk.
SOURCE_URLS = {
    ("tasks", "task"): "tasks:task_detail",
    ("tasks", "monthlyreport"): "tasks:report_detail",
    ("tasks", "supervisionletter"): "tasks:letter_detail",
    ("training", "trainingsession"): "training:session_detail",
    ("discipline", "decision"): "discipline:decision_detail",
}


PRIVATE_SOURCES = {("discipline", "decision")}  # pages only the official and case readers may open


def source_link(entry: ScoreEntry, *, private: bool = True) -> tuple[str, str]:
    """Return (url, label) of a ledger row's source; empty strings when it has none or no page.

    With ``private=False`` (a head reading someone else's score) a private source gets its label but no link,
    which would only answer 404."""
    if entry.source_type_id is None or entry.source_id is None:
        return "", ""
    source_type = entry.source_type
    if source_type is None:
        return "", ""
    key = (source_type.app_label, source_type.model)
    source = entry.source  # prefetched
    if key == ("discipline", "decision"):
        # The page is the subject's (or discipline inspection's) to open; the label names no kind or case,
        # since heads read their officials' ledgers too.
        label = str(_("Discipline decision"))
    else:
        label = str(source) if source is not None else ""
    if key == ("tasks", "weeklyupdate") and source is not None:  # a weekly update lives on its task's page
        key, pk = ("tasks", "task"), getattr(source, "task_id", None)
    elif key == ("training", "attendance") and source is not None:  # an attendance row: its session's page
        key, pk = ("training", "trainingsession"), getattr(source, "session_id", None)
        label = str(_("Training attendance"))  # the session's title is in the row's reason; no query per row
    else:
        pk = entry.source_id
    url_name = SOURCE_URLS.get(key) if private or key not in PRIVATE_SOURCES else None
    if url_name is None or pk is None or source is None:
        return "", label
    try:
        return reverse(url_name, args=[pk]), label
    except NoReverseMatch:
        return "", label


def ledger_page_rows(entries: list[ScoreEntry], *, private: bool = True) -> list[ScoreEntry]:
    """Attach ``source_url`` and ``source_label`` to each row (sources must be prefetched); ``private``: whether
    the reader may open private sources (see ``source_link``)."""
    for entry in entries:
        entry.source_url, entry.source_label = source_link(entry, private=private)
    return entries


def mark_removable(entries: list[ScoreEntry], period: AppraisalPeriod) -> None:
    """Set ``removable`` on each row: a manual entry dated in no closed or published period (removing one
    there is refused, so the page offers no button). One query, for the frozen periods overlapping ``period``."""
    frozen = list(AppraisalPeriod.objects.filter(start__lte=period.end, end__gte=period.start).exclude(
        status=PeriodStatus.OPEN).values_list("start", "end"))
    for entry in entries:
        entry.removable = entry.origin == ScoreEntry.Origin.MANUAL and not any(
            start <= entry.occurred_on <= end for start, end in frozen)


def ledger_rows(entries: QuerySet[ScoreEntry], period: AppraisalPeriod) -> QuerySet[ScoreEntry]:
    """Return the period's rows with their sources prefetched (one query per source kind)."""
    return entries_in(entries, period).prefetch_related("source").order_by("-occurred_on", "-id")


@dataclass
class ComponentLine:
    code: str
    label: str
    ratio: Any
    weight: Any  # the scheme's (nominal) weight
    points: Any
    inputs: list[tuple[str, Any]] = field(default_factory=list)
    incomplete: bool = False  # the check-up behind it is incomplete: left out (points None) or counted as it is
    effective_weight: Any = None  # the weight it counted with: scaled up when another component was left out
    records: list[Any] = field(default_factory=list)  # the records behind the inputs (selectors_explain)

    @property
    def scaled(self) -> bool:
        """Whether the component counted with more than its nominal weight (another one was left out)."""
        return (self.points is not None and self.effective_weight is not None and self.weight is not None
                and abs(float(self.effective_weight) - float(self.weight)) >= 0.005)


@dataclass
class WeightScaling:
    """Why the weights were scaled up: the components left out, and the factor total ÷ present weight."""

    left_out: list[str]
    total: float
    present: float


COMPONENT_LABELS = dict(Component.choices)

# What the component providers put in ``inputs`` (appraisal.components.builtin, components_checkup), in words.
INPUT_LABELS = {
    "tasks": _("Tasks due in the period"),
    "tasks_on_time": _("Completed on time"),
    "tasks_late": _("Completed late"),
    "tasks_open": _("Not completed"),
    "task_ratio": _("Task ratio"),
    "reports_rated": _("Reports rated"),
    "rated_excellent": _("Rated excellent"),
    "rated_good": _("Rated good"),
    "rated_fair": _("Rated fair"),
    "rated_poor": _("Rated poor"),
    "quality_ratio": _("Report quality ratio"),
    "reports_due": _("Reports due"),
    "reports_on_time": _("Submitted on time"),
    "reports_late": _("Submitted late"),
    "reports_missing": _("Missing"),
    "rounds": _("Check-up rounds"),
    "score": _("Check-up score"),
    "incomplete": _("Incomplete (too few ratings)"),
    "left_out": _("Left out as incomplete"),
    "groups_left_out": _("Rater groups left out (response rate too low)"),
    "hours": _("Training hours credited"),
    "target": _("Annual training hour target"),
    "prorata_target": _("Hours expected by the period's end"),
}


def _input_value(value: Any) -> Any:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def component_lines(scorecard: Scorecard | None) -> list[ComponentLine]:
    """Return each component of a scorecard in the scheme's order, with its inputs as (key, value) pairs and
    the weight it counted with (``effective_weight``, stored by the rollup; computed the same way for a card
    stored before it was: a left-out component's weight is shared out in proportion among the others)."""
    if scorecard is None or not isinstance(scorecard.components, dict):
        return []
    order = {code: i for i, code in enumerate(Component.values)}
    items = [(code, data if isinstance(data, dict) else {}) for code, data in
             sorted(scorecard.components.items(), key=lambda item: (order.get(item[0], 99), item[0]))]
    total = sum(float(d.get("weight") or 0) for _c, d in items)
    present = sum(float(d.get("weight") or 0) for _c, d in items if d.get("points") is not None)
    scale = total / present if present else 0.0
    lines = []
    for code, data in items:
        inputs = data.get("inputs") or {}
        effective = data.get("effective_weight")
        if effective is None:
            effective = float(data.get("weight") or 0) * scale if data.get("points") is not None else 0.0
        lines.append(ComponentLine(
            code=code, label=str(COMPONENT_LABELS.get(code, code)), ratio=data.get("ratio"),
            weight=data.get("weight"), points=data.get("points"),
            inputs=[(str(INPUT_LABELS.get(k, k)), _input_value(v)) for k, v in inputs.items()]
            if isinstance(inputs, dict) else [],
            incomplete=isinstance(inputs, dict) and bool(inputs.get("incomplete") or inputs.get("left_out")),
            effective_weight=effective,
        ))
    return lines


def weight_scaling(lines: list[ComponentLine]) -> WeightScaling | None:
    """Return why the weights were scaled up, or None when every component counted with its own weight."""
    left_out = [line.label for line in lines if line.points is None and line.weight]
    if not left_out or not any(line.scaled for line in lines):
        return None
    total = sum(float(line.weight or 0) for line in lines)
    present = sum(float(line.weight or 0) for line in lines if line.points is not None)
    return WeightScaling(left_out=left_out, total=total, present=present)


def official_scorecards(official: Official, keys: Iterable[str]) -> dict[str, Scorecard]:
    """Return the official's scorecards of the given period keys, by key (one query)."""
    cards = (Scorecard.objects.filter(official=official, period__key__in=list(keys))
             .select_related("period", "category"))
    return {card.period.key: card for card in cards}


def monthly_trend(official: Official, year: int) -> list[dict[str, Any]]:
    """Return the official's monthly totals of a year, in month order (one query)."""
    cards = (Scorecard.objects.filter(official=official, period__kind=PeriodKind.MONTH,
                                      period__start__year=year)
             .select_related("period").order_by("period__start"))
    return [{"key": c.period.key, "total": float(c.total), "provisional": c.is_provisional} for c in cards]
