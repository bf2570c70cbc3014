"""Request types for views: the htmx details and a signed-in user, so views type-check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # ``settings.AUTH_USER_MODEL`` (django-stubs resolves this alias to it): ``common`` imports no app.
    from django.contrib.auth.models import _User as User


class AuthedRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real user; ``htmx`` comes from django-htmx."""

    user: User
    htmx: HtmxDetails
