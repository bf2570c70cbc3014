"""Task pages: my tasks, the unit board, who has not updated, create/edit, Excel in and out (a task's own page and
what is done on it are in ``task_detail``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import ApplicationError
from common.excel import xlsx_response
from common.filters import as_id
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from common.pagination import paginate, paginate_narrow
from org.forms.fields import unit_menu
from org.selectors import access_for, require_role
from tasks import excel
from tasks.forms.tasks import BoardFilter, TaskForm, TaskImportForm
from tasks.pickers import task_officials
from tasks.selectors.tasks import (
    DUE_SOON_DAYS,
    MANAGER_ROLES,
    deadline_class,
    leaders_of,
    ledger_unit,
    my_task_list,
    parent_choices,
    responsible_count,
    task_imports_of,
    tasks_managed_by,
    tasks_missing_update_managed_by,
    units_managed_by,
    week_monday,
    with_week_flag,
)
from tasks.services import tasks as services

IMPORT_HISTORY_SIZE = 10  # the latest uploads shown beside the import form


def mark_deadlines(tasks: Iterable[Any], today: date) -> None:
    """Give each task what its deadline badge shows: ``deadline_class`` (its colour) and ``days_left_value``."""
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
    # The home page's links: due within a week or overdue, overdue only, or missing this week's update.
    focus = request.GET.get("due", "")
    focus = focus if focus in ("week", "overdue") else ""
    weekly_missing = request.GET.get("weekly") == "missing"
    page = paginate(request, my_task_list(request.user, today=today, open_only=show != "all", due=focus,
                                          missing_update=weekly_missing))
    mark_deadlines(page.object_list, today)
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
    filterset = BoardFilter(data, queryset=with_week_flag(managed, week_monday(today)), today=today)
    page = paginate_narrow(request, filterset.qs)  # the county's 1,600 open tasks sorted with their joined rows: 17 ms
    mark_deadlines(page.object_list, today)
    context = {
        "filter": filterset, "page": page, "query": _query_without_page(request), "today": today,
        # The filters' menus need codes and names (rendered by the {% options %} tag), not whole units and officials.
        "units": unit_menu(units_managed_by(request.user).select_related(None)),
        "leaders": leaders_of(managed).values_list("staff_number", "name"),
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
    mark_deadlines(page.object_list, today)
    return render(request, "tasks/tasks/weekly_missing.html", {
        "page": page, "query": _query_without_page(request), "monday": monday, "sunday": monday + timedelta(days=6),
        "previous_week": monday - timedelta(days=7), "next_week": monday + timedelta(days=7),
        "is_current_week": monday == week_monday(today),
        "officials_missing": responsible_count(missing),
    })


# -- create and edit ------------------------------------------------------------------------------------
def _task_form(request: AuthedRequest, *, data: Any = None, initial: dict[str, Any] | None = None,
               exclude_pk: int | None = None, with_milestones: bool = True) -> TaskForm:
    return TaskForm(data, initial=initial, units=units_managed_by(request.user), officials=task_officials(request.user),
                    parents=parent_choices(request.user, exclude_pk=exclude_pk), with_milestones=with_milestones)


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
    unit = ledger_unit(request.user, request.GET.get("unit"))
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
