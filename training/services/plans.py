"""Study plans (学习计划): a unit's annual plan, created by a head or the organization department over it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from org.models import OrgUnit, User
from org.selectors import access_for
from training.models import StudyPlan
from training.selectors.sessions import ORGANISER_ROLES

MIN_YEAR, MAX_YEAR = 2000, 2100


@transaction.atomic
def plan_create(*, by: User, unit: OrgUnit, year: int, title: str, notes: str = "") -> StudyPlan:
    """Create ``unit``'s study plan for ``year`` (one per unit and year)."""
    if not access_for(by).covers(unit.path, ORGANISER_ROLES):
        raise ApplicationError(_("Only a head or the organization department over this unit may plan its study."),
                               code="forbidden")
    if not unit.is_active:
        raise ApplicationError(_("This unit is no longer active."), code="invalid")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ApplicationError(_("Enter a year between 2000 and 2100."), code="invalid")
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Give the plan a title."), code="invalid")
    if StudyPlan.objects.filter(unit=unit, year=year).exists():
        raise ApplicationError(_("This unit already has a study plan for that year."), code="duplicate")
    plan = StudyPlan(unit=unit, year=year, title=title, notes=(notes or "").strip())
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # a concurrent request created it first
        raise ApplicationError(_("This unit already has a study plan for that year."), code="duplicate") from exc
    return plan
