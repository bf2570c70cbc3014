"""Pages of the monthly work report (月度实绩): my reports, the report form with autosave, the heads'
review queue, the report page with its timeline, and the published board (月度实绩公示)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from common.dates import parse_month
from common.errors import ApplicationError
from common.filters import as_id
from common.forms import autosave, show_error
from common.http import AuthedRequest
from common.pagination import paginate, paginate_narrow
from org.models import Official
from org.selectors import access_for, require_role
from tasks.forms.reports import (
    ApproveForm,
    BoardFilterForm,
    ItemRow,
    ReportForm,
    ReturnForm,
    ReviewFilterForm,
    item_rows_from_items,
    item_rows_from_post,
)
from tasks.models import MonthlyReport, ReportStatus
from tasks.selectors import reports as selectors
from tasks.selectors.reports import report_deadline
from tasks.services import reports as svc


def _own_official(request: AuthedRequest) -> Official:
    official = selectors.own_official(request.user)
    if official is None:
        raise Http404
    return official


def _month_or_404(value: str) -> date:
    month = parse_month(value)
    if month is None or month > timezone.localdate().replace(day=1):
        raise Http404
    return month


@login_required
def report_mine(request: AuthedRequest) -> HttpResponse:
    """My monthly reports, newest first, with shortcuts to this month's and last month's report."""
    official_id = access_for(request.user).official_id
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    page = paginate(request, selectors.reports_mine(request.user)) if official_id else None
    months = {r.month: r for r in page.object_list} if page else {}
    # The last month's report is due by the deadline day of this month: offer it until submitted.
    last = months.get(last_month) or (selectors.report_of(official_id, last_month) if official_id else None)
    context = {
        "page": page, "has_official": official_id is not None, "this_month": this_month,
        "last_month": last_month, "last_month_open": last is None or last.is_editable,
        "last_month_deadline": report_deadline(last_month),
    }
    return render(request, "tasks/reports/mine.html", context)


def _render_form(
    request: AuthedRequest, *, official: Official, month: date, report: MonthlyReport | None,
    form: ReportForm, rows: list[ItemRow], status: int = 200,
) -> HttpResponse:
    if not rows:
        rows = [ItemRow()]
    context = {
        "official": official, "month": month, "month_key": f"{month:%Y-%m}", "report": report, "form": form,
        "rows": rows, "tasks": list(selectors.linkable_tasks(request.user)), "deadline": report_deadline(month),
    }
    return render(request, "tasks/reports/form.html", context, status=status)


def _save(request: AuthedRequest, official: Official, month: date, rows: list[ItemRow],
          form: ReportForm) -> MonthlyReport:
    report = svc.report_get_or_create_draft(official=official, month=month, by=request.user)
    return svc.report_save(
        report=report, by=request.user, items=[r.as_input() for r in rows],
        next_month_plan=form.cleaned_data["next_month_plan"], self_assessment=form.cleaned_data["self_assessment"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthedRequest, month: str) -> HttpResponse:
    """Write my report for ``month`` (YYYY-MM): save the draft, or save and submit it."""
    official = _own_official(request)
    month_date = _month_or_404(month)
    report = selectors.report_for_form(official, month_date)
    if report is not None and not report.is_editable:
        return redirect("tasks:report_detail", pk=report.pk)
    if request.method != "POST":
        form = ReportForm(initial={
            "next_month_plan": report.next_month_plan if report else "",
            "self_assessment": report.self_assessment if report else "",
        })
        rows = item_rows_from_items(list(report.items.all())) if report else []
        return _render_form(request, official=official, month=month_date, report=report, form=form, rows=rows)

    form = ReportForm(request.POST)
    rows = item_rows_from_post(request.POST)
    if form.is_valid():
        try:
            report = _save(request, official, month_date, rows, form)
            if request.POST.get("action") == "submit":
                report = svc.report_submit(report=report, by=request.user)
                messages.success(request, _("Your report for %(month)s was submitted.") % {"month": month})
                return redirect("tasks:report_detail", pk=report.pk)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("tasks:report_edit", month=month)
    report = selectors.report_for_form(official, month_date)
    return _render_form(request, official=official, month=month_date, report=report, form=form, rows=rows,
                        status=400)


@login_required
@require_POST
def report_autosave(request: AuthedRequest, month: str) -> HttpResponse:
    """Save the draft in the background (htmx): answer with a small "saved at HH:MM" status, or why not."""
    official = _own_official(request)
    month_date = _month_or_404(month)
    form = ReportForm(request.POST)
    return autosave(request, form,
                    lambda _data: _save(request, official, month_date, item_rows_from_post(request.POST), form))


def _render_detail(request: AuthedRequest, report: MonthlyReport, *, return_form: ReturnForm | None = None,
                   approve_form: ApproveForm | None = None, error: str = "", status: int = 200) -> HttpResponse:
    reviewer = selectors.can_review(request.user, report)
    to_review = reviewer and report.status == ReportStatus.SUBMITTED
    context = {
        "report": report,
        "is_own": selectors.is_own_report(request.user, report.official_id),
        "can_review": to_review,
        "can_publish": reviewer and report.status == ReportStatus.APPROVED,
        "return_form": return_form or ReturnForm(),
        "approve_form": approve_form or ApproveForm(),
        "error": error,
        "closed_warning": selectors.report_closed_warning(report) if to_review else "",
    }
    return render(request, "tasks/reports/detail.html", context, status=status)


@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.report_detail_for(request.user), pk=pk)
    return _render_detail(request, report)


def _after_review(request: AuthedRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("tasks:report_review_queue")


def _refused(request: AuthedRequest, pk: int, error: ApplicationError | None, **forms: Any) -> HttpResponse:
    """Show the report again (as it is now) with the refusal, keeping what the reviewer typed."""
    report = get_object_or_404(selectors.report_detail_for(request.user), pk=pk)
    return _render_detail(request, report, error=error.message if error else "", status=400, **forms)


@login_required
@require_POST
def report_return(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.report_detail_for(request.user), pk=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            svc.report_return(report=report, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            return _refused(request, pk, error, return_form=form)
        return _after_review(request, _("The report of %(name)s was returned.") % {"name": report.official.name})
    return _refused(request, pk, None, return_form=form)


@login_required
@require_POST
def report_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.report_detail_for(request.user), pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            svc.report_approve(report=report, by=request.user, rating=form.cleaned_data["rating"],
                               comment=form.cleaned_data["comment"])
        except ApplicationError as error:
            return _refused(request, pk, error, approve_form=form)
        warning = selectors.report_closed_warning(report)
        if warning:
            messages.warning(request, warning)
        return _after_review(request, _("The report of %(name)s was approved.") % {"name": report.official.name})
    return _refused(request, pk, None, approve_form=form)


@login_required
@require_POST
def report_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.report_detail_for(request.user), pk=pk)
    try:
        svc.report_publish(report=report, by=request.user)
    except ApplicationError as error:
        return _refused(request, pk, error)
    messages.success(request, _("The report of %(name)s was signed and published.") % {"name": report.official.name})
    return redirect(f"{reverse('tasks:report_review_queue')}?tab=approved")


@login_required
def report_review_queue(request: AuthedRequest) -> HttpResponse:
    """Reports waiting for the head: submitted ones to review (oldest first), approved ones to sign (several at
    once), filtered by unit, month and lateness."""
    require_role(request.user, "head")
    tab = "approved" if request.GET.get("tab") == "approved" else "submitted"
    status = ReportStatus.APPROVED if tab == "approved" else ReportStatus.SUBMITTED
    filters = ReviewFilterForm(request.GET, units=selectors.units_headed_by(request.user))  # the queue's scope
    valid = filters.is_valid()  # a filter that cannot be read is ignored, and said so
    data = filters.cleaned_data if valid else {}
    unit, month = data.get("unit"), data.get("month")
    page = paginate(request, selectors.reports_to_review(request.user, status=status, unit=unit, month=month,
                                                      late=bool(data.get("late"))))
    counts = selectors.review_counts(request.user, unit=unit, month=month)
    query = request.GET.copy()
    query.pop("page", None)
    query["tab"] = tab
    filter_query = query.copy()
    filter_query.pop("tab", None)
    context = {"page": page, "tab": tab, "counts": counts, "query": query.urlencode(), "filters": filters,
               "filter_query": filter_query.urlencode(), "filters_ignored": not valid}
    return render(request, "tasks/reports/review_queue.html", context)


@login_required
@require_POST
def report_publish_bulk(request: AuthedRequest) -> HttpResponse:
    """Sign and publish the approved reports ticked in the queue; say which were signed and which were not."""
    require_role(request.user, "head")
    ids = [i for i in (as_id(v) for v in request.POST.getlist("report")) if i is not None]
    back = f"{reverse('tasks:report_review_queue')}?{_back_query(request.POST.get('filters', ''))}"
    if not ids:
        messages.error(request, _("Tick the reports to sign first."))
        return redirect(back)
    try:
        result = svc.reports_publish(report_ids=ids, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    if result.published:
        messages.success(request, ngettext(
            "%(n)s report was signed and published.", "%(n)s reports were signed and published.",
            len(result.published)) % {"n": len(result.published)})
    for refusal in result.refused:
        messages.error(request, _("Not signed: %(who)s — %(why)s") % {
            "who": refusal.name or _("a report not in your queue"), "why": refusal.message})
    return redirect(back)


def _back_query(filters: str) -> str:
    """The queue's filters as they were (only the known ones), on the signature tab."""
    sent = QueryDict(filters)
    kept = QueryDict(mutable=True)
    for name in ("unit", "month", "late"):
        if sent.get(name):
            kept[name] = sent[name]
    kept["tab"] = "approved"
    return kept.urlencode()


@login_required
def report_board(request: AuthedRequest) -> HttpResponse:
    """The published reports (月度实绩公示) the user may see, a month at a time: the one asked for, else the newest
    month published."""
    form = BoardFilterForm(request.GET or None)
    month = form.cleaned_data["month"] if form.is_bound and form.is_valid() else None
    month = month or selectors.latest_published_month()
    reports = selectors.reports_published(request.user, month=month) if month else MonthlyReport.objects.none()
    page = paginate_narrow(request, reports)
    query = request.GET.copy()
    query.pop("page", None)
    if month and not form.is_bound:
        form = BoardFilterForm(initial={"month": f"{month:%Y-%m}"})
    return render(request, "tasks/reports/board.html",
                  {"form": form, "page": page, "month": month, "query": query.urlencode()})
