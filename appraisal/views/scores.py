"""Score pages: "my score" (why is my score X), an official's score for heads, the ranking board, a unit's
scorecard, and the manual bonus/deduction form."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.display.score_text import score_axis, signed_points
from appraisal.forms.scores import EntryDeleteForm, EntryForm, RankingFilterForm
from appraisal.models import AppraisalPeriod
from appraisal.scoring.periods import MONTH, parse_period_key, period_key_for
from appraisal.selectors import explain
from appraisal.selectors import periods as period_reads
from appraisal.selectors import ranking as ranking_reads
from appraisal.selectors import scores as selectors
from appraisal.selectors.access import can_manage_entries, own_official
from appraisal.selectors.periods import period_existing
from appraisal.selectors.results import PromotionEligibility, promotion_eligibility
from appraisal.services.entries import entry_add, entry_delete
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate, paginate_narrow
from org.models import Official
from org.selectors import access_for, officials_visible_to, require_role


def _query_without(request: AuthedRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _period_for(key: str | None, default: str) -> AppraisalPeriod:
    """Return the period of ``key`` — saved, or an unsaved one with the right dates so its ledger still shows."""
    try:
        span = parse_period_key(key or default)
    except ApplicationError:
        raise Http404 from None
    return period_reads.period_by_key(span.key) or AppraisalPeriod(
        key=span.key, kind=span.kind, start=span.start, end=span.end)


# -- my score / an official's score -----------------------------------------------------------------------


@login_required
def my_score(request: AuthedRequest) -> HttpResponse:
    """The signed-in official's own score: why is my score X."""
    official = own_official(request.user)
    if official is None:
        return render(request, "appraisal/scores/no_official.html")
    return _score_page(request, official, own=True)


@login_required
def official_score(request: AuthedRequest, pk: int) -> HttpResponse:
    """An official's score, for a head or the organization department in scope (or the official)."""
    official = get_object_or_404(officials_visible_to(request.user, roles=selectors.MANAGER_ROLES), pk=pk)
    own = access_for(request.user).official_id == official.pk
    return _score_page(request, official, own=own, eligibility=promotion_eligibility(official))


def _score_page(request: AuthedRequest, official: Official, *, own: bool,
                eligibility: PromotionEligibility | None = None) -> HttpResponse:
    today = timezone.localdate()
    current = period_reads.current_keys(today)
    scored = explain.scored_periods(official)
    # Opens on the latest scored month (the current month is empty until its rollup runs).
    period = _period_for(request.GET.get("period"), explain.default_period_key(scored, current[MONTH]))
    shown = explain.summary_keys(scored, current)
    cards = selectors.official_scorecards(official, {*(key for _k, key, _c in shown), period.key})
    explain.attach_rank_sizes(cards.values())
    summary = [(kind, key, is_current, cards.get(key)) for kind, key, is_current in shown]
    card = cards.get(period.key)
    components = explain.explained_lines(request.user, official, period, card)
    entries = selectors.entries_visible_to(request.user).filter(official=official)
    page = paginate(request, selectors.ledger_rows(entries, period))
    rows = selectors.ledger_page_rows(list(page.object_list),
                                      private=explain.sees_private_sources(request.user, own=own))
    can_manage = can_manage_entries(request.user, official)
    if can_manage:
        selectors.mark_removable(rows, period)
    context = {
        "official": official, "own": own, "period": period, "summary": summary, "card": card,
        "components": components, "scaling": selectors.weight_scaling(components), "page": page, "rows": rows,
        "rule_totals": selectors.rule_totals(entries, period),
        "trend": explain.trend_chart(official, period.start.year),
        "period_keys": sorted({*(key for key, _kind in scored), *current.values(), period.key}, reverse=True),
        "can_manage": can_manage,
        "query": _query_without(request, "page"),
        "delete_form": EntryDeleteForm(),
        "eligibility": eligibility,
    }
    return render(request, "appraisal/scores/official_score.html", context)


# -- ranking board and unit scorecards -----------------------------------------------------------------


@login_required
def ranking(request: AuthedRequest) -> HttpResponse:
    """The ranking board of a period: officials (同类同比), unit averages as a table and a bar chart."""
    require_role(request.user, *selectors.MANAGER_ROLES)
    period = ranking_reads.ranking_period(request.GET.get("period"), timezone.localdate())
    unit_cards = ranking_reads.ranking_unit_cards(request.user, period) if period else []
    form = RankingFilterForm(request.GET or None, periods=period_reads.periods_visible(),
                             units=[(uc.unit_id, uc.unit.name) for uc in unit_cards],
                             initial={"period": period.key if period else None})
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") and k != "period"}
    cards, unit_cards = ranking_reads.ranking_board(request.user, period, unit_cards, filters)
    page = paginate_narrow(request, selectors.with_grade(cards))
    ranking_reads.attach_grade_labels(page.object_list)
    explain.attach_rank_sizes(page.object_list)
    explain.attach_unit_category_sizes(unit_cards)
    context = {"period": period, "form": form, "page": page, "unit_cards": unit_cards,
               "chart": ranking_reads.unit_chart(unit_cards), "query": _query_without(request, "page"),
               "filtered": bool(filters)}
    template = "appraisal/scores/_ranking_table.html" if request.htmx and not request.htmx.boosted \
        else "appraisal/scores/ranking.html"
    return render(request, template, context)


@login_required
def unit_score(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's scorecard for a period: its average and rank, and its officials ranked within it."""
    require_role(request.user, *selectors.MANAGER_ROLES)
    unit_card = ranking_reads.unit_scorecard_for(request.user, pk, request.GET.get("period"))
    if unit_card is None:
        raise Http404
    period = unit_card.period
    cards = ranking_reads.unit_officials(request.user, unit_card)
    history = ranking_reads.unit_history(request.user, unit_card)
    page = paginate(request, cards)
    explain.attach_rank_sizes(page.object_list)
    explain.attach_unit_category_sizes([unit_card])
    context = {
        "unit_card": unit_card, "unit": unit_card.unit, "period": period, "page": page,
        "query": _query_without(request, "page"),
        "chart": {"labels": [k for k, _v in history], "averages": [float(v) for _k, v in history],
                  "axis": score_axis(float(v) for _k, v in history)},
        "period_keys": [k for k, _v in reversed(history)],
    }
    return render(request, "appraisal/scores/unit_score.html", context)


# -- manual entries -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def entry_add_view(request: AuthedRequest) -> HttpResponse:
    """Record a bonus or deduction for an official in scope, with a reason (heads, organization department)."""
    require_role(request.user, *selectors.MANAGER_ROLES)
    officials = selectors.officials_for_entries(request.user)
    rules = selectors.manual_rules()
    if request.method != "POST":
        form = EntryForm(officials=officials, rules=rules, initial={"official": request.GET.get("official")})
        return _render_entry_form(request, form)

    form = EntryForm(request.POST, officials=officials, rules=rules)
    if form.is_valid():
        data = form.cleaned_data
        try:
            period = period_existing(period_key_for(MONTH, data["occurred_on"]))
            entry = entry_add(by=request.user, official=data["official"], period=period, rule=data["rule"],
                              points=data["points"], reason=data["reason"], occurred_on=data["occurred_on"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Recorded for %(name)s: %(points)s.")
                             % {"points": signed_points(entry.points), "name": data["official"].name})
            return redirect(f"{_official_url(entry.official_id)}?{urlencode({'period': period.key})}")
    return _render_entry_form(request, form, status=400)


def _official_url(official_id: int) -> str:
    return reverse("appraisal:official_score", args=[official_id])


def _render_entry_form(request: AuthedRequest, form: EntryForm, status: int = 200) -> HttpResponse:
    rules = list(selectors.manual_rules())
    context = {"form": form, "rules": rules}
    return render(request, "appraisal/scores/entry_form.html", context, status=status)


@login_required
@require_POST
def entry_delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remove a manual entry with a reason (the history keeps it)."""
    entry = get_object_or_404(
        selectors.entries_visible_to(request.user, roles=selectors.MANAGER_ROLES, include_self=False), pk=pk)
    form = EntryDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for removing the entry."))
    else:
        try:
            entry_delete(by=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The entry was removed."))
    key = request.POST.get("period", "")
    return redirect(f"{_official_url(entry.official_id)}{'?' + urlencode({'period': key}) if key else ''}")
