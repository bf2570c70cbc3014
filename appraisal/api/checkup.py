"""API of the quarterly check-up: ``/api/v1/checkup-rounds/``, ``/api/v1/checkup-assignments/`` and
``/api/v1/checkup-results/``. A round is named by its quarter's key (``2026-Q3``).

Nobody reads another rater's scores here: the assignments endpoint lists only the caller's own assignments;
the organization department sees results (aggregates) and progress counts, the official rated their own
result once the round is closed, without the group scores.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.forms.checkup import units_managed_by
from appraisal.models import CheckupResult, CheckupRound, RaterAssignment, RaterGroup
from appraisal.selectors import checkup as selectors
from appraisal.services import checkup as svc
from appraisal.services import checkup_raters as raters_svc
from common.api import LimitedCharField, ModelSerializer, parse_input
from common.errors import ApplicationError
from common.idempotency import idempotent_create
from org.models import Official, OrgUnit, User
from org.selectors import officials_visible_to

KEY_REGEX = r"\d{4}-[Qq][1-4]"
KEY_LENGTH = len("2026-Q3")  # with the pattern, the whole key


class RoundSerializer(ModelSerializer):
    key = LimitedCharField(source="period.key", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CheckupRound
        fields = ["key", "status", "group_weights", "group_trim", "min_responses", "problem_threshold", "created_at",
                  "closed_at", "progress"]

    def get_progress(self, checkup: CheckupRound) -> dict[str, int]:
        return {name: getattr(checkup, name, 0) for name in ("assigned", "submitted", "pending", "excused")}


class RoundOpenSerializer(serializers.Serializer):
    period = serializers.RegexField(KEY_REGEX, max_length=KEY_LENGTH, help_text="The quarter, e.g. 2026-Q3.")
    group_weights = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=2),
                                          required=False, help_text="Weight by rater group; defaults when empty.")
    min_responses = serializers.IntegerField(min_value=1, max_value=50, default=1)
    problem_threshold = serializers.IntegerField(min_value=0, max_value=100, default=70)
    group_trim = serializers.DictField(child=serializers.BooleanField(), required=False,
                                       help_text="By rater group, whether a group with five ratings or more drops "
                                                 "its highest and lowest; groups not named do.")


class AssignDefaultsSerializer(serializers.Serializer):
    unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.none())
    colleagues = serializers.IntegerField(min_value=0, max_value=30, default=raters_svc.DEFAULT_COLLEAGUES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["unit"].queryset = units_managed_by(request.user)  # type: ignore[attr-defined]


class _CheckupOfficialSerializer(ModelSerializer):
    unit = LimitedCharField(source="unit.name", read_only=True)

    class Meta:
        model = Official
        fields = ["id", "staff_number", "name", "unit"]


class AssignmentSerializer(ModelSerializer):
    """One of the caller's own assignments (the scores are their own)."""

    round = LimitedCharField(source="round.period.key", read_only=True)
    official = _CheckupOfficialSerializer(read_only=True)

    class Meta:
        model = RaterAssignment
        fields = ["id", "round", "official", "group", "status", "political", "moral", "discipline", "law", "style",
                  "comment", "excuse_reason", "submitted_at"]


class AssignedSerializer(ModelSerializer):
    """An assignment as the organization department made it: who rates whom, never the scores."""

    round = LimitedCharField(source="round.period.key", read_only=True)
    rater = LimitedCharField(source="rater.username", read_only=True)

    class Meta:
        model = RaterAssignment
        fields = ["id", "round", "official", "rater", "group", "status"]


class AssignSerializer(serializers.Serializer):
    round = serializers.RegexField(KEY_REGEX, max_length=KEY_LENGTH)
    official = serializers.PrimaryKeyRelatedField[Official](queryset=Official.objects.none())
    group = serializers.ChoiceField(choices=RaterGroup.choices)
    raters = serializers.ListField(child=serializers.SlugRelatedField[User](
        slug_field="username", queryset=User.objects.all()), min_length=1, help_text="User names of the raters.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["official"].queryset = officials_visible_to(  # type: ignore[attr-defined]
                request.user, roles=(selectors.ORG,), include_self=False)


class RateSerializer(serializers.Serializer):
    political = serializers.IntegerField(min_value=0, max_value=100)
    moral = serializers.IntegerField(min_value=0, max_value=100)
    discipline = serializers.IntegerField(min_value=0, max_value=100)
    law = serializers.IntegerField(min_value=0, max_value=100)
    style = serializers.IntegerField(min_value=0, max_value=100)  # type: ignore[assignment]  # Field.style: a name
    comment = LimitedCharField(max_length=2000, required=False, allow_blank=True, default="")


class ExcuseSerializer(serializers.Serializer):
    reason = LimitedCharField(max_length=200)


class ResultSerializer(ModelSerializer):
    round = LimitedCharField(source="round.period.key", read_only=True)
    round_status = LimitedCharField(source="round.status", read_only=True)
    official = _CheckupOfficialSerializer(read_only=True)
    problem_count = serializers.SerializerMethodField()

    class Meta:
        model = CheckupResult
        fields = ["round", "round_status", "official", "score", "is_incomplete", "group_scores", "dimension_scores",
                  "problems", "problem_count", "computed_at"]

    def get_problem_count(self, result: CheckupResult) -> int:
        return len(result.problems)

    def to_representation(self, instance: CheckupResult) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not selectors.may_see_group_scores(request.user, instance):
            data.pop("group_scores")  # a group of one rater would name that rater's scores
        return data


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Check-up rounds (organization department): list, retrieve by quarter key, open, compute, close."""

    serializer_class = RoundSerializer
    queryset = CheckupRound.objects.none()
    lookup_field = "period__key"
    lookup_url_kwarg = "key"
    lookup_value_regex = KEY_REGEX

    def get_queryset(self) -> QuerySet[CheckupRound]:
        return selectors.rounds_with_progress(self.request.user)

    def get_object(self) -> CheckupRound:
        self.kwargs["key"] = self.kwargs["key"].upper()
        return super().get_object()

    @idempotent_create
    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer})
    def create(self, request: Request) -> Response:
        data = parse_input(RoundOpenSerializer, request)
        checkup = svc.round_open_for_key(
            by=request.user, key=data["period"],  # type: ignore[arg-type]
            group_weights=data.get("group_weights"), min_responses=data["min_responses"],
            problem_threshold=data["problem_threshold"], group_trim=data.get("group_trim"))
        return Response(self._out(checkup), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RoundSerializer},
                   description="Compute the results of an open round now; answers with `computed` officials.")
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, key: str | None = None) -> Response:
        n = svc.round_recompute(by=request.user, round=self.get_object())  # type: ignore[arg-type]
        return Response({**self._out(self.get_object()), "computed": n})

    @extend_schema(request=None, responses={200: RoundSerializer},
                   description="Compute the final results and close the round.")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, key: str | None = None) -> Response:
        svc.round_close(by=request.user, round=self.get_object())  # type: ignore[arg-type]
        return Response(self._out(self.get_object()))

    @extend_schema(request=AssignDefaultsSerializer, responses={200: RoundSerializer},
                   description="Assign the usual raters (principal leader, colleagues, organization department) "
                               "to every active official of a unit's subtree; answers with `added`.")
    @action(detail=True, methods=["post"], url_path="assign-defaults")
    def assign_defaults(self, request: Request, key: str | None = None) -> Response:
        data = parse_input(AssignDefaultsSerializer, request)
        added = raters_svc.raters_assign_defaults(by=request.user, round=self.get_object(),  # type: ignore[arg-type]
                                                  unit=data["unit"], colleagues=data["colleagues"])
        return Response({**self._out(self.get_object()), "added": added})

    def _out(self, checkup: CheckupRound) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=checkup.pk)
        return dict(RoundSerializer(fresh, context=self.get_serializer_context()).data)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own rater assignments (``?round=KEY``, ``?status=pending``), with rate and excuse actions.
    POST (organization department) assigns raters to an official: ``{round, official, group, raters}``."""

    serializer_class = AssignmentSerializer
    queryset = RaterAssignment.objects.none()

    def get_queryset(self) -> QuerySet[RaterAssignment]:
        qs = selectors.assignments_of(self.request.user)  # type: ignore[arg-type]
        if self.action == "list":
            key = self.request.query_params.get("round")
            if key:
                qs = qs.filter(round__period__key=key.upper())
            wanted = self.request.query_params.get("status")
            if wanted:
                qs = qs.filter(status=wanted)
        return qs

    @idempotent_create
    @extend_schema(request=AssignSerializer, responses={201: AssignedSerializer(many=True)})
    def create(self, request: Request) -> Response:
        data = parse_input(AssignSerializer, request)
        checkup = selectors.rounds_visible_to(request.user).filter(
            period__key=data["round"].upper()).first()
        if checkup is None:
            raise ApplicationError(_("There is no check-up round for %(key)s.") % {"key": data["round"].upper()},
                                   code="no_round")
        new = raters_svc.raters_assign(by=request.user, round=checkup, official=data["official"],  # type: ignore[arg-type]
                                       group=data["group"], raters=data["raters"])
        return Response(AssignedSerializer(new, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RateSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(RateSerializer, request)
        assignment = raters_svc.rating_submit(by=request.user, assignment=self.get_object(), **data)  # type: ignore[arg-type]
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(request=ExcuseSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def excuse(self, request: Request, pk: str | None = None) -> Response:
        data = parse_input(ExcuseSerializer, request)
        assignment = raters_svc.rating_excuse(by=request.user, assignment=self.get_object(),  # type: ignore[arg-type]
                                              reason=data["reason"])
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)


@extend_schema(parameters=[OpenApiParameter("round", str, description="The quarter's key, e.g. 2026-Q3.")])
class ResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Check-up results: the organization department's subtree, and the caller's own once the round is closed."""

    serializer_class = ResultSerializer
    queryset = CheckupResult.objects.none()

    def get_queryset(self) -> QuerySet[CheckupResult]:
        qs = selectors.results_visible_to(self.request.user)
        key = self.request.query_params.get("round")
        if key:
            qs = qs.filter(round__period__key=key.upper())
        return qs.order_by("-round__period__start", "official__unit__path", "official__name", "official_id")


def register(router: BaseRouter) -> None:
    router.register("checkup-rounds", RoundViewSet, basename="checkup-round")
    router.register("checkup-assignments", AssignmentViewSet, basename="checkup-assignment")
    router.register("checkup-results", ResultViewSet, basename="checkup-result")
