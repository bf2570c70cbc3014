"""Pages of the quarterly grades (平时考核): the head's quarter page of a unit (htmx autosave and confirmation per
row), the official's own grades with the request to reconsider, the head's requests to answer, and the organization
department's distribution of every unit. Thin: parse, call a service or a read, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.constraints.quarterly import no_good_rule_offered
from appraisal.forms.quarterly import AnswerForm, QuarterlyRowForm, ReconsiderForm
from appraisal.models import AppraisalPeriod, QuarterGrade, QuarterlyGrade
from appraisal.selectors import grades as grade_reads
from appraisal.selectors import quarterly as reads
from appraisal.services import quarterly as svc
from appraisal.services import quarterly_propose as propose_svc
from common.errors import ApplicationError
from common.forms import autosave, errors_text, show_error
from common.http import AuthedRequest
from common.pagination import paginate
from org.models import OrgUnit
from org.selectors import access_for, require_role, units_visible_to

REQUESTS_PAGE_SIZE = 10  # each request carries its own answer form, so fewer fit on a page


def _url(name: str, period: AppraisalPeriod | None, unit: OrgUnit | None = None, **more: Any) -> str:
    params = [f"period={period.key}"] if period else []
    if unit is not None:
        params.append(f"unit={unit.code}")
    params += [f"{k}={v}" for k, v in more.items() if v]
    return reverse(f"appraisal:{name}") + ("?" + "&".join(params) if params else "")


def _grade(request: AuthedRequest, pk: int, **scope: Any) -> QuarterlyGrade:
    """A grade the user may see, else 404 (the same as a missing one)."""
    return get_object_or_404(reads.quarterly_grades_visible_to(request.user, **scope), pk=pk)


# -- the head's quarter page ---------------------------------------------------------------------------------------
def _row_context(request: AuthedRequest, row: QuarterlyGrade, form: QuarterlyRowForm | None = None,
                 error: str = "") -> dict[str, Any]:
    can_write = reads.can_write_row(request.user, row)
    if can_write and form is None:
        form = QuarterlyRowForm(initial={"grade": row.current, "comment": row.comment}, prefix=f"q{row.pk}")
    return {"row": row, "form": form, "can_write": can_write, "error": error}


@login_required
def quarterly_unit(request: AuthedRequest) -> HttpResponse:
    """A unit's grades of a quarter for its heads (and the organization department): score, proposal, grade,
    写实 comment, confirmation; each row saves itself (htmx)."""
    require_role(request.user, "org", "head")
    user = request.user
    period = reads.quarter_for(request.GET.get("period"))
    context: dict[str, Any] = {"quarters": list(reads.quarters()), "period": period,
                               "is_org": access_for(user).has_role("org")}
    if period is None:
        return render(request, "appraisal/quarterly/unit.html", context)
    units = list(reads.units_with_grades(user, period))
    unit = next((u for u in units if u.code == request.GET.get("unit")), units[0] if units else None)
    context.update({"units": units, "unit": unit})
    if unit is not None:
        status = request.GET.get("status")
        page = paginate(request, reads.unit_quarter_rows(user, period, unit, status))
        figures = reads.unit_figures(period, [unit.pk]).get(unit.pk)
        share = reads.good_share()
        context.update({
            "page": page, "rows": [_row_context(request, row) for row in page.object_list],
            "figures": figures, "quota": reads.share_size(share, figures.appraised if figures else 0),
            "share": grade_reads.share_percent(share), "status": status if status in reads.STATUS_FILTERS else "",
            "query": f"period={period.key}&unit={unit.code}" + (f"&status={status}" if status in reads.STATUS_FILTERS
                                                                 else ""),
            "can_propose": access_for(user).covers(unit.path, ("org", "head")),
        })
    return render(request, "appraisal/quarterly/unit.html", context)


@login_required
@require_POST
def quarterly_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save a row's grade and comment in the background (htmx): answer with "saved at HH:MM" or the refusal."""
    row = _grade(request, pk, include_own=False)
    return autosave(request, QuarterlyRowForm(request.POST, prefix=f"q{row.pk}"),
                    lambda data: svc.quarterly_grade_write(grade=row, by=request.user, value=data["grade"],
                                                           comment=data["comment"]))


@login_required
@require_POST
def quarterly_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm a row with what it holds: htmx gets the row back (confirmed, or with the refusal and what was typed);
    a plain form goes back to the page with a message."""
    row = _grade(request, pk, include_own=False)
    form = QuarterlyRowForm(request.POST, prefix=f"q{row.pk}")
    error = ""
    if form.is_valid():
        try:
            row = svc.quarterly_grade_confirm(grade=row, by=request.user, value=form.cleaned_data["grade"],
                                              comment=form.cleaned_data["comment"])
        except ApplicationError as error_:
            show_error(form, error_)
            error = error_.message
    else:
        error = errors_text(form)
    if request.htmx:  # the row as it is now, with the refusal (a 422, swapped in by static/js/htmx_setup.js)
        fresh = _grade(request, pk, include_own=False)
        return render(request, "appraisal/quarterly/_row.html",
                      _row_context(request, fresh, form if error else None, error), status=422 if error else 200)
    if error:
        messages.error(request, _("%(name)s: %(error)s") % {"name": row.official.name, "error": error})
    else:
        messages.success(request, _("The grade of %(name)s is confirmed.") % {"name": row.official.name})
    return redirect(_url("quarterly_unit", row.period, row.unit))


def _unit_and_period(request: AuthedRequest) -> tuple[AppraisalPeriod, OrgUnit]:
    period = get_object_or_404(reads.quarters(), key=(request.POST.get("period") or "").upper())
    unit = get_object_or_404(units_visible_to(request.user, roles=["org", "head"]), code=request.POST.get("unit") or "")
    return period, unit


@login_required
@require_POST
def quarterly_confirm_unit(request: AuthedRequest) -> HttpResponse:
    """Confirm every grade of the unit the head may confirm (each needs its comment)."""
    require_role(request.user, "org", "head")
    period, unit = _unit_and_period(request)
    try:
        count = svc.quarterly_grades_confirm_unit(period=period, unit=unit, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(n)s grades of %(unit)s confirmed.") % {"n": count, "unit": unit.name})
    return redirect(_url("quarterly_unit", period, unit))


@login_required
@require_POST
def quarterly_propose(request: AuthedRequest) -> HttpResponse:
    """Propose the quarter's grades: of one unit (its head or the organization department), or of every unit in the
    organization department's scope."""
    require_role(request.user, "org", "head")
    period = get_object_or_404(reads.quarters(), key=(request.POST.get("period") or "").upper())
    code = request.POST.get("unit") or ""
    unit = get_object_or_404(units_visible_to(request.user, roles=["org", "head"]), code=code) if code else None
    try:
        result = propose_svc.quarterly_grades_propose(period=period, by=request.user, unit=unit)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Quarterly grades proposed: %(n)s to write up and confirm, %(kept)s confirmed "
                                    "kept.") % {"n": result.proposed, "kept": result.kept_confirmed})
    back = request.POST.get("next")
    if back == "distribution":
        return redirect(_url("quarterly_distribution", period))
    return redirect(_url("quarterly_unit", period, unit))


# -- the official's own grades -----------------------------------------------------------------------------------
def _render_mine(request: AuthedRequest, *, failed: QuarterlyGrade | None = None,
                 form: ReconsiderForm | None = None, status: int = 200) -> HttpResponse:
    grades = list(reads.own_quarterly_grades(request.user)[:12])
    items = [{"grade": g, "form": form if failed is not None and failed.pk == g.pk else ReconsiderForm(
        prefix=f"r{g.pk}")} for g in grades]
    return render(request, "appraisal/quarterly/mine.html", {"items": items}, status=status)


@login_required
def quarterly_mine(request: AuthedRequest) -> HttpResponse:
    """My quarterly grades once confirmed, with the head's comment; each may be asked about once."""
    return _render_mine(request)


@login_required
@require_POST
def quarterly_reconsider(request: AuthedRequest, pk: int) -> HttpResponse:
    grade = get_object_or_404(reads.own_quarterly_grades(request.user), pk=pk)
    form = ReconsiderForm(request.POST, prefix=f"r{grade.pk}")
    if form.is_valid():
        try:
            svc.quarterly_reconsider_request(grade=grade, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your request was sent to your head."))
            return redirect("appraisal:quarterly_mine")
    return _render_mine(request, failed=grade, form=form, status=400)


# -- the head's requests to answer -------------------------------------------------------------------------------
def _render_requests(request: AuthedRequest, *, failed: QuarterlyGrade | None = None,
                     form: AnswerForm | None = None, status: int = 200) -> HttpResponse:
    waiting = request.GET.get("all") != "1"
    page = paginate(request, reads.requests_to_answer(request.user, waiting=waiting), size=REQUESTS_PAGE_SIZE)
    items = [{"grade": g, "form": form if failed is not None and failed.pk == g.pk else AnswerForm(
        prefix=f"a{g.pk}", initial={"outcome": "kept"})} for g in page.object_list]
    return render(request, "appraisal/quarterly/requests.html", {
        "page": page, "items": items, "waiting": waiting, "query": "" if waiting else "all=1"}, status=status)


@login_required
def quarterly_requests(request: AuthedRequest) -> HttpResponse:
    """Requests to reconsider a quarterly grade, for the heads who answer them (waiting first)."""
    require_role(request.user, "org", "head")
    return _render_requests(request)


@login_required
@require_POST
def quarterly_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    require_role(request.user, "org", "head")
    grade = get_object_or_404(reads.requests_to_answer(request.user), pk=pk)
    form = AnswerForm(request.POST, prefix=f"a{grade.pk}")
    if form.is_valid():
        try:
            svc.quarterly_reconsider_answer(grade=grade, by=request.user, outcome=form.cleaned_data["outcome"],
                                            text=form.cleaned_data["text"], value=form.cleaned_data["grade"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your answer was sent to %(name)s.") % {"name": grade.official.name})
            return redirect("appraisal:quarterly_requests")
    return _render_requests(request, failed=grade, form=form, status=400)


# -- the organization department's distribution ------------------------------------------------------------------
@login_required
def quarterly_distribution(request: AuthedRequest) -> HttpResponse:
    """Every unit's grades of a quarter by grade (a stacked bar), with the unit's rule for the year."""
    require_role(request.user, "org")
    period = reads.quarter_for(request.GET.get("period"))
    context: dict[str, Any] = {"quarters": list(reads.quarters()), "period": period,
                               "rule_offered": no_good_rule_offered(), "grades": QuarterGrade.choices}
    if period is not None:
        page = paginate(request, reads.distribution_units(request.user, period))
        rows, chart = reads.distribution(period, list(page.object_list))
        context.update({"page": page, "rows": rows, "query": f"period={period.key}",
                        "share": grade_reads.share_percent(reads.good_share()), "chart": chart})
    return render(request, "appraisal/quarterly/distribution.html", context)


@login_required
@require_POST
def quarterly_rule(request: AuthedRequest) -> HttpResponse:
    """Set a unit's choice for the quarter's year: no 好 quarter → not 优秀."""
    require_role(request.user, "org")
    period = get_object_or_404(reads.quarters(), key=(request.POST.get("period") or "").upper())
    unit = get_object_or_404(units_visible_to(request.user, roles=["org"]), code=request.POST.get("unit") or "")
    require_good = request.POST.get("require_good") == "1"
    try:
        svc.quarterly_rule_set(unit=unit, year=period.start.year, require_good=require_good, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, (_("%(unit)s: in %(year)s an official without a 好 quarter is not proposed 优秀.")
                                   if require_good else
                                   _("%(unit)s: in %(year)s 优秀 does not need a 好 quarter."))
                         % {"unit": unit.name, "year": period.start.year})
    return redirect(_url("quarterly_distribution", period, page=request.POST.get("page")))
