"""Annual grades (年度考核等次): propose from the year's scorecards, confirm per unit, approve a larger quota.

How a grade is proposed (``grades_propose``), for every official with a scorecard of the year:

1. the year score against the thresholds: ≥ 90 may be 优秀, ≥ 70 称职, ≥ 60 基本称职, else 不称职;
2. the 优秀 quota of each top-level unit is ``floor(share × appraised headcount)`` — the share is
   ``APPRAISAL_EXCELLENT_QUOTA`` (20 %) unless a ``QuotaApproval`` for the unit and year records a larger one;
   the appraised headcount leaves out the officials who are not appraised (不参加考核). 优秀 goes to the
   highest eligible scores within the quota; the eligible ones beyond it are proposed 称职.
   **Ties at the boundary**: officials with the same score are ordered by their number of confirmed 好 quarters
   (平时考核, ``appraisal.selectors.quarterly.good_quarters``), more first. When officials with the same score and
   the same number of 好 quarters still straddle the quota (two share the last place), none of the tied group is
   proposed 优秀 — the quota is never exceeded and nobody is preferred over an equal by an arbitrary order. They
   are flagged ``quota_tie`` so the organization department decides between them when it confirms (an override
   with a reason);
3. the constraints that other apps register (``appraisal.constraints``) cap the grade ("at most 称职") or
   replace it (不确定等次, 不参加考核); they are stored with their reasons. An official whose constraints
   forbid 优秀 takes no 优秀 place — among them the quarterly grades (``appraisal.constraints.quarterly``: a 较差
   quarter, 一般 in two quarters, or, where the unit chose it, no 好 quarter);
4. flags: 优秀 this year and the two previous years' final grades → ``commendation``; 不称职 this year and
   last year → ``dismissal_review`` (辞退, 公务员法 第88条); for 事业单位 (and 编外) staff, 不合格 two years running →
   ``contract_review`` (ending the contract, 事业单位人事管理条例 第16条).

Confirmed decisions are never touched by a new proposal. A confirmed grade of a closed or published year is
locked: the year must be re-opened (an audited action) before it changes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

import appraisal.constraints.builtin  # noqa: F401 - registers the default constraints (probation, leavers)
from appraisal.constraints import GradeConstraint, constraints_for
from appraisal.display.grade_labels import uses_qualified_grades
from appraisal.models import (
    GRADE_ORDER,
    AnnualProcedure,
    AppraisalPeriod,
    GradeDecision,
    GradeStatus,
    PeriodKind,
    QuotaApproval,
    Scorecard,
    Stage,
)
from appraisal.models import Grade as G
from appraisal.scoring.parameters import parameter_for, score_parameter
from appraisal.selectors.quarterly import good_quarters
from appraisal.services.bulk import update_with_history
from appraisal.services.procedure import procedure_event, require_stage
from common.errors import ApplicationError
from common.history import set_actor
from common.notifications import notify
from org.models import Official, OrgUnit, User
from org.selectors import access_for, subtree_q, users_with_role_over

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

FLAG_COMMENDATION = "commendation"
FLAG_DISMISSAL_REVIEW = "dismissal_review"
FLAG_CONTRACT_REVIEW = "contract_review"
FLAG_QUOTA_TIE = "quota_tie"
REPLACING = (G.UNDETERMINED, G.NOT_APPRAISED)
HISTORY_BATCH = 1000
# Checked by the database (foreign keys, the unique pair); the JSON lists may be empty, which the model's
# fields (not ``blank=True``) would otherwise refuse.
CLEAN_EXCLUDE = ["period", "official", "unit", "constraints", "flags"]


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


def flags_for(grade: str, last_year: str, year_before: str, category: str = "") -> list[str]:
    """Return the flags of a grade given the two previous years' final grades ("" when there is none) and the
    official's personnel category (staff on contracts are reviewed for ending the contract, not for 辞退)."""
    flags = []
    if grade == G.EXCELLENT and last_year == G.EXCELLENT and year_before == G.EXCELLENT:
        flags.append(FLAG_COMMENDATION)
    if grade == G.INCOMPETENT and last_year == G.INCOMPETENT:
        flags.append(FLAG_CONTRACT_REVIEW if uses_qualified_grades(category) else FLAG_DISMISSAL_REVIEW)
    return flags


# -- reads ---------------------------------------------------------------------------------------------
def grades_visible_to(
    user: User, *, roles: Iterable[str] = ("org", "head"), include_own: bool = False,
) -> QuerySet[GradeDecision]:
    """Return the grades a user may see: those of units (or officials' units) in their org or head subtrees,
    and with ``include_own`` the user's own grades (every official sees their own)."""
    qs = GradeDecision.objects.select_related("period", "official", "official__unit", "unit", "confirmed_by")
    access = access_for(user)
    if access.is_superuser:
        return qs
    paths = access.paths(roles)
    q = subtree_q(paths, "unit__") | subtree_q(paths, "official__unit__")
    if include_own and access.official_id is not None:
        q |= Q(official_id=access.official_id)
    return qs.filter(q)


def can_manage_grades(user: User, unit: OrgUnit) -> bool:
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


# -- actions -------------------------------------------------------------------------------------------
def _require_year(period: AppraisalPeriod) -> None:
    if period.kind != PeriodKind.YEAR:
        raise ApplicationError(_("Annual grades are given for a year period only."), code="not_a_year")


def _previous_finals(year: int, official_ids: list[int]) -> dict[tuple[int, int], str]:
    rows = GradeDecision.objects.filter(
        period__key__in=[str(year - 1), str(year - 2)], official_id__in=official_ids,
    ).exclude(final="").values_list("official_id", "period__key", "final")
    return {(official_id, int(key)): final for official_id, key, final in rows}


@dataclass(frozen=True)
class ProposeResult:
    created: int
    updated: int
    kept_confirmed: int


def grades_propose(*, period: AppraisalPeriod, by: User) -> ProposeResult:
    """Propose every official's grade of a year from its scorecards (organization department)."""
    _require_year(period)
    access = access_for(by)
    if not access.has_role("org"):
        raise ApplicationError(_("Only the organization department may propose annual grades."), code="forbidden")
    year = period.start.year
    with transaction.atomic():
        scorecards = Scorecard.objects.filter(period=period).select_related("unit")
        if not access.is_superuser:
            scorecards = scorecards.filter(subtree_q(access.paths(("org",)), "unit__"))
        cards = list(scorecards.only("id", "official_id", "unit_id", "total", "unit__path").order_by("unit_id"))
        if not cards:
            raise ApplicationError(
                _("There are no scorecards for %(year)s yet: run the year's rollup first.") % {"year": year},
                code="no_scorecards",
            )
        ids = [c.official_id for c in cards]
        found = constraints_for(year, ids)
        previous = _previous_finals(year, ids)
        categories = dict(Official.objects.filter(pk__in=ids).values_list("id", "personnel_category"))
        parameters = grade_parameters(period)
        existing = {g.official_id: g for g in GradeDecision.objects.filter(period=period, official_id__in=ids)}
        goods = good_quarters(year, ids)
        thresholds = parameters.thresholds
        by_unit: dict[int, list[Scorecard]] = defaultdict(list)
        for card in cards:
            by_unit[card.unit_id].append(card)

        created: list[GradeDecision] = []
        updated: list[GradeDecision] = []
        kept = 0
        for unit_id, unit_cards in by_unit.items():
            proposals = _propose_unit(unit_cards, found, thresholds, parameters.share(unit_id), goods)
            for card in unit_cards:
                grade, tie = proposals[card.official_id]
                constraints = found.get(card.official_id, [])
                flags = flags_for(grade, previous.get((card.official_id, year - 1), ""),
                                  previous.get((card.official_id, year - 2), ""), categories.get(card.official_id, ""))
                if tie:
                    flags.append(FLAG_QUOTA_TIE)
                values = {
                    "unit_id": unit_id, "score": card.total, "proposed": grade, "flags": flags,
                    "constraints": [{"max_grade": c.max_grade, "reason": c.reason, "source": c.source,
                                     "until": c.until.isoformat() if c.until else None} for c in constraints],
                }
                decision = existing.get(card.official_id)
                if decision is not None and decision.confirmed_at is not None:
                    kept += 1
                    continue
                if decision is None:
                    decision = GradeDecision(period=period, official_id=card.official_id, **values)
                    created.append(decision)
                else:
                    for field, value in values.items():
                        setattr(decision, field, value)
                    updated.append(decision)
                decision.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
        bulk_create_with_history(created, GradeDecision, batch_size=HISTORY_BATCH, default_user=by)
        if updated:
            bulk_update_with_history(updated, GradeDecision,
                                     ["unit_id", "score", "proposed", "flags", "constraints"],
                                     batch_size=HISTORY_BATCH, default_user=by)
    return ProposeResult(created=len(created), updated=len(updated), kept_confirmed=kept)


def _propose_unit(
    cards: list[Scorecard], found: dict[int, list[GradeConstraint]], thresholds: dict[str, Decimal], share: Decimal,
    goods: dict[int, int] | None = None,
) -> dict[int, tuple[str, bool]]:
    """Return ``{official_id: (grade, tied_at_the_quota_boundary)}`` for one unit's scorecards; ``goods`` holds the
    officials' 好 quarters, which order equal scores."""
    goods = goods or {}
    base = {c.official_id: grade_for_score(c.total, thresholds) for c in cards}
    final_base = {oid: apply_constraints(G.COMPETENT, found.get(oid, [])) for oid in base}
    headcount = sum(1 for oid in base if final_base[oid] != G.NOT_APPRAISED)
    quota = quota_size(share, headcount)

    def rank(card: Scorecard) -> tuple[Decimal, int]:
        return card.total, goods.get(card.official_id, 0)

    candidates = sorted(
        (c for c in cards if base[c.official_id] == G.EXCELLENT and allows_excellent(found.get(c.official_id, []))),
        key=lambda c: (-c.total, -goods.get(c.official_id, 0)),
    )
    excellent: set[int] = set()
    tied: set[int] = set()
    if candidates and quota > 0:
        if len(candidates) <= quota:
            excellent = {c.official_id for c in candidates}
        else:
            boundary = rank(candidates[quota - 1])
            above = [c for c in candidates if rank(c) > boundary]
            at = [c for c in candidates if rank(c) == boundary]
            excellent = {c.official_id for c in above}
            if len(above) + len(at) <= quota:
                excellent |= {c.official_id for c in at}
            else:
                tied = {c.official_id for c in at}
    result: dict[int, tuple[str, bool]] = {}
    for card in cards:
        oid = card.official_id
        grade = base[oid]
        if grade == G.EXCELLENT and oid not in excellent:
            grade = G.COMPETENT
        result[oid] = (apply_constraints(grade, found.get(oid, [])), oid in tied)
    return result


def grade_confirm_unit(
    *, period: AppraisalPeriod, unit: OrgUnit, by: User, overrides: dict[int, tuple[str, str]] | None = None,
) -> int:
    """Confirm the grades of a top-level unit for a year, with per-official overrides ``{id: (grade, reason)}``.

    An official without an override keeps an earlier override (if any) or takes the proposed grade. Every
    change is recorded in the grade's history with ``by``. Return how many grades were confirmed.
    """
    _require_year(period)
    overrides = overrides or {}
    if not can_manage_grades(by, unit):
        raise ApplicationError(_("Only the organization department over this unit may confirm its grades."),
                               code="forbidden")
    with transaction.atomic():
        locked_period = AppraisalPeriod.objects.select_for_update().get(pk=period.pk)
        all_rows = list(GradeDecision.objects.select_for_update().filter(period=locked_period, unit=unit)
                        .select_related("official").order_by("official_id"))
        if not all_rows:
            raise ApplicationError(_("No grades have been proposed for this unit yet."), code="no_grades")
        procedure = AnnualProcedure.objects.select_related("unit", "period").filter(
            period=locked_period, unit=unit).first()
        if procedure is None:
            raise ApplicationError(_("The annual appraisal of this unit has not been opened yet."),
                                   code="no_procedure")
        require_stage(procedure, Stage.CONFIRMATION, Stage.NOTICE, action=_("Confirming the grades"))
        # Under public notice only the grades sent back by an upheld objection are confirmed again.
        open_statuses = (GradeStatus.PROPOSED,) if procedure.stage == Stage.NOTICE else (
            GradeStatus.PROPOSED, GradeStatus.CONFIRMED)
        rows = [r for r in all_rows if r.status in open_statuses]
        if not rows:
            raise ApplicationError(_("Every grade of this unit is already under public notice or final."),
                                   code="invalid_transition")
        if locked_period.is_frozen and any(r.confirmed_at for r in rows):
            raise ApplicationError(
                _("The grades of %(unit)s for %(year)s are confirmed and the year is closed: re-open the year "
                  "to change them.") % {"unit": unit.name, "year": locked_period.key},
                code="locked",
            )
        strangers = set(overrides) - {r.official_id for r in all_rows}
        if strangers:
            raise ApplicationError(_("Some officials in the overrides have no grade in this unit."),
                                   code="unknown_official", extra={"officials": sorted(strangers)})
        for row in rows:
            if row.official_id in overrides:
                grade, reason = overrides[row.official_id]
                reason = (reason or "").strip()
                if grade not in G.values:
                    raise ApplicationError(_("“%(grade)s” is not a grade.") % {"grade": grade}, code="bad_grade")
                if grade != row.recommended and not reason:
                    raise ApplicationError(
                        _("Changing the grade of %(name)s needs a reason.") % {"name": row.official.name},
                        code="reason_required", extra={"official": row.official_id},
                    )
                row.final = grade
                row.override_reason = reason if grade != row.recommended else ""
            elif not row.override_reason:
                row.final = row.recommended
        share, _approval = unit_quota_share(locked_period, unit)
        headcount = sum(1 for r in all_rows if r.final != G.NOT_APPRAISED)
        quota = quota_size(share, headcount)
        excellent = sum(1 for r in all_rows if r.final == G.EXCELLENT)
        if excellent > quota:
            raise ApplicationError(
                _("%(n)s officials would be 优秀 but the quota of %(unit)s is %(quota)s (%(share)s%% of %(headcount)s "
                  "appraised officials, rounded down). Lower some grades, or record an approval of a larger share.")
                % {"n": excellent, "unit": unit.name, "quota": quota, "share": share_percent(share),
                   "headcount": headcount},
                code="quota_exceeded",
            )
        year = locked_period.start.year
        previous = _previous_finals(year, [r.official_id for r in rows])
        now = timezone.now()
        for row in rows:
            tie = [FLAG_QUOTA_TIE] if FLAG_QUOTA_TIE in row.flags and row.final != G.EXCELLENT else []
            row.flags = flags_for(row.final, previous.get((row.official_id, year - 1), ""),
                                  previous.get((row.official_id, year - 2), ""), row.official.personnel_category) + tie
            row.confirmed_by = by
            row.confirmed_at = now
            row.status = GradeStatus.CONFIRMED
            row.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
        update_with_history(rows, GradeDecision, ["final", "override_reason", "flags", "confirmed_by", "confirmed_at",
                                                  "status"], default_user=by)
        procedure_event(procedure=procedure, action="confirm", by=by,
                        data={"grades": len(rows), "overrides": sorted(overrides)})
        url = reverse("appraisal:grades") + f"?period={locked_period.key}&unit={unit.code}"
        notify(users=users_with_role_over(unit, "head"), kind="grades_confirmed",
               title=_("The %(year)s annual grades of %(unit)s were confirmed.")
               % {"year": locked_period.key, "unit": unit.name},
               url=url, dedupe_key=f"grades-confirmed:{locked_period.key}:{unit.pk}:{now.isoformat()}")
    return len(rows)


def share_percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}"


def quota_approve(*, period: AppraisalPeriod, unit: OrgUnit, share: Decimal, reason: str, by: User) -> QuotaApproval:
    """Record an approval for a unit to grade a larger share of its officials 优秀 this year."""
    _require_year(period)
    if not can_manage_grades(by, unit):
        raise ApplicationError(_("Only the organization department over this unit may approve a larger quota."),
                               code="forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("An approval of a larger quota needs a reason."), code="reason_required")
    default, ceiling = excellent_quota(), excellent_quota_ceiling()
    if not default < share <= ceiling:
        raise ApplicationError(
            _("The approved share must be above the default %(default)s%% and at most %(ceiling)s%%.")
            % {"default": share_percent(default), "ceiling": share_percent(ceiling)}, code="bad_share")
    with transaction.atomic():
        approval = QuotaApproval.objects.select_for_update().filter(period=period, unit=unit).first()
        if approval is None:
            approval = QuotaApproval(period=period, unit=unit)
        approval.share = share
        approval.reason = reason
        approval.approved_by = by
        set_actor(approval, by)  # simple-history records who approved
        approval.full_clean(validate_unique=False)
        approval.save()
    return approval
