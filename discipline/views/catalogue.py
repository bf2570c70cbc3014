"""The rule catalogue and the decision kinds: readable by case readers, edited by county-level discipline
inspection (``can_edit_catalogue``); anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from discipline.forms.records import KindForm, RuleForm
from discipline.models import DecisionKind, DisciplineRule, RuleCategory
from discipline.selectors.catalogue import can_edit_catalogue, kinds_listed, rules_listed
from discipline.selectors.scope import CASE_ROLES
from discipline.services.catalogue import kind_configure, rule_save
from discipline.views._common import query_without_page
from org.selectors import require_role

# The rule catalogue is a short reference list read whole, so it shows twice the usual page.
CATALOGUE_PAGE_SIZE = 50


def _editor_only(request: AuthedRequest) -> None:
    if not can_edit_catalogue(request.user):
        raise Http404


@login_required
@require_GET
def rule_list(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CASE_ROLES)
    category = request.GET.get("category", "")
    rules = rules_listed(category)
    context = {"page": paginate(request, rules, size=CATALOGUE_PAGE_SIZE), "category": category,
               "categories": RuleCategory.choices,
               "query": query_without_page(request), "can_edit": can_edit_catalogue(request.user)}
    return render(request, "discipline/catalogue/rules.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def rule_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    _editor_only(request)
    rule = get_object_or_404(DisciplineRule, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                rule_save(by=request.user, rule=rule, **form.cleaned_data)
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The rule was saved."))
                return redirect("discipline:rule_list")
    elif rule is not None:
        form = RuleForm(initial={"code": rule.code, "category": rule.category, "text": rule.text,
                                 "is_active": rule.is_active})
    else:
        form = RuleForm()
    return render(request, "discipline/catalogue/rule_form.html", {"form": form, "rule": rule})


@login_required
@require_GET
def kind_list(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CASE_ROLES)
    return render(request, "discipline/catalogue/kinds.html",
                  {"kinds": kinds_listed(), "can_edit": can_edit_catalogue(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def kind_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    kind = get_object_or_404(DecisionKind, pk=pk)
    if request.method == "POST":
        form = KindForm(request.POST)
        if form.is_valid():
            try:
                kind_configure(by=request.user, kind=kind, **form.cleaned_data)
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The defaults of “%(kind)s” were saved.") % {"kind": kind.name})
                return redirect("discipline:kind_list")
    else:
        form = KindForm(initial={"months_in_force": kind.months_in_force, "points": kind.points,
                                 "grade_cap": kind.grade_cap, "cap_years": kind.cap_years,
                                 "later_cap": kind.later_cap, "cap_in_force": kind.cap_in_force,
                                 "promotion_bar_months": kind.promotion_bar_months, "is_active": kind.is_active})
    return render(request, "discipline/catalogue/kind_form.html", {"form": form, "kind": kind})
