"""Who may be picked on the case and talk forms: the official picker's scopes (org/pickers.py)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from discipline.selectors.scope import CASE_ROLES
from org.models import Official, Role, User
from org.pickers import register_official_scope
from org.selectors import officials_visible_to

CASE_SUBJECTS = "case_subjects"  # the officials a case is about (discipline inspection's scope)
TALK_OFFICIALS = "talks"  # the official a talk was held with


def case_subjects(user: User | AnonymousUser) -> QuerySet[Official]:
    return officials_visible_to(user, roles=[Role.DISCIPLINE], include_self=False).filter(is_active=True)


def talk_officials(user: User | AnonymousUser) -> QuerySet[Official]:
    return officials_visible_to(user, roles=CASE_ROLES, include_self=False).filter(is_active=True)


register_official_scope(CASE_SUBJECTS, case_subjects)
register_official_scope(TALK_OFFICIALS, talk_officials)
