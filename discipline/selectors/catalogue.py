"""The rule catalogue and the decision kinds: read by case readers, edited by county-level discipline
inspection."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from discipline.models import DecisionKind, DisciplineRule, RuleCategory
from org.models import OrgUnit, Role, User
from org.selectors import access_for


def can_edit_catalogue(user: User | AnonymousUser) -> bool:
    """The catalogue is county-wide: discipline inspection on a top-level unit edits it."""
    access = access_for(user)
    return access.is_superuser or any(
        g.role == Role.DISCIPLINE and len(g.unit_path) == OrgUnit.steplen for g in access.grants)


def rules_listed(category: str = "") -> QuerySet[DisciplineRule]:
    """The catalogue's rules by category and code, of one category when it names one."""
    rules = DisciplineRule.objects.order_by("category", "code")
    return rules.filter(category=category) if category in RuleCategory.values else rules


def kinds_listed() -> QuerySet[DecisionKind]:
    """Every kind of decision, by group and severity."""
    return DecisionKind.objects.order_by("group", "severity", "code")
