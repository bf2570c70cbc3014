"""Helpers shared by the discipline services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from common.errors import ApplicationError, from_validation_error
from common.history import set_actor
from org.models import User


def save_as(instance: models.Model, by: User | None, **kwargs: Any) -> None:
    """Validate and save, with ``by`` as the history actor (simple-history outside a request)."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise from_validation_error(instance, error) from error
    set_actor(instance, by)
    instance.save(**kwargs)


def forbidden() -> ApplicationError:
    return ApplicationError(_("You may not do this for this case."), code="forbidden")


def required(text: str, message: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(message, code="required", extra={"fields": {field: [message]}})
    return text
