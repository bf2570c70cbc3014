"""Who may be picked on the task and letter forms: the official picker's scopes (org/pickers.py)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from org.models import Official, User
from org.pickers import register_official_scope
from org.selectors import officials_visible_to
from tasks.selectors.letters import ISSUING_ROLES
from tasks.selectors.tasks import MANAGER_ROLES

TASK_OFFICIALS = "tasks"  # leading leader, responsible official, task group
LETTER_RECIPIENTS = "letters"  # the official a supervision letter is also addressed to


def task_officials(user: User | AnonymousUser) -> QuerySet[Official]:
    return officials_visible_to(user, roles=MANAGER_ROLES).filter(is_active=True)


def letter_recipients(user: User | AnonymousUser) -> QuerySet[Official]:
    return officials_visible_to(user, roles=ISSUING_ROLES, include_self=False).filter(is_active=True)


register_official_scope(TASK_OFFICIALS, task_officials)
register_official_scope(LETTER_RECIPIENTS, letter_recipients)
