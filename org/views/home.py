"""The home page (what is to do) and the roster statistics of the user's scope."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.http import AuthedRequest
from org.home import panels_for, todos_for
from org.selectors.roster import dashboard_figures


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The home page: what is to do (待办), one block per role the user holds, each line a count that opens the
    list of exactly those records; the apps above ``org`` contribute the lines (``org.home``)."""
    return render(request, "org/home.html", {"blocks": todos_for(request.user), "panels": panels_for(request.user),
                                             "today": timezone.localdate()})


@login_required
def statistics(request: AuthedRequest) -> HttpResponse:
    """The roster statistics of the user's scope: officials by rank level, units, who is due for rotation."""
    figures = dashboard_figures(request.user)
    chart = {
        "labels": [label for _value, label, _count in figures.by_rank_level],
        "counts": [count for _value, _label, count in figures.by_rank_level],
    }
    return render(request, "org/statistics.html",
                  {"figures": figures, "chart": chart, "rotation_years": settings.ROTATION_DUE_YEARS})
