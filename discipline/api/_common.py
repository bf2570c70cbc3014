"""Helpers shared by the discipline API modules.

Anything outside the caller's scope reads as missing (404); a write the caller may see but not make is refused
by the service (``{"code": "forbidden", ...}``).
"""

from __future__ import annotations

from common.errors import ApplicationError


def _missing(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", extra={"fields": {field: [message]}})
