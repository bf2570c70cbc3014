from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from common.notifications import unread_for


def notifications(request: HttpRequest) -> dict[str, Any]:
    """Give templates ``unread_notification_count`` for the bell: one COUNT, run only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notification_count() -> int:
        return unread_for(user).count()

    # Templates call a callable when they read it, so a page without the bell costs no query.
    return {"unread_notification_count": unread_notification_count}
