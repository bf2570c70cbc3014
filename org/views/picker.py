"""The official picker's search (JSON): the officials of a form's scope matching what was typed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from common.filters import as_id
from common.http import AuthedRequest
from org.pickers import has_official_scope, official_scope, option_data, search_officials


@login_required
@require_GET
def official_search(request: AuthedRequest) -> HttpResponse:
    """``?scope=<name>&q=<text>[&unit=<id>]``: up to 20 officials of the scope, ``more`` when others match.
    An unknown scope is 404; an official or unit outside the user's scope is simply not in the answer."""
    scope = request.GET.get("scope", "")
    if not has_official_scope(scope):
        raise Http404
    found = search_officials(official_scope(scope, request.user), request.GET.get("q", ""),
                             unit_id=as_id(request.GET.get("unit")))
    return JsonResponse({"results": [option_data(o) for o in found.officials], "more": found.more},
                        json_dumps_params={"ensure_ascii": False})
