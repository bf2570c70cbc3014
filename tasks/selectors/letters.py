"""Reads of the supervision letters (督办函), scoped to the user."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from org.models import User
from org.selectors import ALL_ROLES, access_for
from tasks.models import SupervisionLetter
from tasks.selectors._common import unit_q


def letters_visible_to(user: User | AnonymousUser, *, roles: Iterable[str] = ALL_ROLES) -> QuerySet[SupervisionLetter]:
    """Return the supervision letters a user may see: issued or received in their subtrees, or addressed to them."""
    qs = SupervisionLetter.objects.select_related("issuer_unit", "recipient_unit", "recipient_official", "task")
    everything, q_recipient = unit_q(user, "recipient_unit__", roles)
    if everything:
        return qs
    _everything, q_issuer = unit_q(user, "issuer_unit__", roles)
    q = q_recipient | q_issuer
    official_id = access_for(user).official_id
    if official_id is not None:
        q |= Q(recipient_official_id=official_id)
    return qs.filter(q)
