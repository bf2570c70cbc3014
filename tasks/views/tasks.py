"""Task pages: my tasks, the unit board, who has not updated, a task's page, create/edit, Excel in and out."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from common.errors import ApplicationError
from common.excel import xlsx_response
from common.filters import as_id
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate
from org.models import Official, OrgUnit
from org.selectors import access_for, require_role, units_visible_to
from tasks import excel
from tasks.forms.tasks import (
    BoardFilter,
    LoopAdvanceForm,
    ProgressForm,
    TaskForm,
    TaskImportForm,
    WeeklyUpdateForm,
)
from tasks.models import OPEN_STATUSES, LoopStage, Milestone, Task, TaskStatus, WeeklyUpdate
from tasks.pickers import task_officials
from tasks.selectors.tasks import (
    DUE_SOON_DAYS,
    MANAGER_ROLES,
    due_soon_q,
    my_missing_weekly_q,
    overdue_q,
    task_imports_of,
    tasks_managed_by,
    tasks_missing_update_managed_by,
    tasks_of_official,
    tasks_visible_to,
    week_monday,
)
from tasks.services import tasks as services

IMPORT_HISTORY_SIZE = 10  # the latest uploads shown beside the import form
LOOP_STEPS = [LoopStage.FOUND, LoopStage.ASSIGNED, LoopStage.RECTIFYING, LoopStage.REVIEWED, LoopStage.CLOSED]
TIMELINE_FIELDS = ["status", "progress", "deadline", "loop_stage", "rectification_note", "title", "responsible",
                   "leading_leader", "start_date", "weight"]


def _with_week_flag(qs: QuerySet[Task], monday: date) -> QuerySet[Task]:
    return qs.annotate(updated_this_week=Exists(WeeklyUpdate.objects.filter(task=OuterRef("pk"), week=monday)))


def deadline_class(task: Task, today: date) -> str:
    """Colour a deadline: green when done, red when overdue, amber within three days."""
    if task.status == TaskStatus.COMPLETED:
        return "done"
    if task.status == TaskStatus.CANCELLED:
        return "cancelled"
    days = (task.deadline - today).days
    if task.status == TaskStatus.OVERDUE or days < 0:
        return "overdue"
    if days <= 3:
        return "soon"
    return "normal"


def _decorate(tasks: Any, today: date) -> None:
    for task in tasks:
        task.deadline_class = deadline_class(task, today)
        task.days_left_value = (task.deadline - today).days


def _query_without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# -- lists ----------------------------------------------------------------------------------------------
@login_required
def my_tasks(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    official_id = access_for(request.user).official_id
    show = request.GET.get("show", "open")
    qs = tasks_of_official(request.user)
    if show != "all":
        qs = qs.filter(status__in=OPEN_STATUSES)
    # The home page's links: due within a week or overdue, overdue only, or missing this week's update.
    focus = request.GET.get("due") if request.GET.get("due") in ("week", "overdue") else ""
    if focus:
        qs = qs.filter(due_soon_q(today) if focus == "week" else overdue_q(today))
    weekly_missing = request.GET.get("weekly") == "missing"
    if weekly_missing:
        qs = qs.filter(my_missing_weekly_q(request.user, today))
    qs = _with_week_flag(qs, week_monday(today)).order_by("deadline", "id")
    page = paginate(request, qs)
    _decorate(page.object_list, today)
    return render(request, "tasks/tasks/my_tasks.html", {
        "page": page, "query": _query_without_page(request), "show": show, "official_id": official_id,
        "today": today, "focus": focus, "weekly_missing": weekly_missing, "due_days": DUE_SOON_DAYS,
    })


@login_required
def task_board(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *MANAGER_ROLES)
    today = timezone.localdate()
    managed = tasks_managed_by(request.user)
    data = request.GET.copy()
    for name, value in BoardFilter.DEFAULTS.items():
        data.setdefault(name, value)
    filterset = BoardFilter(data, queryset=_with_week_flag(managed, week_monday(today)), today=today)
    page = paginate(request, filterset.qs)
    _decorate(page.object_list, today)
    context = {
        "filter": filterset, "page": page, "query": _query_without_page(request), "today": today,
        "units": units_visible_to(request.user, roles=MANAGER_ROLES).filter(is_active=True),
        "leaders": Official.objects.filter(pk__in=managed.order_by().values("leading_leader_id"))
        .order_by("name"),
        "statuses": filterset.filters["status"].extra["choices"],
    }
    template = "tasks/tasks/_board_table.html" if request.htmx and not request.htmx.boosted else \
        "tasks/tasks/task_board.html"
    return render(request, template, context)


@login_required
def weekly_missing(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *MANAGER_ROLES)
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("week", "")) if request.GET.get("week") else today
    except ValueError:
        day = today
    monday = week_monday(day)
    missing = tasks_missing_update_managed_by(request.user, monday).order_by(
        "responsible__unit__path", "responsible__name", "deadline", "id")
    page = paginate(request, missing)
    _decorate(page.object_list, today)
    return render(request, "tasks/tasks/weekly_missing.html", {
        "page": page, "query": _query_without_page(request), "monday": monday, "sunday": monday + timedelta(days=6),
        "previous_week": monday - timedelta(days=7), "next_week": monday + timedelta(days=7),
        "is_current_week": monday == week_monday(today),
        "officials_missing": missing.order_by().values("responsible_id").distinct().count(),
    })


# -- a task's page --------------------------------------------------------------------------------------
def _get_task(request: AuthedRequest, pk: int) -> Task:
    return get_object_or_404(tasks_visible_to(request.user), pk=pk)


def _timeline(task: Task) -> list[dict[str, Any]]:
    """Merge the weekly updates and the recorded changes of a task, newest first."""
    entries: list[dict[str, Any]] = []
    for update in task.weekly_updates.select_related("author").order_by("-week"):
        entries.append({"kind": "update", "at": update.updated_at, "by": update.author, "update": update})
    records = list(task.history.select_related("history_user").order_by("-history_date", "-history_id"))
    # Each record against the one before it (the oldest against nothing). A task written in bulk (an import,
    # the demo) has no record at all.
    for index, newer in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None:
            for change in newer.diff_against(older, included_fields=TIMELINE_FIELDS).changes:
                field = Task._meta.get_field(change.field)
                value = change.new
                choices = dict(getattr(field, "choices", None) or [])
                if value in choices:
                    value = choices[value]
                if change.field in ("responsible", "leading_leader"):
                    value = None  # shown as "changed"; names are on the page
                changes.append({"label": getattr(field, "verbose_name", change.field), "value": value})
        entries.append({"kind": "change", "at": newer.history_date, "by": newer.history_user,
                        "reason": newer.history_change_reason or "", "changes": changes,
                        "created": newer.history_type == "+"})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def _detail_context(request: AuthedRequest, task: Task, **forms: Any) -> dict[str, Any]:
    today = timezone.localdate()
    can_manage = services.can_manage(request.user, task)
    can_progress = services.can_update_progress(request.user, task) and task.is_open
    this_week = task.weekly_updates.filter(week=week_monday(today)).first()
    if can_progress and "weekly_form" not in forms:
        # What was saved this week comes back in the form, so a typo is corrected by saving again (the week's
        # one update is replaced, never duplicated).
        initial: dict[str, Any] = ({"progress": this_week.progress, "done": this_week.done,
                                    "problems": this_week.problems, "help_needed": this_week.help_needed}
                                   if this_week else {"progress": task.progress})
        if task.has_loop:
            initial["rectification_note"] = task.rectification_note
        forms["weekly_form"] = WeeklyUpdateForm(initial=initial, with_rectification=task.has_loop)
    if can_progress and "progress_form" not in forms:
        forms["progress_form"] = ProgressForm(initial={"progress": task.progress,
                                                       "rectification_note": task.rectification_note},
                                              with_rectification=task.has_loop)
    if task.has_loop and "loop_form" not in forms:
        forms["loop_form"] = LoopAdvanceForm(initial={"note": task.rectification_note})
    current = LOOP_STEPS.index(LoopStage(task.loop_stage)) if task.loop_stage else 0
    steps = [{"value": s.value, "label": s.label, "done": i < current, "current": i == current}
             for i, s in enumerate(LOOP_STEPS)]
    next_step = LOOP_STEPS[current + 1] if current + 1 < len(LOOP_STEPS) and task.status != TaskStatus.CANCELLED \
        else None
    can_advance = next_step is not None and (can_manage or (
        next_step == LoopStage.RECTIFYING and services.is_responsible(request.user, task)))
    task.deadline_class = deadline_class(task, today)  # type: ignore[attr-defined]
    return {
        "task": task, "today": today, "days_left": (task.deadline - today).days,
        "members": task.members.select_related("unit"), "milestones": task.milestones.all(),
        "children": task.children.select_related("responsible").order_by("deadline", "id"),
        "timeline": _timeline(task), "this_week": this_week, "monday": week_monday(today),
        "can_manage": can_manage and task.is_open, "can_progress": can_progress,
        "is_responsible": services.is_responsible(request.user, task),
        "loop_steps": steps, "next_step": next_step, "can_advance": can_advance, **forms,
    }


@login_required
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    return render(request, "tasks/tasks/task_detail.html", _detail_context(request, task))


def _after_action(request: AuthedRequest, task: Task, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("tasks:task_detail", args=[task.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _form_error(request: AuthedRequest, task: Task, partial: str, **forms: Any) -> HttpResponse:
    context = _detail_context(request, task, **forms)
    if request.htmx:
        return render(request, partial, context, status=422)
    return render(request, "tasks/tasks/task_detail.html", context, status=422)


@login_required
@require_POST
def task_weekly_update(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    form = WeeklyUpdateForm(request.POST, with_rectification=task.has_loop)
    if form.is_valid():
        try:
            services.weekly_update_post(task=task, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            return _after_action(request, task, _("This week's update was saved."))
    return _form_error(request, task, "tasks/tasks/_weekly_form.html", weekly_form=form)


@login_required
@require_POST
def task_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    form = ProgressForm(request.POST, with_rectification=task.has_loop)
    if form.is_valid():
        try:
            services.task_set_progress(task=task, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            return _after_action(request, task, _("Progress was updated."))
    return _form_error(request, task, "tasks/tasks/_progress_form.html", progress_form=form)


@login_required
@require_POST
def task_loop_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    form = LoopAdvanceForm(request.POST)
    if form.is_valid():
        try:
            services.task_advance_loop(task=task, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            return _after_action(request, task, _("The closed loop moved forward."))
    return _form_error(request, task, "tasks/tasks/_loop.html", loop_form=form)


@login_required
@require_POST
def task_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    try:
        services.task_cancel(task=task, by=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("tasks:task_detail", pk=task.pk)
    return _after_action(request, task, _("The task was cancelled."))


@login_required
@require_POST
def milestone_done(request: AuthedRequest, pk: int, milestone_pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    milestone = get_object_or_404(Milestone.objects.select_related("task__unit"), pk=milestone_pk, task=task)
    try:
        services.milestone_mark_done(milestone=milestone, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("tasks:task_detail", pk=task.pk)
    return _after_action(request, task, _("The milestone was marked as reached."))


# -- create and edit ------------------------------------------------------------------------------------
def _task_form(request: AuthedRequest, *, data: Any = None, initial: dict[str, Any] | None = None,
               exclude_pk: int | None = None, with_milestones: bool = True) -> TaskForm:
    units = units_visible_to(request.user, roles=MANAGER_ROLES).filter(is_active=True)
    officials = task_officials(request.user)
    parents = tasks_managed_by(request.user).filter(status__in=OPEN_STATUSES).order_by("unit__path", "deadline")
    if exclude_pk is not None:
        parents = parents.exclude(pk=exclude_pk)
    return TaskForm(data, initial=initial, units=units, officials=officials, parents=parents,
                    with_milestones=with_milestones)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def task_create(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *MANAGER_ROLES)
    initial: dict[str, Any] = {}
    parent_id = as_id(request.GET.get("parent"))
    if parent_id is not None:
        parent = tasks_managed_by(request.user).filter(pk=parent_id).first()
        if parent is not None:
            initial = {"parent": parent, "unit": parent.unit.code, "leading_leader": parent.leading_leader}
    form = _task_form(request, data=request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The task was created and its responsible official notified."))
            return redirect("tasks:task_detail", pk=task.pk)
    return render(request, "tasks/tasks/task_form.html", {"form": form, "task": None})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(tasks_managed_by(request.user), pk=pk)
    initial = {
        "title": task.title, "goal": task.goal, "description": task.description, "unit": task.unit.code,
        "leading_leader": task.leading_leader, "responsible": task.responsible, "members": list(task.members.all()),
        "source": task.source, "source_ref": task.source_ref, "kind": task.kind, "is_key_project": task.is_key_project,
        "start_date": task.start_date, "deadline": task.deadline, "weight": task.weight, "parent": task.parent,
    }
    form = _task_form(request, data=request.POST if request.method == "POST" else None, initial=initial,
                      exclude_pk=task.pk, with_milestones=False)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changed:
                services.task_update(task=task, by=request.user, **changed)
        except ApplicationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The task was saved."))
            return redirect("tasks:task_detail", pk=task.pk)
    return render(request, "tasks/tasks/task_form.html", {"form": form, "task": task})


# -- Excel ----------------------------------------------------------------------------------------------
@login_required
def task_export(request: AuthedRequest) -> HttpResponse:
    """Download the task ledger (台账) of a unit and its sub-units (default: the first unit one manages)."""
    require_role(request.user, *MANAGER_ROLES)
    units = units_visible_to(request.user, roles=MANAGER_ROLES)
    code = request.GET.get("unit")
    unit: OrgUnit | None = units.filter(code=code).first() if code else units.order_by("path").first()
    if unit is None:
        raise Http404
    today = timezone.localdate()
    response = xlsx_response(b"", f"{unit.name}工作任务台账{today:%Y%m%d}.xlsx")
    excel.ledger_workbook(request.user, unit, response, today=today)  # the write-only workbook streams into it
    return response


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def task_import(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *MANAGER_ROLES)
    form = TaskImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = excel.task_import(file=upload, by=request.user, filename=upload.name or "")
        except ApplicationError as error:
            show_error(form, error, field="file")
        else:
            if result.ok:
                messages.success(request, _("%(n)s tasks were imported.") % {"n": result.created})
                return redirect("tasks:task_board")
    return render(request, "tasks/tasks/task_import.html", {
        "form": form, "result": result, "history": task_imports_of(request.user)[:IMPORT_HISTORY_SIZE]})


@login_required
def task_template(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *MANAGER_ROLES)
    return xlsx_response(excel.task_template(), "工作任务清单导入模板.xlsx")
