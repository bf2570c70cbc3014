"""Scheme and rule catalogue pages for the organization department (404 for everyone else): the schemes with
their component weights, the rule catalogue, and the forms to create, edit and delete them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms.schemes import RuleForm, SchemeForm
from appraisal.models import Component, Scheme, ScoreRule
from appraisal.selectors import schemes as scheme_reads
from appraisal.services.schemes import rule_save, scheme_delete, scheme_save
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.selectors import require_role


@login_required
def scheme_list(request: AuthedRequest) -> HttpResponse:
    """The schemes with their weights, and the rule catalogue; each paginated."""
    require_role(request.user, "org")
    scheme_page = paginate(request, scheme_reads.schemes_listed(), param="schemes_page")
    rows = scheme_reads.scheme_rows(scheme_page.object_list)
    page = paginate(request, scheme_reads.rules_listed())
    query = request.GET.copy()
    query.pop("page", None)
    scheme_query = request.GET.copy()
    scheme_query.pop("schemes_page", None)
    return render(request, "appraisal/schemes/scheme_list.html", {
        "scheme_page": scheme_page, "scheme_rows": rows, "components": Component.choices,
        "scheme_query": scheme_query.urlencode(), "page": page, "query": query.urlencode(),
    })


def _scheme_form(request: AuthedRequest, scheme: Scheme | None) -> HttpResponse:
    form = SchemeForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = scheme_save(by=request.user, scheme=scheme, name=form.cleaned_data["name"],
                                category=form.cleaned_data["category"], rank_level=form.cleaned_data["rank_level"],
                                weights=form.weights())
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The scheme “%(name)s” was saved.") % {"name": saved.name})
            return redirect("appraisal:schemes")
    return render(request, "appraisal/schemes/scheme_form.html", {
        "form": form, "scheme": scheme, "is_default": scheme is not None and scheme_reads.is_default_scheme(scheme),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def scheme_create(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, "org")
    return _scheme_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_role(request.user, "org")
    return _scheme_form(request, get_object_or_404(Scheme.objects.select_related("category"), pk=pk))


@login_required
@require_POST
def scheme_delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
    require_role(request.user, "org")
    scheme = get_object_or_404(Scheme, pk=pk)
    try:
        scheme_delete(by=request.user, scheme=scheme)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The scheme “%(name)s” was deleted.") % {"name": scheme.name})
    return redirect("appraisal:schemes")


def _rule_form(request: AuthedRequest, rule: ScoreRule | None) -> HttpResponse:
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = rule_save(by=request.user, rule=rule, code=data["code"], name=data["name"],
                              description=data["description"], min_points=data["min_points"],
                              max_points=data["max_points"], cap=data["cap"], is_manual=data["is_manual"],
                              is_active=data["is_active"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The rule “%(code)s” was saved.") % {"code": saved.code})
            return redirect("appraisal:schemes")
    return render(request, "appraisal/schemes/rule_form.html", {"form": form, "rule": rule},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def rule_create(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, "org")
    return _rule_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_role(request.user, "org")
    return _rule_form(request, get_object_or_404(ScoreRule, pk=pk))
