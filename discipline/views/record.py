"""What people see of decisions without the case file: "my record" for the subject, a decision's page, the
effects on officials in a unit (heads, the organization department, discipline inspection) and the effects
fragment embedded in an official's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.http import AuthedRequest
from common.pagination import paginate
from discipline.selectors.cases import case_units, reads_case, unit_of_code
from discipline.selectors.decisions import (
    appeal_deadline,
    appealable,
    appeals_visible_to,
    decisions_visible_to,
    effect_officials_for,
    effects_among,
    effects_for,
    promotion_eligibility,
    with_officials,
)
from discipline.selectors.scope import role_paths
from discipline.selectors.tolerance import (
    can_request_tolerance,
    live_request,
    live_request_cases,
    tolerance_visible_to,
)
from discipline.views._common import query_without_page
from org.forms.fields import unit_menu
from org.models import Role
from org.selectors import access_for, require_role

EFFECT_ROLES = (Role.HEAD, Role.ORG_DEPARTMENT, Role.DISCIPLINE)


@login_required
@require_GET
def my_record(request: AuthedRequest) -> HttpResponse:
    """The subject's own decisions, appeals and error-tolerance requests — never a case's facts."""
    official_id = access_for(request.user).official_id
    context: dict[str, object] = {"official_id": official_id}
    if official_id is not None:
        today = timezone.localdate()
        decisions = (decisions_visible_to(request.user).filter(official_id=official_id)
                     .prefetch_related("appeals").order_by("-effective_date", "-id"))
        page = paginate(request, decisions)
        requested = live_request_cases(request.user, official_id)
        context.update({
            "page": page, "today": today,
            "rows": [(d, appeal_deadline(d), appealable(d, today), d.case_id not in requested)
                     for d in page.object_list],
            "appeals": list(appeals_visible_to(request.user).filter(decision__official_id=official_id)[:50]),
            "tolerance_requests": list(tolerance_visible_to(request.user).filter(official_id=official_id)[:50]),
        })
    return render(request, "discipline/record/mine.html", context)


@login_required
@require_GET
def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A decision without the case's facts: for its subject and the case readers in scope."""
    decision = get_object_or_404(decisions_visible_to(request.user).prefetch_related("appeals"), pk=pk)
    today = timezone.localdate()
    access = access_for(request.user)
    is_subject = access.official_id == decision.official_id
    live = live_request(request.user, decision)
    context = {
        "decision": decision, "is_subject": is_subject, "deadline": appeal_deadline(decision),
        "can_appeal": is_subject and appealable(decision, today),
        "appeals": sorted(decision.appeals.all(), key=lambda a: (a.filed_on, a.pk)),
        "reads_case": reads_case(request.user, decision.case_id),
        "live_request": live,
        "can_request_tolerance": live is None and decision.has_effect
        and can_request_tolerance(request.user, decision.official),
    }
    return render(request, "discipline/record/decision.html", context)


@login_required
@require_GET
def effects(request: AuthedRequest) -> HttpResponse:
    """The effects of discipline on the officials of a unit: grade caps, promotion bars, investigations."""
    require_role(request.user, *EFFECT_ROLES)
    access = access_for(request.user)
    units = case_units(role_paths(request.user, EFFECT_ROLES))
    unit = unit_of_code(units, request.GET.get("unit", ""))
    found = effects_for(request.user, unit=unit)
    page = paginate(request, found)
    rows = [(e, o, o is not None and e.decision_id is not None
             and access.covers(o.unit.path, [Role.HEAD, Role.DISCIPLINE]))
            for e, o in with_officials(list(page.object_list))]
    context = {"units": unit_menu(units), "unit": unit, "page": page, "rows": rows,
               "query": query_without_page(request), "year": timezone.localdate().year}
    return render(request, "discipline/record/effects.html", context)


@login_required
@require_GET
def official_effects(request: AuthedRequest, pk: int) -> HttpResponse:
    """The htmx fragment in an official's page: discipline effects and promotion eligibility."""
    official = get_object_or_404(effect_officials_for(request.user), pk=pk)
    found = effects_among([official.pk])
    context = {"official": official, "effects": found, "eligibility": promotion_eligibility(official)}
    return render(request, "discipline/record/_official_effects.html", context)
