"""API of the supervision letters: ``/api/v1/supervision-letters/``, scoped, with reply and sign actions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import parse_input, request_user
from common.idempotency import idempotent_create
from tasks.api.serializers import LetterIssueSerializer, LetterReplySerializer, LetterSerializer, LetterSignSerializer
from tasks.models import SupervisionLetter
from tasks.selectors import letters as selectors
from tasks.services import letters as svc


class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Supervision letters the caller may see, newest first. ``tab`` narrows the list:
    received, issued, open or overdue. POST issues a letter (organization department or a head)."""

    serializer_class = LetterSerializer
    queryset = SupervisionLetter.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[SupervisionLetter]:
        tab = self.request.query_params.get("tab", "all") if self.action == "list" else "all"
        return selectors.letters_for_list(
            request_user(self.request), tab=tab if tab in selectors.LIST_TABS else "all",
        ).select_related("replied_by", "issuer_signed_by", "recipient_signed_by")

    @idempotent_create
    @extend_schema(request=LetterIssueSerializer, responses={201: LetterSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(LetterIssueSerializer, request, self.get_serializer_context())
        letter = svc.letter_issue(
            by=request_user(request), recipient_unit=data["recipient_unit"],
            recipient_official=data.get("recipient_official"), task=data.get("task"), title=data["title"],
            content=data["content"], reply_deadline=data["reply_deadline"], number=data.get("number") or None,
        )
        return Response(self._out(letter.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=LetterReplySerializer, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(LetterReplySerializer, request, self.get_serializer_context())
        letter = svc.letter_reply(letter=self.get_object(), by=request_user(request), reply=data["reply"])
        return Response(self._out(letter.pk))

    @extend_schema(
        request=LetterSignSerializer, responses=LetterSerializer,
        description="Sign for the issuer or the recipient side; the second signature closes the letter. "
                    "Without `side`, the side the caller belongs to (the issuer side first).",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(LetterSignSerializer, request, self.get_serializer_context())
        letter = svc.letter_sign(letter=self.get_object(), by=request_user(request), side=data.get("side"))
        return Response(self._out(letter.pk))

    def _out(self, pk: int) -> dict[str, Any]:
        return LetterSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data


def register(router: BaseRouter) -> None:
    router.register("supervision-letters", LetterViewSet, basename="supervision-letter")
