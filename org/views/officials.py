"""The officials: the list of the user's scope, an official's page with their posts, and a change of post."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.filters import OfficialFilter
from org.forms.roster import PostChangeForm
from org.models import Official, PostKind
from org.selectors import officials_visible_to
from org.selectors.roster import can_change_post, official_posts, officials_movable_by, post_units_for
from org.services import official_assign_post


@login_required
def official_list(request: AuthedRequest) -> HttpResponse:
    officials = officials_visible_to(request.user).order_by("unit__path", "name", "staff_number")
    filterset = OfficialFilter(request.GET, queryset=officials, request=request)
    page = paginate(request, filterset.qs)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "org/_official_table.html" if request.htmx and not request.htmx.boosted else "org/official_list.html"
    return render(request, template, context)


@login_required
def official_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    official = get_object_or_404(officials_visible_to(request.user).select_related("user"), pk=pk)
    return _render_official(request, official, post_form=None)


def _render_official(request: AuthedRequest, official: Official, post_form: PostChangeForm | None) -> HttpResponse:
    org_units = post_units_for(request.user)
    may_change_post = can_change_post(request.user, official)
    if may_change_post and post_form is None:
        initial = {"unit": official.unit.code, "kind": PostKind.INTERNAL_ROTATION}
        post_form = PostChangeForm(units=org_units, initial=initial)
    context = {"official": official, "posts": official_posts(official),
               "post_form": post_form if may_change_post else None}
    return render(request, "org/official_detail.html", context)


@login_required
@require_http_methods(["POST"])
@idempotent_form
def official_post_change(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a rotation, exchange or appointment (organization department in scope only)."""
    official = get_object_or_404(officials_movable_by(request.user), pk=pk)
    form = PostChangeForm(request.POST, units=post_units_for(request.user))
    if form.is_valid():
        try:
            official_assign_post(official=official, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The new post was recorded."))
            return redirect("org:official_detail", pk=official.pk)
    official = officials_visible_to(request.user).select_related("user").get(pk=pk)
    return _render_official(request, official, post_form=form)
