"""Who reads case files, and the scoping of a queryset to the subtrees a user's roles cover."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet

from org.models import Role, User
from org.selectors import access_for, subtree_q

CASE_ROLES = (Role.DISCIPLINE, Role.ORG_DEPARTMENT)

_M = TypeVar("_M", bound=Model)


def role_paths(user: User | AnonymousUser, roles: Iterable[str]) -> list[str] | None:
    """The subtree prefixes ``roles`` cover, or None for a superuser (everything)."""
    access = access_for(user)
    return None if access.is_superuser else access.paths(roles)


def scoped(qs: QuerySet[_M], user: User | AnonymousUser, relation: str, roles: Iterable[str] = CASE_ROLES,
           own: Q | None = None) -> QuerySet[_M]:
    """``qs`` limited to rows whose unit (through ``relation``) is in the subtrees ``roles`` cover, or ``own``."""
    paths = role_paths(user, roles)
    if paths is None:
        return qs
    q = subtree_q(paths, relation)
    if own is not None:
        q |= own
    return qs.filter(q)


def own_official_id(user: User | AnonymousUser) -> int | None:
    return access_for(user).official_id
