"""HTML pages of the org app: the home page (to do), roster statistics, officials, unit tree, roster import,
working-day calendar. Thin by design."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.dates import parse_day
from common.errors import ApplicationError
from common.excel import xlsx_response
from common.filters import as_int
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org import selectors, workdays
from org.excel import calendar_template, roster_template
from org.filters import OfficialFilter
from org.forms.calendar import CalendarDayForm, CalendarUploadForm
from org.forms.roster import PostChangeForm, RosterUploadForm
from org.home import panels_for, todos_for
from org.models import CalendarDay, Official, PostKind
from org.selectors import roster as roster_selectors
from org.services import calendar as calendar_svc
from org.services import official_assign_post, roster_import

HISTORY_SIZE = 10  # the latest uploads shown beside an import form


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The home page: what is to do (待办), one block per role the user holds, each line a count that opens the
    list of exactly those records; the apps above ``org`` contribute the lines (``org.home``)."""
    return render(request, "org/home.html", {"blocks": todos_for(request.user), "panels": panels_for(request.user),
                                             "today": timezone.localdate()})


@login_required
def statistics(request: AuthedRequest) -> HttpResponse:
    """The roster statistics of the user's scope: officials by rank level, units, who is due for rotation."""
    figures = roster_selectors.dashboard_figures(request.user)
    chart = {
        "labels": [label for _value, label, _count in figures.by_rank_level],
        "counts": [count for _value, _label, count in figures.by_rank_level],
    }
    return render(request, "org/statistics.html",
                  {"figures": figures, "chart": chart, "rotation_years": settings.ROTATION_DUE_YEARS})


@login_required
def official_list(request: AuthedRequest) -> HttpResponse:
    officials = selectors.officials_visible_to(request.user).order_by("unit__path", "name", "staff_number")
    filterset = OfficialFilter(request.GET, queryset=officials, request=request)
    page = paginate(request, filterset.qs)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "org/_official_table.html" if request.htmx and not request.htmx.boosted else "org/official_list.html"
    return render(request, template, context)


@login_required
def official_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    official = get_object_or_404(selectors.officials_visible_to(request.user).select_related("user"), pk=pk)
    return _render_official(request, official, post_form=None)


def _render_official(request: AuthedRequest, official: Official, post_form: PostChangeForm | None) -> HttpResponse:
    org_units = selectors.units_visible_to(request.user, roles=["org"]).filter(is_active=True)
    can_change_post = selectors.officials_visible_to(request.user, roles=["org"], include_self=False).filter(
        pk=official.pk).exists()
    if can_change_post and post_form is None:
        initial = {"unit": official.unit.code, "kind": PostKind.INTERNAL_ROTATION}
        post_form = PostChangeForm(units=org_units, initial=initial)
    context = {"official": official, "posts": roster_selectors.official_posts(official),
               "post_form": post_form if can_change_post else None}
    return render(request, "org/official_detail.html", context)


@login_required
@require_http_methods(["POST"])
@idempotent_form
def official_post_change(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a rotation, exchange or appointment (organization department in scope only)."""
    official = get_object_or_404(
        selectors.officials_visible_to(request.user, roles=["org"], include_self=False), pk=pk)
    units = selectors.units_visible_to(request.user, roles=["org"]).filter(is_active=True)
    form = PostChangeForm(request.POST, units=units)
    if form.is_valid():
        try:
            official_assign_post(official=official, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The new post was recorded."))
            return redirect("org:official_detail", pk=official.pk)
    official = selectors.officials_visible_to(request.user).select_related("user").get(pk=pk)
    return _render_official(request, official, post_form=form)


@login_required
def unit_tree(request: AuthedRequest) -> HttpResponse:
    units = roster_selectors.unit_tree(request.user)
    base_depth = min((u.depth for u in units), default=1)
    for unit in units:
        unit.indent = 0.5 + 1.5 * (unit.depth - base_depth)
    return render(request, "org/unit_tree.html", {"units": units, "base_depth": base_depth})


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def roster_upload(request: AuthedRequest) -> HttpResponse:
    selectors.require_role(request.user, "org")
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = roster_import(file=upload, by=request.user, filename=upload.name)
        except ApplicationError as error:
            show_error(form, error, field="file")
        else:
            if result.ok:
                messages.success(
                    request,
                    _("Roster imported: %(uc)s units added, %(uu)s updated; %(oc)s officials added, %(ou)s updated.")
                    % {"uc": result.units_created, "uu": result.units_updated,
                       "oc": result.officials_created, "ou": result.officials_updated},
                )
                return redirect("org:roster_upload")
    history = roster_selectors.roster_imports_visible_to(request.user)[:HISTORY_SIZE]
    return render(request, "org/roster_upload.html", {"form": form, "result": result, "history": history})


@login_required
def roster_template_download(request: AuthedRequest) -> HttpResponse:
    selectors.require_role(request.user, "org")
    return xlsx_response(roster_template(), "花名册模板.xlsx")


# -- working-day calendar ---------------------------------------------------------------------------------------


def _calendar_year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    return as_int(raw, low=workdays.MIN_YEAR, high=workdays.MAX_YEAR) or timezone.localdate().year


def _calendar_url(year: int) -> str:
    return f"{reverse('org:calendar')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: AuthedRequest) -> HttpResponse:
    """The working-day calendar of a year, month by month. Everyone with a role reads it; the organization
    department marks, edits and unmarks days and imports a year from Excel (``POST`` with ``form=day`` marks a
    day, any other ``POST`` is the import)."""
    selectors.require_role(request.user, *selectors.ALL_ROLES)
    can_edit = selectors.access_for(request.user).has_role("org")
    year = _calendar_year(request)
    editing: CalendarDay | None = None
    day_form: CalendarDayForm | None = None
    upload_form: CalendarUploadForm | None = None
    result = None
    if request.method == "POST":
        selectors.require_role(request.user, "org")
        if request.POST.get("form") == "day":
            edited = parse_day(request.POST.get("editing", ""))
            editing = CalendarDay.objects.filter(date=edited).first() if edited else None
            day_form = CalendarDayForm(request.POST, editing=editing is not None)
            if day_form.is_valid():
                data = day_form.cleaned_data
                try:
                    row = calendar_svc.calendar_day_set(
                        day=data["date"], is_working_day=data["kind"] == "work", name=data["name"],
                        note=data["note"], by=request.user)
                except ApplicationError as error:
                    show_error(day_form, error)
                else:
                    messages.success(request, _("%(date)s was saved in the calendar.") % {"date": row.date})
                    return redirect(_calendar_url(row.date.year))
        else:
            upload_form = CalendarUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                try:
                    result = calendar_svc.calendar_import(file=upload_form.cleaned_data["file"], by=request.user)
                except ApplicationError as error:
                    show_error(upload_form, error, field="file")
                else:
                    if result.ok:
                        messages.success(request, _("Calendar imported: %(created)s days added, %(updated)s "
                                                    "updated.") % {"created": result.created,
                                                                   "updated": result.updated})
                        return redirect(_calendar_url(year))
    elif can_edit and (edit := parse_day(request.GET.get("edit", ""))):
        editing = CalendarDay.objects.filter(date=edit).first()
        if editing is not None:
            day_form = CalendarDayForm(editing=True, initial={
                "date": editing.date, "kind": "work" if editing.is_working_day else "off", "name": editing.name,
                "note": editing.note})
    if can_edit:
        day_form = day_form or CalendarDayForm()
        upload_form = upload_form or CalendarUploadForm()
    this_year = timezone.localdate().year
    return render(request, "org/calendar/calendar.html", {
        "year": year, "years": sorted({*range(this_year - 3, this_year + 2), year}, reverse=True),
        "months": workdays.year_by_month(year), "status": workdays.calendar_status(year),
        "can_edit": can_edit, "day_form": day_form, "editing": editing, "upload_form": upload_form,
        "result": result,
    })


@login_required
@require_http_methods(["POST"])
def calendar_day_delete(request: AuthedRequest, day: str) -> HttpResponse:
    """Unmark a day (organization department only)."""
    selectors.require_role(request.user, "org")
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
    selectors.require_role(request.user, "org")
    return xlsx_response(calendar_template(), "工作日历导入模板.xlsx")
