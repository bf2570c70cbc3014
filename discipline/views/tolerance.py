"""Error tolerance (容错免责) pages: the request form (from the case page, "my record" or the effects page),
the request's page with the review, decision and rectification forms, and the queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ApplicationError
from common.filters import as_id
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from discipline.forms.records import RectificationForm, ToleranceDecideForm, ToleranceForm, ToleranceReviewForm
from discipline.models import Case, Decision, ToleranceRequest, ToleranceStatus
from discipline.selectors.cases import cases_visible_to, readable_case_ids, reads_case
from discipline.selectors.decisions import decisions_about, decisions_with_visible_effect
from discipline.selectors.tolerance import (
    may_act_on_tolerance,
    tolerance_actions,
    tolerance_listed,
    tolerance_visible_to,
    waits_for,
)
from discipline.services.tolerance import (
    rectification_complete,
    tolerance_decide,
    tolerance_request,
    tolerance_review,
)
from discipline.views._common import query_without_page
from org.models import Official
from org.selectors import access_for


def _target(request: AuthedRequest) -> tuple[Case, Official, Decision | None]:
    """The case and subject a request is for: from a decision the user may see the effect of (subject, head,
    inspection), or from a case file the user reads (inspection on the case page). Anything else: 404."""
    params = request.POST if request.method == "POST" else request.GET
    raw_decision, raw_case, raw_official = (as_id(params.get(k)) for k in ("decision", "case", "official"))
    if raw_decision is not None:
        decision = get_object_or_404(decisions_with_visible_effect(request.user), pk=raw_decision)
        return decision.case, decision.official, decision
    if raw_case is not None and raw_official is not None:
        case = get_object_or_404(cases_visible_to(request.user), pk=raw_case)
        official = get_object_or_404(case.subjects.select_related("unit"), pk=raw_official)
        return case, official, None
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def tolerance_create(request: AuthedRequest) -> HttpResponse:
    case, official, decision = _target(request)
    form = ToleranceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = tolerance_request(by=request.user, case=case, official=official, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The request for error tolerance was filed."))
            return redirect("discipline:tolerance_detail", pk=made.pk)
    context = {"form": form, "case": case, "official": official, "decision": decision,
               "reads_case": reads_case(request.user, case.pk),
               "hidden": {"decision": decision.pk} if decision else {"case": case.pk, "official": official.pk}}
    return render(request, "discipline/tolerance/form.html", context)


@login_required
@require_GET
def tolerance_list(request: AuthedRequest) -> HttpResponse:
    """The requests the user may see; by default those waiting for a review or a decision."""
    show = request.GET.get("show", "open")
    page = paginate(request, tolerance_listed(request.user, show))
    readable = readable_case_ids(request.user, [r.case_id for r in page.object_list])
    access = access_for(request.user)
    rows = [(r, r.case_id in readable, waits_for(request.user, r)) for r in page.object_list]
    context = {"page": page, "rows": rows, "show": show, "statuses": ToleranceStatus.choices,
               "query": query_without_page(request), "has_roles": bool(access.grants) or access.is_superuser}
    return render(request, "discipline/tolerance/list.html", context)


def render_request(request: AuthedRequest, item: ToleranceRequest, **forms: Any) -> HttpResponse:
    # Separation of duties: who filed the request, or is its subject, is told why there is no form.
    actions = tolerance_actions(request.user, item)
    readable = reads_case(request.user, item.case_id)
    context = {
        "item": item, "reads_case": readable, "conflict": actions.conflict,
        "decisions": decisions_about(item.case_id, item.official_id) if readable else [],
        "review_form": forms.get("review_form") or (ToleranceReviewForm() if actions.reviewing else None),
        "decide_form": forms.get("decide_form") or (ToleranceDecideForm() if actions.deciding else None),
        "rectify_form": forms.get("rectify_form") or (
            RectificationForm(initial={"done_on": timezone.localdate()}) if actions.rectifying else None),
    }
    return render(request, "discipline/tolerance/detail.html", context)


def _request_or_404(request: AuthedRequest, pk: int) -> ToleranceRequest:
    # People are shown by name: their official's, when the account has one.
    return get_object_or_404(tolerance_visible_to(request.user).select_related(
        "requested_by__official", "reviewed_by__official", "decided_by__official"), pk=pk)


def _acting_on_or_404(request: AuthedRequest, pk: int) -> ToleranceRequest:
    """The request, when the user acts on such requests; otherwise 404, as for a request out of scope."""
    item = _request_or_404(request, pk)
    if not may_act_on_tolerance(request.user, item):
        raise Http404
    return item


@login_required
@require_GET
def tolerance_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render_request(request, _request_or_404(request, pk))


@login_required
@require_POST
def tolerance_review_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _acting_on_or_404(request, pk)
    form = ToleranceReviewForm(request.POST)
    if form.is_valid():
        try:
            tolerance_review(by=request.user, request=item, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The review was recorded and sent to the organization department."))
            return redirect("discipline:tolerance_detail", pk=item.pk)
    return render_request(request, item, review_form=form)


@login_required
@require_POST
def tolerance_decide_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _acting_on_or_404(request, pk)
    form = ToleranceDecideForm(request.POST)
    if form.is_valid():
        try:
            item = tolerance_decide(by=request.user, request=item, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The request was decided: %(status)s.") % {"status": item.get_status_display()})
            return redirect("discipline:tolerance_detail", pk=item.pk)
    return render_request(request, item, decide_form=form)


@login_required
@require_POST
def rectification_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _acting_on_or_404(request, pk)
    form = RectificationForm(request.POST)
    if form.is_valid():
        try:
            rectification_complete(by=request.user, request=item, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The rectification was recorded as done."))
            return redirect("discipline:tolerance_detail", pk=item.pk)
    return render_request(request, item, rectify_form=form)
