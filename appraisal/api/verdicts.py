"""API of the final grade's aftermath: ``/api/v1/grade-notices/`` (书面通知 and the signature),
``/api/v1/grade-reviews/`` (复核) and ``/api/v1/grade-appeals/`` (申诉)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.api import serializers_annual as s
from appraisal.api._common import REFUSED, UNIT, YEAR, year_unit_filter
from appraisal.models import GradeAppeal, GradeDecision, GradeNotice, GradeReview
from appraisal.selectors.annual import appeals_visible_to, grade_notices_visible_to, reviews_visible_to
from appraisal.selectors.grades import grades_visible_to
from appraisal.selectors.verdicts import current_notice
from appraisal.services import finalize as finalize_svc
from appraisal.services import reviews as review_svc
from common.api import parse_input, request_user
from common.errors import ApplicationError
from common.idempotency import idempotent_create
from org.models import User


def _grade(user: User, grade_id: int) -> GradeDecision:
    """Return a grade the caller may see; any other id reads as missing (a field error, as DRF answers for an
    unknown related object)."""
    grade = grades_visible_to(user, include_own=True).filter(pk=grade_id).first()
    if grade is None:
        message = _("There is no such grade.")
        raise ApplicationError(message, code="invalid", extra={"fields": {"grade": [message]}})
    return grade


@extend_schema_view(list=extend_schema(parameters=[
    YEAR, UNIT, OpenApiParameter("current", bool, description="Only the current notices (not replaced after a "
                                                               "review).")]))
class GradeNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Written notices of final grades (书面通知): one's own, and those of the officials a head or the organization
    department oversees. ``POST {id}/sign/`` signs one's own notice: 同意 or 不同意 with one's opinion."""

    serializer_class = s.GradeNoticeSerializer
    queryset = GradeNotice.objects.none()

    def get_queryset(self) -> QuerySet[GradeNotice]:
        qs = grade_notices_visible_to(request_user(self.request)).order_by("-issued_at", "-id")
        if self.action != "list":
            return qs
        qs = year_unit_filter(qs, self.request, procedure="grade__")
        if self.request.query_params.get("current", "").lower() in ("1", "true", "yes"):
            qs = qs.filter(is_current=True)
        return qs

    @extend_schema(request=s.GradeNoticeSignSerializer, responses={200: s.GradeNoticeSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        data = parse_input(s.GradeNoticeSignSerializer, request)
        signed = finalize_svc.grade_notice_sign(notice=notice, by=request_user(request), agree=data["agree"],
                                                opinion=data["opinion"])
        return Response(s.GradeNoticeSerializer(self.get_queryset().get(pk=signed.pk)).data)


@extend_schema_view(list=extend_schema(parameters=[YEAR, UNIT]))
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reviews (复核): one's own, and those the organization department over the official decides. ``POST`` asks
    for the review of one's grade (its current written notice) within the deadline; ``POST {id}/decide/``
    (organization department) keeps the grade (``upheld``) or changes it (``changed`` with the new ``grade``),
    which issues a new written notice to sign."""

    serializer_class = s.GradeReviewSerializer
    queryset = GradeReview.objects.none()

    def get_queryset(self) -> QuerySet[GradeReview]:
        qs = reviews_visible_to(request_user(self.request)).order_by("-requested_at", "-id")
        return year_unit_filter(qs, self.request, procedure="grade__") if self.action == "list" else qs

    @idempotent_create
    @extend_schema(request=s.GradeReviewRequestSerializer, responses={201: s.GradeReviewSerializer, 400: REFUSED})
    def create(self, request: Request) -> Response:
        data = parse_input(s.GradeReviewRequestSerializer, request)
        grade = _grade(request_user(request), data["grade"])
        notice = current_notice(grade.pk)
        if notice is None:
            raise ApplicationError(_("The grade has not been notified yet."), code="not_final")
        review = review_svc.review_request(notice=notice, by=request_user(request), reason=data["reason"])
        return Response(s.GradeReviewSerializer(self.get_queryset().get(pk=review.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.GradeReviewDecideSerializer, responses={200: s.GradeReviewSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        data = parse_input(s.GradeReviewDecideSerializer, request)
        decided = review_svc.review_decide(review=review, by=request_user(request), outcome=data["outcome"],
                                           reason=data["reason"], grade=data["grade"])
        return Response(s.GradeReviewSerializer(self.get_queryset().get(pk=decided.pk)).data)


@extend_schema_view(list=extend_schema(parameters=[YEAR, UNIT]))
class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appeals (申诉) to the higher authority, recorded here: ``POST`` records one's own appeal within the
    deadline; ``POST {id}/record/`` (organization department) enters the outcome decided outside the product,
    with its document number."""

    serializer_class = s.GradeAppealSerializer
    queryset = GradeAppeal.objects.none()

    def get_queryset(self) -> QuerySet[GradeAppeal]:
        qs = appeals_visible_to(request_user(self.request)).order_by("-filed_on", "-id")
        return year_unit_filter(qs, self.request, procedure="grade__") if self.action == "list" else qs

    @idempotent_create
    @extend_schema(request=s.GradeAppealFileSerializer, responses={201: s.GradeAppealSerializer, 400: REFUSED})
    def create(self, request: Request) -> Response:
        data = parse_input(s.GradeAppealFileSerializer, request)
        grade = _grade(request_user(request), data["grade"])
        appeal = review_svc.appeal_file(grade=grade, by=request_user(request), body=data["body"], reason=data["reason"])
        return Response(s.GradeAppealSerializer(self.get_queryset().get(pk=appeal.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.GradeAppealRecordSerializer, responses={200: s.GradeAppealSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        appeal = self.get_object()
        data = parse_input(s.GradeAppealRecordSerializer, request)
        recorded = review_svc.appeal_record(appeal=appeal, by=request_user(request), outcome=data["outcome"],
                                            outcome_text=data["outcome_text"],
                                            document_number=data["document_number"], decided_on=data["decided_on"])
        return Response(s.GradeAppealSerializer(self.get_queryset().get(pk=recorded.pk)).data)


def register(router: BaseRouter) -> None:
    router.register("grade-notices", GradeNoticeViewSet, basename="grade-notice")
    router.register("grade-reviews", ReviewViewSet, basename="grade-review")
    router.register("grade-appeals", AppealViewSet, basename="grade-appeal")
