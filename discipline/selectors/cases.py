"""Case files: who may read and handle them, the case list with its filters and time limits, one case's file,
the case register's rows, and the lookups of the case forms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from discipline.models import (
    OPEN_CASE_STATUSES,
    Appeal,
    Case,
    CaseAccess,
    CaseAttachment,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Decision,
    DisciplineRule,
    RuleCategory,
    ToleranceRequest,
)
from discipline.selectors.scope import CASE_ROLES, role_paths, scoped
from org.models import Official, OrgUnit, Role, User
from org.selectors import access_for, subtree_q


def can_read_case_files(user: User | AnonymousUser) -> bool:
    return access_for(user).has_role(*CASE_ROLES)


def can_handle(user: User | AnonymousUser, unit: OrgUnit) -> bool:
    """Whether the user may work on cases filed under ``unit`` (discipline inspection over it)."""
    return access_for(user).covers(unit.path, [Role.DISCIPLINE])


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    """Case files: discipline inspection and the organization department over the case's unit."""
    return scoped(Case.objects.select_related("unit", "investigator"), user, "unit__")


def cases_handled_by(user: User | AnonymousUser) -> QuerySet[Case]:
    """Cases the user may work on: discipline inspection over the case's unit."""
    return scoped(Case.objects.select_related("unit", "investigator"), user, "unit__", roles=[Role.DISCIPLINE])


def reads_case(user: User | AnonymousUser, case_id: int) -> bool:
    """Whether the user reads this case's file (one query)."""
    return cases_visible_to(user).filter(pk=case_id).exists()


def readable_case_ids(user: User | AnonymousUser, case_ids: Iterable[int]) -> set[int]:
    """Those of ``case_ids`` whose file the user reads (one query)."""
    return set(cases_visible_to(user).filter(pk__in=list(case_ids)).values_list("pk", flat=True))


def case_by_number(user: User | AnonymousUser, number: str) -> Case | None:
    """The visible case of that number, if any (a talk names its case by number)."""
    return cases_visible_to(user).filter(number=number).first()


def past_time_limit_q(today: date) -> Q:
    """Open cases past their time limit (settings ``DISCIPLINE_REGISTERED_DAYS``, ``DISCIPLINE_INVESTIGATION_DAYS``):
    registered too long ago and not taken up, or investigated for too long since the investigation began (the
    case's registration day when no step records it). Needs the ``investigating_since`` of
    ``with_time_limits``."""
    registered_by = today - timedelta(days=settings.DISCIPLINE_REGISTERED_DAYS)
    investigating_by = today - timedelta(days=settings.DISCIPLINE_INVESTIGATION_DAYS)
    began_by = timezone.make_aware(datetime.combine(investigating_by, time.min))
    return (Q(status=CaseStatus.REGISTERED, registered_on__lt=registered_by)
            | Q(status=CaseStatus.INVESTIGATING, investigating_since__lt=began_by)
            | Q(status=CaseStatus.INVESTIGATING, investigating_since__isnull=True, registered_on__lt=investigating_by))


def with_time_limits(cases: QuerySet[Case], today: date | None = None) -> QuerySet[Case]:
    """Annotate ``investigating_since`` (when the investigation began) and ``past_limit``."""
    began = CaseTransition.objects.filter(case_id=OuterRef("pk"), to_status=CaseStatus.INVESTIGATING).order_by(
        "-at", "-id").values("at")[:1]
    return cases.annotate(investigating_since=Subquery(began)).annotate(past_limit=ExpressionWrapper(
        past_time_limit_q(today or timezone.localdate()), output_field=BooleanField()))


def cases_with_pending_appeal_q() -> Q:
    """Cases with an appeal (申诉) against one of their decisions still to decide."""
    return Q(pk__in=Appeal.objects.filter(outcome="").values("decision__case_id"))


def under_investigation(official_ids: Iterable[int] | None = None) -> QuerySet[Case]:
    cases = Case.objects.filter(status__in=OPEN_CASE_STATUSES)
    if official_ids is not None:
        cases = cases.filter(subjects__in=list(official_ids))
    return cases


def next_number(year: int) -> str:
    """Return the next free case number of the year, "YYYY-NNNN"."""
    pattern = re.compile(rf"^{year}-(\d+)$")
    numbers = Case.objects.filter(number__startswith=f"{year}-").values_list("number", flat=True)
    highest = max((int(m.group(1)) for n in numbers if (m := pattern.match(n))), default=0)
    return f"{year}-{highest + 1:04d}"


# -- the case list --------------------------------------------------------------------------------------------

def case_units(paths: list[str] | None) -> QuerySet[OrgUnit]:
    """Active units under the given subtree prefixes (None: all)."""
    units = OrgUnit.objects.filter(is_active=True).order_by("path")
    return units if paths is None else units.filter(subtree_q(paths))


def unit_of_code(units: QuerySet[OrgUnit], code: str) -> OrgUnit | None:
    """The unit of that code among ``units`` (a list's unit filter), if any; none for an empty code."""
    return units.filter(code=code).first() if code else None


@dataclass(frozen=True)
class CaseFilters:
    """The case list's filters, as the page's query string gives them (each empty: not filtered)."""

    status: str = ""
    source: str = ""
    year: int | None = None
    unit: str = ""  # a unit code, with its subtree
    text: str = ""  # in the number, the title or a subject's name
    overdue: bool = False  # past the time limit
    appeal_pending: bool = False  # with an appeal to decide


@dataclass(frozen=True)
class CaseList:
    all_statuses: QuerySet[Case]  # every filter but the status (the counts per status)
    cases: QuerySet[Case]  # every filter, annotated with the time limits
    units: QuerySet[OrgUnit]  # the units the unit filter offers
    unit: OrgUnit | None  # the unit filtered on


def cases_filtered(user: User | AnonymousUser, filters: CaseFilters) -> CaseList:
    """The visible cases under the list's filters. The home page's links narrow the list to the cases past their
    time limit or with an appeal to decide; the counts per status stay those of the other filters."""
    cases = cases_visible_to(user)
    units = case_units(role_paths(user, CASE_ROLES))
    unit = unit_of_code(units, filters.unit)
    if unit is not None:
        cases = cases.filter(unit.subtree_q("unit__"))
    if filters.source in CaseSource.values:
        cases = cases.filter(source=filters.source)
    if filters.year is not None:
        cases = cases.filter(registered_on__year=filters.year)
    if filters.text:
        named = Case.subjects.through.objects.filter(official__name__icontains=filters.text).values("case_id")
        cases = cases.filter(Q(number__icontains=filters.text) | Q(title__icontains=filters.text)
                             | Q(pk__in=named))
    with_status = cases.filter(status=filters.status) if filters.status in CaseStatus.values else cases
    with_status = with_time_limits(with_status)
    if filters.overdue:
        with_status = with_status.filter(past_time_limit_q(timezone.localdate()))
    if filters.appeal_pending:
        with_status = with_status.filter(cases_with_pending_appeal_q())
    return CaseList(all_statuses=cases, cases=with_status, units=units, unit=unit)


def counts_by_status(cases: QuerySet[Case]) -> dict[str, int]:
    """How many of ``cases`` have each status (one query; a status none has is missing)."""
    return dict(cases.order_by().values_list("status").annotate(n=Count("id")))


# -- one case's file ------------------------------------------------------------------------------------------

def case_timeline(case: Case) -> list[CaseTransition]:
    """The case's transitions, oldest first (one query)."""
    return list(case.transitions.select_related("by").order_by("at", "id"))


@dataclass(frozen=True)
class CaseFile:
    """What the case page shows of a case, each part loaded in one query."""

    subjects: list[Official]
    decisions: list[Decision]
    appeals: list[Appeal]
    tolerance_requests: list[ToleranceRequest]
    rules: list[DisciplineRule]
    attachments: list[CaseAttachment]
    timeline: list[CaseTransition]
    accesses: list[CaseAccess]  # the latest reads of the file


ACCESSES_SHOWN = 15


def case_file(case: Case) -> CaseFile:
    """The parts of the case's file, in eight queries whatever their size."""
    subjects = list(case.subjects.select_related("unit").order_by("name"))
    decisions = list(case.decisions.select_related("official", "kind", "decided_by").order_by("official__name",
                                                                                              "effective_date"))
    appeals = list(Appeal.objects.filter(decision__case=case).select_related(
        "decision__official", "decision__kind", "previous_kind", "new_kind", "filed_by"))
    tolerance_requests = list(case.tolerance_requests.select_related("official"))
    return CaseFile(subjects=subjects, decisions=decisions, appeals=appeals, tolerance_requests=tolerance_requests,
                    rules=list(case.rules.all()), attachments=list(case.attachments.select_related("uploaded_by")),
                    timeline=case_timeline(case), accesses=list(case.accesses.select_related("user")[:ACCESSES_SHOWN]))


def attachments_visible_to(user: User | AnonymousUser) -> QuerySet[CaseAttachment]:
    """The attachments of the case files the user reads."""
    return CaseAttachment.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related("case")


def attachment_max_bytes() -> int:
    return int(settings.CASE_ATTACHMENT_MAX_BYTES)


def register_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """``cases`` with everything the case register (``discipline.excel``) shows loaded, replacing any earlier
    prefetch: six queries in all, whatever the number of cases."""
    return cases.prefetch_related(None).select_related("unit", "investigator__official").prefetch_related(
        Prefetch("subjects", queryset=Official.objects.order_by("name", "id")),
        Prefetch("rules", queryset=DisciplineRule.objects.order_by("code")),
        Prefetch("decisions", queryset=Decision.objects.select_related("kind").prefetch_related(
            Prefetch("appeals", queryset=Appeal.objects.order_by("filed_on", "id")),
        ).order_by("effective_date", "id")),
        Prefetch("tolerance_requests", queryset=ToleranceRequest.objects.order_by("created_at", "id")),
    )


# -- the case form --------------------------------------------------------------------------------------------

def investigators() -> QuerySet[User]:
    """The active accounts holding discipline inspection somewhere (who may investigate a case)."""
    return User.objects.filter(is_active=True, role_grants__role=Role.DISCIPLINE).distinct().order_by("username")


def active_rules() -> QuerySet[DisciplineRule]:
    """The rules in use, which a case may name."""
    return DisciplineRule.objects.filter(is_active=True)


def rules_by_category() -> list[tuple[str, list[DisciplineRule]]]:
    """The rules in use grouped by category (its label), categories without rules left out (one query)."""
    rules = list(active_rules().order_by("category", "code"))
    labels = dict(RuleCategory.choices)
    groups = [(str(labels[value]), [r for r in rules if r.category == value]) for value in RuleCategory.values]
    return [(label, items) for label, items in groups if items]
