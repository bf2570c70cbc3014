"""API of the quarterly grades (平时考核): ``/api/v1/quarterly-grades/``, scoped like the pages and written through the
same services. Anything outside the caller's scope answers 404; a refusal answers 400 with a machine-readable
``code`` (``share_exceeded``, ``comment_required``, ``already_asked``, …) and a Chinese ``message``."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.api.serializers_quarterly import (
    AnswerSerializer,
    ConfirmSerializer,
    ConfirmUnitResultSerializer,
    ConfirmUnitSerializer,
    PeriodUnitSerializer,
    ProposeResultSerializer,
    QuarterlyGradeSerializer,
    ReconsiderSerializer,
    WriteSerializer,
)
from appraisal.models import QuarterlyGrade, QuarterlyStatus
from appraisal.scoring.periods import parse_period_key
from appraisal.selectors.quarterly import quarterly_grades_visible_to
from appraisal.services import quarterly as svc
from appraisal.services import quarterly_propose as propose_svc
from common.api import parse_input, request_user
from common.filters import query_id

REFUSED = OpenApiResponse(description="Refused by the rules: `{code, message, fields?}`, e.g. `share_exceeded`.")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("period", str, description="The quarter, e.g. 2026-Q3."),
    OpenApiParameter("unit", str, description="A top-level unit's code."),
    OpenApiParameter("status", str, enum=QuarterlyStatus.values),
    OpenApiParameter("official", int, description="An official's id.")]))
class QuarterlyGradeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quarterly grades the caller may see: their own once confirmed (every official), and those of the officials a
    head or the organization department oversees. The head over the official writes (``{id}/write/``) and confirms
    (``{id}/confirm/``) a grade, or every written grade of a unit (``confirm-unit/``); the official asks once to
    reconsider a confirmed grade (``{id}/reconsider/``) and the head answers (``{id}/answer/``). ``propose/``
    proposes a quarter's grades from its scores (the organization department, or a unit's head for the unit)."""

    serializer_class = QuarterlyGradeSerializer
    queryset = QuarterlyGrade.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[QuarterlyGrade]:
        qs = quarterly_grades_visible_to(request_user(self.request)).order_by(
            "-period__start", "unit__path", "-score", "official_id")
        if self.action != "list":
            return qs
        params = self.request.query_params
        if params.get("period"):
            qs = qs.filter(period__key=parse_period_key(params["period"]).key)
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        official = query_id(self.request, "official")
        if official is not None:
            qs = qs.filter(official_id=official)
        return qs

    def _answer(self, grade: QuarterlyGrade) -> Response:
        return Response(QuarterlyGradeSerializer(self.get_queryset().get(pk=grade.pk)).data)

    @extend_schema(request=WriteSerializer, responses={200: QuarterlyGradeSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def write(self, request: Request, pk: str | None = None) -> Response:
        """Write the head's grade and 写实 comment of a grade not yet confirmed (within the unit's share of 好)."""
        grade = self.get_object()
        data = parse_input(WriteSerializer, request)
        return self._answer(svc.quarterly_grade_write(grade=grade, by=request_user(request), value=data["grade"],
                                                      comment=data["comment"]))

    @extend_schema(request=ConfirmSerializer, responses={200: QuarterlyGradeSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a grade (writing ``grade`` and ``comment`` first when given); the official is notified."""
        grade = self.get_object()
        data = parse_input(ConfirmSerializer, request)
        return self._answer(svc.quarterly_grade_confirm(grade=grade, by=request_user(request), value=data.get("grade"),
                                                        comment=data.get("comment")))

    @extend_schema(request=ReconsiderSerializer, responses={200: QuarterlyGradeSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def reconsider(self, request: Request, pk: str | None = None) -> Response:
        """Ask the head, once and with a reason, to reconsider one's own confirmed grade."""
        grade = self.get_object()
        data = parse_input(ReconsiderSerializer, request)
        return self._answer(svc.quarterly_reconsider_request(grade=grade, by=request_user(request),
                                                             reason=data["reason"]))

    @extend_schema(request=AnswerSerializer, responses={200: QuarterlyGradeSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Answer a request to reconsider: keep the grade or change it, with the answer in writing."""
        grade = self.get_object()
        data = parse_input(AnswerSerializer, request)
        return self._answer(svc.quarterly_reconsider_answer(grade=grade, by=request_user(request),
                                                            outcome=data["outcome"], text=data["text"],
                                                            value=data["grade"]))

    @extend_schema(request=PeriodUnitSerializer, responses={200: ProposeResultSerializer, 400: REFUSED})
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        """Propose a quarter's grades from its scores: of one ``unit``, or of every unit in the organization
        department's scope; confirmed grades are kept."""
        data = parse_input(PeriodUnitSerializer, request)
        result = propose_svc.quarterly_grades_propose(period=data["period"], by=request_user(request),
                                                      unit=data.get("unit"))
        return Response(ProposeResultSerializer(result).data)

    @extend_schema(request=ConfirmUnitSerializer, responses={200: ConfirmUnitResultSerializer, 400: REFUSED})
    @action(detail=False, methods=["post"], url_path="confirm-unit")
    def confirm_unit(self, request: Request) -> Response:
        """Confirm every grade of a unit's quarter the caller may confirm; each needs its comment."""
        data = parse_input(ConfirmUnitSerializer, request)
        count = svc.quarterly_grades_confirm_unit(period=data["period"], unit=data["unit"], by=request_user(request))
        return Response(ConfirmUnitResultSerializer({"confirmed": count}).data)


def register(router: BaseRouter) -> None:
    router.register("quarterly-grades", QuarterlyGradeViewSet, basename="quarterly-grade")
