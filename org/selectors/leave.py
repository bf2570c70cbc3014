"""Reads of leave records (请假), scoped like every other read of the org app (DESIGN §5): the head over an
official and the organization department see the official's leave, the official sees their own, nobody else
anything — a record outside one's scope is a 404, exactly like a missing one.

``leave_days`` counts, for any number of officials in one query, the days of leave that fall in a span (an
appraisal year): each record clipped to the span, both ends included. Records of one official never overlap
(the services refuse it), so the days simply add up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from org.models import LeaveRecord, Official, OrgUnit, Role, User
from org.selectors.scope import access_for, subtree_q, units_visible_to

LEAVE_ROLES = (Role.HEAD, Role.ORG_DEPARTMENT)


def leave_records_visible_to(user: User | AnonymousUser, *, include_self: bool = True) -> QuerySet[LeaveRecord]:
    """Return the leave records a user may see: of officials in their head or organization-department
    subtrees, and (with ``include_self``) their own."""
    access = access_for(user)
    qs = LeaveRecord.objects.select_related("official", "official__unit", "recorded_by", "recorded_by__official")
    if access.is_superuser:
        return qs
    q = subtree_q(access.paths(LEAVE_ROLES), relation="official__unit__")
    if include_self and access.official_id is not None:
        q |= Q(official_id=access.official_id)
    return qs.filter(q)


def leave_records_managed_by(user: User | AnonymousUser) -> QuerySet[LeaveRecord]:
    """Return the leave records a user may change: in their head or organization-department subtrees, never
    their own."""
    qs = leave_records_visible_to(user, include_self=False)
    own = access_for(user).official_id
    return qs.exclude(official_id=own) if own is not None else qs


def can_manage_leave(user: User | AnonymousUser, official: Official) -> bool:
    """Whether the user may record, change and remove ``official``'s leave: the head over the official's unit or
    the organization department over it — never the official."""
    access = access_for(user)
    if access.official_id == official.pk:
        return False
    return access.covers(official.unit.path, LEAVE_ROLES)


def leave_of_official(user: User | AnonymousUser, official: Official) -> QuerySet[LeaveRecord]:
    """Return the leave records of ``official`` the user may see, the latest first."""
    return leave_records_visible_to(user).filter(official=official).order_by("-start_date", "-id")


def leave_units_for(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    """Return the active units whose officials' leave the user lists (head or organization department)."""
    return units_visible_to(user, roles=LEAVE_ROLES).filter(is_active=True)


def leave_listed(user: User | AnonymousUser, *, year: int, kind: str = "", name: str = "",
                 unit: OrgUnit | None = None) -> QuerySet[LeaveRecord]:
    """Return the leave of the officials under the user (never their own) with a day in ``year``; of ``kind``,
    of officials whose name contains ``name`` and in ``unit``'s subtree when given; the latest first."""
    records = leave_in_year(leave_records_visible_to(user, include_self=False), year)
    if kind:
        records = records.filter(kind=kind)
    if name:
        records = records.filter(official__name__icontains=name)
    if unit is not None:
        records = records.filter(unit.subtree_q("official__unit__"))
    return records.order_by("-start_date", "official__name", "-id")


def days_in_year(record: LeaveRecord, year: int) -> int:
    """Return the days of ``record`` that fall in ``year``, both ends included."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return (min(record.end_date, last) - max(record.start_date, first)).days + 1


def leave_in_year(qs: QuerySet[LeaveRecord], year: int) -> QuerySet[LeaveRecord]:
    """Return the records of ``qs`` with at least one day in ``year``."""
    return qs.filter(start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1))


def leave_days(
    *, start: date, end: date, kinds: Iterable[str], official_ids: Collection[int] | QuerySet | None = None,
) -> dict[int, int]:
    """Return ``{official id: days}`` of leave of ``kinds`` between ``start`` and ``end`` (both included), each
    record clipped to the span; officials without such leave are left out. One query for any number of
    officials (``official_ids`` may be a list or a queryset of ids; ``None`` means everyone)."""
    rows = LeaveRecord.objects.filter(kind__in=list(kinds), start_date__lte=end, end_date__gte=start)
    if official_ids is not None:
        rows = rows.filter(official_id__in=official_ids if isinstance(official_ids, QuerySet) else list(official_ids))
    days: dict[int, int] = defaultdict(int)
    for official_id, first, last in rows.order_by().values_list("official_id", "start_date", "end_date"):
        days[official_id] += (min(last, end) - max(first, start)).days + 1
    return dict(days)


def days_away(year: int, *, kinds: Iterable[str], official_ids: Collection[int] | QuerySet | None = None,
              ) -> dict[int, int]:
    """Return ``{official id: days}`` of leave of ``kinds`` in the calendar year ``year`` (the appraisal year)."""
    return leave_days(start=date(year, 1, 1), end=date(year, 12, 31), kinds=kinds, official_ids=official_ids)
