"""The unit tree of the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from common.http import AuthedRequest
from common.pagination import paginate
from org.selectors.roster import attach_official_counts, tree_base_depth
from org.selectors.roster import unit_tree as units_in_tree


@login_required
def unit_tree(request: AuthedRequest) -> HttpResponse:
    units = units_in_tree(request.user)
    base_depth = tree_base_depth(units)
    page = paginate(request, units)
    attach_official_counts(page.object_list)
    for unit in page.object_list:
        unit.indent = 0.5 + 1.5 * (unit.depth - base_depth)
    return render(request, "org/unit_tree.html",
                  {"units": page.object_list, "page": page, "base_depth": base_depth})
