"""Appeals (申诉): the subject files one from "my record" within the window; discipline inspection decides it
on the case page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from discipline.forms.cases import AppealDecideForm
from discipline.forms.records import AppealForm
from discipline.selectors.cases import cases_visible_to
from discipline.selectors.decisions import appeal_deadline, appeals_visible_to, decisions_visible_to
from discipline.services.appeals import appeal_decide, appeal_file
from discipline.views.cases import render_case
from org.selectors import access_for


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def appeal_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """The subject's appeal against their decision (only they may file it)."""
    decision = get_object_or_404(decisions_visible_to(request.user), pk=pk)
    if access_for(request.user).official_id != decision.official_id:
        raise Http404
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_file(by=request.user, decision=decision, grounds=form.cleaned_data["grounds"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your appeal was filed."))
            return redirect("discipline:decision_detail", pk=decision.pk)
    return render(request, "discipline/record/appeal_form.html",
                  {"form": form, "decision": decision, "deadline": appeal_deadline(decision)})


@login_required
@require_POST
def appeal_decide_view(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(appeals_visible_to(request.user), pk=pk)
    case = get_object_or_404(cases_visible_to(request.user), pk=appeal.decision.case_id)
    form = AppealDecideForm(request.POST, prefix=f"a{appeal.pk}")
    if form.is_valid():
        try:
            appeal_decide(by=request.user, appeal=appeal, outcome=form.cleaned_data["outcome"],
                          note=form.cleaned_data["note"], new_kind=form.cleaned_data["new_kind"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The appeal was decided."))
            return redirect("discipline:case_detail", pk=case.pk)
    return render_case(request, case, appeal_forms={appeal.pk: form})
