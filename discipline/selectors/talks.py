"""Talks (谈心谈话): confidential records, read by discipline inspection and the organization department."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from discipline.models import Talk
from discipline.selectors.scope import scoped
from org.models import User


def talks_visible_to(user: User | AnonymousUser) -> QuerySet[Talk]:
    """Talks are confidential: discipline inspection and the organization department over the official."""
    return scoped(Talk.objects.select_related("official", "official__unit", "talker"), user, "official__unit__")
