"""The discipline endpoints: scoped reads through ``discipline.selectors``, writes through the services.

Anything outside the caller's scope reads as missing (404); a write the caller may see but not make is refused
by the service (``{"code": "forbidden", ...}``). Reading a case's file (its detail) writes an access-log row.
"""

from __future__ import annotations

from typing import Any, cast

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
from rest_framework.serializers import BaseSerializer

from common.errors import ApplicationError
from discipline import selectors
from discipline import serializers as s
from discipline.models import (
    Appeal,
    AppealOutcome,
    Case,
    CaseAccess,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Decision,
    DecisionKind,
    DisciplineRule,
    RuleCategory,
    Talk,
    TalkKind,
    TalkOccasion,
    ToleranceRequest,
    ToleranceStatus,
)
from discipline.services import appeals as appeal_svc
from discipline.services import cases as case_svc
from discipline.services import catalogue as catalogue_svc
from discipline.services import decisions as decision_svc
from discipline.services import talks as talk_svc
from discipline.services import tolerance as tolerance_svc
from org.models import Official, Role, User
from org.selectors import officials_visible_to, units_visible_to, users_with_role_over


def _user(request: Request) -> User:
    return cast(User, request.user)  # IsAuthenticated: never anonymous here


def _parse(serializer_class: type[BaseSerializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(cast(dict[str, Any], data.validated_data))


def _missing(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", extra={"fields": {field: [message]}})


# --- the catalogue ---------------------------------------------------------------------------------


class RuleFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=RuleCategory.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = DisciplineRule
        fields = ["category", "is_active"]


class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The rule catalogue (discipline inspection and the organization department). ``POST`` adds a rule and
    ``PUT``/``PATCH`` changes one — county-level discipline inspection only."""

    serializer_class = s.RuleSerializer
    filterset_class = RuleFilter
    queryset = DisciplineRule.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[DisciplineRule]:
        if not selectors.can_read_case_files(_user(self.request)):
            return DisciplineRule.objects.none()
        return DisciplineRule.objects.order_by("code")

    @extend_schema(request=s.RuleInputSerializer, responses={201: s.RuleSerializer})
    def create(self, request: Request) -> Response:
        values = _parse(s.RuleInputSerializer, request)
        rule = catalogue_svc.rule_save(by=_user(request), **values)
        return Response(s.RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RuleInputSerializer, responses={200: s.RuleSerializer})
    def update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=s.RuleInputSerializer, responses={200: s.RuleSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        rule = self.get_object()
        data = s.RuleInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = {"code": rule.code, "category": rule.category, "text": rule.text, "is_active": rule.is_active,
                  **data.validated_data}
        rule = catalogue_svc.rule_save(by=_user(request), rule=rule, **values)
        return Response(s.RuleSerializer(rule).data)


class KindViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The kinds of decision with their defaults. ``PATCH`` changes a kind's defaults (county-level discipline
    inspection); decisions already recorded keep theirs."""

    serializer_class = s.KindSerializer
    filterset_fields = ["group", "is_active"]
    queryset = DecisionKind.objects.none()

    def get_queryset(self) -> QuerySet[DecisionKind]:
        if not selectors.can_read_case_files(_user(self.request)):
            return DecisionKind.objects.none()
        return DecisionKind.objects.order_by("group", "severity", "code")

    @extend_schema(request=s.KindInputSerializer, responses={200: s.KindSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        kind = self.get_object()
        data = s.KindInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {"points": kind.points, "grade_cap": kind.grade_cap, "cap_scope": kind.cap_scope,
                  "months_in_force": kind.months_in_force, "promotion_bar_months": kind.promotion_bar_months,
                  "is_active": kind.is_active, **data.validated_data}
        kind = catalogue_svc.kind_configure(by=_user(request), kind=kind, **values)
        return Response(s.KindSerializer(kind).data)


# --- cases -----------------------------------------------------------------------------------------


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    source = django_filters.ChoiceFilter(choices=CaseSource.choices)
    year = django_filters.NumberFilter(field_name="registered_on", lookup_expr="year")
    official = django_filters.NumberFilter(method="filter_official", help_text="A subject's official id.")
    unit = django_filters.CharFilter(method="filter_unit", help_text="A unit code, with its subtree.")

    class Meta:
        model = Case
        fields = ["status", "source", "year", "official", "unit"]

    def filter_official(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(pk__in=Case.subjects.through.objects.filter(official_id=value).values("case_id"))

    def filter_unit(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        unit = units_visible_to(self.request.user).filter(code=value).first()
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Case files (discipline inspection and the organization department over the case's unit). The list has
    no facts; the detail has the file and logs the read. ``POST`` registers a case, ``PUT``/``PATCH`` edits an
    open one, ``POST {id}/transition/`` moves it, ``POST {id}/attachments/`` attaches a file (multipart) and
    ``GET {id}/attachments/{attachment_id}/`` downloads one (logged)."""

    serializer_class = s.CaseListSerializer
    filterset_class = CaseFilter
    queryset = Case.objects.none()

    def get_queryset(self) -> QuerySet[Case]:
        qs = selectors.cases_visible_to(_user(self.request)).prefetch_related(
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
        case_svc.record_access(user=_user(request), cases=case, action=CaseAccess.Action.API)
        return Response(s.CaseDetailSerializer(case).data)

    def _answer(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        """Answer a write with the case file — a read of it too, so it is logged like the detail."""
        fresh = self.get_queryset().get(pk=case.pk)
        case_svc.record_access(user=_user(self.request), cases=fresh, action=CaseAccess.Action.API)
        return Response(s.CaseDetailSerializer(fresh).data, status=code)

    def _resolve(self, values: dict[str, Any], *, case: Case | None = None) -> dict[str, Any]:
        """Turn ids into objects: units and officials in the caller's scope, rules, an investigator."""
        user = _user(self.request)
        resolved: dict[str, Any] = {}
        if "unit" in values:
            unit = units_visible_to(user).filter(pk=values.pop("unit")).first()
            if unit is None:
                raise Http404
            resolved["unit"] = unit
        if "subjects" in values:
            ids = list(dict.fromkeys(values.pop("subjects")))
            subjects = list(Official.objects.filter(pk__in=ids).select_related("unit"))
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

    @extend_schema(request=s.CaseInputSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        values = self._resolve(_parse(s.CaseInputSerializer, request))
        case = case_svc.case_register(by=_user(request), **values)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.CaseEditSerializer, responses={200: s.CaseDetailSerializer})
    def update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=s.CaseEditSerializer, responses={200: s.CaseDetailSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        case = self.get_object()
        data = s.CaseEditSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        given = {k: v for k, v in data.validated_data.items() if k in request.data or not partial}
        values = self._resolve(given, case=case)
        current: dict[str, Any] = {
            "title": case.title, "facts": case.facts, "source": case.source,
            "source_reference": case.source_reference, "subjects": list(case.subjects.all()),
            "rules": list(case.rules.all()), "investigator": case.investigator,
        }
        case = case_svc.case_update(by=_user(request), case=case, **{**current, **values})
        return self._answer(case)

    @extend_schema(request=s.TransitionInputSerializer, responses={200: s.CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: Any = None) -> Response:
        """Move the case one step (``investigating``, ``decided``, ``closed``, ``not_pursued`` with a reason)."""
        case = self.get_object()
        values = _parse(s.TransitionInputSerializer, request)
        case = case_svc.case_transition(by=_user(request), case=case, to=values["to"], comment=values["comment"])
        return self._answer(case)

    @extend_schema(request={"multipart/form-data": s.AttachmentInputSerializer},
                   responses={201: s.AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """Attach a file (PDF, image, Word or Excel; size-limited) to the case."""
        case = self.get_object()
        values = _parse(s.AttachmentInputSerializer, request)
        attachment = case_svc.attachment_add(by=_user(request), case=case, upload=values["file"])
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment(self, request: Request, pk: Any = None, attachment_id: Any = None) -> FileResponse:
        """Download one of the case's attachments (the read is logged)."""
        case = self.get_object()
        attachment = get_object_or_404(case.attachments.all(), pk=attachment_id)
        case_svc.record_access(user=_user(request), cases=case, action=CaseAccess.Action.ATTACHMENT)
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- decisions -------------------------------------------------------------------------------------


class DecisionFilter(django_filters.FilterSet):
    official = django_filters.NumberFilter(field_name="official_id")
    case = django_filters.NumberFilter(field_name="case_id")
    kind = django_filters.CharFilter(field_name="kind__code")
    year = django_filters.NumberFilter(field_name="effective_date", lookup_expr="year")
    effective = django_filters.BooleanFilter(method="filter_effective",
                                             help_text="true: neither exempted nor revoked.")

    class Meta:
        model = Decision
        fields = ["official", "case", "kind", "year", "effective"]

    def filter_effective(self, queryset: QuerySet[Decision], name: str, value: bool | None) -> QuerySet[Decision]:
        if value is None:
            return queryset
        effective = queryset.effective()  # type: ignore[attr-defined]
        return effective if value else queryset.exclude(pk__in=effective.values("pk"))


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Decisions: case readers in scope, and the subject their own (with no case facts and no decision text).
    ``POST`` records a decision for a subject of a case under investigation (discipline inspection)."""

    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter
    queryset = Decision.objects.none()

    def get_queryset(self) -> QuerySet[Decision]:
        return selectors.decisions_visible_to(_user(self.request)).order_by("-effective_date", "-id")

    @extend_schema(request=s.DecisionInputSerializer, responses={201: s.DecisionSerializer})
    def create(self, request: Request) -> Response:
        values = _parse(s.DecisionInputSerializer, request)
        user = _user(request)
        case = selectors.cases_visible_to(user).filter(pk=values.pop("case")).first()
        if case is None:
            raise Http404
        official = case.subjects.filter(pk=values.pop("official")).first()
        if official is None:
            raise _missing("official", _("This official is not a subject of the case."))
        kind = DecisionKind.objects.filter(pk=values.pop("kind")).first()
        if kind is None:
            raise _missing("kind", _("Choose a kind of decision."))
        decision = decision_svc.decision_record(by=user, case=case, official=official, kind=kind, **values)
        fresh = self.get_queryset().get(pk=decision.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


# --- error tolerance -------------------------------------------------------------------------------


class ToleranceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ToleranceStatus.choices)
    official = django_filters.NumberFilter(field_name="official_id")
    case = django_filters.NumberFilter(field_name="case_id")
    year = django_filters.NumberFilter(field_name="created_at", lookup_expr="year")

    class Meta:
        model = ToleranceRequest
        fields = ["status", "official", "case", "year"]


class ToleranceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Error tolerance requests (容错免责). ``POST`` files one (the official, a head over them or discipline
    inspection); ``review`` is discipline inspection's opinion, ``decide`` the organization department's
    decision, ``rectified`` records the rectification done."""

    serializer_class = s.ToleranceSerializer
    filterset_class = ToleranceFilter
    queryset = ToleranceRequest.objects.none()

    def get_queryset(self) -> QuerySet[ToleranceRequest]:
        return selectors.tolerance_visible_to(_user(self.request)).select_related(
            "requested_by", "reviewed_by", "decided_by").order_by("-created_at", "-id")

    def _answer(self, request_: ToleranceRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=request_.pk)).data, status=code)

    @extend_schema(request=s.ToleranceInputSerializer, responses={201: s.ToleranceSerializer})
    def create(self, request: Request) -> Response:
        values = _parse(s.ToleranceInputSerializer, request)
        user = _user(request)
        official = selectors.effect_officials_for(user).filter(pk=values.pop("official")).first()
        case = (Case.objects.filter(pk=values.pop("case"), subjects=official).first()
                if official is not None else None)
        if official is None or case is None:
            raise Http404
        filed = tolerance_svc.tolerance_request(by=user, case=case, official=official, **values)
        return self._answer(filed, status.HTTP_201_CREATED)

    @extend_schema(request=s.ToleranceReviewSerializer, responses={200: s.ToleranceSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        values = _parse(s.ToleranceReviewSerializer, request)
        reviewed = tolerance_svc.tolerance_review(by=_user(request), request=self.get_object(), **values)
        return self._answer(reviewed)

    @extend_schema(request=s.ToleranceDecideSerializer, responses={200: s.ToleranceSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        values = _parse(s.ToleranceDecideSerializer, request)
        decided = tolerance_svc.tolerance_decide(by=_user(request), request=self.get_object(), **values)
        return self._answer(decided)

    @extend_schema(request=s.RectifiedSerializer, responses={200: s.ToleranceSerializer})
    @action(detail=True, methods=["post"])
    def rectified(self, request: Request, pk: Any = None) -> Response:
        values = _parse(s.RectifiedSerializer, request)
        done = tolerance_svc.rectification_complete(by=_user(request), request=self.get_object(), **values)
        return self._answer(done)


# --- appeals ---------------------------------------------------------------------------------------


class AppealFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=AppealOutcome.choices)
    pending = django_filters.BooleanFilter(method="filter_pending", help_text="true: not decided yet.")
    official = django_filters.NumberFilter(field_name="decision__official_id")
    decision = django_filters.NumberFilter(field_name="decision_id")
    year = django_filters.NumberFilter(field_name="filed_on", lookup_expr="year")

    class Meta:
        model = Appeal
        fields = ["outcome", "pending", "official", "decision", "year"]

    def filter_pending(self, queryset: QuerySet[Appeal], name: str, value: bool | None) -> QuerySet[Appeal]:
        if value is None:
            return queryset
        return queryset.filter(outcome="") if value else queryset.exclude(outcome="")


class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appeals (申诉): the subject files one against their decision within the window; discipline inspection
    over the case ``decide``s it (upheld, changed to ``new_kind``, revoked)."""

    serializer_class = s.AppealSerializer
    filterset_class = AppealFilter
    queryset = Appeal.objects.none()

    def get_queryset(self) -> QuerySet[Appeal]:
        return selectors.appeals_visible_to(_user(self.request)).select_related(
            "decision__official__unit", "filed_by", "decided_by").order_by("-filed_on", "-id")

    def _answer(self, appeal: Appeal, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=appeal.pk)).data, status=code)

    @extend_schema(request=s.AppealInputSerializer, responses={201: s.AppealSerializer})
    def create(self, request: Request) -> Response:
        values = _parse(s.AppealInputSerializer, request)
        user = _user(request)
        decision = selectors.decisions_visible_to(user).filter(pk=values["decision"]).first()
        if decision is None:
            raise Http404
        appeal = appeal_svc.appeal_file(by=user, decision=decision, grounds=values["grounds"])
        return self._answer(appeal, status.HTTP_201_CREATED)

    @extend_schema(request=s.AppealDecideSerializer, responses={200: s.AppealSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        values = _parse(s.AppealDecideSerializer, request)
        new_kind = None
        if values["new_kind"] is not None:
            new_kind = DecisionKind.objects.filter(pk=values["new_kind"], is_active=True).first()
            if new_kind is None:
                raise _missing("new_kind", _("Choose the kind of decision it is changed to."))
        decided = appeal_svc.appeal_decide(by=_user(request), appeal=appeal, outcome=values["outcome"],
                                           note=values["note"], new_kind=new_kind)
        return self._answer(decided)


# --- talks -----------------------------------------------------------------------------------------


class TalkFilter(django_filters.FilterSet):
    official = django_filters.NumberFilter(field_name="official_id")
    kind = django_filters.ChoiceFilter(choices=TalkKind.choices)
    occasion = django_filters.ChoiceFilter(choices=TalkOccasion.choices)
    year = django_filters.NumberFilter(field_name="held_on", lookup_expr="year")
    follow_up_done = django_filters.BooleanFilter()

    class Meta:
        model = Talk
        fields = ["official", "kind", "occasion", "year", "follow_up_done"]


class TalkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Talks (谈心谈话) — confidential records kept by discipline inspection and the organization department.
    ``POST`` records a talk; ``PATCH`` records its follow-up (``follow_up``, ``done``)."""

    serializer_class = s.TalkSerializer
    filterset_class = TalkFilter
    queryset = Talk.objects.none()

    def get_queryset(self) -> QuerySet[Talk]:
        return selectors.talks_visible_to(_user(self.request)).select_related("talker__unit", "case").order_by(
            "-held_on", "-id")

    def _answer(self, talk: Talk, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=talk.pk)).data, status=code)

    @extend_schema(request=s.TalkInputSerializer, responses={201: s.TalkSerializer})
    def create(self, request: Request) -> Response:
        values = _parse(s.TalkInputSerializer, request)
        user = _user(request)
        official = officials_visible_to(user, roles=selectors.CASE_ROLES, include_self=False).filter(
            pk=values.pop("official")).first()
        if official is None:
            raise Http404
        talker_id, case_id = values.pop("talker"), values.pop("case")
        talker = Official.objects.filter(pk=talker_id).first() if talker_id is not None else None
        if talker_id is not None and talker is None:
            raise _missing("talker", _("Say who held the talk."))
        case = selectors.cases_visible_to(user).filter(pk=case_id).first() if case_id is not None else None
        if case_id is not None and case is None:
            raise Http404
        talk = talk_svc.talk_record(by=user, official=official, talker=talker, case=case, **values)
        return self._answer(talk, status.HTTP_201_CREATED)

    @extend_schema(request=s.TalkFollowUpSerializer, responses={200: s.TalkSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        talk = self.get_object()
        data = s.TalkFollowUpSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {"follow_up": talk.follow_up, "done": talk.follow_up_done, **data.validated_data}
        talk = talk_svc.talk_follow_up(by=_user(request), talk=talk, **values)
        return self._answer(talk)
