"""API of the monthly work reports: ``/api/v1/monthly-reports/``, through the same services as the pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.dates import parse_month
from common.errors import ApplicationError
from common.filters import IdFilter
from common.idempotency import idempotent_create
from org.models import User
from tasks.api.serializers import (
    ApprovedReportSerializer,
    ApproveSerializer,
    ReportSerializer,
    ReportWriteSerializer,
    ReturnSerializer,
)
from tasks.models import MonthlyReport, ReportStatus
from tasks.selectors import reports as selectors
from tasks.services import reports as svc

# --- filters ---------------------------------------------------------------------------------------


class ReportFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(method="filter_month", label="month (YYYY-MM)")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    official = IdFilter(field_name="official_id")

    class Meta:
        model = MonthlyReport
        fields = ["month", "status", "official"]

    def filter_month(self, queryset: QuerySet[MonthlyReport], name: str, value: str) -> QuerySet[MonthlyReport]:
        month = parse_month(value)
        if month is None:
            raise serializers.ValidationError({"month": [_("Enter a month as YYYY-MM.")]})
        return queryset.filter(month=month)


# --- views -----------------------------------------------------------------------------------------


def _save_from(report: MonthlyReport, data: dict[str, Any], user: User) -> MonthlyReport:
    items = data.get("items")
    return svc.report_save(
        report=report, by=user,
        items=[{"content": i.get("content", ""), "indicator": i.get("indicator", ""), "task_id": i.get("task_id")}
               for i in items] if items is not None else [
            {"content": i.content, "indicator": i.indicator, "task_id": i.task_id} for i in report.items.all()],
        next_month_plan=data.get("next_month_plan", report.next_month_plan),
        self_assessment=data.get("self_assessment", report.self_assessment),
    )


@extend_schema_view(
    create=extend_schema(request=ReportWriteSerializer, responses={201: ReportSerializer, 200: ReportSerializer}),
    update=extend_schema(request=ReportWriteSerializer, responses=ReportSerializer),
    partial_update=extend_schema(request=ReportWriteSerializer, responses=ReportSerializer),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly work reports the caller may see: their own, their unit's published ones, and those under
    their roles. ``POST`` creates (or returns) the caller's own draft for ``month``; ``PUT``/``PATCH``
    write it while it is a draft or returned; the actions move it through the workflow."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    queryset = MonthlyReport.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[MonthlyReport]:
        return selectors.reports_with_items(request_user(self.request)).order_by("-month", "official__name", "id")

    def _answer(self, report: MonthlyReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(fresh).data, status=code)

    @idempotent_create
    def create(self, request: Request) -> Response:
        data = parse_input(ReportWriteSerializer, request)
        if "month" not in data:
            raise serializers.ValidationError({"month": [_("This field is required.")]})
        official = selectors.own_official(request_user(request))
        if official is None:
            raise ApplicationError(_("Your account is not linked to an official."), code="no_official")
        existed = selectors.report_exists(official, data["month"])
        report = svc.report_get_or_create_draft(official=official, month=data["month"],
                                                by=request_user(request))
        if set(data) - {"month"}:
            report = _save_from(report, data, request_user(request))
        return self._answer(report, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str | None = None, partial: bool = False) -> Response:
        report = self.get_object()
        data = parse_input(ReportWriteSerializer, request, partial=partial)
        return self._answer(_save_from(report, data, request_user(request)))

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(request=None, responses={200: ReportSerializer, 400: OpenApiResponse(description="code, message")})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        report = svc.report_submit(report=self.get_object(), by=request_user(request))
        return self._answer(report)

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(ReturnSerializer, request)
        report = svc.report_return(report=self.get_object(), by=request_user(request),
                                   reason=data["reason"])
        return self._answer(report)

    @extend_schema(request=ApproveSerializer, responses=ApprovedReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(ApproveSerializer, request)
        report = svc.report_approve(report=self.get_object(), by=request_user(request),
                                    rating=data["rating"], comment=data["comment"])
        return Response(ApprovedReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        report = svc.report_publish(report=self.get_object(), by=request_user(request))
        return self._answer(report)


def register(router: BaseRouter) -> None:
    router.register("monthly-reports", ReportViewSet, basename="monthly-report")
