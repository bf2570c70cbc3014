"""Small helpers shared by the discipline pages."""

from __future__ import annotations

from urllib.parse import urlencode

from common.http import AuthedRequest


def query_without_page(request: AuthedRequest) -> str:
    """The current filters as a query string, for the pagination links and the export."""
    return urlencode([(k, v) for k, values in request.GET.lists() for v in values if k != "page" and v])
