"""Period administration for the organization department: create a period, run a rollup with a progress
bar, close (the final rollup) from a page listing what is still open, publish, re-open with a reason; the
events trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms.close import CloseForm
from appraisal.forms.scores import PeriodCreateForm, ReopenForm
from appraisal.models import AppraisalPeriod, PeriodStatus, RollupRun
from appraisal.selectors import periods as period_reads
from appraisal.selectors.close import ITEMS, LABELS, REPORTS_MISSING, open_item_rows, period_months, period_open_items
from appraisal.services.periods import period_close, period_get_or_create, period_publish, period_reopen
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.selectors import require_role

FINISHED = (RollupRun.Status.DONE, RollupRun.Status.FAILED)


def _period(request: AuthedRequest, key: str) -> AppraisalPeriod:
    require_role(request.user, "org")
    return get_object_or_404(period_reads.periods_visible(), key=key)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def period_list(request: AuthedRequest) -> HttpResponse:
    """All periods, newest first, with a form to create one by its key."""
    require_role(request.user, "org")
    form = PeriodCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = period_get_or_create(key=form.cleaned_data["key"])
        except ApplicationError as error:
            show_error(form, error, field="key")
        else:
            return redirect("appraisal:period_detail", key=period.key)
    kind = request.GET.get("kind", "")
    page = paginate(request, period_reads.period_rows(kind))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "appraisal/periods/period_list.html",
                  {"form": form, "page": page, "kind": kind, "query": query.urlencode()},
                  status=400 if form.errors else 200)


def _render_detail(request: AuthedRequest, period: AppraisalPeriod, *, reopen_form: ReopenForm | None = None,
                   status: int = 200) -> HttpResponse:
    context = {
        "period": period,
        **period_reads.period_overview(period),
        "reopen_form": reopen_form or ReopenForm(),
        "Status": PeriodStatus,
    }
    return render(request, "appraisal/periods/period_detail.html", context, status=status)


@login_required
def period_detail(request: AuthedRequest, key: str) -> HttpResponse:
    return _render_detail(request, _period(request, key))


@login_required
@require_POST
def period_rollup(request: AuthedRequest, key: str) -> HttpResponse:
    """Start a (provisional) rollup; htmx gets the progress bar, which then polls until the run is done."""
    # Imported here: the rollup module belongs to the rollup engine and imports much of the app.
    from appraisal.services.rollup import rollup_start

    period = _period(request, key)
    try:
        run = rollup_start(period=period, by=request.user)
    except ApplicationError as error:
        if request.htmx:  # a 422: swapped in all the same (static/js/htmx_setup.js), earlier green messages go
            return render(request, "appraisal/periods/_rollup_progress.html",
                          {"period": period, "run": None, "error": error.message}, status=422)
        messages.error(request, error.message)
        return redirect("appraisal:period_detail", key=period.key)
    if request.htmx:
        run.refresh_from_db()
        response = render(request, "appraisal/periods/_rollup_progress.html", {"period": period, "run": run})
        if run.status in FINISHED:  # done at once (eager jobs): reload for the new figures and the runs list
            response["HX-Refresh"] = "true"
        return response
    return redirect("appraisal:period_detail", key=period.key)


@login_required
def rollup_progress(request: AuthedRequest, key: str, run_id: int) -> HttpResponse:
    """htmx: the progress bar of a rollup run (it polls itself every second while the run is going)."""
    period = _period(request, key)
    run = get_object_or_404(period_reads.period_runs(period), pk=run_id)
    response = render(request, "appraisal/periods/_rollup_progress.html", {"period": period, "run": run})
    if request.htmx and run.status in FINISHED and request.GET.get("poll"):
        response["HX-Refresh"] = "true"  # the run just finished: reload the page for the new figures
    return response


@login_required
@require_http_methods(["GET", "POST"])
def period_close_view(request: AuthedRequest, key: str) -> HttpResponse:
    """The close page: what is still open in the period, each count linking to its list, and the confirmation;
    with anything open, a reason is required (kept as typed when it is missing or the close is refused)."""
    period = _period(request, key)
    if period.status != PeriodStatus.OPEN:
        messages.info(request, _("This period is not open; there is nothing to close."))
        return redirect("appraisal:period_detail", key=period.key)
    form = CloseForm(request.POST or None)
    items = period_open_items(period)
    still_open = [item for item in items if item.count]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            reason = form.cleaned_data["reason"].strip()
            if still_open and not reason:
                form.add_error("reason", _("Work is still open in this period: give the reason for closing it now."))
            else:
                try:
                    period_close(period=period, by=request.user, reason=reason)
                except ApplicationError as error:
                    show_error(form, error, field="reason" if error.code == "reason_required" else None)
                else:
                    messages.success(request, _("The period was closed and its final scores computed."))
                    return redirect("appraisal:period_detail", key=period.key)
        status = 400
    return render(request, "appraisal/periods/period_close.html",
                  {"period": period, "items": items, "open_total": sum(i.count for i in items), "form": form},
                  status=status)


@login_required
def period_open_items_view(request: AuthedRequest, key: str, item: str) -> HttpResponse:
    """The records behind one open item of the close page (``?month=`` picks the month of missing reports)."""
    period = _period(request, key)
    if item not in ITEMS:
        raise Http404
    months = period_months(period)
    month = None
    if item == REPORTS_MISSING:
        chosen = request.GET.get("month", "")
        month = next((m for m in months if f"{m:%Y-%m}" == chosen), months[0] if months else None)
        if month is None:
            raise Http404
    page = paginate(request, open_item_rows(request.user, period, item, month=month))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "appraisal/periods/open_items.html", {
        "period": period, "item": item, "label": LABELS[item], "page": page, "months": months, "month": month,
        "query": query.urlencode(),
    })


@login_required
@require_POST
def period_publish_view(request: AuthedRequest, key: str) -> HttpResponse:
    period = _period(request, key)
    try:
        period_publish(period=period, by=request.user)
        messages.success(request, _("The period was published."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("appraisal:period_detail", key=period.key)


@login_required
@require_POST
def period_reopen_view(request: AuthedRequest, key: str) -> HttpResponse:
    period = _period(request, key)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            period_reopen(period=period, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The period was re-opened."))
            return redirect("appraisal:period_detail", key=period.key)
    return _render_detail(request, period, reopen_form=form, status=400)
