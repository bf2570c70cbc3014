"""``/api/v1/tasks/`` and ``/api/v1/weekly-updates/``: scoped reads, writes through the same services as pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.filters import IdFilter
from common.idempotency import idempotent_create
from tasks.api.serializers import (
    ProgressInputSerializer,
    TaskInputSerializer,
    TaskSerializer,
    WeeklyUpdateInputSerializer,
    WeeklyUpdateSerializer,
)
from tasks.forms.tasks import TaskFilter
from tasks.models import Task, WeeklyUpdate
from tasks.selectors.tasks import tasks_managed_by, tasks_visible_to, week_monday, weekly_updates_visible_to
from tasks.services import progress, tasks


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tasks the caller may see. Filters: ``status``, ``unit`` (a code, with its subtree), ``responsible``
    (staff number or id), ``leader``, ``overdue``, ``key_project``, ``source``, ``q``; ``sort``."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    queryset = Task.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Task]:
        return tasks_visible_to(self.request.user).prefetch_related("members", "milestones").order_by("deadline", "id")

    def _managed(self) -> Task:
        """Return the task for a change: visible ones outside one's management read as missing too."""
        task = self.get_object()
        if not tasks_managed_by(self.request.user).filter(pk=task.pk).exists():
            raise Http404
        return task

    def _answer(self, task: Task, code: int = status.HTTP_200_OK) -> Response:
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data, status=code)

    @idempotent_create
    @extend_schema(request=TaskInputSerializer, responses={201: TaskSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(TaskInputSerializer, request)
        task = tasks.task_create(by=request_user(request), **data)
        return self._answer(task, status.HTTP_201_CREATED)

    @extend_schema(request=TaskInputSerializer, responses={200: TaskSerializer})
    def update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=TaskInputSerializer, responses={200: TaskSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        task = self._managed()
        data = parse_input(TaskInputSerializer, request, partial=partial)
        fields = dict(data)
        fields.pop("milestones", None)  # milestones are added on the page; the API changes the task itself
        task = tasks.task_update(task=task, by=request_user(request), **fields)
        return self._answer(task)

    @extend_schema(request=ProgressInputSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: Any = None) -> Response:
        """Record progress (responsible official or head in scope); 100% completes an ordinary task."""
        task = self.get_object()
        data = parse_input(ProgressInputSerializer, request)
        task = progress.task_set_progress(task=task, by=request_user(request), **data)
        return self._answer(task)


class WeeklyUpdateFilter(django_filters.FilterSet):
    task = IdFilter(field_name="task_id")
    week = django_filters.DateFilter(method="filter_week", help_text="Any day of the ISO week (YYYY-MM-DD).")

    class Meta:
        model = WeeklyUpdate
        fields = ["task", "week"]

    def filter_week(self, queryset: QuerySet[WeeklyUpdate], name: str, value: Any) -> QuerySet[WeeklyUpdate]:
        return queryset.filter(week=week_monday(value))


class WeeklyUpdateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Weekly updates on the tasks the caller may see. POST creates this week's update or replaces it."""

    serializer_class = WeeklyUpdateSerializer
    filterset_class = WeeklyUpdateFilter
    queryset = WeeklyUpdate.objects.none()

    def get_queryset(self) -> QuerySet[WeeklyUpdate]:
        return weekly_updates_visible_to(self.request.user).order_by("-week", "task_id")

    @idempotent_create
    @extend_schema(request=WeeklyUpdateInputSerializer, responses={201: WeeklyUpdateSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(WeeklyUpdateInputSerializer, request)
        fields = dict(data)
        task = tasks_visible_to(request.user).filter(pk=fields.pop("task")).first()
        if task is None:
            raise Http404
        update = progress.weekly_update_post(task=task, by=request_user(request), **fields)
        return Response(WeeklyUpdateSerializer(self.get_queryset().get(pk=update.pk)).data,
                        status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("tasks", TaskViewSet, basename="task")
    router.register("weekly-updates", WeeklyUpdateViewSet, basename="weekly-update")
