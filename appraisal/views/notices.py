"""Pages of the 公示: the notices an official may see, a notice with its candidates and the objection form, and
the organization department's objections with their findings. A candidate never sees who objected."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms.annual import ObjectionDecideForm, ObjectionForm
from appraisal.models import Objection, ObjectionStatus, PublicNotice
from appraisal.selectors import annual as reads
from appraisal.selectors import notices as notice_reads
from appraisal.selectors.access import is_org_over
from appraisal.services import notices as svc
from common.filters import as_id
from common.forms import form_submit, set_choices
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.selectors import access_for


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    """The public notices of my unit (and of the units I manage), the running ones first."""
    today = timezone.localdate()
    running, others = notice_reads.notices_running(request.user, today)
    return render(request, "appraisal/annual/notice_list.html",
                  {"running": running, "page": paginate(request, others), "today": today, "query": ""})


def _notice(request: AuthedRequest, pk: int) -> PublicNotice:
    return get_object_or_404(reads.notices_visible_to(request.user), pk=pk)


def _render_notice(request: AuthedRequest, notice: PublicNotice, form: ObjectionForm | None = None,
                   status: int = 200) -> HttpResponse:
    reading = notice_reads.notice_reading(request.user, notice)
    context = {
        "notice": notice, "candidates": reading.candidates, "running": reading.running,
        "today": timezone.localdate(),
        "form": (form or ObjectionForm(candidates=reading.open_to)) if reading.may_object else None,
        "mine": reading.mine, "is_org": reading.is_org, "is_member": reading.is_member,
        "objections_open": reading.objections_open,
    }
    return render(request, "appraisal/annual/notice_detail.html", context, status=status)


@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A notice: its candidates' names, units and posts (never scores), and the objection form while it runs."""
    return _render_notice(request, _notice(request, pk))


@login_required
@require_POST
@idempotent_form
def objection_file_view(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    candidates = {c.pk: c for c in notice_reads.notice_candidates(notice)}
    form = ObjectionForm(request.POST, request.FILES, candidates=[(pk_, c.name) for pk_, c in candidates.items()])
    if form_submit(request, form, lambda data: svc.objection_file(
            notice=notice, candidate=candidates[data["candidate"]], by=request.user, reason=data["reason"],
            attachment=data["attachment"]),
            _("Your objection was filed under your name; the organization department will record its finding.")):
        return redirect("appraisal:notice_detail", pk=pk)
    set_choices(form, "candidate", notice_reads.candidate_choices(candidates.values()))
    return _render_notice(request, notice, form=form, status=400)


@login_required
def objection_list(request: AuthedRequest) -> HttpResponse:
    """Objections: the organization department's to decide (open first); an official's own."""
    notice = as_id(request.GET.get("notice"))
    wanted = request.GET.get("status")
    rows = notice_reads.objection_rows(request.user, notice_id=notice, status=wanted)
    page = paginate(request, rows)
    query = "&".join(f"{k}={v}" for k, v in (("notice", notice), ("status", wanted)) if v)
    return render(request, "appraisal/annual/objection_list.html", {
        "page": page, "status": wanted or "", "statuses": ObjectionStatus.choices, "query": query,
        "is_org": access_for(request.user).has_role("org")})


def _objection(request: AuthedRequest, pk: int) -> Objection:
    return get_object_or_404(reads.objections_visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An objection; the organization department records its finding here."""
    objection = _objection(request, pk)
    can_decide = is_org_over(request.user, objection.notice.procedure.unit) and \
        objection.status == ObjectionStatus.OPEN
    form = ObjectionDecideForm(request.POST or None) if can_decide else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form_submit(request, form, lambda data: svc.objection_decide(objection=objection, by=request.user, **data),
                       _("The finding was recorded.")):
            return redirect("appraisal:objection_detail", pk=pk)
        status = 400
    return render(request, "appraisal/annual/objection_detail.html",
                  {"objection": objection, "form": form, "is_org": is_org_over(
                      request.user, objection.notice.procedure.unit)}, status=status)


@login_required
def objection_attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """Serve an objection's attachment to the organization department and the objector (private storage)."""
    objection = _objection(request, pk)
    if not objection.attachment:
        raise Http404
    return FileResponse(objection.attachment.open("rb"), as_attachment=True,
                        filename=objection.attachment_name or _("attachment"))
