"""Pages of the annual grades (organization department; heads read their units' grades) and of the register
exports (start, progress bar, download). Thin: parse, call a service or a read, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.forms.grades import ExportStartForm, GradeConfirmForm, QuotaApprovalForm
from appraisal.models import AppraisalPeriod, ExportJob
from appraisal.selectors import exports as export_reads
from appraisal.selectors import grades as selectors
from appraisal.selectors.periods import years_visible
from appraisal.services import exports as export_svc
from appraisal.services import grades as svc
from appraisal.services import grades_confirm as confirm_svc
from appraisal.services.registration import registration_export_start
from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import page_of, paginate
from org.models import OrgUnit
from org.selectors import access_for, require_role, units_by_code


def _grades_url(period: AppraisalPeriod, unit: OrgUnit | None = None, page: Any = None) -> str:
    url = reverse("appraisal:grades") + f"?period={period.key}"
    if unit is not None:
        url += f"&unit={unit.code}"
    if page:
        url += f"&page={page}"
    return url


def _render_grades(
    request: AuthedRequest, *, period_key: str | None, unit_code: str | None, page_number: Any = None,
    confirm_form: GradeConfirmForm | None = None, quota_form: QuotaApprovalForm | None = None,
) -> HttpResponse:
    user = request.user
    years = list(years_visible())
    period = next((y for y in years if y.key == period_key), years[0] if years else None)
    context: dict[str, Any] = {"years": years, "period": period, "can_propose": access_for(user).has_role("org")}
    if period is None:
        return render(request, "appraisal/grades/grades.html", context)
    units = list(selectors.units_with_grades(user, period))
    unit = next((u for u in units if u.code == unit_code), units[0] if units else None)
    context.update({"units": units, "unit": unit})
    if unit is not None:
        page = page_of(selectors.unit_grade_rows(user, period, unit), page_number)
        summary = selectors.unit_grade_summary(period=period, unit=unit)
        state = selectors.confirmation(user, period, unit, summary)
        if state.can_confirm and confirm_form is None:
            confirm_form = GradeConfirmForm(rows=list(page.object_list))
        if state.can_manage and quota_form is None:
            initial = {"share": summary.approval.share * 100, "reason": summary.approval.reason} \
                if summary.approval else {}
            quota_form = QuotaApprovalForm(initial=initial)
        context.update({
            "page": page, "query": f"period={period.key}&unit={unit.code}", "summary": summary,
            "can_manage": state.can_manage, "locked": state.locked, "procedure": state.procedure,
            "at_confirmation": state.at_confirmation,
            "confirm_form": confirm_form if state.can_confirm else None,
            "quota_form": quota_form if state.can_manage else None,
            "quota_percent": selectors.share_percent(summary.share),
        })
    return render(request, "appraisal/grades/grades.html", context)


@login_required
def grades(request: AuthedRequest) -> HttpResponse:
    """The grades of a year for one unit: proposed, constraints, flags, final; the org department confirms."""
    require_role(request.user, "org", "head")
    return _render_grades(request, period_key=request.GET.get("period"), unit_code=request.GET.get("unit"),
                          page_number=request.GET.get("page"))


def _year(key: str | None) -> AppraisalPeriod:
    return get_object_or_404(years_visible(), key=key or "")


def _unit(request: AuthedRequest, period: AppraisalPeriod, code: str | None) -> OrgUnit:
    return get_object_or_404(selectors.units_with_grades(request.user, period), code=code or "")


@login_required
@require_POST
def grades_propose(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, "org")
    period = _year(request.POST.get("period"))
    try:
        result = svc.grades_propose(period=period, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Grades proposed: %(new)s new, %(changed)s updated, %(kept)s confirmed kept.")
                         % {"new": result.created, "changed": result.updated, "kept": result.kept_confirmed})
    # Back to the unit the user was looking at, when there was one.
    code = request.POST.get("unit") or ""
    unit = units_by_code(request.user, [code], roles=("org",)).get(code)  # never a unit outside the scope
    return redirect(_grades_url(period, unit))


@login_required
@require_POST
def grades_confirm(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, "org")
    period = _year(request.POST.get("period"))
    unit = _unit(request, period, request.POST.get("unit"))
    page = page_of(selectors.unit_grade_rows(request.user, period, unit), request.POST.get("page"))
    form = GradeConfirmForm(request.POST, rows=list(page.object_list))
    if form.is_valid():
        try:
            count = confirm_svc.grade_confirm_unit(period=period, unit=unit, by=request.user,
                                                   overrides=form.overrides())
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(count)s grades of %(unit)s confirmed.") % {"count": count,
                                                                                     "unit": unit.name})
            return redirect(_grades_url(period, unit, request.POST.get("page")))
    return _render_grades(request, period_key=period.key, unit_code=unit.code, page_number=request.POST.get("page"),
                          confirm_form=form)


@login_required
@require_POST
@idempotent_form
def grades_quota(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, "org")
    period = _year(request.POST.get("period"))
    unit = _unit(request, period, request.POST.get("unit"))
    form = QuotaApprovalForm(request.POST)
    if form.is_valid():
        try:
            confirm_svc.quota_approve(period=period, unit=unit, by=request.user, reason=form.cleaned_data["reason"],
                                      share=(form.cleaned_data["share"] / 100).quantize(Decimal("0.001")))
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The larger quota was recorded."))
            return redirect(_grades_url(period, unit))
    return _render_grades(request, period_key=period.key, unit_code=unit.code, quota_form=form)


# -- register exports ----------------------------------------------------------------------------------
def _render_exports(request: AuthedRequest, form: ExportStartForm | None = None, status: int = 200) -> HttpResponse:
    page = paginate(request, export_reads.export_rows(request.user))
    if form is None:
        # ``?kind=forms&period=2025&unit=WL`` opens the page ready to export a unit's registration forms.
        initial = {"period": request.GET.get("period"), "unit": request.GET.get("unit"),
                   "kind": request.GET.get("kind") or ExportJob.Kind.REGISTER}
        form = ExportStartForm(units=export_reads.export_units(request.user), initial=initial)
    return render(request, "appraisal/grades/exports.html", {"page": page, "form": form, "query": ""},
                  status=status)


@login_required
def exports(request: AuthedRequest) -> HttpResponse:
    """The exports of registers and registration forms: start one (kind, period, unit), follow its progress,
    download the file."""
    require_role(request.user, "org")
    return _render_exports(request)


@login_required
@require_POST
@idempotent_form
def export_start(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, "org")
    form = ExportStartForm(request.POST, units=export_reads.export_units(request.user))
    if form.is_valid():
        start = registration_export_start if form.cleaned_data["kind"] == ExportJob.Kind.FORMS \
            else export_svc.export_start
        try:
            job = start(by=request.user, period=form.cleaned_data["period"], unit=form.cleaned_data["unit"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            job = export_reads.exports_visible_to(request.user).get(pk=job.pk)  # the job may have run already
            if request.htmx:
                return render(request, "appraisal/grades/_export_progress.html", {"job": job})
            return redirect(reverse("appraisal:exports") + f"?job={job.pk}")
    if request.htmx:  # a refusal is a 4xx to htmx (swapped in all the same): nothing was started
        return render(request, "appraisal/grades/_export_form.html", {"form": form}, status=422)
    return _render_exports(request, form=form)


@login_required
def export_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress bar of an export (polled by htmx while the job runs)."""
    job = get_object_or_404(export_reads.exports_visible_to(request.user), pk=pk)
    return render(request, "appraisal/grades/_export_progress.html", {"job": job})


@login_required
def export_download(request: AuthedRequest, pk: int) -> FileResponse:
    """Serve a finished export through this view (scoped), never from a public media URL: a register or a unit's
    forms as .xlsx, the forms of the whole scope as .zip, each under its Chinese name."""
    job: ExportJob = get_object_or_404(export_reads.exports_visible_to(request.user), pk=pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=export_reads.export_filename(job),
                        content_type=export_reads.export_content_type(job))
