"""Middleware of our own: the admin site is invisible to anyone who is not staff."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse


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
