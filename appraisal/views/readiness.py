"""The month's readiness for the organization department: per top-level unit, the reports not yet reviewed, not
yet submitted and waiting to be signed, and whether the rollup is fresh; a figure opens the list behind it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from appraisal.selectors import readiness as reads
from common.http import AuthedRequest
from common.pagination import paginate
from org.selectors import require_role
from tasks.selectors.reports import report_deadline


@login_required
@require_GET
def readiness(request: AuthedRequest) -> HttpResponse:
    """``?month=YYYY-MM`` (default: the month at hand); ``&unit=CODE&show=unreviewed|missing|to_sign`` lists the
    officials behind one figure of the table."""
    require_role(request.user, "org")
    today = timezone.localdate()
    key = request.GET.get("month", "")
    month = reads.month_of_key(key) if key else reads.month_at_hand(today)
    if month is None:
        raise Http404
    figures = reads.readiness(request.user, month)
    context: dict[str, Any] = {"figures": figures, "month": month, "deadline": report_deadline(month.start),
                               "past_deadline": today > report_deadline(month.start), "today": today}
    show, code = request.GET.get("show", ""), request.GET.get("unit", "")
    if show or code:
        unit = next((row.unit for row in figures.units if row.unit.code == code), None)
        if unit is None or show not in reads.SHOWS:
            raise Http404  # a unit outside the scope is answered like one that does not exist
        rows = reads.unit_rows(request.user, month, unit, show)
        context.update({"unit": unit, "show": show,
                        "page": paginate(request, rows),
                        "query": f"month={month.key}&unit={unit.code}&show={show}"})
    return render(request, "appraisal/readiness.html", context)
