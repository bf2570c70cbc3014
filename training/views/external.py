"""Pages of external training, hour targets and progress: my training, the review queue, the unit's
training report, the lecturer ranking, the hour targets and the permission-checked certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import ApplicationError
from common.filters import as_int
from common.forms import errors_text, show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.forms.fields import unit_menu
from org.models import RankLevel
from org.selectors import officials_visible_to, require_role, unit_subtree
from training.forms.external import ExternalForm, ReturnForm, TargetForm
from training.models import ExternalTraining
from training.selectors.external import external_of, external_reviewable_by, external_to_review, external_visible_to
from training.selectors.progress import (
    attendance_in_year,
    hour_targets,
    hours_by_month,
    lecturer_ranking,
    lectures_in_year,
    official_of,
    progress_of,
    report_units,
    training_progress,
    unit_progress,
)
from training.services.external import external_approve, external_return, external_submit
from training.services.targets import target_set


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return as_int(raw, low=2000, high=today.year + 1) or today.year


def _years() -> list[int]:
    current = timezone.localdate().year
    return list(range(current, current - 5, -1))


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def mine(request: AuthedRequest) -> HttpResponse:
    """My training: hours against the target, my sessions, external records, lectures; submit a record."""
    official = official_of(request.user)
    year = _year(request)
    form = ExternalForm()
    if official is not None and request.method == "POST":
        form = ExternalForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                external_submit(by=request.user, official=official, **form.cleaned_data)
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Your external training was sent for approval."))
                return redirect("training:mine")
    context: dict[str, object] = {"official": official, "year": year, "years": _years(), "form": form}
    if official is not None:
        context["progress"] = training_progress(year=year, official_ids=[official.pk])[official.pk]
        context["page"] = paginate(request, attendance_in_year(official, year))
        context["query"] = f"year={year}"
        context["external_page"] = paginate(request, external_of(official), param="epage")
        context["lectures"] = lectures_in_year(official, year)
    return render(request, "training/external/mine.html", context)


@login_required
def certificate(request: AuthedRequest, pk: int) -> FileResponse:
    """Serve a certificate to those who may see the record; anyone else gets a 404."""
    record = get_object_or_404(external_visible_to(request.user), pk=pk)
    if not record.certificate:
        raise Http404
    name = (record.certificate.name or "").rsplit("/", 1)[-1]
    return FileResponse(record.certificate.open("rb"), filename=name, as_attachment=False)


@login_required
def external_review(request: AuthedRequest) -> HttpResponse:
    """The heads' queue of submitted external training in their scope."""
    require_role(request.user, "head")
    page = paginate(request, external_to_review(request.user))
    return render(request, "training/external/review.html",
                  {"page": page, "return_form": ReturnForm(), "query": ""})


def _review_answer(request: AuthedRequest, record: ExternalTraining, error: str = "", reason: str = "") -> HttpResponse:
    """htmx: the record's row; a refusal is the row as the record is now, with the message and the reason as typed
    (a 422, swapped in by static/js/htmx_setup.js). A plain form goes back to the queue with a message."""
    if request.htmx:
        if error:
            record = get_object_or_404(external_reviewable_by(request.user), pk=record.pk)
        return render(request, "training/external/_review_row.html",
                      {"record": record, "error": error, "reason": reason}, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The record was reviewed."))
    return redirect("training:external_review")


@login_required
@require_POST
def external_approve_view(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(external_reviewable_by(request.user), pk=pk)
    try:
        record = external_approve(by=request.user, record=record)
    except ApplicationError as error:
        return _review_answer(request, record, error.message)
    return _review_answer(request, record)


@login_required
@require_POST
def external_return_view(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(external_reviewable_by(request.user), pk=pk)
    form = ReturnForm(request.POST)
    typed = request.POST.get("reason", "")
    if not form.is_valid():
        return _review_answer(request, record, errors_text(form), typed)
    try:
        record = external_return(by=request.user, record=record, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        return _review_answer(request, record, error.message, typed)
    return _review_answer(request, record)


@login_required
def unit_report(request: AuthedRequest) -> HttpResponse:
    """A unit's training report for heads: who is behind, absences per official, hours by month."""
    units = report_units(request.user)
    code = request.GET.get("unit")
    unit = units.filter(code=code).first() if code else units.first()
    if unit is None:
        raise Http404
    year = _year(request)
    behind_only = request.GET.get("behind") == "1"
    page = paginate(request, unit_progress(unit, year=year, behind_only=behind_only,
                                          subtree=unit_subtree(unit, request.user)))
    rows = [(official, progress_of(official, year=year)) for official in page.object_list]
    chart = {"labels": [str(m) for m in range(1, 13)], "hours": [float(h) for h in hours_by_month(unit, year=year)],
             "label": _("Hours credited")}
    query = f"unit={unit.code}&year={year}" + ("&behind=1" if behind_only else "")
    context = {"unit": unit, "units": unit_menu(units), "year": year, "years": _years(), "page": page, "rows": rows,
               "chart": chart, "behind_only": behind_only, "query": query}
    return render(request, "training/external/unit_report.html", context)


@login_required
def lecturers(request: AuthedRequest) -> HttpResponse:
    """The lecturer ranking: lectures given and hours per official in scope, for a year."""
    year = _year(request)
    units = report_units(request.user)
    code = request.GET.get("unit")
    unit = units.filter(code=code).first() if code else None
    ranking = lecturer_ranking(year=year, unit=unit).filter(pk__in=officials_visible_to(request.user).values("pk"))
    page = paginate(request, ranking)
    query = f"year={year}" + (f"&unit={unit.code}" if unit else "")
    return render(request, "training/external/lecturers.html",
                  {"page": page, "year": year, "years": _years(), "units": unit_menu(units), "unit": unit,
                   "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthedRequest) -> HttpResponse:
    """The annual hour targets per rank level (organization department only)."""
    require_role(request.user, "org")
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target_set(by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The hour target was saved."))
            return redirect("training:targets")
    current = hour_targets()
    rows = [(level, label, current.get(level)) for level, label in RankLevel.choices]
    return render(request, "training/external/targets.html", {"rows": rows, "form": form})
