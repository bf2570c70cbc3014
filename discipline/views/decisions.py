"""Record a decision for a subject on the case page (discipline inspection over the case's unit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from discipline.forms.cases import DecisionForm
from discipline.selectors.cases import cases_visible_to
from discipline.services.decisions import decision_record
from discipline.views.cases import render_case


@login_required
@require_POST
@idempotent_form
def decision_create(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(cases_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST, subjects=case.subjects.all())
    if form.is_valid():
        try:
            decision = decision_record(by=request.user, case=case, **form.service_kwargs())
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The decision about %(name)s was recorded.")
                             % {"name": decision.official.name})
            return redirect("discipline:case_detail", pk=case.pk)
    return render_case(request, case, decision_form=form)
