"""Study plan pages: the plans of the units the user can see, one plan with its planned sessions, and the
form a head or the organization department uses to create a unit's plan for a year. Thin: scope, call the
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import ApplicationError
from common.filters import as_int
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.selectors import require_role
from training.forms.plans import StudyPlanForm
from training.selectors.plans import plan_sessions, plans_of_year, plans_visible_to
from training.selectors.sessions import ORGANISER_ROLES, can_organise, can_organise_any
from training.services import plans as svc


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    return as_int(raw, low=svc.MIN_YEAR, high=svc.MAX_YEAR) or timezone.localdate().year


@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    """The study plans of a year, with their planned sessions and hours (one query for the page's rows)."""
    year = _year(request)
    page = paginate(request, plans_of_year(request.user, year))
    this_year = timezone.localdate().year
    return render(request, "training/plans/list.html", {
        "page": page, "year": year, "years": list(range(this_year + 1, this_year - 5, -1)),
        "query": f"year={year}", "can_create": can_organise_any(request.user),
    })


@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One plan with its sessions by date: kind, title, hours, required or optional."""
    plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
    sessions, totals = plan_sessions(plan)
    page = paginate(request, sessions)
    return render(request, "training/plans/detail.html", {
        "plan": plan, "page": page, "totals": totals, "now": timezone.now(),
        "can_add_session": can_organise(request.user, plan.unit),
    })


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def plan_create(request: AuthedRequest) -> HttpResponse:
    """Create a unit's study plan for a year (heads and the organization department over the unit)."""
    require_role(request.user, *ORGANISER_ROLES)
    form = StudyPlanForm(request.POST or None, user=request.user,
                         initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = svc.plan_create(by=request.user, unit=data["unit"], year=data["year"], title=data["title"],
                                   notes=data["notes"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The study plan was created."))
            return redirect("training:plan_detail", pk=plan.pk)
    return render(request, "training/plans/form.html", {"form": form})

