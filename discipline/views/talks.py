"""Talks (谈心谈话): the list for discipline inspection and the organization department, the record form and
the follow-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from discipline.forms.records import FollowUpForm, TalkForm
from discipline.models import TalkKind, TalkOccasion
from discipline.pickers import talk_officials
from discipline.selectors.cases import case_by_number, case_units
from discipline.selectors.scope import CASE_ROLES, role_paths
from discipline.selectors.talks import talks_visible_to
from discipline.services.talks import talk_follow_up, talk_record
from discipline.views._common import query_without_page
from org.selectors import require_role


@login_required
@require_GET
def talk_list(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CASE_ROLES)
    talks = talks_visible_to(request.user)
    kind, occasion = request.GET.get("kind", ""), request.GET.get("occasion", "")
    if kind in TalkKind.values:
        talks = talks.filter(kind=kind)
    if occasion in TalkOccasion.values:
        talks = talks.filter(occasion=occasion)
    page = paginate(request, talks.order_by("-held_on", "-id"))
    context = {"page": page, "kind": kind, "occasion": occasion, "kinds": TalkKind.choices,
               "occasions": TalkOccasion.choices, "query": query_without_page(request)}
    return render(request, "discipline/talks/list.html", context)


def _talk_form(request: AuthedRequest, *args: Any, **kwargs: Any) -> TalkForm:
    return TalkForm(*args, units=case_units(role_paths(request.user, CASE_ROLES)),
                    officials=talk_officials(request.user), **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def talk_create(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CASE_ROLES)
    if request.method == "POST":
        form = _talk_form(request, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("unit")
            number = data.pop("case_number").strip()
            data["case"] = case_by_number(request.user, number) if number else None
            try:
                if number and data["case"] is None:
                    message = _("No case with this number is in your scope.")
                    raise ApplicationError(message, code="not_found", extra={"fields": {"case_number": [message]}})
                talk = talk_record(by=request.user, **data)
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The talk was recorded."))
                return redirect("discipline:talk_detail", pk=talk.pk)
    else:
        form = _talk_form(request, initial={"held_on": timezone.localdate()})
    return render(request, "discipline/talks/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def talk_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(talks_visible_to(request.user).select_related("recorded_by", "case"), pk=pk)
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                talk_follow_up(by=request.user, talk=talk, **form.cleaned_data)
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The follow-up was saved."))
                return redirect("discipline:talk_detail", pk=talk.pk)
    else:
        form = FollowUpForm(initial={"follow_up": talk.follow_up, "done": talk.follow_up_done})
    return render(request, "discipline/talks/detail.html", {"talk": talk, "form": form})
