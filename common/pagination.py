"""The one page size of every list page, and the one way to cut a list into the page a request asks for.

(The API paginates through DRF, ``common.api``, with its own caller-chosen ``page_size``.)
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25
_M = TypeVar("_M", bound=Model)


def page_of(items: Any, number: Any, *, size: int = PAGE_SIZE) -> Page:
    """Return page ``number`` of ``items`` (a queryset or a list); a bad or out-of-range number gives the
    nearest page, never an error."""
    return Paginator(items, size).get_page(number)


def paginate(request: HttpRequest, items: Any, *, param: str = "page", size: int = PAGE_SIZE) -> Page:
    """Return the page of ``items`` named by the query parameter ``param``."""
    return page_of(items, request.GET.get(param), size=size)


def paginate_narrow(request: HttpRequest, items: QuerySet[_M], *, param: str = "page",
                    size: int = PAGE_SIZE) -> Page:
    """``paginate`` for a long queryset of wide rows (a JSON column, the columns of several joined tables): the
    whole list is sorted on its ids alone, then only the page's rows are read in full. One query more than
    ``paginate``; at 10,000 officials a sort of the county's scorecards or training rows with all their columns
    cost 50–300 ms, the narrow sort a tenth of that."""
    page = page_of(items.values_list("pk", flat=True), request.GET.get(param), size=size)
    ids = list(page.object_list)
    rows = items.order_by().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
