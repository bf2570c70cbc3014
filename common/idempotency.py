"""Creates happen once: a create form sent twice (a double click, the back button) or an API create retried makes
one record, and the repeat gets the first submission's answer.

- Pages: ``{% form_token %}`` in the form (a one-time token) and ``@idempotent_form`` on the view;
  ``static/js/form_token.js`` gives a form that the back button fetched again the token it was sent with.
- API: ``@idempotent_create`` on the endpoint honours an ``Idempotency-Key`` header (and documents it).

Both claim their key in one :class:`~common.models.IdempotencyKey` row, inserted in the same transaction as the
create, under a unique index. A second request with the same key inserts the same row: on PostgreSQL it waits on
the index until the first transaction ends, on SQLite for the write lock (transactions are IMMEDIATE); then it
finds the first's row and answers from it. A refused submission (the form shown again with its errors, an error
message, an API 4xx) leaves no row — an exception rolls the transaction back, an answered refusal deletes it — so
the same token may be sent again.

Keys older than ``IDEMPOTENCY_KEY_TTL_HOURS`` are forgotten: each claim first deletes its own user's expired
keys (purged on write, by the index on user and age; no job to schedule, and a user's rows stay bounded by what
they submit in a day).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import ApplicationError
from common.models import IdempotencyKey

FORM_FIELD = "form_token"
HEADER = "Idempotency-Key"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")  # what form_token() makes
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as Stripe and the IETF draft allow

View = TypeVar("View", bound=Callable[..., Any])


def form_token() -> str:
    """Return a new one-time token for a create form."""
    return secrets.token_urlsafe(24)


def _claim(*, user: Any, kind: str, key: str, fingerprint: str = "") -> tuple[IdempotencyKey, bool]:
    """Claim ``key`` for ``user`` inside the caller's transaction: the new row and True, or the first
    submission's row and False (after that submission's transaction ended, when it was still running)."""
    IdempotencyKey.objects.filter(
        user=user, created_at__lt=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)).delete()
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's transaction usable
            return IdempotencyKey.objects.create(user=user, kind=kind, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, kind=kind, key=key), False


# -- pages ------------------------------------------------------------------------------------------------------

def _local(url: str, request: HttpRequest) -> str:
    """Keep a URL on this site: its path and query, or the home page."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    safe = url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}) and path.startswith("/")
    return path if safe and len(path) <= 1000 else "/"


def _led_to(request: HttpRequest, response: HttpResponseBase) -> str | None:
    """Return the page a submission led to, or None when it was refused: the form shown again (any answer that
    stays on the form, except htmx's 2xx), or an error message on the way elsewhere."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", ())  # this request's messages
    if any(message.level >= messages.ERROR for message in queued):
        return None
    if response.has_header("HX-Redirect"):
        return _local(response["HX-Redirect"], request)
    if 300 <= response.status_code < 400 and response.has_header("Location"):
        return _local(response["Location"], request)
    htmx = getattr(request, "htmx", None)
    if htmx and 200 <= response.status_code < 300:  # htmx refusals are 4xx (static/js/htmx_setup.js)
        return _local(htmx.current_url_abs_path or request.headers.get("Referer", "/"), request)  # its page
    return None


def _mark(function: Callable[..., Any], name: str) -> None:
    """Mark a wrapped view as idempotent (``tests/test_idempotency.py`` looks for the mark on every create)."""
    setattr(function, name, True)


def idempotent_form(view: View) -> View:
    """Serve a create form's POST once per ``{% form_token %}``: a repeat of a token that went through creates
    nothing and goes to the page the first submission led to, saying so. A POST without a token (a page rendered
    before an upgrade, a script) is served as before."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
        if not request.user.is_authenticated or not _TOKEN.fullmatch(token):
            return view(request, *args, **kwargs)
        with transaction.atomic():
            claim, new = _claim(user=request.user, kind=IdempotencyKey.Kind.FORM, key=token)
            if not new:
                messages.info(request, _("This form was already submitted; this is what the first submission "
                                         "led to."))
                url = _local(claim.location, request)
                return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)
            response: HttpResponseBase = view(request, *args, **kwargs)
            location = _led_to(request, response)
            if location is None:
                claim.delete()
            else:
                claim.location = location
                claim.save(update_fields=["location"])
            return response

    _mark(wrapper, "idempotent_form")
    return cast(View, wrapper)  # ``wraps`` keeps the view's signature


# -- API --------------------------------------------------------------------------------------------------------

class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = gettext_lazy("This Idempotency-Key was used for another request; send a new key with a new "
                                  "request.")


IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[\x21-\x7e]+$"},
    OpenApiParameter.HEADER, required=False,
    description=(
        "Send the create once whatever happens: a repeat with the same key (the caller's own, up to 255 visible "
        "ASCII characters, e.g. a UUID) within IDEMPOTENCY_KEY_TTL_HOURS (default 24 h) creates nothing and "
        "answers the first successful response again, with `Idempotent-Replayed: true`; two at once wait for "
        "each other. The same key with another method, path or body answers 422 `idempotency_key_reused`. "
        "A refused request (4xx) keeps no answer: the key may be sent again."),
)
REUSED = {"description": "The Idempotency-Key was sent before with another request: "
                         "`{code: idempotency_key_reused, message}`."}


def _upload_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256((upload.name or "").encode())
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _fingerprint(request: Request) -> str:
    """Hash what makes a request the same request: method, path with query, and body (fields in any order)."""
    data: Any = request.data
    if hasattr(data, "lists"):  # a form or multipart body
        data = {name: [_upload_digest(v) if isinstance(v, UploadedFile) else v for v in values]
                for name, values in data.lists()}
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.get_full_path()}\n{body}".encode()).hexdigest()


def _with_reused_response(schema_class: type) -> type:
    """The endpoint's schema, with the 422 of a reused key among its responses."""

    class IdempotentSchema(schema_class):
        def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
            return {**super()._get_response_bodies(direction), "422": REUSED}

    return IdempotentSchema


def idempotent_create(method: View) -> View:
    """Honour ``Idempotency-Key`` on an API create (a viewset's ``create`` or a POST ``@action``; put it above
    ``@extend_schema`` and ``@action``) and document the header and the 422 in the schema."""

    @wraps(method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if key is None:
            return method(self, request, *args, **kwargs)
        if not _KEY.fullmatch(key):
            message = _("The Idempotency-Key header takes 1 to 255 visible ASCII characters.")
            raise ApplicationError(message, code="invalid", extra={"fields": {HEADER: [message]}})
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            claim, new = _claim(user=request.user, kind=IdempotencyKey.Kind.API, key=key, fingerprint=fingerprint)
            if not new:
                if claim.fingerprint != fingerprint:
                    raise IdempotencyKeyReused()
                replay = HttpResponse(claim.body, status=claim.status, content_type="application/json")
                replay["Idempotent-Replayed"] = "true"
                return replay
            response = method(self, request, *args, **kwargs)
            if isinstance(response, Response) and 200 <= response.status_code < 300:
                claim.status = response.status_code
                claim.body = JSONRenderer().render(response.data).decode() if response.data is not None else ""
                claim.save(update_fields=["status", "body"])
            else:
                claim.delete()
            return response

    _mark(wrapper, "idempotent_create")
    extend_schema(parameters=[IDEMPOTENCY_KEY])(wrapper)
    # drf-spectacular keeps the endpoint's schema class in the method's ``kwargs`` (set by ``extend_schema``).
    schema_kwargs: dict[str, Any] = vars(wrapper)["kwargs"]
    schema_kwargs["schema"] = _with_reused_response(schema_kwargs["schema"])
    return cast(View, wrapper)  # ``wraps`` keeps the method's signature
