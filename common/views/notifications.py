"""The notifications page (the bell's target): a paginated list, marking one or all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from common.http import AuthedRequest
from common.notifications import mark_read, notifications_of
from common.pagination import paginate


def _render_list(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, notifications_of(request.user, unread_only=unread_only))
    context = {"page": page, "unread_only": unread_only, "query": "show=unread" if unread_only else ""}
    return render(request, "common/notifications.html", context)


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    return _render_list(request)


@login_required
@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read; ``open=1`` then follows its link."""
    notification = get_object_or_404(notifications_of(request.user), pk=pk)
    mark_read(user=request.user, ids=[notification.pk])
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and notification.url:
        return redirect(notification.url)
    return _after_change(request)


@login_required
@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    mark_read(user=request.user)
    return _after_change(request)


def _after_change(request: AuthedRequest) -> HttpResponse:
    # htmx swaps the list (and the bell) out of the re-rendered page; a plain form goes back to the list.
    if request.htmx:
        return _render_list(request)
    return redirect("common:notification_list")
