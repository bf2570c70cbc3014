"""Middleware of our own: the admin site is invisible to anyone who is not staff; a query string with a NUL
character is refused before any view sees it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class StaffOnlyAdminMiddleware:
    """Answer 404 under ``/admin/`` for anyone who is not staff (signed out included), instead of the admin's
    login redirect that tells an attacker where the admin is. Staff sign in on the product's login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/"):
            user = getattr(request, "user", None)
            if user is None or not (user.is_authenticated and user.is_staff and user.is_active):
                raise Http404
        return self.get_response(request)


class RefuseNulCharactersMiddleware:
    """Answer 400 to a query string holding a NUL character (``%00``). PostgreSQL cannot store or compare text
    with NUL in it, so a view filtering on such a value (``/api/v1/annual-summaries/?unit=%00``) answered 500;
    no page or endpoint takes one. The API answers with its usual error body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            message = _("The address holds a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
