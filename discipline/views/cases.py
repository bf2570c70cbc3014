"""Case pages for discipline inspection and the organization department: the list with its filters, the
register and edit forms, the case file with its timeline, transitions, attachments and access log.

Every render of a case file writes a VIEW row to the access log; an attachment download writes an ATTACHMENT
row. Cases outside the reader's scope are 404, like missing ones."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ApplicationError
from common.filters import YEAR_MAX, YEAR_MIN, as_int
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from discipline.forms.cases import AppealDecideForm, AttachmentForm, CaseForm, DecisionForm, TransitionForm
from discipline.models import Case, CaseAccess, CaseSource, CaseStatus
from discipline.selectors.cases import (
    CaseFilters,
    attachment_max_bytes,
    attachments_visible_to,
    can_handle,
    case_file,
    case_units,
    cases_filtered,
    cases_visible_to,
    counts_by_status,
    investigators,
    rules_by_category,
)
from discipline.selectors.decisions import appeal_deadline
from discipline.selectors.scope import CASE_ROLES, role_paths
from discipline.selectors.tolerance import requestable_subjects
from discipline.services.cases import (
    TRANSITIONS,
    attachment_add,
    case_register,
    case_transition,
    case_update,
    record_access,
)
from discipline.views._common import query_without_page
from org.forms.fields import unit_menu
from org.models import Role
from org.selectors import access_for, officials_visible_to, require_role

# The buttons a case offers, in the order they are shown.
TRANSITION_STYLES = {
    CaseStatus.INVESTIGATING: "btn-primary",
    CaseStatus.DECIDED: "btn-success",
    CaseStatus.CLOSED: "btn-secondary",
    CaseStatus.NOT_PURSUED: "btn-outline-danger",
}
# A button that says more than the status it leads to: an investigation that finds nothing to sanction is closed
# (a case under investigation is pursued already: 不予立案 is not offered there).
TRANSITION_LABELS = {(CaseStatus.INVESTIGATING, CaseStatus.CLOSED): gettext_lazy("Close with no sanction")}


def _transitions(case: Case) -> list[tuple[str, str, str]]:
    """The moves a case offers: (status, button label, button style)."""
    return [(to, str(TRANSITION_LABELS.get((CaseStatus(case.status), CaseStatus(to)), CaseStatus(to).label)),
             TRANSITION_STYLES[CaseStatus(to)]) for to in TRANSITIONS[case.status]]


def _case_or_404(request: AuthedRequest, pk: int) -> Case:
    return get_object_or_404(cases_visible_to(request.user), pk=pk)


def _years() -> list[int]:
    current = timezone.localdate().year
    return list(range(current, current - 6, -1))


def filtered_cases(request: AuthedRequest) -> tuple[QuerySet[Case], QuerySet[Case], dict[str, Any]]:
    """The visible cases under the list's filters: (without the status filter, with it, the filters)."""
    filters: dict[str, Any] = {key: request.GET.get(key, "").strip() for key in ("status", "source", "year", "unit",
                                                                                "q", "overdue", "appeal")}
    # The home page's links narrow the list (past the time limit, an appeal to decide); a note says so.
    found = cases_filtered(request.user, CaseFilters(
        status=filters["status"], source=filters["source"], unit=filters["unit"], text=filters["q"],
        year=as_int(filters["year"], low=YEAR_MIN, high=YEAR_MAX), overdue=filters["overdue"] == "1",
        appeal_pending=filters["appeal"] == "pending"))
    filters["unit_obj"] = found.unit
    filters["units"] = found.units
    return found.all_statuses, found.cases, filters


@login_required
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    """The case register on screen: filters, counts per status, one page of cases with their subjects."""
    require_role(request.user, *CASE_ROLES)
    all_statuses, cases, filters = filtered_cases(request)
    counts = counts_by_status(all_statuses)
    page = paginate(request, cases.prefetch_related("subjects").order_by("-registered_on", "-id"))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in CaseStatus.choices]
    query = query_without_page(request)
    context = {
        "page": page, "filters": filters, "units": unit_menu(filters["units"]), "status_counts": status_counts,
        "total": sum(counts.values()), "statuses": CaseStatus.choices, "sources": CaseSource.choices,
        "years": _years(), "query": query, "can_register": access_for(request.user).has_role(Role.DISCIPLINE),
        "can_export": access_for(request.user).has_role(Role.DISCIPLINE),
    }
    return render(request, "discipline/cases/list.html", context)


def _case_form(request: AuthedRequest, *args: Any, **kwargs: Any) -> CaseForm:
    return CaseForm(*args, units=case_units(role_paths(request.user, [Role.DISCIPLINE])),
                    officials=officials_visible_to(request.user, roles=[Role.DISCIPLINE], include_self=False),
                    investigators=investigators(), **kwargs)


def _rules_context(form: CaseForm) -> dict[str, Any]:
    """The active rules grouped by category, with the ones ticked on the form."""
    rule_groups = rules_by_category()
    if form.is_bound:
        ticked = set(form.data.getlist("rules")) if hasattr(form.data, "getlist") else set()
    else:
        ticked = {str(getattr(r, "pk", r)) for r in form.initial.get("rules", [])}
    return {"rule_groups": rule_groups, "ticked_rules": ticked}


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def case_create(request: AuthedRequest) -> HttpResponse:
    """Register (立案) a case: discipline inspection only."""
    require_role(request.user, Role.DISCIPLINE)
    if request.method == "POST":
        form = _case_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = case_register(
                    by=request.user, unit=data["unit"], title=data["title"], subjects=data["subjects"],
                    source=data["source"], facts=data["facts"], source_reference=data["source_reference"],
                    rules=data["rules"], investigator=data["investigator"], registered_on=data["registered_on"])
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Case %(number)s was registered.") % {"number": case.number})
                return redirect("discipline:case_detail", pk=case.pk)
    else:
        form = _case_form(request, initial={"registered_on": timezone.localdate()})
    return render(request, "discipline/cases/form.html", {"form": form, "case": None, **_rules_context(form)})


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit an open case's file (discipline inspection over its unit)."""
    case = _case_or_404(request, pk)
    if not can_handle(request.user, case.unit) or not case.is_open:
        messages.error(request, _("Only an open case can be edited, by discipline inspection."))
        return redirect("discipline:case_detail", pk=case.pk)
    if request.method == "POST":
        form = _case_form(request, request.POST, editing=True,
                          initial={"case_unit": case.unit, "subjects": list(case.subjects.all())})
        if form.is_valid():
            data = form.cleaned_data
            try:
                case_update(by=request.user, case=case, title=data["title"], facts=data["facts"],
                            source=data["source"], source_reference=data["source_reference"],
                            subjects=data["subjects"], rules=data["rules"], investigator=data["investigator"])
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The case file was saved."))
                return redirect("discipline:case_detail", pk=case.pk)
    else:
        form = _case_form(request, editing=True, initial={
            "case_unit": case.unit, "title": case.title, "subjects": list(case.subjects.all()),
            "source": case.source, "source_reference": case.source_reference, "rules": list(case.rules.all()),
            "facts": case.facts, "investigator": case.investigator_id})
    return render(request, "discipline/cases/form.html", {"form": form, "case": case, **_rules_context(form)})


def render_case(request: AuthedRequest, case: Case, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The case file, with whatever bound forms a failed POST hands back; logs the read."""
    record_access(user=request.user, cases=case, action=CaseAccess.Action.VIEW)
    handles = can_handle(request.user, case.unit)
    file = case_file(case)
    appeal_forms: dict[int, AppealDecideForm] = forms.pop("appeal_forms", {})
    appeal_rows = [(a, appeal_forms.get(a.pk) or (AppealDecideForm(prefix=f"a{a.pk}") if handles and a.is_pending
                                                     else None)) for a in file.appeals]
    deciding = handles and case.status in (CaseStatus.INVESTIGATING, CaseStatus.DECIDED)
    decision_form = forms.pop("decision_form", None)
    if decision_form is None and deciding:
        decision_form = DecisionForm(subjects=case.subjects.all(), initial={"effective_date": timezone.localdate()})
    context = {
        "case": case, "handles": handles, "subjects": file.subjects, "rules": file.rules,
        "attachments": file.attachments, "timeline": file.timeline, "decisions": file.decisions,
        "appeal_rows": appeal_rows, "deadlines": {d.pk: appeal_deadline(d) for d in file.decisions},
        "tolerance_requests": file.tolerance_requests, "accesses": file.accesses,
        "transitions": _transitions(case) if handles else [],
        "transition_form": forms.pop("transition_form", None) or TransitionForm(),
        "upload_form": forms.pop("upload_form", None) or (AttachmentForm() if handles else None),
        "decision_form": decision_form,
        "max_mb": round(attachment_max_bytes() / 1024 / 1024, 1),
        "tolerance_for": (requestable_subjects(case, file.decisions, file.tolerance_requests) if handles
                          else set()),
    }
    context.update(forms)
    return render(request, "discipline/cases/detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render_case(request, _case_or_404(request, pk))


@login_required
@require_POST
def case_transition_view(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            case = case_transition(by=request.user, case=case, to=form.cleaned_data["to"],
                                   comment=form.cleaned_data["comment"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()})
            return redirect("discipline:case_detail", pk=case.pk)
    return render_case(request, case, transition_form=form)


@login_required
@require_POST
@idempotent_form
def attachment_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(by=request.user, case=case, upload=form.cleaned_data["file"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("discipline:case_detail", pk=case.pk)
    return render_case(request, case, upload_form=form)


@login_required
@require_GET
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    """Stream an attachment from the private storage to a case reader, and log the read."""
    attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
    record_access(user=request.user, cases=attachment.case, action=CaseAccess.Action.ATTACHMENT)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
