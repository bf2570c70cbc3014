"""Editing the schemes (component weights per unit category and rank level) and the rule catalogue.

Only the organization department edits them. Every change is audited by django-simple-history with the
acting user. A closed period keeps the frozen snapshot it was closed with
(``appraisal.selectors.schemes.scheme_snapshot``), so these edits change open periods only.

A scope (unit category, rank level) has at most one scheme; the default scheme (any category, any rank
level) always exists: it cannot be deleted nor moved to another scope. A rule that has ledger entries, or
that the derivation looks up by its code, keeps its code.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from appraisal.models import Component, Scheme, SchemeComponent, ScoreRule
from appraisal.selectors.schemes import is_default_scheme
from appraisal.services.derive import DERIVED_RULES
from common.errors import ApplicationError, from_validation_error
from common.history import delete_as, set_actor
from org.models import RankLevel, UnitCategory, User
from org.selectors import access_for

WEIGHT_MAX = Decimal("999.99")  # SchemeComponent.weight: 5 digits, 2 decimals
POINTS_MAX = Decimal("9999.99")  # ScoreRule points and cap: 6 digits, 2 decimals


def _require_org(by: User) -> None:
    if not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may edit schemes and rules."),
                               code="forbidden")


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise from_validation_error(obj, error) from error


def _decimal(value: Any, message: str, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ApplicationError(message, code="invalid", extra={"field": field}) from error
    if not number.is_finite():
        raise ApplicationError(message, code="invalid", extra={"field": field})
    return number


def _clean_weights(weights: dict[str, Decimal]) -> dict[str, Decimal]:
    unknown = set(weights) - set(Component.values)
    if unknown:
        raise ApplicationError(_("Unknown component “%(component)s”.") % {"component": sorted(unknown)[0]},
                               code="invalid")
    cleaned: dict[str, Decimal] = {}
    for component in Component.values:
        weight = _decimal(weights.get(component, Decimal(0)), _("Weights must be numbers."), f"weight_{component}")
        if weight < 0:
            raise ApplicationError(_("Weights cannot be negative."), code="invalid",
                                   extra={"field": f"weight_{component}"})
        if weight > WEIGHT_MAX:
            raise ApplicationError(_("A weight is at most %(max)s.") % {"max": WEIGHT_MAX}, code="invalid",
                                   extra={"field": f"weight_{component}"})
        cleaned[component] = weight.quantize(Decimal("0.01"))
    if sum(cleaned.values(), Decimal(0)) <= 0:
        raise ApplicationError(_("At least one component must have a weight above zero."), code="invalid")
    return cleaned


@transaction.atomic
def scheme_save(
    *, by: User, scheme: Scheme | None = None, name: str, category: UnitCategory | None, rank_level: str,
    weights: dict[str, Decimal],
) -> Scheme:
    """Create a scheme (``scheme=None``) or update one, with its four component weights, in one transaction.

    Weights are ≥ 0 and add up to more than 0 (a missing component weighs 0). A second scheme for the same
    unit category and rank level is refused (``duplicate``); the default scheme keeps its scope.
    """
    _require_org(by)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the scheme a name."), code="invalid", extra={"field": "name"})
    rank_level = rank_level or ""
    if rank_level and rank_level not in RankLevel.values:
        raise ApplicationError(_("Unknown rank level."), code="invalid", extra={"field": "rank_level"})
    cleaned = _clean_weights(weights)

    if scheme is not None:
        current = Scheme.objects.select_for_update(of=("self",)).get(pk=scheme.pk)
        if is_default_scheme(current) and (category is not None or rank_level):
            raise ApplicationError(
                _("The default scheme applies to every category and rank level; its scope cannot change."),
                code="invalid", extra={"field": "category"})
    else:
        current = Scheme()
    # Checked here as well as by the constraint: SQLite treats NULL categories as distinct.
    clash = Scheme.objects.filter(category=category, rank_level=rank_level).exclude(pk=current.pk).first()
    if clash is not None:
        raise ApplicationError(
            _("The scheme “%(name)s” already covers this unit category and rank level; edit it instead.")
            % {"name": clash.name}, code="duplicate", extra={"field": "category"})

    current.name, current.category, current.rank_level = name, category, rank_level
    set_actor(current, by)  # read by django-simple-history
    _full_clean(current)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as error:  # someone created the same scope at the same moment
        raise ApplicationError(_("Someone else has just created a scheme for this scope; reload and check."),
                               code="conflict") from error

    existing = {c.component: c for c in SchemeComponent.objects.select_for_update(of=("self",)).filter(scheme=current)}
    for component, weight in cleaned.items():
        row = existing.get(component)
        if row is not None and row.weight == weight:
            continue
        if row is None:
            row = SchemeComponent(scheme=current, component=component)
        row.weight = weight
        set_actor(row, by)
        _full_clean(row)
        row.save()
    if scheme is not None:
        for field in ("name", "category", "rank_level"):
            setattr(scheme, field, getattr(current, field))
    return current


@transaction.atomic
def scheme_delete(*, by: User, scheme: Scheme) -> None:
    """Delete a scheme and its weights; the default scheme cannot be deleted."""
    _require_org(by)
    current = Scheme.objects.select_for_update(of=("self",)).filter(pk=scheme.pk).first()
    if current is None:
        raise ApplicationError(_("This scheme has already been deleted."), code="conflict")
    if is_default_scheme(current):
        raise ApplicationError(_("The default scheme cannot be deleted."), code="default_scheme")
    for row in current.components.all():
        delete_as(row, by)
    delete_as(current, by)


@transaction.atomic
def rule_save(
    *, by: User, rule: ScoreRule | None = None, code: str, name: str, description: str = "",
    min_points: Decimal, max_points: Decimal, cap: Decimal | None, is_manual: bool, is_active: bool,
) -> ScoreRule:
    """Create a rule (``rule=None``) or update one. The code is unique; minimum ≤ maximum; the cap is ≥ 0 or
    empty (no cap). A rule with ledger entries, or one the derivation looks up, keeps its code."""
    _require_org(by)
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        raise ApplicationError(_("Give the rule a code."), code="invalid", extra={"field": "code"})
    if not name:
        raise ApplicationError(_("Give the rule a name."), code="invalid", extra={"field": "name"})
    low = _decimal(min_points, _("Points must be numbers."), "min_points")
    high = _decimal(max_points, _("Points must be numbers."), "max_points")
    if low > high:
        raise ApplicationError(_("The minimum points cannot be above the maximum points."), code="invalid_range",
                               extra={"field": "max_points"})
    if max(abs(low), abs(high)) > POINTS_MAX:
        raise ApplicationError(_("Points are at most %(max)s.") % {"max": POINTS_MAX}, code="invalid",
                               extra={"field": "max_points"})
    limit: Decimal | None = None
    if cap is not None and cap != "":
        limit = _decimal(cap, _("The cap must be a number."), "cap")
        if limit < 0:
            raise ApplicationError(_("The cap is a positive number, or empty for no cap."), code="invalid",
                                   extra={"field": "cap"})
        if limit > POINTS_MAX:
            raise ApplicationError(_("Points are at most %(max)s.") % {"max": POINTS_MAX}, code="invalid",
                                   extra={"field": "cap"})

    if rule is not None:
        current = ScoreRule.objects.select_for_update(of=("self",)).get(pk=rule.pk)
        if code != current.code:
            if current.code in DERIVED_RULES:
                raise ApplicationError(
                    _("The rule “%(code)s” is applied automatically by its code; its code cannot change.")
                    % {"code": current.code}, code="code_locked", extra={"field": "code"})
            if current.entries.exists():
                raise ApplicationError(
                    _("The rule “%(code)s” already has score entries; its code cannot change.")
                    % {"code": current.code}, code="code_locked", extra={"field": "code"})
    else:
        current = ScoreRule()
    if ScoreRule.objects.filter(code=code).exclude(pk=current.pk).exists():
        raise ApplicationError(_("Another rule already has the code “%(code)s”.") % {"code": code},
                               code="duplicate", extra={"field": "code"})

    current.code, current.name, current.description = code, name, (description or "").strip()
    current.min_points, current.max_points, current.cap = low, high, limit
    current.is_manual, current.is_active = bool(is_manual), bool(is_active)
    set_actor(current, by)
    _full_clean(current)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as error:
        raise ApplicationError(_("Someone else has just created a rule with this code; reload and check."),
                               code="conflict") from error
    if rule is not None:
        rule.refresh_from_db()
    return current
