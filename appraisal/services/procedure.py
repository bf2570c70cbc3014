"""The year's procedure of a top-level unit (年度考核程序): open it, move it on one stage at a time, audit each step.

Stages, in order (``appraisal.models.annual.Stage``): 个人总结 → 评语 and proposals → confirmation → 公示 → final
→ notices signed. A stage is left only by its own service, each with its own permission and its own refusal
when the work of the stage is not done, so nothing is skipped:

- ``procedure_open`` (organization department): the year's grades must have been proposed for the unit; every
  appraised official gets an empty summary to write;
- ``summaries_close`` (the unit's head or the organization department): every appraised official has submitted;
- ``proposals_submit`` (the same): every official who needs a 评语 has one (``appraisal.services.comments``);
- ``grade_confirm_unit`` (``appraisal.services.grades_confirm``), ``notice_open`` and ``objection_decide``
  (``appraisal.services.notices``), ``procedure_finalize`` and the signatures (``appraisal.services.finalize``).

Every step writes a ``ProcedureEvent`` (who, what, to whom, when, why).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    AppraisalPeriod,
    PeriodKind,
    ProcedureEvent,
    Stage,
    SummaryStatus,
)
from appraisal.selectors.access import is_lead_over, is_org_over
from appraisal.selectors.annual import appraised_grades, needs_comment_q, unit_grades, unopened_units
from common.errors import ApplicationError
from common.notifications import Notice, notify, notify_many
from org.models import Official, OrgUnit, User
from org.selectors import access_for, users_with_role_over

MISSING_NAMES_SHOWN = 10


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ApplicationError(message, code="forbidden")


def require_stage(procedure: AnnualProcedure, *stages: Stage, action: str) -> None:
    """Refuse an action out of order with a machine-readable code and a message naming the stage."""
    if procedure.stage not in stages:
        raise ApplicationError(
            _("%(action)s is not possible now: the appraisal of %(unit)s is at the stage “%(stage)s”.")
            % {"action": action, "unit": procedure.unit.name, "stage": procedure.get_stage_display()},
            code="wrong_stage", extra={"stage": procedure.stage},
        )


# -- audit ---------------------------------------------------------------------------------------------
def procedure_event(
    *, procedure: AnnualProcedure, action: str, by: User | None, official: Official | int | None = None,
    note: str = "", data: dict[str, Any] | None = None,
) -> ProcedureEvent:
    """Write the audit row of one step."""
    official_id = official.pk if isinstance(official, Official) else official
    return ProcedureEvent.objects.create(procedure=procedure, action=action, by=by, official_id=official_id,
                                         note=note, data=data or {})


def set_stage(procedure: AnnualProcedure, stage: Stage) -> None:
    procedure.stage = stage
    procedure.stage_changed_at = timezone.now()
    procedure.save(update_fields=["stage", "stage_changed_at"])


def lock(procedure: AnnualProcedure) -> AnnualProcedure:
    return AnnualProcedure.objects.select_for_update().select_related("unit", "period").get(pk=procedure.pk)


# -- helpers ------------------------------------------------------------------------------------------
def _names(officials: Iterable[str], total: int) -> str:
    names = "、".join(list(officials)[:MISSING_NAMES_SHOWN])
    return names + (_(" and %(n)s more") % {"n": total - MISSING_NAMES_SHOWN} if total > MISSING_NAMES_SHOWN else "")


# -- actions -------------------------------------------------------------------------------------------
def procedure_open(*, period: AppraisalPeriod, unit: OrgUnit, by: User) -> AnnualProcedure:
    """Open the year's appraisal of a top-level unit: every appraised official is asked for a summary."""
    if period.kind != PeriodKind.YEAR:
        raise ApplicationError(_("Annual grades are given for a year period only."), code="not_a_year")
    require(is_org_over(by, unit), _("Only the organization department over this unit may open its appraisal."))
    with transaction.atomic():
        if AnnualProcedure.objects.filter(period=period, unit=unit).exists():
            raise ApplicationError(_("The %(year)s appraisal of %(unit)s is already open.")
                                   % {"year": period.key, "unit": unit.name}, code="already_open")
        procedure = AnnualProcedure.objects.create(period=period, unit=unit, opened_by=by,
                                                   stage_changed_at=timezone.now())
        roster = list(appraised_grades(procedure).values_list("official_id", "official__user_id"))
        if not roster:
            raise ApplicationError(
                _("No grades have been proposed for %(unit)s in %(year)s yet: propose the year's grades first.")
                % {"unit": unit.name, "year": period.key}, code="no_grades")
        AnnualSummary.objects.bulk_create(
            [AnnualSummary(procedure=procedure, official_id=official_id) for official_id, _user in roster],
            batch_size=1000)
        url = reverse("appraisal:summary_mine")
        notify_many(Notice(user_id=user_id, kind="summary_requested", url=url,
                           title=_("Write your %(year)s annual summary") % {"year": period.key},
                           dedupe_key=f"summary-requested:{procedure.pk}")
                    for _official, user_id in roster if user_id)
        procedure_event(procedure=procedure, action="open", by=by, data={"officials": len(roster)})
    return procedure


def procedures_open_all(*, period: AppraisalPeriod, by: User) -> int:
    """Open the appraisal of every unit in the caller's scope whose grades are proposed; return how many."""
    require(access_for(by).has_role("org"), _("Only the organization department may open the annual appraisal."))
    units = unopened_units(by, period)
    count = 0
    for unit in units:
        procedure_open(period=period, unit=unit, by=by)
        count += 1
    return count


def summaries_close(*, procedure: AnnualProcedure, by: User) -> AnnualProcedure:
    """End the summaries stage once every appraised official has submitted; heads then write the 评语."""
    require(is_lead_over(by, procedure.unit), _("Only the unit's head or the organization department may do this."))
    with transaction.atomic():
        locked = lock(procedure)
        require_stage(locked, Stage.SUMMARIES, action=_("Closing the summaries"))
        roster = appraised_grades(locked).values("official_id")
        submitted = AnnualSummary.objects.filter(procedure=locked, status=SummaryStatus.SUBMITTED)
        missing = Official.objects.filter(pk__in=roster).exclude(pk__in=submitted.values("official_id")).order_by(
            "name")
        count = missing.count()
        if count:
            raise ApplicationError(
                _("%(n)s officials have not submitted their summary yet: %(names)s.")
                % {"n": count, "names": _names(missing.values_list("name", flat=True)[:MISSING_NAMES_SHOWN], count)},
                code="summaries_missing", extra={"missing": count})
        set_stage(locked, Stage.COMMENTS)
        procedure_event(procedure=locked, action="summaries_close", by=by)
        notify(users=users_with_role_over(locked.unit, "head").exclude(pk=by.pk), kind="comments_due",
               url=reverse("appraisal:procedure_detail", args=[locked.pk]),
               title=_("Write the %(year)s comments of %(unit)s") % {"year": locked.period.key,
                                                                    "unit": locked.unit.name})
    return locked


def proposals_submit(*, procedure: AnnualProcedure, by: User) -> AnnualProcedure:
    """Put the 评语 and proposals to the organization department once every required 评语 is written."""
    require(is_lead_over(by, procedure.unit), _("Only the unit's head or the organization department may do this."))
    with transaction.atomic():
        locked = lock(procedure)
        require_stage(locked, Stage.COMMENTS, action=_("Submitting the proposals"))
        missing = unit_grades(locked).filter(needs_comment_q(), comment="").order_by("official__name")
        count = missing.count()
        if count:
            raise ApplicationError(
                _("%(n)s officials have no comment yet: %(names)s.")
                % {"n": count, "names": _names(missing.values_list("official__name", flat=True)[:MISSING_NAMES_SHOWN],
                                               count)},
                code="comments_missing", extra={"missing": count})
        set_stage(locked, Stage.CONFIRMATION)
        procedure_event(procedure=locked, action="proposals_submit", by=by)
        notify(users=users_with_role_over(locked.unit, "org").exclude(pk=by.pk), kind="grades_to_confirm",
               url=reverse("appraisal:procedure_detail", args=[locked.pk]),
               title=_("The %(year)s proposals of %(unit)s wait for confirmation") % {
                   "year": locked.period.key, "unit": locked.unit.name})
    return locked
