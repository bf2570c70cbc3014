"""API of case files: ``/api/v1/cases/`` with transitions and attachments.

Reading a case's file (its detail, the answer to a write, an attachment download) writes an access-log row.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from common.api import parse_input, request_user
from common.filters import IdFilter, YearFilter
from common.idempotency import idempotent_create
from discipline.api import serializers as s
from discipline.api._common import _missing
from discipline.models import (
    Case,
    CaseAccess,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Decision,
    DisciplineRule,
)
from discipline.selectors.cases import cases_visible_to
from discipline.services import cases as case_svc
from org.models import Official, Role
from org.selectors import officials_visible_to, units_visible_to, users_with_role_over


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    source = django_filters.ChoiceFilter(choices=CaseSource.choices)
    year = YearFilter(field_name="registered_on", lookup_expr="year")
    official = IdFilter(method="filter_official", help_text="A subject's official id.")
    unit = django_filters.CharFilter(method="filter_unit", help_text="A unit code, with its subtree.")

    class Meta:
        model = Case
        fields = ["status", "source", "year", "official", "unit"]

    def filter_official(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(pk__in=Case.subjects.through.objects.filter(official_id=value).values("case_id"))

    def filter_unit(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        unit = units_visible_to(self.request.user).filter(code=value).first()
        return queryset.filter(unit.subtree_q("unit__")) if unit else queryset.none()


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Case files (discipline inspection and the organization department over the case's unit). The list has
    no facts; the detail has the file and logs the read. ``POST`` registers a case, ``PUT``/``PATCH`` edits an
    open one, ``POST {id}/transition/`` moves it, ``POST {id}/attachments/`` attaches a file (multipart) and
    ``GET {id}/attachments/{attachment_id}/`` downloads one (logged)."""

    serializer_class = s.CaseListSerializer
    filterset_class = CaseFilter
    queryset = Case.objects.none()

    def get_queryset(self) -> QuerySet[Case]:
        qs = cases_visible_to(request_user(self.request)).prefetch_related(
            Prefetch("subjects", queryset=Official.objects.select_related("unit").order_by("name", "id")),
            Prefetch("rules", queryset=DisciplineRule.objects.order_by("code")),
        ).order_by("-registered_on", "-id")
        if self.action not in ("list", "attachment", "attachments"):  # the full file: detail and after a write
            qs = qs.prefetch_related(
                Prefetch("transitions", queryset=CaseTransition.objects.select_related("by").order_by("at", "id")),
                "attachments",
                Prefetch("decisions", queryset=Decision.objects.select_related("kind").order_by("official_id",
                                                                                                  "id")),
            )
        return qs

    def get_serializer_class(self) -> type[BaseSerializer]:
        return s.CaseListSerializer if self.action == "list" else s.CaseDetailSerializer

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        case_svc.record_access(user=request_user(request), cases=case, action=CaseAccess.Action.API)
        return Response(s.CaseDetailSerializer(case).data)

    def _answer(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        """Answer a write with the case file — a read of it too, so it is logged like the detail."""
        fresh = self.get_queryset().get(pk=case.pk)
        case_svc.record_access(user=request_user(self.request), cases=fresh, action=CaseAccess.Action.API)
        return Response(s.CaseDetailSerializer(fresh).data, status=code)

    def _resolve(self, values: dict[str, Any], *, case: Case | None = None) -> dict[str, Any]:
        """Turn ids into objects: units and officials in the caller's scope, rules, an investigator."""
        user = request_user(self.request)
        resolved: dict[str, Any] = {}
        if "unit" in values:
            unit = units_visible_to(user).filter(pk=values.pop("unit")).first()
            if unit is None:
                raise Http404
            resolved["unit"] = unit
        if "subjects" in values:
            ids = list(dict.fromkeys(values.pop("subjects")))
            subjects = list(officials_visible_to(user).filter(pk__in=ids))  # outside the scope: as if missing
            if len(subjects) != len(ids):
                raise _missing("subjects", _("Some of these officials are outside your scope."))
            resolved["subjects"] = subjects
        if "rules" in values:
            ids = list(dict.fromkeys(values.pop("rules")))
            rules = list(DisciplineRule.objects.filter(pk__in=ids))
            if len(rules) != len(ids):
                raise _missing("rules", _("Choose rules from the catalogue."))
            resolved["rules"] = rules
        if values.get("investigator") is not None:
            unit = resolved.get("unit") or (case.unit if case else None)
            investigator = (users_with_role_over(unit, Role.DISCIPLINE).filter(pk=values["investigator"]).first()
                            if unit else None)
            if investigator is None:
                raise _missing("investigator", _("The investigator must be in discipline inspection over the "
                                                 "case's unit."))
            values["investigator"] = investigator
        return {**values, **resolved}

    @idempotent_create
    @extend_schema(request=s.CaseInputSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        values = self._resolve(parse_input(s.CaseInputSerializer, request))
        case = case_svc.case_register(by=request_user(request), **values)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.CaseEditSerializer, responses={200: s.CaseDetailSerializer})
    def update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=s.CaseEditSerializer, responses={200: s.CaseDetailSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        case = self.get_object()
        data = parse_input(s.CaseEditSerializer, request, partial=partial)
        given = {k: v for k, v in data.items() if k in request.data or not partial}
        values = self._resolve(given, case=case)
        current: dict[str, Any] = {
            "title": case.title, "facts": case.facts, "source": case.source,
            "source_reference": case.source_reference, "subjects": list(case.subjects.all()),
            "rules": list(case.rules.all()), "investigator": case.investigator,
        }
        case = case_svc.case_update(by=request_user(request), case=case, **{**current, **values})
        return self._answer(case)

    @extend_schema(request=s.TransitionInputSerializer, responses={200: s.CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: Any = None) -> Response:
        """Move the case one step (``investigating``, ``decided``, ``closed``, ``not_pursued`` with a reason)."""
        case = self.get_object()
        values = parse_input(s.TransitionInputSerializer, request)
        case = case_svc.case_transition(by=request_user(request), case=case, to=values["to"], comment=values["comment"])
        return self._answer(case)

    @idempotent_create
    @extend_schema(request={"multipart/form-data": s.AttachmentInputSerializer},
                   responses={201: s.AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """Attach a file (PDF, image, Word or Excel; size-limited) to the case."""
        case = self.get_object()
        values = parse_input(s.AttachmentInputSerializer, request)
        attachment = case_svc.attachment_add(by=request_user(request), case=case, upload=values["file"])
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment(self, request: Request, pk: Any = None, attachment_id: Any = None) -> FileResponse:
        """Download one of the case's attachments (the read is logged)."""
        case = self.get_object()
        attachment = get_object_or_404(case.attachments.all(), pk=attachment_id)
        case_svc.record_access(user=request_user(request), cases=case, action=CaseAccess.Action.ATTACHMENT)
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def register(router: BaseRouter) -> None:
    router.register("cases", CaseViewSet, basename="case")
