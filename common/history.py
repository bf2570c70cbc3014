"""Writing a model's audit history (django-simple-history) with the acting user outside a request.

Services act for a user but run without a request, so simple-history cannot find the actor itself: it reads
``_history_user`` (and ``_change_reason``) off the instance. These helpers are the one place that sets them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords

CHANGE_REASON_MAX = 100  # simple-history's history_change_reason length

# The actor is any user model instance (or None for the system); typed loosely so common imports no app.
Actor = Any


# The attributes simple-history reads off an instance when it writes the history row; models do not declare them.
HISTORY_USER = "_history_user"
CHANGE_REASON = "_change_reason"


def set_actor(instance: models.Model, by: Actor, *, reason: str | None = None) -> None:
    """Make the next history row of ``instance`` name ``by`` (and ``reason``, cut to what history keeps)."""
    setattr(instance, HISTORY_USER, by)
    if reason is not None:
        setattr(instance, CHANGE_REASON, reason[:CHANGE_REASON_MAX])


def save_as(
    instance: models.Model, by: Actor, *, reason: str | None = None, update_fields: Iterable[str] | None = None
) -> None:
    """Save ``instance`` with ``by`` as the history actor."""
    set_actor(instance, by, reason=reason)
    instance.save(update_fields=update_fields)


def delete_as(instance: models.Model, by: Actor, *, reason: str | None = None) -> None:
    """Delete ``instance`` with ``by`` as the history actor."""
    set_actor(instance, by, reason=reason)
    instance.delete()


class AppHistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` for a model defined in a module of a ``models`` package: its historical model is put in
    the package (``appraisal.models.HistoricalScheme``), where a single ``models.py`` would have it, so its module path
    imports it (Django's shell, pickling) whichever module of the package defines the model."""

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        super().contribute_to_class(cls, name)
        self.module = f"{cls._meta.app_config.name}.models"
