"""API of the supervision letters: ``/api/v1/supervision-letters/``, scoped, with reply and sign actions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from common.api import LimitedCharField, ModelSerializer, parse_input
from common.idempotency import idempotent_create
from common.text_limits import LONG
from org.models import Official, OrgUnit, User
from org.selectors import officials_visible_to
from tasks.forms.letters import units_issuable_by
from tasks.models import SupervisionLetter, Task
from tasks.selectors.tasks import tasks_visible_to
from tasks.services import letters as svc


class _UnitSerializer(ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class _OfficialSerializer(ModelSerializer):
    class Meta:
        model = Official
        fields = ["id", "staff_number", "name"]


class LetterSerializer(ModelSerializer):
    issuer_unit = _UnitSerializer(read_only=True)
    recipient_unit = _UnitSerializer(read_only=True)
    recipient_official = _OfficialSerializer(read_only=True, allow_null=True)
    issued_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    replied_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    issuer_signed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    recipient_signed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionLetter
        fields = [
            "id", "number", "title", "content", "issuer_unit", "issued_by", "recipient_unit", "recipient_official",
            "task", "reply_deadline", "status", "is_overdue", "reply", "replied_by", "replied_at",
            "issuer_signed_by", "issuer_signed_at", "recipient_signed_by", "recipient_signed_at", "closed_at",
            "created_at",
        ]

    def get_is_overdue(self, letter: SupervisionLetter) -> bool:
        return letter.is_overdue()


class LetterIssueSerializer(serializers.Serializer):
    """Input of an issue: ``recipient_unit`` is a unit code; the official and the task are ids."""

    recipient_unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none())
    recipient_official = serializers.PrimaryKeyRelatedField[Official](
        queryset=Official.objects.none(), required=False, allow_null=True)
    task = serializers.PrimaryKeyRelatedField[Task](queryset=Task.objects.none(), required=False, allow_null=True)
    title = LimitedCharField(max_length=200)
    content = LimitedCharField(max_length=LONG, )
    reply_deadline = serializers.DateField()
    number = LimitedCharField(max_length=40, required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only what the caller may see can be named; anything else "does not exist".
            user = request.user
            self.fields["recipient_unit"].queryset = units_issuable_by(user)  # type: ignore[attr-defined]
            self.fields["recipient_official"].queryset = officials_visible_to(user)  # type: ignore[attr-defined]
            self.fields["task"].queryset = tasks_visible_to(user)  # type: ignore[attr-defined]


class LetterReplySerializer(serializers.Serializer):
    reply = LimitedCharField(max_length=5000)


class LetterSignSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=[svc.ISSUER, svc.RECIPIENT], required=False, allow_null=True)


class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Supervision letters the caller may see, newest first. ``tab`` narrows the list:
    received, issued, open or overdue. POST issues a letter (organization department or a head)."""

    serializer_class = LetterSerializer
    queryset = SupervisionLetter.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[SupervisionLetter]:
        tab = self.request.query_params.get("tab", "all") if self.action == "list" else "all"
        user = self.request.user
        return svc.letters_for_list(user, tab=tab if tab in svc.LIST_TABS else "all").select_related(  # type: ignore[arg-type]
            "replied_by", "issuer_signed_by", "recipient_signed_by")

    @idempotent_create
    @extend_schema(request=LetterIssueSerializer, responses={201: LetterSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(LetterIssueSerializer, request, self.get_serializer_context())
        letter = svc.letter_issue(
            by=request.user, recipient_unit=data["recipient_unit"],  # type: ignore[arg-type]
            recipient_official=data.get("recipient_official"), task=data.get("task"), title=data["title"],
            content=data["content"], reply_deadline=data["reply_deadline"], number=data.get("number") or None,
        )
        return Response(self._out(letter.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=LetterReplySerializer, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(LetterReplySerializer, request, self.get_serializer_context())
        letter = svc.letter_reply(letter=self.get_object(), by=request.user, reply=data["reply"])  # type: ignore[arg-type]
        return Response(self._out(letter.pk))

    @extend_schema(
        request=LetterSignSerializer, responses=LetterSerializer,
        description="Sign for the issuer or the recipient side; the second signature closes the letter. "
                    "Without `side`, the side the caller belongs to (the issuer side first).",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(LetterSignSerializer, request, self.get_serializer_context())
        letter = svc.letter_sign(letter=self.get_object(), by=request.user, side=data.get("side"))  # type: ignore[arg-type]
        return Response(self._out(letter.pk))

    def _out(self, pk: int) -> dict[str, Any]:
        return LetterSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data


def register(router: BaseRouter) -> None:
    router.register("supervision-letters", LetterViewSet, basename="supervision-letter")
