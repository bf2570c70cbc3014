"""Who may be picked on the training forms: the official picker's scopes (org/pickers.py)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from org.models import Official, User
from org.pickers import register_official_scope
from org.selectors import officials_visible_to

LECTURERS = "lecturers"  # a session's lecturer, when an official gives it


def lecturers(user: User | AnonymousUser) -> QuerySet[Official]:
    return officials_visible_to(user).filter(is_active=True)


register_official_scope(LECTURERS, lecturers)
