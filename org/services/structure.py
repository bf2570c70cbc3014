"""Business actions on the organisation: units, posts and rotations, role grants."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from org.models import (
    Official,
    OrgUnit,
    PostAssignment,
    PostKind,
    Role,
    RoleGrant,
    UnitCategory,
    UnitKind,
    User,
)
from org.selectors import access_for


def unit_create(
    *, name: str, code: str, parent: OrgUnit | None = None, kind: str = UnitKind.OTHER,
    category: UnitCategory | None = None, sort_order: int = 0, is_active: bool = True,
) -> OrgUnit:
    """Create a unit at the root or under ``parent``, keeping ``parent`` and the path in step."""
    unit = OrgUnit(
        name=name, code=code, parent=parent, kind=kind, category=category,
        sort_order=sort_order, is_active=is_active,
    )
    if parent is None:
        return OrgUnit.add_root(instance=unit)
    return parent.add_child(instance=unit)


@transaction.atomic
def official_assign_post(
    *, official: Official, unit: OrgUnit, position_title: str, start_date: date,
    kind: str = PostKind.APPOINTMENT, note: str = "", by: User | None = None,
) -> PostAssignment:
    """Move an official to a new post: close the open post, open the new one, update the record.

    ``by`` must hold the organization-department role over both the old and the new unit.
    """
    if by is not None:
        _require_org_role_over(by, official.unit, unit)
    current = PostAssignment.objects.select_for_update().filter(official=official, end_date__isnull=True).first()
    if current is not None:
        if start_date <= current.start_date:
            raise ApplicationError(
                _("The new post must start after the current one (%(date)s).") % {"date": current.start_date},
                code="post_dates",
            )
        current.end_date = start_date
        current.full_clean()
        current.save(update_fields=["end_date"])
    post = PostAssignment(
        official=official, unit=unit, position_title=position_title, kind=kind, start_date=start_date, note=note
    )
    post.full_clean()
    post.save()
    official.unit = unit
    official.position_title = position_title
    official.post_since = start_date
    official.save(update_fields=["unit", "position_title", "post_since", "updated_at"])
    return post


def _require_org_role_over(user: User, *units: OrgUnit) -> None:
    access = access_for(user)
    if access.is_superuser:
        return
    paths = access.paths([Role.ORG_DEPARTMENT])
    for unit in units:
        if not any(unit.path.startswith(p) for p in paths):
            raise ApplicationError(_("You are not the organization department for this unit."), code="forbidden")


def role_grant(*, user: User, unit: OrgUnit, role: str, by: User | None = None) -> RoleGrant:
    """Grant ``role`` on ``unit`` (and its subtree) to ``user``; granting again changes nothing."""
    if by is not None:
        _require_org_role_over(by, unit)
    grant, _created = RoleGrant.objects.get_or_create(user=user, unit=unit, role=role)
    return grant
