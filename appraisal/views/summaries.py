"""Pages of the 个人总结: my summary (draft, autosave, submit), a summary for the head (return, oral report),
and the unit's list of who has not submitted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms.annual import OralForm, ReasonForm, SummaryForm
from appraisal.models import SUMMARY_SECTIONS, AnnualSummary, Stage, SummaryStatus
from appraisal.selectors import annual as reads
from appraisal.selectors import summaries as summary_reads
from appraisal.selectors.access import own_official
from appraisal.selectors.transfers import year_transfers
from appraisal.services import summaries as svc
from appraisal.views.annual import procedure_of
from common.errors import ApplicationError
from common.forms import autosave, form_submit, show_error
from common.http import AuthedRequest
from common.pagination import paginate
from org.selectors import access_for, require_role


def _mine(request: AuthedRequest) -> list[AnnualSummary]:
    official = own_official(request.user)
    if official is None:
        return []
    svc.summaries_ensure(official=official)
    return list(summary_reads.own_summaries(request.user, official.pk))


def _render_mine(request: AuthedRequest, summary: AnnualSummary | None, summaries: list[AnnualSummary],
                 form: SummaryForm | None = None, status: int = 200) -> HttpResponse:
    if summary is not None and form is None:
        form = SummaryForm(initial=summary.sections)
    context = {"summary": summary, "summaries": summaries, "form": form,
               "editable": summary is not None and summary.is_editable
               and summary.procedure.stage == Stage.SUMMARIES}
    return render(request, "appraisal/annual/summary_mine.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def summary_mine(request: AuthedRequest) -> HttpResponse:
    """My annual summary: the latest year's (or the one asked for), as a form while it may be written."""
    summaries = _mine(request)
    wanted = request.GET.get("year") or request.POST.get("year")
    summary = next((s for s in summaries if s.procedure.period.key == wanted), summaries[0] if summaries else None)
    if request.method != "POST" or summary is None:
        return _render_mine(request, summary, summaries)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            summary = svc.summary_save(summary=summary, by=request.user, sections=form.cleaned_data)
            if request.POST.get("action") == "submit":
                svc.summary_submit(summary=summary, by=request.user)
                messages.success(request, _("Your summary was submitted."))
            else:
                messages.success(request, _("Draft saved."))
        except ApplicationError as error:
            show_error(form, error)
        else:
            return redirect(f"{request.path}?year={summary.procedure.period.key}")
    summary.refresh_from_db()
    return _render_mine(request, summary, summaries, form=form, status=400)


def _summary(request: AuthedRequest, pk: int) -> AnnualSummary:
    return get_object_or_404(reads.summaries_visible_to(request.user), pk=pk)


@login_required
@require_POST
def summary_autosave(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save the draft in the background (htmx): answer with a small "saved at HH:MM" status, or why not."""
    summary = _summary(request, pk)
    return autosave(request, SummaryForm(request.POST),
                    lambda sections: svc.summary_save(summary=summary, by=request.user, sections=sections))


def _render_detail(request: AuthedRequest, summary: AnnualSummary, *, return_form: ReasonForm | None = None,
                   oral_form: OralForm | None = None, status: int = 200) -> HttpResponse:
    if access_for(request.user).official_id == summary.official_id and summary.is_editable:
        return redirect(f"{reverse('appraisal:summary_mine')}?year={summary.procedure.period.key}")
    can_return, can_oral = summary_reads.review_actions(request.user, summary)
    context = {
        "summary": summary, "sections": [(n, SummaryForm.base_fields[n].label, getattr(summary, n))
                                         for n in SUMMARY_SECTIONS],
        "move": year_transfers(summary.procedure.period.start.year, [summary.official_id]).get(summary.official_id),
        "can_return": can_return, "can_oral": can_oral,
        "return_form": return_form or ReasonForm(),
        "oral_form": oral_form or OralForm(initial={
            "at": timezone.localtime(summary.oral_at) if summary.oral_at else None, "place": summary.oral_place}),
    }
    return render(request, "appraisal/annual/summary_detail.html", context, status=status)


@login_required
def summary_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _summary(request, pk))


@login_required
@require_POST
def summary_return_view(request: AuthedRequest, pk: int) -> HttpResponse:
    summary = _summary(request, pk)
    form = ReasonForm(request.POST)
    if form_submit(request, form, lambda data: svc.summary_return(summary=summary, by=request.user, **data),
                   _("The summary of %(name)s was returned.") % {"name": summary.official.name}):
        return redirect("appraisal:procedure_summaries", pk=summary.procedure_id)
    return _render_detail(request, summary, return_form=form, status=400)


@login_required
@require_POST
def summary_oral_view(request: AuthedRequest, pk: int) -> HttpResponse:
    summary = _summary(request, pk)
    form = OralForm(request.POST)
    if form_submit(request, form, lambda data: svc.summary_set_oral(summary=summary, by=request.user, **data),
                   _("The oral report was recorded.")):
        return redirect("appraisal:summary_detail", pk=pk)
    return _render_detail(request, summary, oral_form=form, status=400)


@login_required
def procedure_summaries(request: AuthedRequest, pk: int) -> HttpResponse:
    """The unit's summaries for heads: who has not submitted first, then the returned and the submitted."""
    procedure = procedure_of(request, pk)
    require_role(request.user, "org", "head")
    wanted = request.GET.get("status")
    page = paginate(request, summary_reads.summary_rows(request.user, procedure, wanted))
    summary_reads.attach_moves(page.object_list, procedure)  # who changed units during the year (第26条)
    return render(request, "appraisal/annual/summaries.html", {
        "procedure": procedure, "page": page, "status": wanted or "", "statuses": SummaryStatus.choices,
        "query": f"status={wanted}" if wanted else ""})
