"""Annual grades confirmed per unit by the organization department (with overrides, within the 优秀 quota), and the
approvals of a larger quota. See ``appraisal.services.grades`` for how grades are proposed."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AnnualProcedure, AppraisalPeriod, GradeDecision, GradeStatus, QuotaApproval, Stage
from appraisal.models import Grade as G
from appraisal.selectors.grades import (
    can_manage_grades,
    excellent_quota,
    excellent_quota_ceiling,
    quota_size,
    share_percent,
    unit_quota_share,
)
from appraisal.services.bulk import update_with_history
from appraisal.services.grades import CLEAN_EXCLUDE, FLAG_QUOTA_TIE, _previous_finals, _require_year, flags_for
from appraisal.services.procedure import procedure_event, require_stage
from common.errors import ApplicationError
from common.history import set_actor
from common.notifications import notify
from org.models import OrgUnit, User
from org.selectors import users_with_role_over


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
        update_with_history(objs=rows, model=GradeDecision, default_user=by,
                            fields=["final", "override_reason", "flags", "confirmed_by", "confirmed_at", "status"])
        procedure_event(procedure=procedure, action="confirm", by=by,
                        data={"grades": len(rows), "overrides": sorted(overrides)})
        url = reverse("appraisal:grades") + f"?period={locked_period.key}&unit={unit.code}"
        notify(users=users_with_role_over(unit, "head"), kind="grades_confirmed",
               title=_("The %(year)s annual grades of %(unit)s were confirmed.")
               % {"year": locked_period.key, "unit": unit.name},
               url=url, dedupe_key=f"grades-confirmed:{locked_period.key}:{unit.pk}:{now.isoformat()}")
    return len(rows)


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
