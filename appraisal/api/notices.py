"""API of the 公示 and its objections: ``/api/v1/public-notices/`` (with ``{id}/objections/``) and
``/api/v1/objections/``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.api import serializers_annual as s
from appraisal.api._common import REFUSED, UNIT, YEAR, year_unit_filter
from appraisal.models import Objection, ObjectionStatus, PublicNotice
from appraisal.selectors.annual import objections_visible_to
from appraisal.selectors.notices import notices_with_candidates
from appraisal.services import notices as notice_svc
from common.api import parse_input, request_user
from common.errors import ApplicationError
from common.filters import query_id
from common.idempotency import idempotent_create


@extend_schema_view(list=extend_schema(parameters=[YEAR, UNIT]))
class PublicNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public notices (公示) of the 优秀 candidates: every official of the unit sees them, with each candidate's
    name, unit and post — never a score. ``POST {id}/objections/`` files an objection under one's own name
    while the notice runs (JSON, or multipart with an ``attachment``)."""

    serializer_class = s.PublicNoticeSerializer
    queryset = PublicNotice.objects.none()

    def get_queryset(self) -> QuerySet[PublicNotice]:
        qs = notices_with_candidates(request_user(self.request))
        return year_unit_filter(qs, self.request, procedure="procedure__") if self.action == "list" else qs

    @idempotent_create
    @extend_schema(request={"application/json": s.ObjectionFileSerializer,
                            "multipart/form-data": s.ObjectionFileSerializer},
                   responses={201: s.ObjectionSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def objections(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        data = parse_input(s.ObjectionFileSerializer, request)
        candidate = notice.candidates.filter(pk=data["candidate"]).first()
        if candidate is None:
            message = _("This candidate is not on this notice.")
            raise ApplicationError(message, code="invalid", extra={"fields": {"candidate": [message]}})
        objection = notice_svc.objection_file(notice=notice, candidate=candidate, by=request_user(request),
                                              reason=data["reason"], attachment=data.get("attachment"))
        fresh = objections_visible_to(request_user(request)).get(pk=objection.pk)
        return Response(s.ObjectionSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[
    YEAR, UNIT, OpenApiParameter("notice", int, description="A public notice's id."),
    OpenApiParameter("status", str, enum=ObjectionStatus.values)]))
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections (异议): the organization department over the unit sees every one and who filed it; an objector
    sees their own; the candidate never sees them. ``POST {id}/decide/`` records the finding (organization
    department): an upheld objection withdraws the candidate and sends their grade back to proposal;
    ``GET {id}/attachment/`` downloads the attachment."""

    serializer_class = s.ObjectionSerializer
    queryset = Objection.objects.none()

    def get_queryset(self) -> QuerySet[Objection]:
        qs = objections_visible_to(request_user(self.request)).order_by("-filed_at", "-id")
        if self.action != "list":
            return qs
        qs = year_unit_filter(qs, self.request, procedure="notice__procedure__")
        notice = query_id(self.request, "notice")
        if notice is not None:
            qs = qs.filter(notice_id=notice)
        wanted = self.request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(request=s.ObjectionDecideSerializer, responses={200: s.ObjectionSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        objection = self.get_object()
        data = parse_input(s.ObjectionDecideSerializer, request)
        decided = notice_svc.objection_decide(objection=objection, by=request_user(request), upheld=data["upheld"],
                                              note=data["note"])
        return Response(s.ObjectionSerializer(self.get_queryset().get(pk=decided.pk)).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def attachment(self, request: Request, pk: str | None = None) -> FileResponse:
        """Download the objection's attachment (the organization department and the objector only)."""
        objection = self.get_object()
        if not objection.attachment:
            raise Http404
        return FileResponse(objection.attachment.open("rb"), as_attachment=True,
                            filename=objection.attachment_name or _("attachment"))


def register(router: BaseRouter) -> None:
    router.register("public-notices", PublicNoticeViewSet, basename="public-notice")
    router.register("objections", ObjectionViewSet, basename="objection")
