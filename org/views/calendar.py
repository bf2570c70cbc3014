"""The working-day calendar page: a year month by month for everyone with a role; the organization department
marks, edits and unmarks days and imports a year from Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.dates import parse_day, year_or_this_year, years_around
from common.errors import ApplicationError
from common.excel import xlsx_response
from common.forms import show_error
from common.http import AuthedRequest
from org import workdays
from org.excel import calendar_template
from org.forms.calendar import CalendarDayForm, CalendarUploadForm
from org.models import CalendarDay, Role
from org.selectors import ALL_ROLES, access_for, require_role
from org.services import calendar as calendar_svc
from org.services.calendar import CalendarImportResult


def _calendar_url(year: int) -> str:
    return f"{reverse('org:calendar')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: AuthedRequest) -> HttpResponse:
    """The working-day calendar of a year, month by month. Everyone with a role reads it; the organization
    department marks, edits and unmarks days and imports a year from Excel (``POST`` with ``form=day`` marks a
    day, any other ``POST`` is the import)."""
    require_role(request.user, *ALL_ROLES)
    year = year_or_this_year(request.GET.get("year", ""), low=workdays.MIN_YEAR, high=workdays.MAX_YEAR)
    if request.method == "POST":
        require_role(request.user, Role.ORG_DEPARTMENT)
        return _mark_day(request, year) if request.POST.get("form") == "day" else _import(request, year)
    can_edit = access_for(request.user).has_role(Role.ORG_DEPARTMENT)
    editing: CalendarDay | None = None
    day_form: CalendarDayForm | None = None
    if can_edit and (edit := parse_day(request.GET.get("edit", ""))):
        editing = workdays.calendar_day_on(edit)
        if editing is not None:
            day_form = CalendarDayForm(editing=True, initial={
                "date": editing.date, "kind": "work" if editing.is_working_day else "off", "name": editing.name,
                "note": editing.note})
    return _render(request, year, can_edit=can_edit, day_form=day_form, editing=editing)


def _mark_day(request: AuthedRequest, year: int) -> HttpResponse:
    edited = parse_day(request.POST.get("editing", ""))
    editing = workdays.calendar_day_on(edited) if edited else None
    form = CalendarDayForm(request.POST, editing=editing is not None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = calendar_svc.calendar_day_set(
                day=data["date"], is_working_day=data["kind"] == "work", name=data["name"], note=data["note"],
                by=request.user)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(date)s was saved in the calendar.") % {"date": row.date})
            return redirect(_calendar_url(row.date.year))
    return _render(request, year, can_edit=True, day_form=form, editing=editing)


def _import(request: AuthedRequest, year: int) -> HttpResponse:
    form = CalendarUploadForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = calendar_svc.calendar_import(file=form.cleaned_data["file"], by=request.user)
        except ApplicationError as error:
            show_error(form, error, field="file")
        else:
            if result.ok:
                messages.success(request, _("Calendar imported: %(created)s days added, %(updated)s updated.")
                                 % {"created": result.created, "updated": result.updated})
                return redirect(_calendar_url(year))
    return _render(request, year, can_edit=True, upload_form=form, result=result)


def _render(request: AuthedRequest, year: int, *, can_edit: bool, day_form: CalendarDayForm | None = None,
            editing: CalendarDay | None = None, upload_form: CalendarUploadForm | None = None,
            result: CalendarImportResult | None = None) -> HttpResponse:
    if can_edit:
        day_form = day_form or CalendarDayForm()
        upload_form = upload_form or CalendarUploadForm()
    return render(request, "org/calendar/calendar.html", {
        "year": year, "years": years_around(year), "months": workdays.year_by_month(year),
        "status": workdays.calendar_status(year), "can_edit": can_edit, "day_form": day_form, "editing": editing,
        "upload_form": upload_form, "result": result,
    })


@login_required
@require_http_methods(["POST"])
def calendar_day_delete(request: AuthedRequest, day: str) -> HttpResponse:
    """Unmark a day (organization department only)."""
    require_role(request.user, Role.ORG_DEPARTMENT)
    parsed = parse_day(day)
    if parsed is None:
        raise Http404
    try:
        calendar_svc.calendar_day_delete(day=parsed, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(date)s was removed from the calendar.") % {"date": parsed})
    return redirect(_calendar_url(parsed.year))


@login_required
def calendar_template_download(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, Role.ORG_DEPARTMENT)
    return xlsx_response(calendar_template(), "工作日历导入模板.xlsx")
