"""Public criticism flags (通报批评) for heads: three or more unexcused absences in a quarter, flagged by the
training feed, waiting for a head over the official's unit to confirm (a −2 in the ledger) or dismiss (with
a note). Thin: scope, call ``training.services.criticism``, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ApplicationError
from common.http import AuthedRequest
from common.pagination import paginate
from org.selectors import require_role
from training.selectors.criticism import flags_for_head, flags_listed
from training.services.criticism import criticism_confirm, criticism_dismiss

HEAD = "head"


@login_required
def flag_list(request: AuthedRequest) -> HttpResponse:
    """Pending flags first to decide; ``?status=decided`` shows those already confirmed or dismissed."""
    require_role(request.user, HEAD)
    decided = request.GET.get("status") == "decided"
    page = paginate(request, flags_listed(request.user, decided=decided))
    return render(request, "training/criticism/list.html", {
        "page": page, "decided": decided, "query": "status=decided" if decided else "",
    })


def _back(request: AuthedRequest) -> HttpResponse:
    return redirect("training:criticism_flags")


@login_required
@require_POST
def flag_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    require_role(request.user, HEAD)
    flag = get_object_or_404(flags_for_head(request.user), pk=pk)
    try:
        criticism_confirm(by=request.user, flag=flag)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The public criticism of %(name)s was confirmed and recorded in the ledger.")
                         % {"name": flag.official.name})
    return _back(request)


@login_required
@require_POST
def flag_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    require_role(request.user, HEAD)
    flag = get_object_or_404(flags_for_head(request.user), pk=pk)
    try:
        criticism_dismiss(by=request.user, flag=flag, note=request.POST.get("note", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The public criticism of %(name)s was dismissed.") % {"name": flag.official.name})
    return _back(request)
