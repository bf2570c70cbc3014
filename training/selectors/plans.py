"""Study plans (学习计划): the plans a user may see, a year's plans with their planned sessions and hours, and
one plan's sessions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from org.models import OrgUnit, User
from org.selectors import access_for, ancestor_paths, subtree_q
from training.models import StudyPlan, TrainingSession

_HOURS = DecimalField(max_digits=9, decimal_places=1)


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[StudyPlan]:
    """Plans of units in the user's role subtrees, and of their own unit and its ancestors (whose study
    they attend)."""
    access = access_for(user)
    qs = StudyPlan.objects.select_related("unit")
    if access.is_superuser:
        return qs
    q = subtree_q(access.paths(), "unit__")
    if access.official_unit_id is not None:
        own = OrgUnit.objects.filter(pk=access.official_unit_id).values_list("path", flat=True).first()
        if own:
            q |= Q(unit__path__in=ancestor_paths(own))
    return qs.filter(q)


def plans_of_year(user: User | AnonymousUser, year: int) -> QuerySet[StudyPlan]:
    """The visible plans of ``year`` by unit, annotated with ``session_count``, ``required_count`` and
    ``planned_hours`` (one query for a page of them)."""
    return (plans_visible_to(user).filter(year=year)
            .annotate(session_count=Count("sessions"),
                      required_count=Count("sessions", filter=Q(sessions__is_required=True)),
                      planned_hours=Coalesce(Sum("sessions__hours"), Value(0), output_field=_HOURS))
            .order_by("unit__path"))


def plans_of_units(units: QuerySet[OrgUnit]) -> QuerySet[StudyPlan]:
    """The plans of these units (a session's plan is one of its organising unit's)."""
    return StudyPlan.objects.filter(unit__in=units).select_related("unit")


def plan_sessions(plan: StudyPlan) -> tuple[QuerySet[TrainingSession], dict[str, Any]]:
    """The plan's sessions by date, and their totals: ``n``, ``hours`` and ``required`` (one query)."""
    sessions = TrainingSession.objects.filter(plan=plan).select_related("lecturer").order_by("starts_at", "id")
    totals = sessions.aggregate(n=Count("id"), hours=Coalesce(Sum("hours"), Value(0), output_field=_HOURS),
                                required=Count("id", filter=Q(is_required=True)))
    return sessions, totals
