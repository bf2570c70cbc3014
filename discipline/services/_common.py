"""Helpers shared by the discipline services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from org.models import User


def save_as(instance: models.Model, by: User | None, **kwargs: Any) -> None:
    """Validate and save, with ``by`` as the history actor (simple-history outside a request)."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        parts: list[str] = []
        for name, messages in error.message_dict.items():
            label = str(getattr(instance._meta.get_field(name), "verbose_name", "")) if name != "__all__" else ""
            parts.extend(f"{label}：{m}" if label else m for m in messages)
        raise ApplicationError("；".join(parts), code="invalid", extra={"fields": error.message_dict}) from error
    instance._history_user = by  # type: ignore[attr-defined]
    instance.save(**kwargs)


def forbidden() -> ApplicationError:
    return ApplicationError(_("You may not do this for this case."), code="forbidden")


def required(text: str, message: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(message, code="required", extra={"fields": {field: [message]}})
    return text
