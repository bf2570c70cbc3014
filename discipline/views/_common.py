"""Small helpers shared by the discipline pages."""

from __future__ import annotations

from urllib.parse import urlencode

from common.http import AuthedRequest
from org.models import Role
from org.selectors import access_for


def query_without_page(request: AuthedRequest) -> str:
    """The current filters as a query string, for the pagination links and the export."""
    return urlencode([(k, v) for k, values in request.GET.lists() for v in values if k != "page" and v])


def discipline_paths(request: AuthedRequest) -> list[str] | None:
    """The subtrees where the user holds discipline inspection (None for a superuser: everywhere)."""
    access = access_for(request.user)
    return None if access.is_superuser else access.paths([Role.DISCIPLINE])
