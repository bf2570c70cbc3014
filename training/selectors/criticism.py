"""Public criticism flags (通报批评) as the heads over the officials see them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from org.models import User
from org.selectors import access_for, subtree_q
from training.models import CriticismFlag
from training.selectors.sessions import HEAD


def flags_for_head(user: User | AnonymousUser) -> QuerySet[CriticismFlag]:
    """Public criticism flags (通报批评) of officials in the subtrees the user heads."""
    access = access_for(user)
    qs = CriticismFlag.objects.select_related("official", "official__unit", "decided_by")
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths((HEAD,)), relation="official__unit__"))


def flags_listed(user: User | AnonymousUser, *, decided: bool) -> QuerySet[CriticismFlag]:
    """The heads' list: the pending flags to decide (by quarter, unit and name), or those already decided
    (confirmed, dismissed or withdrawn; latest first)."""
    flags = flags_for_head(user)
    if decided:
        return flags.exclude(status=CriticismFlag.Status.PENDING).order_by("-decided_at", "-id")
    return flags.filter(status=CriticismFlag.Status.PENDING).order_by("-quarter", "official__unit__path",
                                                                      "official__name", "id")
