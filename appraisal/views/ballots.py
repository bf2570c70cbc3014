"""Pages of the ballot codes (民主测评 without accounts).

The organization department: a round's batches with codes issued / used / response rate per batch and per
group, the form to issue a batch — whose answer is the printable slips, the only time the codes are shown — and
revoking a batch. Anyone with a code: the ballot page (no login, made for a phone), which takes one submission.
Every failure a code holder could tell apart (wrong code, revoked batch, closed round) answers the same page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal.display.ballot_slips import slips
from appraisal.forms.ballots import BallotForm, BatchIssueForm, BatchRevokeForm
from appraisal.models import BallotBatch, CheckupRound
from appraisal.selectors import ballots as selectors
from appraisal.selectors.checkup import min_response_rate
from appraisal.services import ballots as svc
from appraisal.views.checkup import checkup_round_of, require_checkup_manager
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.pagination import paginate


# -- the organization department ---------------------------------------------------------------------------
def _render_batches(request: AuthedRequest, checkup: CheckupRound, *, form: BatchIssueForm | None = None,
                    status: int = 200) -> HttpResponse:
    user = request.user
    page = paginate(request, selectors.batches_with_counts(user, checkup))
    minimum = min_response_rate()
    selectors.attach_enough(page.object_list)
    is_open = checkup.status == "open"
    context = {
        "round": checkup, "page": page, "groups": selectors.group_progress(user, checkup), "is_open": is_open,
        "minimum_pct": round(float(minimum) * 100, 1), "form": form or (BatchIssueForm(user=user) if is_open else None),
        "revoke_form": BatchRevokeForm(), "max_officials": svc.MAX_OFFICIALS,
    }
    return render(request, "appraisal/ballots/batches.html", context, status=status)


@login_required
def ballot_batches(request: AuthedRequest, key: str) -> HttpResponse:
    require_checkup_manager(request)
    return _render_batches(request, checkup_round_of(request, key))


def _base_url(request: HttpRequest) -> str:
    return settings.APPRAISAL_BALLOT_BASE_URL or request.build_absolute_uri("/").rstrip("/")


@login_required
@require_POST
@never_cache  # the answer holds the clear codes: no copy in any cache
def ballot_batch_issue(request: AuthedRequest, key: str) -> HttpResponse:
    """Issue a batch and answer with its printable slips; on a refusal, the batches page keeps what was typed."""
    require_checkup_manager(request)
    checkup = checkup_round_of(request, key)
    form = BatchIssueForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_batches(request, checkup, form=form)
    data = form.cleaned_data
    try:
        issued = svc.batch_issue(by=request.user, round=checkup, group=data["group"], unit=data["unit"],
                                 rank_levels=data["rank_levels"], size=data["size"], audience=data["audience"])
    except ApplicationError as error:
        show_error(form, error)
        return _render_batches(request, checkup, form=form)
    batch = issued.batch
    context = {"round": checkup, "batch": batch, "slips": slips(issued.codes, _base_url(request)),
               "officials": selectors.ballot_officials(batch), "entry_url": f"{_base_url(request)}/b/"}
    return render(request, "appraisal/ballots/slips.html", context)


@login_required
@require_POST
def ballot_batch_revoke(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    require_checkup_manager(request)
    checkup = checkup_round_of(request, key)
    batch = get_object_or_404(selectors.batches_visible_to(request.user), round=checkup, pk=pk)
    form = BatchRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the batch is revoked."))
    else:
        try:
            svc.batch_revoke(by=request.user, batch=batch, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The batch is revoked: its unused codes no longer work and its ballots "
                                        "no longer count."))
    return redirect("appraisal:ballot_batches", key=checkup.period.key)


# -- the ballot (no login) ---------------------------------------------------------------------------------
def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies (AXES_IPWARE_PROXY_COUNT, the setting the
    login lockout already uses) the address the first of them saw in X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def throttled(request: HttpRequest) -> bool:
    """Count one more attempt from the client's address; whether it is over the limit of the window.

    A fixed window in the cache: the first attempt creates the counter with the window as its lifetime, later
    ones increment it. Shared by every process when the cache is Redis (production); per process with the
    embedded local-memory cache.
    """
    key = f"ballot-throttle:{client_ip(request)}"
    window = settings.APPRAISAL_BALLOT_THROTTLE_SECONDS
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
    return count > settings.APPRAISAL_BALLOT_POSTS_PER_IP


def _public(request: HttpRequest, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    response = render(request, f"appraisal/ballots/{template}", context or {}, status=status)
    # The code is in the address: never sent to another site (the project's same-origin policy, stated here;
    # "no-referrer" would make browsers send "Origin: null" with the ballot, which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request: HttpRequest) -> HttpResponse:
    """The one answer to a wrong code, a revoked batch and a closed round (nothing tells them apart)."""
    return _public(request, "invalid.html", status=404)


def _too_many(request: HttpRequest) -> HttpResponse:
    return _public(request, "throttled.html", {"minutes": max(1, settings.APPRAISAL_BALLOT_THROTTLE_SECONDS // 60)},
                   status=429)


@require_GET
@never_cache
def ballot_start(request: HttpRequest) -> HttpResponse:
    """The short link printed on the slips: type the code here, or scan the QR code that goes straight to it."""
    typed = request.GET.get("code", "")
    if typed:
        code = selectors.code_normalize(typed)
        if code is None:
            if throttled(request):
                return _too_many(request)
            return _invalid(request)
        return redirect("appraisal:ballot", code=code)
    return _public(request, "start.html")


def _render_ballot(request: HttpRequest, code: str, batch: BallotBatch, form: BallotForm | None = None,
                   status: int = 200) -> HttpResponse:
    officials = form.officials if form is not None else selectors.ballot_officials(batch)
    form = form or BallotForm(officials=officials)
    context = {"form": form, "batch": batch, "round": batch.round, "code": selectors.code_display(code),
               "action": reverse("appraisal:ballot", args=[code])}
    return _public(request, "ballot.html", context, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def ballot(request: HttpRequest, code: str) -> HttpResponse:
    """The ballot of one code: the batch's officials, one rating each, one submission."""
    if request.method == "POST" and throttled(request):
        return _too_many(request)
    found = selectors.code_lookup(code)
    if found.state == "invalid" or found.batch is None:
        if request.method == "GET" and throttled(request):  # counts guesses by GET too
            return _too_many(request)
        return _invalid(request)
    if found.state == "used":
        return _public(request, "used.html", status=409)
    normalized = selectors.code_normalize(code) or code
    if request.method == "GET":
        return _render_ballot(request, normalized, found.batch)
    form = BallotForm(request.POST, officials=selectors.ballot_officials(found.batch))
    if not form.is_valid():
        return _render_ballot(request, normalized, found.batch, form=form, status=400)
    try:
        svc.ballot_cast(code=normalized, ratings=form.ratings())
    except ApplicationError as error:
        if error.code == "used":
            return _public(request, "used.html", status=409)
        if error.code == svc.INVALID:
            return _invalid(request)
        show_error(form, error)
        return _render_ballot(request, normalized, found.batch, form=form, status=400)
    return redirect("appraisal:ballot_thanks")


@require_GET
def ballot_thanks(request: HttpRequest) -> HttpResponse:
    return _public(request, "thanks.html")
