"""Reads of the roster pages: the statistics of a user's scope, the unit tree, an official's posts and who
may change them, and the roster import history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from org.models import Official, OrgUnit, PostAssignment, RankLevel, Role, RosterImport, User, rotation_cutoff
from org.selectors.scope import access_for, officials_visible_to, units_visible_to


def roster_imports_visible_to(user: User | AnonymousUser) -> QuerySet[RosterImport]:
    """Return the roster uploads in the user's import history: their own, or every one for the organization
    department over the whole organisation. A refused upload's problems name the units and officials of its
    uploader's scope, so another scope's uploads are not shown."""
    access = access_for(user)
    uploads = RosterImport.objects.select_related("uploaded_by__official").order_by("-created_at", "-id")
    roots = OrgUnit.get_root_nodes().values_list("path", flat=True)
    if access.is_superuser or all(access.covers(path, [Role.ORG_DEPARTMENT]) for path in roots):
        return uploads
    return uploads.filter(uploaded_by_id=user.pk)


def official_posts(official: Official) -> QuerySet[PostAssignment]:
    return official.posts.select_related("unit").order_by("-start_date")


def post_units_for(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    """Return the active units the user may move an official to (organization department over them)."""
    return units_visible_to(user, roles=[Role.ORG_DEPARTMENT]).filter(is_active=True)


def officials_movable_by(user: User | AnonymousUser) -> QuerySet[Official]:
    """Return the officials whose post the user may change: those under their organization-department role,
    never themself."""
    return officials_visible_to(user, roles=[Role.ORG_DEPARTMENT], include_self=False)


def can_change_post(user: User | AnonymousUser, official: Official) -> bool:
    """Whether the user may record a new post for ``official`` (see ``officials_movable_by``)."""
    return officials_movable_by(user).filter(pk=official.pk).exists()


def officials_due_for_rotation(user: User | AnonymousUser, *, today: date | None = None) -> QuerySet[Official]:
    """Return visible active officials who have served the rotation period in their current post."""
    return (
        officials_visible_to(user)
        .filter(is_active=True, post_since__lte=rotation_cutoff(today))
        .order_by("post_since", "name")
    )


@dataclass
class DashboardFigures:
    officials: int
    by_rank_level: list[tuple[str, str, int]]  # (value, label, count)
    units: int
    rotation_due: int
    rotation_due_sample: list[Official]
    today: date


def dashboard_figures(user: User | AnonymousUser) -> DashboardFigures:
    """Return the home dashboard's figures for the user's scope in a fixed number of queries."""
    today = timezone.localdate()
    active = officials_visible_to(user).filter(is_active=True)
    # COUNT(*), not of the id: the county's count then reads only ``official_active_rank_idx``.
    counts = dict(active.order_by().values_list("rank_level").annotate(n=Count("*")))
    by_rank = [(value, str(label), counts.get(value, 0)) for value, label in RankLevel.choices]
    due = officials_due_for_rotation(user, today=today)
    return DashboardFigures(
        officials=sum(counts.values()),
        by_rank_level=by_rank,
        units=units_visible_to(user).filter(is_active=True).count(),
        rotation_due=due.count(),
        rotation_due_sample=list(due[:10]),
        today=today,
    )


def unit_tree(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    """Return visible units in tree order, to be paginated (their officials are counted per page:
    ``attach_official_counts``)."""
    return units_visible_to(user)


def tree_base_depth(units: QuerySet[OrgUnit]) -> int:
    """The depth of the shallowest of ``units`` (1 when there are none): the page indents from it, so that every
    page of the tree indents alike (one query, not the whole tree read)."""
    return units.aggregate(depth=Min("depth"))["depth"] or 1


def attach_official_counts(units: Iterable[OrgUnit]) -> None:
    """Set ``official_count`` on each unit: its direct active officials (one query). Counted for the units shown,
    not joined for the whole tree: at 50,000 officials that join cost 50 ms for a page of 25 units."""
    units = list(units)
    counts = dict(Official.objects.filter(unit__in=units, is_active=True).order_by().values("unit")
                  .annotate(n=Count("*")).values_list("unit", "n"))
    for unit in units:
        unit.official_count = counts.get(unit.pk, 0)
