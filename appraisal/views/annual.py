"""Pages of a unit's annual procedure for the organization department and heads: the years' units and their
stages, the stage page with its actions, the 评语, who has not signed, and the audit log. Thin: parse, call a
service or a read, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms.annual import CommentForm, NoticeOpenForm
from appraisal.models import (
    STAGE_ORDER,
    AnnualProcedure,
    SignStatus,
    Stage,
)
from appraisal.selectors import access
from appraisal.selectors import annual as reads
from appraisal.selectors import comments as comment_reads
from appraisal.selectors.annual import comment_rule
from appraisal.selectors.notices import procedure_notices
from appraisal.selectors.periods import years_visible
from appraisal.selectors.transfers import year_transfers
from appraisal.selectors.verdicts import signature_rows
from appraisal.services import finalize as finalize_svc
from appraisal.services import notices as notice_svc
from appraisal.services import procedure as svc
from appraisal.services.comments import comment_write
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.selectors import access_for, require_role, units_visible_to


def procedure_of(request: AuthedRequest, pk: int) -> AnnualProcedure:
    """The procedure if the user may see it, else 404."""
    return get_object_or_404(reads.procedures_visible_to(request.user), pk=pk)


@login_required
def procedure_list(request: AuthedRequest) -> HttpResponse:
    """The year's top-level units and the stage each has reached; the organization department opens them."""
    require_role(request.user, "org", "head")
    years = list(years_visible())
    period = next((y for y in years if y.key == request.GET.get("period")), years[0] if years else None)
    context: dict[str, Any] = {"years": years, "period": period, "stages": STAGE_ORDER}
    if period is not None:
        # ``?stage=`` (the home page's link to the units whose grades wait for confirmation)
        stage = request.GET.get("stage", "")
        procedures = reads.procedure_rows(request.user, period, stage)
        context["stage"] = stage if stage in Stage.values else ""
        context["page"] = paginate(request, procedures)
        context["query"] = f"period={period.key}" + (f"&stage={stage}" if stage in Stage.values else "")
        if access_for(request.user).has_role("org"):
            context["unopened"] = list(reads.unopened_units(request.user, period))
    return render(request, "appraisal/annual/procedure_list.html", context)


@login_required
@require_POST
@idempotent_form
def procedure_open_view(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, "org")
    period = get_object_or_404(years_visible(), key=request.POST.get("period") or "")
    code = request.POST.get("unit") or ""
    try:
        if code:
            unit = get_object_or_404(units_visible_to(request.user, roles=["org"]), code=code)
            procedure = svc.procedure_open(period=period, unit=unit, by=request.user)
            messages.success(request, _("The %(year)s appraisal of %(unit)s is open: officials write their summaries.")
                             % {"year": period.key, "unit": unit.name})
            return redirect("appraisal:procedure_detail", pk=procedure.pk)
        count = svc.procedures_open_all(period=period, by=request.user)
        messages.success(request, _("%(n)s units opened.") % {"n": count})
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(reverse("appraisal:procedure_list") + f"?period={period.key}")


def _render_detail(request: AuthedRequest, procedure: AnnualProcedure, *, notice_form: NoticeOpenForm | None = None,
                   status: int = 200) -> HttpResponse:
    user = request.user
    is_org = access.is_org_over(user, procedure.unit)
    today = timezone.localdate()
    notices = procedure_notices(procedure)
    context = {
        "procedure": procedure, "stages": STAGE_ORDER, "stage_index": procedure.stage_index,
        "figures": reads.procedure_figures(procedure), "notices": notices, "today": today,
        "is_org": is_org, "is_lead": access.is_lead_over(user, procedure.unit),
        "new_candidates": reads.new_candidates(procedure).count() if is_org else 0,
        "notice_form": notice_form or NoticeOpenForm(initial={"starts_on": today}),
        "runs_until": max((n.ends_on for n in notices if n.ends_on >= today), default=None),
    }
    return render(request, "appraisal/annual/procedure_detail.html", context, status=status)


@login_required
def procedure_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The stage page: where the unit's year stands, what is left to do, and the next step's button."""
    return _render_detail(request, procedure_of(request, pk))


def _step(request: AuthedRequest, pk: int, action: Any, done: str) -> HttpResponse:
    procedure = procedure_of(request, pk)
    try:
        action(procedure=procedure, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("appraisal:procedure_detail", pk=pk)


@login_required
@require_POST
def summaries_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, svc.summaries_close, _("Summaries closed: heads now write the comments."))


@login_required
@require_POST
def proposals_submit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, svc.proposals_submit, _("The proposals were put to the organization department."))


@login_required
@require_POST
def finalize_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, finalize_svc.procedure_finalize,
                 _("The grades are final; every official received the written notice."))


@login_required
@require_POST
@idempotent_form
def notice_open_view(request: AuthedRequest, pk: int) -> HttpResponse:
    procedure = procedure_of(request, pk)
    form = NoticeOpenForm(request.POST)
    if form.is_valid():
        try:
            notice = notice_svc.notice_open(procedure=procedure, by=request.user,
                                            starts_on=form.cleaned_data["starts_on"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The public notice runs from %(start)s to %(end)s.")
                             % {"start": notice.starts_on.isoformat(), "end": notice.ends_on.isoformat()})
            return redirect("appraisal:procedure_detail", pk=pk)
    return _render_detail(request, procedure, notice_form=form, status=400)


# -- 评语 --------------------------------------------------------------------------------------------------------
@login_required
def procedure_comments(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 评语 of the unit: written, missing, or not to be written (the rules), with the proposals."""
    procedure = procedure_of(request, pk)
    require_role(request.user, "org", "head")
    missing = request.GET.get("missing") == "1"
    page = paginate(request, comment_reads.comment_rows(request.user, procedure, missing=missing))
    comment_reads.attach_comment_rules(page.object_list, procedure)
    return render(request, "appraisal/annual/comments.html", {
        "procedure": procedure, "page": page, "missing": missing, "query": "missing=1" if missing else "",
        "can_write": procedure.stage == Stage.COMMENTS})


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: AuthedRequest, pk: int, grade_pk: int) -> HttpResponse:
    """Write one official's 评语 and proposed grade, with the summary, the ledger and the quarters beside it."""
    procedure = procedure_of(request, pk)
    require_role(request.user, "org", "head")
    grade = get_object_or_404(reads.comment_rows_for(request.user, procedure).select_related("period"), pk=grade_pk)
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST, category=grade.official.personnel_category)
        if form.is_valid():
            try:
                comment_write(grade=grade, by=request.user, **form.cleaned_data)
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The comment of %(name)s was saved.") % {"name": grade.official.name})
                following = comment_reads.next_comment_row(request.user, procedure, after=grade)
                if following is not None and request.POST.get("next") == "1":
                    return redirect("appraisal:comment_edit", pk=pk, grade_pk=following.pk)
                return redirect(reverse("appraisal:procedure_comments", args=[pk]))
        status = 400
    else:
        form = CommentForm(initial={"comment": grade.comment, "head_grade": grade.head_grade or grade.proposed,
                                    "head_reason": grade.head_reason}, category=grade.official.personnel_category)
    summary = comment_reads.grade_summary(procedure, grade)
    move = year_transfers(procedure.period.start.year, [grade.official_id]).get(grade.official_id)
    context = {"procedure": procedure, "grade": grade, "form": form, "summary": summary, "move": move,
               "rule": comment_rule(grade), "can_write": procedure.stage == Stage.COMMENTS
               and access.is_head_over(request.user, grade.official, unit_path=move.unit_path if move else None),
               **comment_reads.year_facts(grade)}
    return render(request, "appraisal/annual/comment_edit.html", context, status=status)


# -- signatures and the audit log --------------------------------------------------------------------------------
@login_required
def procedure_signatures(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who has signed the written notice, who disagreed, who has not signed (heads and the org department)."""
    procedure = procedure_of(request, pk)
    require_role(request.user, "org", "head")
    wanted = request.GET.get("status")
    notices = signature_rows(request.user, procedure, wanted)
    return render(request, "appraisal/annual/signatures.html", {
        "procedure": procedure, "page": paginate(request, notices), "status": wanted or "",
        "statuses": SignStatus.choices, "query": f"status={wanted}" if wanted else "", "today": timezone.localdate()})


@login_required
def procedure_event_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every step of the procedure, newest first (the organization department)."""
    procedure = procedure_of(request, pk)
    if not access.is_org_over(request.user, procedure.unit):
        raise Http404
    return render(request, "appraisal/annual/events.html", {
        "procedure": procedure, "page": paginate(request, reads.procedure_events(procedure)), "query": ""})
