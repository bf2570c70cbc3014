"""A task's page and what is done on it: the weekly update, progress, the closed loop, cancelling, milestones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from common.errors import ApplicationError
from common.forms import show_error
from common.http import AuthedRequest
from tasks.forms.tasks import LoopAdvanceForm, ProgressForm, WeeklyUpdateForm
from tasks.models import Milestone, Task
from tasks.selectors.task_detail import task_children, task_members, task_timeline, weekly_update_of
from tasks.selectors.tasks import (
    can_advance_loop,
    can_manage,
    can_update_progress,
    is_responsible,
    loop_next_step,
    loop_steps,
    tasks_visible_to,
    week_monday,
)
from tasks.services import progress, tasks
from tasks.views.tasks import mark_deadlines


def _get_task(request: AuthedRequest, pk: int) -> Task:
    return get_object_or_404(tasks_visible_to(request.user), pk=pk)


def _detail_context(request: AuthedRequest, task: Task, **forms: Any) -> dict[str, Any]:
    today = timezone.localdate()
    manager = can_manage(request.user, task)
    can_progress = can_update_progress(request.user, task) and task.is_open
    this_week = weekly_update_of(task, week_monday(today))
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
    mark_deadlines([task], today)
    return {
        "task": task, "today": today, "days_left": (task.deadline - today).days,
        "members": task_members(task), "milestones": task.milestones.all(), "children": task_children(task),
        "timeline": task_timeline(task), "this_week": this_week, "monday": week_monday(today),
        "can_manage": manager and task.is_open, "can_progress": can_progress,
        "is_responsible": is_responsible(request.user, task),
        "loop_steps": loop_steps(task), "next_step": loop_next_step(task),
        "can_advance": can_advance_loop(request.user, task), **forms,
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


def _task_form_post(request: AuthedRequest, pk: int, *, form: Any, write: Callable[..., Any], done: str,
                    partial: str, name: str) -> HttpResponse:
    """Validate one of the task page's forms, write it through ``write`` (a service taking ``task``, ``by`` and the
    cleaned fields), and answer with the page (or its htmx part) showing the form's errors, or the done message."""
    task = _get_task(request, pk)
    bound = form(task)
    if bound.is_valid():
        try:
            write(task=task, by=request.user, **bound.cleaned_data)
        except ApplicationError as error:
            show_error(bound, error)
        else:
            return _after_action(request, task, done)
    return _form_error(request, task, partial, **{name: bound})


@login_required
@require_POST
def task_weekly_update(request: AuthedRequest, pk: int) -> HttpResponse:
    return _task_form_post(
        request, pk, form=lambda task: WeeklyUpdateForm(request.POST, with_rectification=task.has_loop),
        write=progress.weekly_update_post, done=_("This week's update was saved."),
        partial="tasks/tasks/_weekly_form.html", name="weekly_form")


@login_required
@require_POST
def task_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    return _task_form_post(
        request, pk, form=lambda task: ProgressForm(request.POST, with_rectification=task.has_loop),
        write=progress.task_set_progress, done=_("Progress was updated."),
        partial="tasks/tasks/_progress_form.html", name="progress_form")


@login_required
@require_POST
def task_loop_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    return _task_form_post(
        request, pk, form=lambda _task: LoopAdvanceForm(request.POST), write=progress.task_advance_loop,
        done=_("The closed loop moved forward."), partial="tasks/tasks/_loop.html", name="loop_form")


@login_required
@require_POST
def task_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    try:
        tasks.task_cancel(task=task, by=request.user, reason=request.POST.get("reason", ""))
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
        progress.milestone_mark_done(milestone=milestone, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("tasks:task_detail", pk=task.pk)
    return _after_action(request, task, _("The milestone was marked as reached."))
