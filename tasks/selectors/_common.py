"""What the topic modules share: the unit-subtree condition of a user's roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from org.models import User
from org.selectors import access_for, subtree_q


def unit_q(user: User | AnonymousUser, relation: str, roles: Iterable[str]) -> tuple[bool, Q]:
    """Return whether the user sees everything, and else the condition "``relation`` is in their role subtrees"."""
    access = access_for(user)
    if access.is_superuser:
        return True, Q()
    return False, subtree_q(access.paths(roles), relation)
