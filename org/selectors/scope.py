"""Scope: what a user may see, and the one scoping function for each kind of object of the org app.

Scope rules (DESIGN §5): a role granted on a unit covers its subtree; an organization-department
role on the root covers everything; a user linked to an official always sees that official. Each
kind of object has one scoping function (units and officials here, the others in their topic's module);
pages and API endpoints fetch through it, so an object outside one's scope is a 404, exactly like a
missing one. ``org.selectors`` re-exports this module: it is the app's public read API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Count, Expression, F, Model, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.utils.translation import gettext as _

from org.models import Official, OrgUnit, Role, RoleGrant, User

ALL_ROLES: tuple[str, ...] = tuple(Role.values)


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    unit_name: str


class ScopePaths(list[str]):
    """The subtree prefixes of some roles (``Access.paths``). ``every_unit`` says they are the prefixes of every
    root of the unit tree, so a scope filter by them would keep every row that has a unit: ``subtree_q`` and
    ``in_subtrees_q`` then test only that the row has one, instead of matching 10,000 rows against the unit
    table (the county's organization department, the heaviest reader of every list)."""

    every_unit: bool = False


@dataclass
class Access:
    """What one user holds: their role grants and their own official record (loaded once per request)."""

    is_superuser: bool = False
    grants: list[Grant] = field(default_factory=list)
    official_id: int | None = None
    official_unit_id: int | None = None
    # How many root units the tree has (all of them, active or not), read with the grants.
    root_count: int = 0

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(g.role in roles for g in self.grants)

    def covers(self, unit_path: str, roles: Iterable[str] = ALL_ROLES) -> bool:
        """Whether one of ``roles`` is held on this unit or one of its ancestors."""
        return self.is_superuser or any(unit_path.startswith(p) for p in self.paths(roles))

    def paths(self, roles: Iterable[str] = ALL_ROLES) -> ScopePaths:
        """Return the minimal set of subtree prefixes covered by the given roles."""
        wanted = set(roles)
        prefixes = sorted({g.unit_path for g in self.grants if g.role in wanted})
        minimal = ScopePaths()
        for path in prefixes:  # sorted, so an ancestor comes before its descendants
            if not any(path.startswith(kept) for kept in minimal):
                minimal.append(path)
        roots = sum(1 for path in minimal if len(path) == OrgUnit.steplen)
        minimal.every_unit = roots > 0 and roots == self.root_count
        return minimal


def access_for(user: User | AnonymousUser) -> Access:
    """Return the user's ``Access``, cached on the user object for the rest of the request."""
    cached = getattr(user, "_cadre_access", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return Access()
    roots = OrgUnit.objects.filter(depth=1).order_by().values("depth").annotate(n=Count("pk")).values("n")
    rows = list(RoleGrant.objects.filter(user=user, unit__is_active=True).select_related("unit")
                .annotate(root_count=Subquery(roots)).order_by("unit__path"))
    grants = [Grant(role=g.role, unit_id=g.unit_id, unit_path=g.unit.path, unit_name=g.unit.name) for g in rows]
    own = Official.objects.filter(user=user).order_by().values("id", "unit_id").first()
    access = Access(
        is_superuser=user.is_superuser,
        grants=grants,
        official_id=own["id"] if own else None,
        official_unit_id=own["unit_id"] if own else None,
        root_count=rows[0].root_count if rows else 0,
    )
    setattr(user, "_cadre_access", access)  # noqa: B010 - a per-request cache on the user object
    return access


def require_role(user: User | AnonymousUser, *roles: str) -> None:
    """Raise 404 unless the user holds one of ``roles`` somewhere: the page does not exist for anyone else
    (404, not 403, so it reveals nothing)."""
    if not access_for(user).has_role(*roles):
        raise Http404


def unit_subtree(unit: OrgUnit, user: User | AnonymousUser) -> ScopePaths:
    """One unit's subtree as scope paths for ``subtree_q``: marked ``every_unit`` when the unit is the tree's only
    root (the user's ``Access`` knows how many roots there are, so no query), where a filter by it need only test
    that a row has a unit — the county's report counted 49,000 officials through a join with every unit."""
    paths = ScopePaths([unit.path])
    paths.every_unit = unit.depth == 1 and access_for(user).root_count == 1
    return paths


def ancestor_paths(unit_path: str) -> list[str]:
    """Return the paths of a unit and all its ancestors (materialized-path prefixes)."""
    step = OrgUnit.steplen
    return [unit_path[:end] for end in range(step, len(unit_path) + 1, step)]


def users_with_role_over(unit: OrgUnit, role: str) -> QuerySet[User]:
    """Return the users holding ``role`` on ``unit`` or any unit above it (one query)."""
    return User.objects.filter(
        is_active=True, role_grants__role=role, role_grants__unit__path__in=ancestor_paths(unit.path),
        role_grants__unit__is_active=True,
    ).distinct()


class HasUnit(Expression):
    """True for rows that have a unit through ``relation`` (``"official__unit"``), resolved against the model of the
    query it filters: only the nullable foreign keys along the path are tested, so a path of required ones (an
    official's unit) is true without joining anything. It is what a whole-tree scope leaves to test."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, relation: str) -> None:
        super().__init__()
        self.relation = relation

    def resolve_expression(self, query: Any = None, allow_joins: bool = True, reuse: Any = None,
                           summarize: bool = False, for_save: bool = False) -> Any:
        model, path, tests = query.model, [], Q()
        for name in self.relation.split("__"):
            field = model._meta.get_field(name)
            path.append(name)
            if field.null:
                tests &= Q(**{"__".join(path) + "__isnull": False})
            model = field.related_model
        condition = tests if tests else Value(True, output_field=BooleanField())
        return condition.resolve_expression(query, allow_joins, reuse, summarize, for_save)


class InIds(Expression):
    """``column IN (subquery)`` that PostgreSQL can OR with other indexed conditions: written
    ``column = ANY(ARRAY(subquery))``, the ids are computed once (an init plan) and looked up through the column's
    index, so "in my subtrees, or myself" reads the subtree's officials (a bitmap OR of two index scans) where
    ``IN (subquery) OR id = …`` read every official of the city to test each against the subquery (20 ms → 3 ms
    for a bureau of 951 at 50,000 officials). Elsewhere a plain ``IN``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: QuerySet[Any]) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.ids: Any = Subquery(ids)

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.ids]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.column, self.ids = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        column, column_params = compiler.compile(self.column)
        ids, ids_params = compiler.compile(self.ids)  # "(SELECT …)"
        if connection.vendor == "postgresql":
            return f"{column} = ANY(ARRAY{ids})", (*column_params, *ids_params)
        return f"{column} IN {ids}", (*column_params, *ids_params)


def _has_unit_q(relation: str) -> Q:
    """Match rows that have a unit through ``relation`` (``"unit__"``, ``"official__unit__"``; ``""``: units)."""
    return Q(HasUnit(relation.removesuffix("__"))) if relation else ~Q(pk__in=[])


def subtree_q(paths: list[str], relation: str = "") -> Q:
    """Match rows whose unit (through ``relation``) lies in one of the subtrees ``paths``."""
    if getattr(paths, "every_unit", False):
        return _has_unit_q(relation)
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{relation}path__startswith": path})
    return q


def in_subtrees_q(paths: list[str], *relations: str, model: type[Model] | None = None) -> Q:
    """Match rows whose unit through any of ``relations`` (``"unit"``, ``"official__unit"``) lies in one of the
    subtrees ``paths``: the subtrees are picked on the small unit table first and matched by id. An OR of path
    prefixes across two joined unit tables left PostgreSQL without an estimate; it read every official of the
    county (10,000 index probes) to list one unit's 300 grades. When ``paths`` are the whole tree, only that a
    row has a unit is tested (``HasUnit``)."""
    q = Q(pk__in=[])
    if getattr(paths, "every_unit", False):
        for relation in relations:
            q |= _has_unit_q(f"{relation}__")
        return q
    units = OrgUnit.objects.filter(subtree_q(paths)).values("pk")
    for relation in relations:
        q |= _in_units_q(model, relation, units)
    return q


def _in_units_q(model: type[Model] | None, relation: str, units: QuerySet[OrgUnit]) -> Q:
    """``relation`` (``"official__unit"``) in ``units``, the row's foreign key matched against a subquery of the
    related table (``official_id IN (SELECT id FROM official WHERE unit_id IN …)``) when ``model`` is known, so the
    rows need no join to the related table to be filtered (a hash join of all 10,000 officials for one bureau)."""
    head, _sep, rest = relation.partition("__")
    if model is None or not rest:
        return Q(**{f"{relation}__in": units})
    related = model._meta.get_field(head).related_model
    assert isinstance(related, type) and issubclass(related, Model)
    return Q(**{f"{head}__in": related._default_manager.filter(_in_units_q(related, rest, units)).values("pk")})


def units_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[OrgUnit]:
    """Return the units a user may see: subtrees of their role grants, and their own unit."""
    access = access_for(user)
    qs = OrgUnit.objects.select_related("category", "parent").order_by("path")
    if access.is_superuser:
        return qs
    q = subtree_q(access.paths(roles))
    if access.official_unit_id is not None:
        q |= Q(pk=access.official_unit_id)
    return qs.filter(q)


def officials_visible_to(
    user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES, include_self: bool = True
) -> QuerySet[Official]:
    """Return the officials a user may see: those in their role subtrees, and themself."""
    access = access_for(user)
    qs = Official.objects.select_related("unit", "unit__category")
    if access.is_superuser:
        return qs
    paths = access.paths(roles)
    if getattr(paths, "every_unit", False):
        q = _has_unit_q("unit__")
    else:
        units = OrgUnit.objects.filter(subtree_q(paths)).order_by().values("pk")
        q = Q(InIds("unit", units)) if paths else Q(pk__in=[])
    if include_self and access.official_id is not None:
        q |= Q(pk=access.official_id)
    return qs.filter(q)


# -- lookups by what people type (unit codes, staff numbers) ------------------------------------------------
# Imports and forms resolve the codes in a file or a field through these two, and nothing else: a code
# outside the user's scope is simply absent from the answer, exactly like a code that does not exist, and
# both get the one message below — never a hint that it exists, never the name behind it.


def units_by_code(
    user: User | AnonymousUser | None, codes: Iterable[str], *, roles: Iterable[str] = ALL_ROLES
) -> dict[str, OrgUnit]:
    """Return ``{code: unit}`` for the codes naming a unit in the subtrees of the user's ``roles``, in one
    query. ``user=None`` (a management command acting for the whole organisation) finds every unit."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    qs = OrgUnit.objects.filter(code__in=wanted)
    if user is not None and not access_for(user).is_superuser:
        qs = qs.filter(subtree_q(access_for(user).paths(roles)))
    return {u.code: u for u in qs}


def officials_by_staff_number(
    user: User | AnonymousUser | None, numbers: Iterable[str], *, roles: Iterable[str] = ALL_ROLES,
    include_self: bool = True, active: bool | None = True,
) -> dict[str, Official]:
    """Return ``{staff number: official}`` for the numbers naming an official the user may see under
    ``roles`` (``officials_visible_to``), with their unit, in one query; ``active=None`` finds those who have
    left too. ``user=None`` (a management command) finds every official."""
    wanted = {n for n in numbers if n}
    if not wanted:
        return {}
    qs = (Official.objects.select_related("unit", "unit__category") if user is None
          else officials_visible_to(user, roles=roles, include_self=include_self))
    qs = qs.filter(staff_number__in=wanted)
    if active is not None:
        qs = qs.filter(is_active=active)
    return {o.staff_number: o for o in qs}


def unknown_unit_message(code: str) -> str:
    """The one answer for a unit code that does not exist or lies outside the user's scope."""
    return _("No unit with code “%(code)s” in your scope.") % {"code": code}


def unknown_official_message() -> str:
    """The one answer for a staff number that does not exist, lies outside the user's scope, or (where only
    serving officials count) belongs to someone who has left."""
    return _("No active official with this staff number in your scope.")
