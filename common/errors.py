"""The one domain error type, raised by services and shown on forms or as a structured API error."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused an action; ``message`` is for people (Chinese), ``code`` for machines."""

    def __init__(
        self, message: str, *, code: str = "invalid", extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


def from_validation_error(instance: Any, error: Any) -> ApplicationError:
    """Turn a model's ``ValidationError`` (from ``full_clean``) into an ``ApplicationError`` whose message names
    each field by its label ("回复期限：…；…", the messages are Chinese so the separator is 「；」) and whose
    ``extra["fields"]`` keeps the messages per field. The one way every service does this."""
    if not hasattr(error, "error_dict"):  # raised without fields: its messages as they are
        return ApplicationError("；".join(str(m) for m in error.messages), code="invalid")
    parts: list[str] = []
    for name, messages in error.message_dict.items():
        label = str(getattr(instance._meta.get_field(name), "verbose_name", "")) if name != "__all__" else ""
        parts.extend(f"{label}：{m}" if label else m for m in messages)
    codes = {e.code for errors in error.error_dict.values() for e in errors}
    code = "too_long" if codes == {"max_length"} else "invalid"  # as common.text_limits says it
    return ApplicationError("；".join(parts), code=code, extra={"fields": error.message_dict})
