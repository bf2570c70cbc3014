"""Who may act on what in the appraisal: the checks the pages (to show an action) and the services (to allow it)
share, so the two never disagree; and the user's own official record, for the pages about oneself."""

from __future__ import annotations

from appraisal.selectors.scores import MANAGER_ROLES
from org.models import Official, OrgUnit, User
from org.selectors import access_for


def is_org_over(user: User, unit: OrgUnit) -> bool:
    """The organization department over the unit (考核委员会)."""
    return access_for(user).covers(unit.path, ("org",))


def is_lead_over(user: User, unit: OrgUnit) -> bool:
    """The unit's head or the organization department over it: they move the early stages on."""
    return access_for(user).covers(unit.path, ("org", "head"))


def is_head_over(user: User, official: Official, *, unit_path: str | None = None) -> bool:
    """A head over the official's unit who is not the official (主管领导), or the organization department.

    ``unit_path``: the unit that grades an official who changed units during the year, when it is not their
    present unit (``appraisal.selectors.transfers.grading_unit_path``)."""
    access = access_for(user)
    if access.official_id == official.pk:
        return False
    return access.covers(unit_path or official.unit.path, ("head", "org"))


def can_manage_entries(user: User, official: Official) -> bool:
    """Whether ``user`` may record or delete manual entries for ``official``."""
    access = access_for(user)
    return access.official_id != official.pk and access.covers(official.unit.path, MANAGER_ROLES)


def own_official(user: User) -> Official | None:
    """Return the user's own official record, with its unit, or None for an account without one."""
    official_id = access_for(user).official_id
    return None if official_id is None else Official.objects.select_related("unit").get(pk=official_id)
