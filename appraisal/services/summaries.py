"""个人总结 (述职): the official writes the year's summary in five sections (德、能、勤、绩、廉), saved as a draft
(autosaved while typing), then submitted; the head returns it with a reason, like a monthly report.

The official writes their own; for an official without a login account the head over them types it in (代填),
which the audit row records. 班子成员 and 中层 may be asked to give the 述职 orally at a meeting.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    SUMMARY_SECTIONS,
    AnnualProcedure,
    AnnualSummary,
    Grade,
    GradeDecision,
    Stage,
    SummaryStatus,
)
from appraisal.selectors.access import is_head_over, is_lead_over
from appraisal.selectors.annual import grading_path, may_write_summary
from appraisal.selectors.summaries import ORAL_RANKS
from appraisal.services.procedure import procedure_event, require, require_stage
from common.errors import ApplicationError
from common.notifications import notify
from common.text_limits import check_values
from org.models import Official, User
from org.selectors import access_for


def summaries_ensure(*, official: Official) -> int:
    """Give an official the empty summary of each unit's year at the summaries stage where they are appraised but
    have none — one added to the roster after the year was opened (the grades proposed again). Return how many."""
    wanted = [(period_id, unit_id) for period_id, unit_id in GradeDecision.objects.filter(official=official)
              .exclude(proposed=Grade.NOT_APPRAISED).values_list("period_id", "unit_id")]
    if not wanted:
        return 0
    procedures = AnnualProcedure.objects.filter(
        stage=Stage.SUMMARIES, period_id__in={p for p, _u in wanted}, unit_id__in={u for _p, u in wanted}).exclude(
        summaries__official=official)
    created = [AnnualSummary(procedure=p, official=official) for p in procedures
               if (p.period_id, p.unit_id) in wanted]
    AnnualSummary.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def _lock(summary: AnnualSummary) -> AnnualSummary:
    return (AnnualSummary.objects.select_for_update()
            .select_related("procedure", "procedure__unit", "procedure__period", "official", "official__unit")
            .get(pk=summary.pk))


def summary_save(*, summary: AnnualSummary, by: User, sections: dict[str, str]) -> AnnualSummary:
    """Save the five sections of a draft or returned summary (what is not given is kept)."""
    require(may_write_summary(by, summary), _("Only the official may write their own summary."))
    unknown = set(sections) - set(SUMMARY_SECTIONS)
    if unknown:
        raise ApplicationError(_("Unknown sections: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                               code="invalid")
    check_values(AnnualSummary, {name: text or "" for name, text in sections.items()})
    with transaction.atomic():
        locked = _lock(summary)
        require_stage(locked.procedure, Stage.SUMMARIES, action=_("Writing the summary"))
        if not locked.is_editable:
            raise ApplicationError(_("This summary has been submitted and can no longer be edited."),
                                   code="not_editable")
        for name, text in sections.items():
            setattr(locked, name, (text or "").strip())
        locked.save()
    return locked


def summary_submit(*, summary: AnnualSummary, by: User, now: datetime | None = None) -> AnnualSummary:
    """Submit a draft or returned summary; the achievements (绩) section must be written."""
    require(may_write_summary(by, summary), _("Only the official may submit their own summary."))
    with transaction.atomic():
        locked = _lock(summary)
        require_stage(locked.procedure, Stage.SUMMARIES, action=_("Submitting the summary"))
        if not locked.is_editable:
            raise ApplicationError(_("This summary has already been submitted."), code="invalid_transition")
        empty = [name for name in SUMMARY_SECTIONS if not getattr(locked, name).strip()]
        if empty:
            raise ApplicationError(_("Write every section (德、能、勤、绩、廉) before submitting."),
                                   code="summary_incomplete", extra={"fields": {n: [_("Required.")] for n in empty}})
        locked.status = SummaryStatus.SUBMITTED
        locked.submitted_at = now or timezone.now()
        locked.save()
        on_behalf = access_for(by).official_id != locked.official_id
        procedure_event(procedure=locked.procedure, action="summary_submit", by=by, official=locked.official,
                        data={"on_behalf": on_behalf})
    return locked


def summary_return(*, summary: AnnualSummary, by: User, reason: str) -> AnnualSummary:
    """Return a submitted summary to the official with a reason (the head over them)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for returning the summary."), code="reason_required")
    require(is_head_over(by, summary.official, unit_path=grading_path(summary)),
            _("Only a head over this official may return the summary."))
    with transaction.atomic():
        locked = _lock(summary)
        require_stage(locked.procedure, Stage.SUMMARIES, action=_("Returning the summary"))
        if locked.status != SummaryStatus.SUBMITTED:
            raise ApplicationError(_("Only a submitted summary can be returned."), code="invalid_transition")
        locked.status = SummaryStatus.RETURNED
        locked.return_reason, locked.returned_by, locked.returned_at = reason, by, timezone.now()
        locked.save()
        procedure_event(procedure=locked.procedure, action="summary_return", by=by, official=locked.official,
                        note=reason)
        notify(users=[locked.official.user], kind="summary_returned", url=reverse("appraisal:summary_mine"),
               title=_("Your %(year)s annual summary was returned for revision") % {
                   "year": locked.procedure.period.key}, body=reason)
    return locked


def summary_set_oral(
    *, summary: AnnualSummary, by: User, at: datetime | None, place: str,
) -> AnnualSummary:
    """Ask a 班子成员 or 中层 to give the 述职 orally at a meeting (a time and place), or clear it (``at=None``)."""
    require(is_lead_over(by, summary.procedure.unit)
            and is_head_over(by, summary.official, unit_path=grading_path(summary)),
            _("Only the unit's head or the organization department may arrange an oral report."))
    place = (place or "").strip()
    with transaction.atomic():
        locked = _lock(summary)
        require_stage(locked.procedure, Stage.SUMMARIES, Stage.COMMENTS, action=_("Arranging an oral report"))
        if at is not None:
            if locked.official.rank_level not in ORAL_RANKS:
                raise ApplicationError(_("Oral reports are given by leadership members and middle-level cadres."),
                                       code="not_eligible")
            if not place:
                raise ApplicationError(_("Give the place of the meeting."), code="place_required",
                                       extra={"fields": {"oral_place": [_("Required.")]}})
        locked.oral_at, locked.oral_place = at, place if at else ""
        locked.save()
        procedure_event(procedure=locked.procedure, action="summary_oral", by=by, official=locked.official,
                        data={"at": at.isoformat() if at else None, "place": locked.oral_place})
        if at is not None:
            notify(users=[locked.official.user], kind="oral_report", url=reverse("appraisal:summary_mine"),
                   title=_("Give your annual report orally on %(when)s at %(place)s") % {
                       "when": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"), "place": locked.oral_place})
    return locked


