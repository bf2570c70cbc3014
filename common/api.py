"""API plumbing shared by every app: pagination and the structured error format."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ApplicationError
from common.filters import ID_MAX, YEAR_MAX, YEAR_MIN
from common.text_limits import TOO_LONG

if TYPE_CHECKING:
    # ``settings.AUTH_USER_MODEL`` (django-stubs resolves this alias to it): ``common`` imports no app.
    from django.contrib.auth.models import _User as User


def request_user(request: Request) -> User:
    """The caller of an endpoint behind ``IsAuthenticated``: a real user, never anonymous."""
    return cast("User", request.user)


def limit_related(serializer: serializers.Serializer, name: str, queryset: models.QuerySet[Any]) -> None:
    """Limit the related field ``name`` of ``serializer`` to ``queryset`` (the caller's scope), set when the
    serializer is made: any other id or slug then reads as "does not exist"."""
    field = serializer.fields[name]
    if not isinstance(field, serializers.RelatedField):
        raise TypeError(f"{type(serializer).__name__}.{name} is a {type(field).__name__}, not a related field")
    # The stubs declare ``queryset`` as ``QuerySet | Manager``, and mypy takes the Manager for a descriptor.
    field.queryset = queryset  # type: ignore[arg-type]


def parse_input(serializer_class: type[serializers.BaseSerializer], request: Request,
                context: Mapping[str, Any] | None = None, *, partial: bool = False) -> dict[str, Any]:
    """The request body checked by ``serializer_class`` (a 400 with the field errors when it is not valid), as a
    plain dict for a service's keyword arguments. ``context`` defaults to the request alone."""
    serializer = serializer_class(data=request.data, context={"request": request} if context is None else context,
                                  partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(cast(dict[str, Any], serializer.validated_data))


class StandardPagination(PageNumberPagination):
    """DRF's ``{count, next, previous, results}`` with a caller-chosen ``page_size``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class IdField(serializers.IntegerField):
    """The id of an object in a request body: 1 … 2⁶³−1, as the schema says. A larger number used to reach the
    database and answer 500 (neither SQLite's integer nor PostgreSQL's bigint holds it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class LimitedCharField(serializers.CharField):
    """A text in a request body, with a maximum (``common.text_limits``; required unless read-only) and the
    product's message, "最多 2000 个字（当前 2345 个字）。" — DRF's own does not say how long the text is."""

    default_error_messages = {"max_length": TOO_LONG}

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("max_length") is None and not kwargs.get("read_only"):
            raise TypeError("LimitedCharField needs a max_length (common.text_limits: LINE, NOTE, LONG …)")
        super().__init__(**kwargs)


class ModelSerializer(serializers.ModelSerializer):
    """The API's model serializer: a model's text column becomes a ``LimitedCharField`` with the column's
    maximum."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.CharField: LimitedCharField, models.TextField: LimitedCharField}


class DateTimeField(serializers.DateTimeField):
    """A date and time in the years the product deals with (those of ``common.filters``). Year 380 used to be
    stored, and came back with Beijing's local mean time offset (``+08:05:43``), which is no valid date-time."""

    def to_internal_value(self, value: Any) -> datetime:
        result = super().to_internal_value(value)
        if not YEAR_MIN <= result.year <= YEAR_MAX:
            message = _("Enter a date and time between the years %(low)s and %(high)s.")
            raise serializers.ValidationError(message % {"low": YEAR_MIN, "high": YEAR_MAX}, code="year")
        return result


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every error as ``{"code": ..., "message": ..., "fields"?: ...}``."""
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        extra = dict(exc.extra)
        if "fields" in extra:  # field errors sit where DRF's validation errors put them
            body["fields"] = extra.pop("fields")
        if extra:
            body["extra"] = extra
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "message": "请求数据有误", "fields": response.data}
    elif isinstance(exc, exceptions.APIException):
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
                         "message": str(detail)}
    return response
