"""Helpers shared by the discipline API modules.

Anything outside the caller's scope reads as missing (404); a write the caller may see but not make is refused
by the service (``{"code": "forbidden", ...}``).
"""

from __future__ import annotations

from typing import Any, cast

from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from common.errors import ApplicationError
from org.models import User


def _user(request: Request) -> User:
    return cast(User, request.user)  # IsAuthenticated: never anonymous here


def _parse(serializer_class: type[BaseSerializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(cast(dict[str, Any], data.validated_data))


def _missing(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", extra={"fields": {field: [message]}})
