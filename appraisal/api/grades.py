"""API of the annual grades and the register exports: ``/api/v1/grades/?period=2026`` (scoped list) and
``/api/v1/export-jobs/`` (start, poll, ``{id}/download/``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.api.serializers_grades import (
    ExportJobSerializer,
    ExportStartSerializer,
    GradeCommentSerializer,
    GradeSerializer,
)
from appraisal.models import ExportJob, GradeDecision
from appraisal.scoring.periods import parse_period_key
from appraisal.selectors import exports as export_reads
from appraisal.selectors.grades import grades_visible_to
from appraisal.services import exports as export_svc
from appraisal.services.comments import comment_write
from appraisal.services.registration import registration_export_start
from common.api import parse_input, request_user
from common.idempotency import idempotent_create


class GradeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual grades the caller may see: their own (every official), and those of the units the organization
    department or a head oversees; ``period`` (or ``year``) is a year key such as ``2026`` and ``unit`` a unit
    code. ``POST {id}/comment/`` writes the 评语 and the head's proposed grade (the head over the official, while
    the unit is at the 评语 stage)."""

    serializer_class = GradeSerializer
    queryset = GradeDecision.objects.none()  # for the schema; requests use get_queryset

    @extend_schema(parameters=[OpenApiParameter("period", str, description="year key, e.g. 2026"),
                               OpenApiParameter("year", str, description="the same as period"),
                               OpenApiParameter("unit", str, description="top-level unit code")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[GradeDecision]:
        qs = grades_visible_to(request_user(self.request), include_own=True).order_by(
            "period__start", "unit__path", "-score", "official_id")
        if self.action != "list":
            return qs
        key = self.request.query_params.get("period") or self.request.query_params.get("year")
        if key:
            qs = qs.filter(period__key=parse_period_key(key).key)
        unit = self.request.query_params.get("unit")
        if unit:
            qs = qs.filter(unit__code=unit)
        return qs

    @extend_schema(request=GradeCommentSerializer,
                   responses={200: GradeSerializer,
                              400: OpenApiResponse(description="Refused: `{code, message, fields?}`, e.g. "
                                                               "`wrong_stage`, `reason_required`.")})
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        """Write the 评语 and the head's proposed grade; a proposal differing from the scores' needs a reason."""
        grade = self.get_object()
        data = parse_input(GradeCommentSerializer, request)
        values = data
        written = comment_write(grade=grade, by=request_user(request), comment=values["comment"],
                                head_grade=values["head_grade"], head_reason=values["head_reason"])
        return Response(GradeSerializer(self.get_queryset().get(pk=written.pk)).data)


class ExportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Register and registration-form exports: POST starts one (organization department), GET polls its status
    and progress, ``{id}/download/`` returns the file when it is done (.xlsx; .zip for the forms of all units)."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()

    def get_queryset(self) -> QuerySet[ExportJob]:
        return export_reads.exports_visible_to(request_user(self.request)).order_by("-created_at", "-pk")

    @idempotent_create
    @extend_schema(request=ExportStartSerializer, responses={201: ExportJobSerializer})
    def create(self, request: Request) -> Response:
        values = parse_input(ExportStartSerializer, request, self.get_serializer_context())
        start = registration_export_start if values["kind"] == ExportJob.Kind.FORMS else export_svc.export_start
        job = start(by=request_user(request), period=values["period"], unit=values.get("unit"))
        fresh = self.get_queryset().get(pk=job.pk)  # in eager mode the job has run already
        return Response(ExportJobSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, export_reads.XLSX_TYPE): bytes, (200, export_reads.ZIP_TYPE): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        job = self.get_object()
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=export_reads.export_filename(job),
                            content_type=export_reads.export_content_type(job))


def register(router: BaseRouter) -> None:
    router.register("grades", GradeViewSet, basename="grade")
    router.register("export-jobs", ExportJobViewSet, basename="exportjob")
