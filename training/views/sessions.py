"""Pages of training sessions: the calendar by month, the session form, a session with its attendance grid
(one click per person, saved with htmx), and the sign-in sheet import. Thin: parse, call a service or a read,
render."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.dates import parse_month
from common.errors import ApplicationError
from common.excel import xlsx_response
from common.filters import as_id
from common.forms import errors_text, show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.models import Official
from training.excel import sign_in_template
from training.forms.sessions import AttendanceSetForm, SessionForm, SignInSheetForm
from training.models import Attendance, AttendanceStatus, TrainingSession
from training.selectors import sessions as selectors
from training.services import sessions as svc
from training.services import sign_in

IMPORT_HISTORY_SIZE = 10  # the latest uploads shown beside the import form


def _session_or_404(request: AuthedRequest, pk: int) -> TrainingSession:
    try:
        return selectors.session_for(request.user, pk)
    except TrainingSession.DoesNotExist as exc:
        raise Http404 from exc


DAY_SHOWN = 4  # sessions shown in a day's cell of the calendar


@login_required
def session_calendar(request: AuthedRequest) -> HttpResponse:
    """Sessions visible to the user in a month, laid out by day, with a paginated list below."""
    today = timezone.localdate()
    month = parse_month(request.GET.get("month", "")) or today.replace(day=1)
    in_month = selectors.sessions_in_month(request.user, month)
    by_day: dict[date, list[TrainingSession]] = {}
    # A copy (the list below pages ``in_month`` itself) with only what a day's cell shows.
    for session in in_month.select_related(None).only("title", "starts_at", "is_required"):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    # A county's month holds 200 sessions, nine a day: each day shows the first few and how many more there are
    # (all of them are in the list below); laying out every one made the page 80 ms and the cells unreadable.
    weeks = [[(day, day.month == month.month, by_day.get(day, [])[:DAY_SHOWN],
               max(0, len(by_day.get(day, [])) - DAY_SHOWN)) for day in week]
             for week in calendar.Calendar().monthdatescalendar(month.year, month.month)]
    # ``?attendance=missing`` (the home page's link): the past sessions still without attendance, in every month.
    awaiting = request.GET.get("attendance") == "missing"
    listed = (selectors.sessions_awaiting_attendance(request.user).order_by("starts_at", "id") if awaiting
              else in_month)
    page = paginate(request, listed)
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = selectors.month_bounds(month)[1].date()
    return render(request, "training/sessions/calendar.html", {
        "month": month, "weeks": weeks, "page": page, "today": today, "awaiting": awaiting,
        "query": "attendance=missing" if awaiting else f"month={month:%Y-%m}",
        "previous": f"{previous:%Y-%m}", "next": f"{following:%Y-%m}",
        "can_organise": selectors.can_organise_any(request.user),
    })


def _session_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"], "title": data["title"], "starts_at": data["starts_at"], "ends_at": data["ends_at"],
        "hours": data["hours"], "place": data["place"], "organiser": data["organiser"], "plan": data["plan"],
        "lecturer": data["lecturer"], "lecturer_name": data["lecturer_name"],
        "audience_units": list(data["audience_units"]), "include_subunits": data["include_subunits"],
        "audience_rank_levels": data["audience_rank_levels"], "is_required": data["is_required"],
    }


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def session_create(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_organise_any(request.user):
        raise Http404
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = svc.session_create(by=request.user, **_session_kwargs(form.cleaned_data))
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/sessions/form.html", {"form": form, "session": None})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if not selectors.can_organise(request.user, session.organiser):
        raise Http404
    form = SessionForm(request.POST or None, user=request.user,
                       initial=None if request.method == "POST" else SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            svc.session_update(by=request.user, session=session, **_session_kwargs(form.cleaned_data))
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/sessions/form.html", {"form": form, "session": session})


@dataclass
class GridRow:
    official: Official
    record: Attendance | None
    can_edit: bool
    error: str = ""
    typed_reason: str | None = None  # the reason for leave as sent with a refused click: shown again

    @property
    def reason(self) -> str:
        if self.typed_reason is not None:
            return self.typed_reason
        return self.record.excuse_reason if self.record else ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[AttendanceStatus(self.record.status)]) if self.record else ""


# The grid's own labels: the msgids "Late" and "Excused" already mean 逾期 and 已回避 elsewhere in the app.
STATUS_LABELS = {
    AttendanceStatus.PRESENT: gettext_lazy("Present at the session"),
    AttendanceStatus.LATE: gettext_lazy("Arrived late"),
    AttendanceStatus.LEFT_EARLY: gettext_lazy("Left the session early"),
    AttendanceStatus.EXCUSED: gettext_lazy("On leave"),
    AttendanceStatus.ABSENT: gettext_lazy("Absent from the session"),
}

STATUS_BUTTONS = [
    (AttendanceStatus.PRESENT, "success"), (AttendanceStatus.LATE, "warning"),
    (AttendanceStatus.LEFT_EARLY, "warning"), (AttendanceStatus.EXCUSED, "info"),
    (AttendanceStatus.ABSENT, "danger"),
]


def _status_buttons() -> list[tuple[str, str, str]]:
    return [(value, str(STATUS_LABELS[value]), colour) for value, colour in STATUS_BUTTONS]


def _summary(statuses: list[str], audience_size: int) -> dict[str, Any]:
    """The grid's summary: how many of the audience are recorded, and the count of each status."""
    counts = {value: 0 for value in AttendanceStatus.values}
    for status in statuses:
        counts[status] += 1
    return {"counts": [(str(STATUS_LABELS[AttendanceStatus(v)]), n) for v, n in counts.items()],
            "audience_size": audience_size, "recorded": len(statuses)}


@login_required
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A session with its attendance grid: one row per official of the audience, in a constant number of
    queries (the audience, its attendance, the period check), whatever the audience's size."""
    session = _session_or_404(request, pk)
    frozen = selectors.session_is_frozen(session)
    grid = selectors.attendance_grid(request.user, session, frozen=frozen)
    return render(request, "training/sessions/detail.html", {
        "session": session, "rows": [GridRow(*row) for row in grid.rows], "frozen": frozen,
        "buttons": _status_buttons(), "audience_units": session.audience_units.order_by("path"),
        **_summary(grid.statuses, grid.audience_size),
        "can_edit_session": selectors.can_organise(request.user, session.organiser),
        "can_import": grid.editable,
    })


@login_required
@require_POST
def attendance_set(request: AuthedRequest, pk: int) -> HttpResponse:
    """One click on the grid: record the status and answer with the row partial (htmx). A refusal is the row as
    recorded, with the message and the reason as typed (a 422, swapped in by static/js/htmx_setup.js)."""
    session = _session_or_404(request, pk)
    official_id = as_id(request.POST.get("official"))
    official = selectors.audience_visible_to(request.user, session).filter(pk=official_id).first() \
        if official_id is not None else None
    if official is None:  # not an id, not in the audience, or out of reach: the same 404
        raise Http404
    form = AttendanceSetForm(request.POST)
    error = "" if form.is_valid() else errors_text(form)
    record: Attendance | None = None
    if not error:
        try:
            record = svc.attendance_record(
                by=request.user, session=session, official=official, status=form.cleaned_data["status"],
                hours=form.cleaned_data["hours"], excuse_reason=form.cleaned_data["excuse_reason"])
        except ApplicationError as exc:
            error = exc.message
    if error:
        record = selectors.attendance_of(session, official)
    row = GridRow(official, record, selectors.can_record_for(request.user, official),
                  error, request.POST.get("excuse_reason") if error else None)  # only the leave button sends it
    context = {"session": session, "row": row, "buttons": _status_buttons()}
    if request.htmx:
        # The summary above the grid follows each click: swapped out of band with the row.
        statuses = selectors.attendance_statuses(session)
        context.update(_summary(statuses, selectors.session_audience(session).count()), summary_oob=True)
        return render(request, "training/sessions/_attendance_row.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("training:session_detail", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if not selectors.can_record(request.user, session):
        raise Http404
    form = SignInSheetForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = sign_in.attendance_import(by=request.user, session=session, file=upload,
                                               filename=upload.name or "")
        except ApplicationError as error:
            show_error(form, error, field="file")
        else:
            if result.ok:
                messages.success(request, _("Attendance imported: %(n)s officials.") % {"n": result.saved})
                return redirect("training:session_detail", pk=session.pk)
    history = selectors.sign_in_imports_of(request.user, session)[:IMPORT_HISTORY_SIZE]
    return render(request, "training/sessions/import.html",
                  {"form": form, "result": result, "session": session, "history": history})


@login_required
def attendance_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response(sign_in_template(), "签到表.xlsx")
