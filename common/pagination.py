"""The one page size of every list page, and the one way to cut a list into the page a request asks for.

(The API paginates through DRF, ``common.api``, with its own caller-chosen ``page_size``.)
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(items: Any, number: Any, *, size: int = PAGE_SIZE) -> Page:
    """Return page ``number`` of ``items`` (a queryset or a list); a bad or out-of-range number gives the
    nearest page, never an error."""
    return Paginator(items, size).get_page(number)


def paginate(request: HttpRequest, items: Any, *, param: str = "page", size: int = PAGE_SIZE) -> Page:
    """Return the page of ``items`` named by the query parameter ``param``."""
    return page_of(items, request.GET.get(param), size=size)
