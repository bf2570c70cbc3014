"""Pages of the outcome for the official: my appraisal (every year's grade, notice, review and appeal), the written
notice with its signature, 复核 and 申诉 forms, a printable copy; and the organization department's reviews and
appeals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms.annual import AppealForm, AppealRecordForm, ReasonForm, ReviewDecideForm, SignForm
from appraisal.models import GradeNotice, GradeReview
from appraisal.selectors import annual as reads
from appraisal.selectors import verdicts as verdict_reads
from appraisal.selectors.access import is_org_over, own_official
from appraisal.selectors.results import promotion_eligibility
from appraisal.selectors.summaries import own_summaries
from appraisal.services import finalize as finalize_svc
from appraisal.services import reviews as svc
from common.forms import form_submit
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.selectors import require_role


@login_required
def annual_mine(request: AuthedRequest) -> HttpResponse:
    """My annual appraisal: each year's grade and 评语, the written notices, reviews and appeals."""
    official = own_official(request.user)
    if official is None:
        return render(request, "appraisal/annual/annual_mine.html", {"has_official": False})
    years, pending = verdict_reads.own_years(request.user, official.pk)
    return render(request, "appraisal/annual/annual_mine.html", {
        "has_official": True, "official": official, "years": years, "pending": pending,
        "summaries": list(own_summaries(request.user, official.pk)[:3]),
        "eligibility": promotion_eligibility(official)})


def _notice(request: AuthedRequest, pk: int) -> GradeNotice:
    return get_object_or_404(reads.grade_notices_visible_to(request.user), pk=pk)


def _render_notice(request: AuthedRequest, notice: GradeNotice, *, sign_form: SignForm | None = None,
                   review_form: ReasonForm | None = None, appeal_form: AppealForm | None = None,
                   record_forms: dict[int, AppealRecordForm] | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    page = verdict_reads.notice_page(request.user, notice, today)
    record_forms = record_forms or {}
    context: dict[str, Any] = {
        "is_org": page.is_org,
        "appeal_rows": [(a, (record_forms.get(a.pk) or AppealRecordForm()) if page.is_org and not a.outcome else None)
                        for a in page.appeals],
        "notice": notice, "own": page.own, "today": today, "review": page.review, "appeals": page.appeals,
        "can_sign": page.can_sign, "can_review": page.can_review, "review_closed": page.review_closed,
        "can_appeal": page.can_appeal, "newer": page.newer,
        "sign_form": sign_form or SignForm(), "review_form": review_form or ReasonForm(),
        "appeal_form": appeal_form or AppealForm(),
    }
    return render(request, "appraisal/annual/grade_notice.html", context, status=status)


@login_required
def grade_notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The written notice of a grade: the grade, the 评语, the signature; 复核 and 申诉 for the official."""
    return _render_notice(request, _notice(request, pk))


@login_required
def grade_notice_print(request: AuthedRequest, pk: int) -> HttpResponse:
    """A printable copy of the written notice (A4, without the navigation)."""
    notice = _notice(request, pk)
    return render(request, "appraisal/annual/grade_notice_print.html", {"notice": notice})


@login_required
@require_POST
def grade_notice_sign_view(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    form = SignForm(request.POST)
    if form_submit(request, form, lambda data: finalize_svc.grade_notice_sign(notice=notice, by=request.user, **data),
                   _("You signed the notice.")):
        return redirect("appraisal:grade_notice_detail", pk=pk)
    return _render_notice(request, notice, sign_form=form, status=400)


@login_required
@require_POST
@idempotent_form
def review_request_view(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    form = ReasonForm(request.POST)
    if form_submit(request, form, lambda data: svc.review_request(notice=notice, by=request.user, **data),
                   _("Your request for a review was sent to the organization department.")):
        return redirect("appraisal:grade_notice_detail", pk=pk)
    return _render_notice(request, notice, review_form=form, status=400)


@login_required
@require_POST
@idempotent_form
def appeal_file_view(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    form = AppealForm(request.POST)
    if form_submit(request, form, lambda data: svc.appeal_file(grade=notice.grade, by=request.user, **data),
                   _("Your appeal was recorded.")):
        return redirect("appraisal:grade_notice_detail", pk=pk)
    return _render_notice(request, notice, appeal_form=form, status=400)


@login_required
def review_list(request: AuthedRequest) -> HttpResponse:
    """The organization department's reviews to decide (open first, with their due dates) and appeals."""
    require_role(request.user, "org")
    tab = verdict_reads.APPEALS if request.GET.get("tab") == verdict_reads.APPEALS else verdict_reads.REVIEWS
    # ``?open=1`` (the home page's link): only those still to decide; ``&late=1`` only those past their date.
    only_open = request.GET.get("open") == "1"
    late = only_open and request.GET.get("late") == "1"
    rows = verdict_reads.review_rows(request.user, tab=tab, only_open=only_open,
                                     late_on=timezone.localdate() if late else None)
    page = paginate(request, rows)
    query = f"tab={tab}" + ("&open=1" if only_open else "") + ("&late=1" if late else "")
    return render(request, "appraisal/annual/review_list.html", {
        "tab": tab, "page": page, "query": query, "today": timezone.localdate(), "only_open": only_open,
        "late": late})


def _render_review(request: AuthedRequest, review: GradeReview, *, form: ReviewDecideForm | None = None,
                   status: int = 200) -> HttpResponse:
    is_org = is_org_over(request.user, review.grade.unit)
    current = verdict_reads.current_notice(review.grade_id)
    return render(request, "appraisal/annual/review_detail.html", {
        "review": review, "is_org": is_org, "today": timezone.localdate(), "current_notice": current,
        "form": (form or ReviewDecideForm(category=review.official.personnel_category))
        if is_org and not review.outcome else None,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A review: the official's reasons, and the organization department's decision."""
    review = get_object_or_404(reads.reviews_visible_to(request.user), pk=pk)
    if request.method != "POST":
        return _render_review(request, review)
    form = ReviewDecideForm(request.POST, category=review.official.personnel_category)
    if form_submit(request, form, lambda data: svc.review_decide(review=review, by=request.user, **data),
                   _("The review was decided and the official notified.")):
        return redirect("appraisal:review_detail", pk=pk)
    return _render_review(request, review, form=form, status=400)


@login_required
@require_POST
def appeal_record_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record an appeal's outcome (organization department); a refusal shows the grade's notice page again."""
    appeal = get_object_or_404(reads.appeals_visible_to(request.user), pk=pk)
    form = AppealRecordForm(request.POST)
    if form_submit(request, form, lambda data: svc.appeal_record(appeal=appeal, by=request.user, **data),
                   _("The outcome of the appeal was recorded.")):
        return redirect(reverse("appraisal:review_list") + "?tab=appeals")
    notice = get_object_or_404(reads.grade_notices_visible_to(request.user).filter(is_current=True),
                               grade_id=appeal.grade_id)
    return _render_notice(request, notice, record_forms={appeal.pk: form}, status=400)
