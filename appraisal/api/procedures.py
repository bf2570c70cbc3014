"""API of the year's procedure and the summaries: ``/api/v1/annual-procedures/`` and ``/api/v1/annual-summaries/``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from appraisal.api import serializers_annual as s
from appraisal.api._common import REFUSED, UNIT, YEAR, year_unit_filter
from appraisal.models import AnnualProcedure, AnnualSummary, SummaryStatus
from appraisal.selectors.annual import procedures_visible_to, summaries_visible_to
from appraisal.services import finalize as finalize_svc
from appraisal.services import notices as notice_svc
from appraisal.services import procedure as procedure_svc
from appraisal.services import summaries as summary_svc
from common.api import parse_input, request_user
from common.filters import query_id
from common.idempotency import idempotent_create


@extend_schema_view(list=extend_schema(parameters=[YEAR, UNIT]))
class ProcedureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The year's procedure of each top-level unit the caller oversees (organization department, heads), with
    its stage: summaries → comments → confirmation → notice → final → signed. The detail adds the figures
    (summaries, 评语, confirmations, signatures). ``POST`` opens a unit's year (organization department); the
    actions move it on one stage at a time, each refused out of order (400, ``wrong_stage`` or the missing
    work's code). The unit's grades are confirmed on the grades page."""

    serializer_class = s.AnnualProcedureSerializer
    queryset = AnnualProcedure.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[AnnualProcedure]:
        qs = procedures_visible_to(request_user(self.request)).order_by("-period__start", "unit__path", "id")
        return year_unit_filter(qs, self.request, procedure="") if self.action == "list" else qs

    def get_serializer_class(self) -> type[BaseSerializer]:
        return s.AnnualProcedureSerializer if self.action == "list" else s.AnnualProcedureDetailSerializer

    def _answer(self, procedure: AnnualProcedure, code: int = status.HTTP_200_OK, **extra: Any) -> Response:
        fresh = self.get_queryset().get(pk=procedure.pk)
        return Response({**s.AnnualProcedureDetailSerializer(fresh).data, **extra}, status=code)

    @idempotent_create
    @extend_schema(request=s.AnnualProcedureOpenSerializer,
                   responses={201: s.AnnualProcedureDetailSerializer, 400: REFUSED})
    def create(self, request: Request) -> Response:
        data = parse_input(s.AnnualProcedureOpenSerializer, request)
        procedure = procedure_svc.procedure_open(period=data["year"], unit=data["unit"], by=request_user(request))
        return self._answer(procedure, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.AnnualProcedureDetailSerializer, 400: REFUSED},
                   description="End the summaries stage once every appraised official has submitted (the unit's "
                               "head or the organization department).")
    @action(detail=True, methods=["post"], url_path="close-summaries")
    def close_summaries(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(procedure_svc.summaries_close(procedure=self.get_object(), by=request_user(request)))

    @extend_schema(request=None, responses={200: s.AnnualProcedureDetailSerializer, 400: REFUSED},
                   description="Put the 评语 and proposals to the organization department once every required "
                               "评语 is written.")
    @action(detail=True, methods=["post"], url_path="submit-proposals")
    def submit_proposals(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(procedure_svc.proposals_submit(procedure=self.get_object(), by=request_user(request)))

    @idempotent_create
    @extend_schema(request=s.NoticeOpenSerializer, responses={201: s.PublicNoticeSerializer, 400: REFUSED},
                   description="Post the confirmed 优秀 candidates (the first notice, or one for replacements); it "
                               "lasts the configured number of working days. Answers with the notice.")
    @action(detail=True, methods=["post"], url_path="open-notice")
    def open_notice(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(s.NoticeOpenSerializer, request)
        notice = notice_svc.notice_open(procedure=self.get_object(), by=request_user(request),
                                        starts_on=data.get("starts_on"))
        return Response(s.PublicNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.AnnualProcedureDetailSerializer, 400: REFUSED},
                   description="Make the unit's grades final once the notice has ended and no objection is open; "
                               "every appraised official gets a written notice (`notices`: how many).")
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk: str | None = None) -> Response:
        procedure = self.get_object()
        sent = finalize_svc.procedure_finalize(procedure=procedure, by=request_user(request))
        return self._answer(procedure, notices=sent)


@extend_schema_view(
    list=extend_schema(parameters=[
        YEAR, UNIT, OpenApiParameter("status", str, enum=SummaryStatus.values),
        OpenApiParameter("official", int, description="An official's id.")]),
    update=extend_schema(request=s.AnnualSummaryWriteSerializer,
                         responses={200: s.AnnualSummarySerializer, 400: REFUSED}),
    partial_update=extend_schema(request=s.AnnualSummaryWriteSerializer,
                                 responses={200: s.AnnualSummarySerializer, 400: REFUSED}),
)
class SummaryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual summaries (个人总结): one's own, and those of the officials a head or the organization department
    oversees. ``PUT``/``PATCH`` save the sections of a draft or returned summary (its author, or the head for
    an official without an account); ``submit``, ``return`` (the head, with a reason) and ``oral`` (a meeting
    for a 班子成员 or 中层) move it on."""

    serializer_class = s.AnnualSummarySerializer
    queryset = AnnualSummary.objects.none()

    def get_queryset(self) -> QuerySet[AnnualSummary]:
        qs = summaries_visible_to(request_user(self.request)).order_by(
            "-procedure__period__start", "procedure__unit__path", "official__name", "id")
        if self.action != "list":
            return qs
        qs = year_unit_filter(qs, self.request, procedure="procedure__")
        wanted = self.request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted)
        official = query_id(self.request, "official")
        if official is not None:
            qs = qs.filter(official_id=official)
        return qs

    def _answer(self, summary: AnnualSummary) -> Response:
        return Response(s.AnnualSummarySerializer(self.get_queryset().get(pk=summary.pk)).data)

    def update(self, request: Request, pk: str | None = None, partial: bool = False) -> Response:
        summary = self.get_object()
        data = parse_input(s.AnnualSummaryWriteSerializer, request, partial=partial)
        saved = summary_svc.summary_save(summary=summary, by=request_user(request), sections=data.get("sections", {}))
        return self._answer(saved)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(request=None, responses={200: s.AnnualSummarySerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(summary_svc.summary_submit(summary=self.get_object(), by=request_user(request)))

    @extend_schema(request=s.SummaryReturnSerializer, responses={200: s.AnnualSummarySerializer, 400: REFUSED})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_summary(self, request: Request, pk: str | None = None) -> Response:
        summary = self.get_object()
        data = parse_input(s.SummaryReturnSerializer, request)
        return self._answer(summary_svc.summary_return(summary=summary, by=request_user(request),
                                                       reason=data["reason"]))

    @extend_schema(request=s.SummaryOralSerializer, responses={200: s.AnnualSummarySerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def oral(self, request: Request, pk: str | None = None) -> Response:
        summary = self.get_object()
        data = parse_input(s.SummaryOralSerializer, request)
        return self._answer(summary_svc.summary_set_oral(summary=summary, by=request_user(request), at=data["at"],
                                                         place=data["place"]))


def register(router: BaseRouter) -> None:
    router.register("annual-procedures", ProcedureViewSet, basename="annual-procedure")
    router.register("annual-summaries", SummaryViewSet, basename="annual-summary")
