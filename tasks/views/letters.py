"""Pages of the supervision letters (督办函): the list with tabs, a letter with its reply, sign-offs and trail,
and the issue form. Thin: parse, call a service or a read, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import ApplicationError
from common.filters import as_id
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from tasks.forms.letters import LetterIssueForm, LetterReplyForm
from tasks.models import LetterStatus, SupervisionLetter
from tasks.selectors import letters as selectors
from tasks.selectors.tasks import tasks_visible_to
from tasks.services import letters as svc

TAB_LABELS = {
    "all": gettext_lazy("All"),
    "received": gettext_lazy("Received"),
    "issued": gettext_lazy("Sent"),
    "open": gettext_lazy("Not closed"),
    "overdue": gettext_lazy("Overdue"),
}


@login_required
def letter_list(request: AuthedRequest) -> HttpResponse:
    tab = request.GET.get("tab", "all")
    if tab not in selectors.LIST_TABS:
        tab = "all"
    today = timezone.localdate()
    page = paginate(request, selectors.letters_for_list(request.user, tab=tab, today=today))
    context = {
        "page": page, "tab": tab, "tabs": list(TAB_LABELS.items()), "query": f"tab={tab}", "today": today,
        "can_issue": selectors.can_issue_letters(request.user),
    }
    partial = request.htmx and not request.htmx.boosted
    return render(request, "tasks/letters/_table.html" if partial else "tasks/letters/list.html", context)


def _render_detail(request: AuthedRequest, letter: SupervisionLetter, reply_form: LetterReplyForm | None = None,
                   status: int = 200) -> HttpResponse:
    user = request.user
    may_reply = letter.status == LetterStatus.ISSUED and selectors.can_reply(letter, user)
    context = {
        "letter": letter,
        "trail": selectors.letter_trail(letter),
        "is_overdue": letter.is_overdue(),
        # A refused reply is shown again with its error even if the letter moved on: nothing typed is lost.
        "reply_form": reply_form or (LetterReplyForm() if may_reply else None),
        "sides": selectors.signable_sides(letter, user),
    }
    return render(request, "tasks/letters/detail.html", context, status=status)


def _letter(request: AuthedRequest, pk: int) -> SupervisionLetter:
    return get_object_or_404(selectors.letter_for_detail(request.user), pk=pk)


@login_required
def letter_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _letter(request, pk))


@login_required
@require_POST
def letter_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    form = LetterReplyForm(request.POST)
    if form.is_valid():
        try:
            svc.letter_reply(letter=letter, by=request.user, reply=form.cleaned_data["reply"])
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("tasks:letter_detail", pk=pk)
    return _render_detail(request, _letter(request, pk), reply_form=form)


@login_required
@require_POST
def letter_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    side = request.POST.get("side") or None
    if side not in (None, selectors.ISSUER, selectors.RECIPIENT):
        side = None
    try:
        signed = svc.letter_sign(letter=letter, by=request.user, side=side)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if signed.status == LetterStatus.CLOSED:
            messages.success(request, _("Signed. Both sides have signed: the letter is closed."))
        else:
            messages.success(request, _("Signed. The letter closes when the other side signs too."))
    return redirect("tasks:letter_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def letter_create(request: AuthedRequest) -> HttpResponse:
    """Issue a letter (organization department or a head). Choosing a unit reloads the official and task lists."""
    if not selectors.can_issue_letters(request.user):
        raise Http404
    if request.method == "POST":
        form = LetterIssueForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter = svc.letter_issue(
                    by=request.user, recipient_unit=data["recipient_unit"],
                    recipient_official=data["recipient_official"], task=data["task"], title=data["title"],
                    content=data["content"], reply_deadline=data["reply_deadline"], number=data["number"] or None,
                )
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Supervision letter %(number)s was issued.") % {"number": letter.number})
                return redirect("tasks:letter_detail", pk=letter.pk)
    else:
        form = LetterIssueForm(initial=_initial(request), user=request.user)
    return render(request, "tasks/letters/form.html", {"form": form})


def _initial(request: AuthedRequest) -> dict[str, object]:
    """Prefill from ``?task=<id>`` (a letter about a task goes to its unit) or ``?recipient_unit=<id>``."""
    initial: dict[str, object] = {}
    task_id = as_id(request.GET.get("task"))
    if task_id is not None:
        task = tasks_visible_to(request.user).filter(pk=task_id).first()
        if task is not None:
            initial.update(task=task.pk, recipient_unit=task.unit_id, title=task.title)
    unit_id = as_id(request.GET.get("recipient_unit"))
    if unit_id is not None:
        initial["recipient_unit"] = unit_id
    return initial
