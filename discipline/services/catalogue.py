"""The rule catalogue and the decision kinds, edited by discipline inspection at the top level."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from discipline.models import DecisionKind, DisciplineRule, GradeCap
from discipline.selectors.catalogue import can_edit_catalogue
from discipline.services._common import required, save_as
from org.models import User


def _check(by: User) -> None:
    if not can_edit_catalogue(by):
        raise ApplicationError(_("Only county-level discipline inspection edits the catalogue."), code="forbidden")


def rule_save(*, by: User, rule: DisciplineRule | None = None, code: str, category: str, text: str,
              is_active: bool = True) -> DisciplineRule:
    _check(by)
    rule = rule or DisciplineRule()
    rule.code = required(code, _("Give the rule a code."), "code")
    rule.category, rule.is_active = category, is_active
    rule.text = required(text, _("Write the text of the rule."), "text")
    try:
        with transaction.atomic():
            save_as(rule, by)
    except IntegrityError:
        raise ApplicationError(_("This code is already used by another rule."), code="duplicate") from None
    return rule


@transaction.atomic
def kind_configure(*, by: User, kind: DecisionKind, points: Decimal, grade_cap: str, cap_years: int,
                   months_in_force: int | None, promotion_bar_months: int | None, is_active: bool,
                   later_cap: str = "", cap_in_force: bool = False) -> DecisionKind:
    """Change a kind's defaults; decisions already recorded keep theirs.

    ``cap_years``: the appraisal years the grade cap applies to, from the year a decision takes effect (1 = that
    year only); ``later_cap``: the cap in the years after the first ("" = the same); ``cap_in_force``: instead,
    every appraisal year a decision's period in force touches (which needs a period)."""
    _check(by)
    if cap_years < 1:
        raise ApplicationError(_("A grade cap applies to at least one appraisal year."), code="invalid")
    if any(cap and cap not in GradeCap.values for cap in (grade_cap, later_cap)):
        raise ApplicationError(_("Choose a grade cap from the list."), code="invalid")
    if cap_in_force and grade_cap and not months_in_force:
        raise ApplicationError(_("A cap for the period in force needs the months in force."), code="invalid",
                               extra={"fields": {"months_in_force": [_("Required.")]}})
    kind = DecisionKind.objects.select_for_update().get(pk=kind.pk)
    kind.points, kind.grade_cap, kind.cap_years, kind.later_cap = points, grade_cap, cap_years, later_cap
    kind.cap_in_force = cap_in_force
    kind.months_in_force, kind.promotion_bar_months, kind.is_active = months_in_force, promotion_bar_months, is_active
    save_as(kind, by)
    return kind
