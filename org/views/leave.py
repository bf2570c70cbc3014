"""Pages of the leave records (请假): the leave card on an official's page (htmx: read, record, change, remove)
and the list of the unit's leave for heads and the organization department. Thin: parse, call a service or a
read, render.

The card answers htmx with itself — a refusal included, on the form, with what was typed kept (status 200, so
htmx swaps it in); without htmx a success goes back to the official's page and a refusal renders the card on a
page of its own (status 400).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.dates import year_or_this_year, years_around
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.forms.fields import unit_menu
from org.forms.leave import LeaveRecordForm
from org.models import LeaveKind, LeaveRecord, Official
from org.selectors import officials_visible_to, require_role
from org.selectors.leave import (
    LEAVE_ROLES,
    can_manage_leave,
    days_in_year,
    leave_listed,
    leave_of_official,
    leave_records_managed_by,
    leave_units_for,
)
from org.services.leave import MAX_YEAR, MIN_YEAR, leave_record_create, leave_record_delete, leave_record_update

CARD_ROWS = 50  # an official's card shows their latest records; the unit list has them all


def _official(request: AuthedRequest, pk: int) -> Official:
    """The official if the user may see their leave (themself, a head or the organization department over
    them), else 404."""
    return get_object_or_404(officials_visible_to(request.user, roles=LEAVE_ROLES), pk=pk)


def _card(request: AuthedRequest, official: Official, *, form: LeaveRecordForm | None = None,
          editing: LeaveRecord | None = None, notice: str = "", status: int = 200) -> HttpResponse:
    can_manage = can_manage_leave(request.user, official)
    records = list(leave_of_official(request.user, official)[:CARD_ROWS])
    if can_manage and form is None:
        form = LeaveRecordForm(initial={"kind": LeaveKind.SICK})
    context = {"official": official, "records": records, "can_manage": can_manage, "form": form if can_manage
               else None, "editing": editing, "notice": notice, "more": len(records) == CARD_ROWS}
    template = "org/leave/_card.html" if request.htmx else "org/leave/official_leave.html"
    return render(request, template, context, status=status)


def _done(request: AuthedRequest, official: Official, message: str) -> HttpResponse:
    if request.htmx:
        return _card(request, official, notice=message)
    messages.success(request, message)
    return redirect("org:official_detail", pk=official.pk)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def official_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    """An official's leave card (GET); ``POST`` records a leave."""
    official = _official(request, pk)
    if request.method != "POST":
        return _card(request, official)
    if not can_manage_leave(request.user, official):  # the official sees their leave but has no form to post
        raise Http404
    form = LeaveRecordForm(request.POST)
    if form.is_valid():
        try:
            record = leave_record_create(official=official, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            return _done(request, official, _("%(kind)s from %(start)s to %(end)s was recorded.") % {
                "kind": record.get_kind_display(), "start": record.start_date.isoformat(),
                "end": record.end_date.isoformat()})
    return _card(request, official, form=form, status=400)


def _managed(request: AuthedRequest, pk: int) -> LeaveRecord:
    """A record the user may change, else 404 (the official's own reads as missing here: they cannot change it)."""
    return get_object_or_404(leave_records_managed_by(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def leave_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The card with the form filled with one record (GET); ``POST`` saves the change."""
    record = _managed(request, pk)
    official = _official(request, record.official_id)
    if request.method != "POST":
        form = LeaveRecordForm(initial={"kind": record.kind, "start_date": record.start_date,
                                        "end_date": record.end_date, "note": record.note})
        return _card(request, official, form=form, editing=record)
    form = LeaveRecordForm(request.POST)
    if form.is_valid():
        try:
            leave_record_update(record=record, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            return _done(request, official, _("The leave record was changed."))
    return _card(request, official, form=form, editing=record, status=400)


@login_required
@require_POST
def leave_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _managed(request, pk)
    official = _official(request, record.official_id)
    try:
        leave_record_delete(record=record, by=request.user)
    except ApplicationError as error:
        if request.htmx:
            return _card(request, official, notice=error.message)
        messages.error(request, error.message)
        return redirect("org:official_detail", pk=official.pk)
    return _done(request, official, _("The leave record was removed."))


@login_required
@require_GET
def leave_list(request: AuthedRequest) -> HttpResponse:
    """The leave of the officials under the user (heads, the organization department): by year, kind, unit
    and name, paginated."""
    require_role(request.user, *LEAVE_ROLES)
    year = year_or_this_year(request.GET.get("year", ""), low=MIN_YEAR, high=MAX_YEAR)
    kind = request.GET.get("kind", "")
    kind = kind if kind in LeaveKind.values else ""
    q = request.GET.get("q", "").strip()
    unit_code = request.GET.get("unit", "")
    units = leave_units_for(request.user)
    unit = units.filter(code=unit_code).first() if unit_code else None
    page = paginate(request, leave_listed(request.user, year=year, kind=kind, name=q, unit=unit))
    rows: list[dict[str, Any]] = [{"record": r, "days_in_year": days_in_year(r, year)} for r in page.object_list]
    query = urlencode([(k, v) for k, v in (("year", year), ("kind", kind), ("unit", unit.code if unit else ""),
                                           ("q", q)) if v])
    return render(request, "org/leave/list.html", {
        "page": page, "rows": rows, "year": year, "kind": kind, "q": q, "unit": unit, "years": years_around(year),
        "kinds": LeaveKind.choices, "unit_options": unit_menu(units),
        "query": query})
