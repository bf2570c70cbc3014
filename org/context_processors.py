from typing import Any

from django.http import HttpRequest

from org.selectors import access_for


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the signed-in user's roles to templates, for navigation by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    return {
        "access": access,
        "is_org_department": access.has_role("org"),
        "is_head": access.has_role("head"),
        "is_discipline": access.has_role("discipline"),
    }
