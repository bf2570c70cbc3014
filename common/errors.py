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
