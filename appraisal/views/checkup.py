"""Pages of the quarterly check-up (季度多维体检).

The organization department: the rounds, opening one, a round's progress with the rater assignment forms,
compute and close, the results table and an official's result (the "reverse check-up list"). A rater: the
ratings to give, each with its form and a "conflict of interest" action. The official rated: their own
results once a round is closed. Thin: parse, call a service or a read, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms.checkup import AssignDefaultsForm, AssignRaterForm, ExcuseForm, RatingForm, RoundOpenForm
from appraisal.models import CheckupRound, Dimension, RaterAssignment
from appraisal.selectors import checkup as selectors
from appraisal.services import checkup as svc
from appraisal.services import checkup_raters as raters_svc
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.selectors import access_for


def require_checkup_manager(request: AuthedRequest) -> None:
    """Answer 404 to anyone outside the organization department (the check-up pages are theirs)."""
    if not selectors.can_manage_checkups(request.user):
        raise Http404


def checkup_round_of(request: AuthedRequest, key: str) -> CheckupRound:
    """The round of a quarter's key if the user may see it, else 404."""
    return get_object_or_404(selectors.rounds_visible_to(request.user), period__key=key.upper())


# -- the organization department ---------------------------------------------------------------------------
@login_required
def checkup_round_list(request: AuthedRequest) -> HttpResponse:
    require_checkup_manager(request)
    page = paginate(request, selectors.rounds_with_progress(request.user))
    return render(request, "appraisal/checkup/round_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def checkup_round_create(request: AuthedRequest) -> HttpResponse:
    require_checkup_manager(request)
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkup = svc.round_open_for_key(
                by=request.user, key=data["quarter"], group_weights=form.group_weights(),
                min_responses=data["min_responses"], problem_threshold=data["problem_threshold"],
                group_trim=form.group_trim())
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The check-up round of %(key)s is open.") % {"key": checkup.period.key})
            return redirect("appraisal:checkup_round_detail", key=checkup.period.key)
    return render(request, "appraisal/checkup/round_form.html", {"form": form})


def _render_round(request: AuthedRequest, checkup: CheckupRound, *, defaults_form: AssignDefaultsForm | None = None,
                  assign_form: AssignRaterForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    summary = selectors.result_summary(user, checkup)
    is_open = checkup.status == "open"
    context = {
        "round": checkup, "progress": selectors.round_progress(checkup, user), "summary": summary, "is_open": is_open,
        "defaults_form": defaults_form or (AssignDefaultsForm(user=user) if is_open else None),
        "assign_form": assign_form or (AssignRaterForm(user=user) if is_open else None),
    }
    return render(request, "appraisal/checkup/round_detail.html", context, status=status)


@login_required
def checkup_round_detail(request: AuthedRequest, key: str) -> HttpResponse:
    return _render_round(request, checkup_round_of(request, key))


@login_required
@require_POST
@idempotent_form
def checkup_assign_defaults(request: AuthedRequest, key: str) -> HttpResponse:
    checkup = checkup_round_of(request, key)
    form = AssignDefaultsForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            added = raters_svc.raters_assign_defaults(by=request.user, round=checkup, unit=form.cleaned_data["unit"],
                                                      colleagues=form.cleaned_data["colleagues"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(n)d rater assignments were added.") % {"n": added})
            return redirect("appraisal:checkup_round_detail", key=checkup.period.key)
    return _render_round(request, checkup, defaults_form=form)


@login_required
@require_POST
@idempotent_form
def checkup_assign(request: AuthedRequest, key: str) -> HttpResponse:
    checkup = checkup_round_of(request, key)
    form = AssignRaterForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = raters_svc.raters_assign(by=request.user, round=checkup, official=data["official"],
                                             group=data["group"], raters=data["raters"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(n)d rater assignments were added.") % {"n": len(added)})
            return redirect("appraisal:checkup_round_detail", key=checkup.period.key)
    return _render_round(request, checkup, assign_form=form)


@login_required
@require_POST
def checkup_compute(request: AuthedRequest, key: str) -> HttpResponse:
    checkup = checkup_round_of(request, key)
    try:
        n = svc.round_recompute(by=request.user, round=checkup)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Results computed for %(n)d officials.") % {"n": n})
    return redirect("appraisal:checkup_round_detail", key=checkup.period.key)


@login_required
@require_POST
def checkup_close(request: AuthedRequest, key: str) -> HttpResponse:
    checkup = checkup_round_of(request, key)
    try:
        svc.round_close(by=request.user, round=checkup)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The round is closed; the officials rated can now see their results."))
    return redirect("appraisal:checkup_round_detail", key=checkup.period.key)


@login_required
def checkup_results(request: AuthedRequest, key: str) -> HttpResponse:
    checkup = checkup_round_of(request, key)
    incomplete = request.GET.get("incomplete") == "1"
    search = request.GET.get("q", "").strip()
    order = request.GET.get("order", "")
    page = paginate(request, selectors.round_results(request.user, checkup, incomplete=incomplete, search=search,
                                                     order=order))
    query = "&".join(f"{k}={v}" for k, v in (("incomplete", "1" if incomplete else ""), ("q", search),
                                              ("order", order)) if v)
    context = {"round": checkup, "page": page, "query": query, "incomplete": incomplete, "search": search,
               "order": order}
    partial = request.htmx and not request.htmx.boosted
    template = "appraisal/checkup/_results_table.html" if partial else "appraisal/checkup/results.html"
    return render(request, template, context)


@login_required
def checkup_result_detail(request: AuthedRequest, key: str, official_pk: int) -> HttpResponse:
    """An official's result: for the organization department with the group scores; for the official
    themself (once the round is closed) without them, since a group of one rater would name its rater."""
    result = get_object_or_404(selectors.results_visible_to(request.user), round__period__key=key.upper(),
                               official_id=official_pk)
    show_groups = selectors.may_see_group_scores(request.user, result)
    context = {"result": result, "round": result.round, "official": result.official, "show_groups": show_groups,
               **selectors.result_figures(result, show_groups=show_groups)}
    return render(request, "appraisal/checkup/result_detail.html", context)


# -- raters and the official rated ---------------------------------------------------------------------------
@login_required
def checkup_mine(request: AuthedRequest) -> HttpResponse:
    """The ratings I am asked to give in open rounds. Only my own assignments: never anyone else's scores."""
    page = paginate(request, selectors.assignments_to_do(request.user))
    has_results = access_for(request.user).official_id is not None
    return render(request, "appraisal/checkup/mine.html", {"page": page, "has_results": has_results})


def _assignment(request: AuthedRequest, pk: int) -> RaterAssignment:
    return get_object_or_404(selectors.assignments_of(request.user), pk=pk)


def _render_rating(request: AuthedRequest, assignment: RaterAssignment, *, form: RatingForm | None = None,
                   excuse_form: ExcuseForm | None = None, status: int = 200) -> HttpResponse:
    if form is None:
        initial = {name: getattr(assignment, name) for name in (*Dimension.values, "comment")}
        form = RatingForm(initial=initial)
    context = {"assignment": assignment, "form": form, "excuse_form": excuse_form or ExcuseForm(),
               "is_open": assignment.round.status == "open"}
    return render(request, "appraisal/checkup/rate.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def checkup_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    if request.method == "GET":
        return _render_rating(request, assignment)
    form = RatingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            raters_svc.rating_submit(by=request.user, assignment=assignment, political=data["political"],
                                     moral=data["moral"], discipline=data["discipline"], law=data["law"],
                                     style=data["style"], comment=data["comment"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your rating of %(name)s was saved.") % {"name": assignment.official.name})
            return redirect("appraisal:checkup_mine")
    return _render_rating(request, assignment, form=form)


@login_required
@require_POST
def checkup_excuse(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ExcuseForm(request.POST)
    if form.is_valid():
        try:
            raters_svc.rating_excuse(by=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("You are excused from rating %(name)s.") % {"name": assignment.official.name})
            return redirect("appraisal:checkup_mine")
    return _render_rating(request, assignment, excuse_form=form)


@login_required
def checkup_my_results(request: AuthedRequest) -> HttpResponse:
    """My own check-up results, of closed rounds only."""
    official_id = access_for(request.user).official_id
    page = paginate(request, selectors.own_results(request.user))
    return render(request, "appraisal/checkup/my_results.html",
                  {"page": page, "has_official": official_id is not None})
