"""Annual grades (年度考核等次): the rules a grade is proposed by — thresholds, the 优秀 quota, the constraints that cap
or replace a grade — with the parameters a year is frozen with, and the reads of the grades pages (what a user may
see, a unit's quota figures). Proposing and confirming are in
``appraisal.services.grades`` and ``appraisal.services.grades_confirm``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from appraisal.constraints import GradeConstraint
from appraisal.models import (
    GRADE_ORDER,
    AnnualProcedure,
    AppraisalPeriod,
    GradeDecision,
    PeriodKind,
    QuotaApproval,
    Stage,
)
from appraisal.models import Grade as G
from appraisal.scoring.parameters import parameter_for, score_parameter
from appraisal.selectors.quarterly import with_good_quarters
from org.models import OrgUnit, User
from org.selectors import access_for, in_subtrees_q

# -- settings-free defaults ----------------------------------------------------------------------------
# The national rules for civil servants' annual appraisal, as practised: a year score of 90 or more may be
# 优秀 (within the quota), 70 称职, 60 基本称职, below 不称职; 优秀 for at most 20 % of a unit's appraised
# officials, rounded down. A deployment changes them in settings (APPRAISAL_GRADE_THRESHOLDS = {"excellent":
# 90, "competent": 70, "basic": 60}, APPRAISAL_EXCELLENT_QUOTA = 0.20) without a code change.
DEFAULT_GRADE_THRESHOLDS: dict[str, Decimal] = {
    G.EXCELLENT: Decimal(90), G.COMPETENT: Decimal(70), G.BASIC: Decimal(60),
}
DEFAULT_EXCELLENT_QUOTA = Decimal("0.20")
# An approved larger share never goes past this (shared/rules.md: up to 25 % in special cases, with approval).
DEFAULT_EXCELLENT_QUOTA_CEILING = Decimal("0.25")
REPLACING = (G.UNDETERMINED, G.NOT_APPRAISED)


# -- parameters ---------------------------------------------------------------------------------------
def grade_thresholds() -> dict[str, Decimal]:
    """Return the score thresholds by grade (settings ``APPRAISAL_GRADE_THRESHOLDS`` over the defaults)."""
    configured = getattr(settings, "APPRAISAL_GRADE_THRESHOLDS", {}) or {}
    return {grade: Decimal(str(configured.get(grade, default))) for grade, default in DEFAULT_GRADE_THRESHOLDS.items()}


def excellent_quota() -> Decimal:
    """Return the default share of a unit's appraised officials that may be 优秀."""
    return Decimal(str(getattr(settings, "APPRAISAL_EXCELLENT_QUOTA", DEFAULT_EXCELLENT_QUOTA)))


def excellent_quota_ceiling() -> Decimal:
    """Return the largest share of a unit's appraised officials an approval may allow to be 优秀."""
    return Decimal(str(getattr(settings, "APPRAISAL_EXCELLENT_QUOTA_CEILING", DEFAULT_EXCELLENT_QUOTA_CEILING)))


@score_parameter("grades")
def _grades_parameter(period: AppraisalPeriod) -> dict[str, Any] | None:
    """A year's grade thresholds, default 优秀 share and the units' approved shares, frozen when it closes."""
    if period.kind != PeriodKind.YEAR:
        return None
    approvals = QuotaApproval.objects.filter(period=period).order_by("unit_id").values_list("unit_id", "share")
    return {"thresholds": {grade: str(value) for grade, value in grade_thresholds().items()},
            "excellent_quota": str(excellent_quota()),
            "approvals": {str(unit_id): str(share) for unit_id, share in approvals}}


@dataclass(frozen=True)
class GradeParameters:
    thresholds: dict[str, Decimal]
    default_share: Decimal
    approvals: dict[int, Decimal]  # unit id → approved share

    def share(self, unit_id: int) -> Decimal:
        return self.approvals.get(unit_id, self.default_share)


def grade_parameters(period: AppraisalPeriod) -> GradeParameters:
    """Return the thresholds and shares a year's grades are proposed with: frozen once the year is closed."""
    values = parameter_for(period, "grades") or _grades_parameter(period) or {}
    return GradeParameters(
        thresholds={grade: Decimal(value) for grade, value in values["thresholds"].items()},
        default_share=Decimal(values["excellent_quota"]),
        approvals={int(unit_id): Decimal(share) for unit_id, share in values["approvals"].items()},
    )


# -- rules --------------------------------------------------------------------------------------------
def grade_for_score(score: Decimal, thresholds: dict[str, Decimal] | None = None) -> str:
    """Return the grade a score reaches before the quota (优秀 means "eligible for 优秀")."""
    thresholds = thresholds or grade_thresholds()
    for grade in (G.EXCELLENT, G.COMPETENT, G.BASIC):
        if score >= thresholds[grade]:
            return grade
    return G.INCOMPETENT


def quota_size(share: Decimal, headcount: int) -> int:
    """Return how many officials may be 优秀: the share of the headcount, rounded down."""
    return math.floor(share * headcount)


def worse(grade: str, cap: str) -> str:
    return GRADE_ORDER[max(GRADE_ORDER.index(G(grade)), GRADE_ORDER.index(G(cap)))]


def apply_constraints(grade: str, constraints: Iterable[GradeConstraint | dict]) -> str:
    """Return the grade after the constraints: 不参加考核 and 不确定等次 replace it, a cap lowers it."""
    caps = [c["max_grade"] if isinstance(c, dict) else c.max_grade for c in constraints]
    if G.NOT_APPRAISED in caps:
        return G.NOT_APPRAISED
    if G.UNDETERMINED in caps:
        return G.UNDETERMINED
    for cap in caps:
        grade = worse(grade, cap)
    return grade


def allows_excellent(constraints: Iterable[GradeConstraint]) -> bool:
    return all(c.max_grade == G.EXCELLENT for c in constraints)


def share_percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}"


# -- reads ---------------------------------------------------------------------------------------------
def grades_visible_to(
    user: User | AnonymousUser, *, roles: Iterable[str] = ("org", "head"), include_own: bool = False,
) -> QuerySet[GradeDecision]:
    """Return the grades a user may see: those of units (or officials' units) in their org or head subtrees,
    and with ``include_own`` the user's own grades (every official sees their own)."""
    qs = GradeDecision.objects.select_related("period", "official", "official__unit", "unit", "confirmed_by")
    access = access_for(user)
    if access.is_superuser:
        return qs
    paths = access.paths(roles)
    q = in_subtrees_q(paths, "unit", "official__unit", model=GradeDecision)
    if include_own and access.official_id is not None:
        q |= Q(official_id=access.official_id)
    return qs.filter(q)


def can_manage_grades(user: User | AnonymousUser, unit: OrgUnit) -> bool:
    return access_for(user).covers(unit.path, ("org",))


def unit_quota_share(period: AppraisalPeriod, unit: OrgUnit) -> tuple[Decimal, QuotaApproval | None]:
    """Return a unit's 优秀 share for a year (frozen with a closed year) and its approval record, if any."""
    approval = QuotaApproval.objects.filter(period=period, unit=unit).first()
    if period.is_frozen:
        return grade_parameters(period).share(unit.pk), approval
    return (approval.share if approval else excellent_quota()), approval


@dataclass(frozen=True)
class UnitGradeSummary:
    headcount: int  # appraised (not counting 不参加考核)
    share: Decimal
    quota: int
    excellent: int  # 优秀 as it stands (final when set, else proposed)
    confirmed: int
    total: int
    approval: QuotaApproval | None


def unit_grade_summary(*, period: AppraisalPeriod, unit: OrgUnit) -> UnitGradeSummary:
    """Return the quota figures of a unit for the grades page (two queries)."""
    share, approval = unit_quota_share(period, unit)
    rows = GradeDecision.objects.filter(period=period, unit=unit)
    figures = rows.aggregate(
        total=Count("id"),
        not_appraised=Count("id", filter=Q(final=G.NOT_APPRAISED) | Q(final="", proposed=G.NOT_APPRAISED)),
        excellent=Count("id", filter=Q(final=G.EXCELLENT) | Q(final="", proposed=G.EXCELLENT)),
        confirmed=Count("id", filter=Q(confirmed_at__isnull=False)),
    )
    headcount = figures["total"] - figures["not_appraised"]
    return UnitGradeSummary(headcount=headcount, share=share, quota=quota_size(share, headcount),
                            excellent=figures["excellent"], confirmed=figures["confirmed"], total=figures["total"],
                            approval=approval)


# -- the grades page -----------------------------------------------------------------------------------
def units_with_grades(user: User | AnonymousUser, period: AppraisalPeriod) -> QuerySet[OrgUnit]:
    """Return the units whose grades of the year the user sees, in tree order."""
    visible = grades_visible_to(user).filter(period=period)
    return OrgUnit.objects.filter(pk__in=visible.values("unit_id")).order_by("path")


def unit_grade_rows(user: User | AnonymousUser, period: AppraisalPeriod, unit: OrgUnit) -> QuerySet[GradeDecision]:
    """Return a unit's grades of the year the user sees, with their good quarters, the best score first."""
    rows = grades_visible_to(user).filter(period=period, unit=unit)
    return with_good_quarters(rows).order_by("-score", "official__name", "official_id")


@dataclass(frozen=True)
class Confirmation:
    """Where the confirmation of a unit's grades stands for the user."""

    procedure: AnnualProcedure | None
    can_manage: bool  # the organization department over the unit
    at_confirmation: bool  # the unit's 评语 and proposals are in (or, under 公示, those sent back)
    locked: bool  # a closed year with confirmed grades

    @property
    def can_confirm(self) -> bool:
        return self.can_manage and not self.locked and self.at_confirmation


def confirmation(user: User | AnonymousUser, period: AppraisalPeriod, unit: OrgUnit,
                 summary: UnitGradeSummary) -> Confirmation:
    """Return whether the user may confirm the unit's grades now: the 考核委员会 confirms only once the unit's 评语
    and proposals are in (or, under 公示, those sent back), and not in a closed year once confirmed."""
    procedure = AnnualProcedure.objects.filter(period=period, unit=unit).first()
    return Confirmation(
        procedure=procedure, can_manage=can_manage_grades(user, unit),
        at_confirmation=procedure is not None and procedure.stage in (Stage.CONFIRMATION, Stage.NOTICE),
        locked=period.is_frozen and summary.confirmed > 0)
