"""复核 and 申诉 of a final grade (公务员法 第95、96条).

- ``review_request``: within ``APPRAISAL_REVIEW_DAYS`` (30) calendar days of the written notice, the official
  asks the organization department for 复核, with reasons; once per grade.
- ``review_decide`` (organization department): 维持 or 变更 with reasons, due within
  ``APPRAISAL_REVIEW_DECISION_DAYS`` (30) days. A changed grade is audited, notified again with a new written
  notice and signed again; the official is told either way.
- ``appeal_file``: within ``APPRAISAL_APPEAL_DAYS`` (15) days of the 复核 decision — or, without a 复核, within
  ``APPRAISAL_DIRECT_APPEAL_DAYS`` (30) days of the notice — the official records a 申诉 to the higher authority.
- ``appeal_record`` (organization department): the outcome decided outside the product, with its document number.

Deadlines are counted in calendar days, as the law counts them; the last day counts.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.display.grade_labels import grade_label
from appraisal.models import (
    AnnualProcedure,
    AppealOutcome,
    Grade,
    GradeAppeal,
    GradeDecision,
    GradeNotice,
    GradeReview,
    ReviewOutcome,
    Stage,
)
from appraisal.selectors.access import is_org_over
from appraisal.selectors.annual import REVIEW_GRADES, reviewable_grades
from appraisal.selectors.grades import quota_size, unit_quota_share
from appraisal.services.finalize import new_notice
from appraisal.services.procedure import procedure_event, require, set_stage
from common.errors import ApplicationError
from common.history import save_as
from common.notifications import notify
from common.text_limits import check_values
from org.models import User
from org.selectors import access_for, users_with_role_over


def _text(value: str, field: str, *, model: type[models.Model], column: str = "", message: str) -> str:
    """The text, trimmed: required, and no longer than ``model.column`` (``field`` by default) holds."""
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, code="reason_required", extra={"fields": {field: [_("Required.")]}})
    check_values(model, {column or field: value}, names={column or field: field})
    return value


def _procedure(grade: GradeDecision) -> AnnualProcedure:
    return AnnualProcedure.objects.select_related("unit", "period").get(period_id=grade.period_id,
                                                                        unit_id=grade.unit_id)


def _own(by: User, official_id: int) -> None:
    if access_for(by).official_id != official_id:
        raise ApplicationError(_("Only the official may do this for their own grade."), code="forbidden")


def review_request(*, notice: GradeNotice, by: User, reason: str, today: date | None = None) -> GradeReview:
    """Ask for 复核 of the grade on one's current written notice, within the deadline."""
    _own(by, notice.official_id)
    reason = _text(reason, "reason", model=GradeReview, message=_("Give the reasons for the review."))
    today = today or timezone.localdate()
    if not notice.is_current:
        raise ApplicationError(_("This notice was replaced by a newer one."), code="superseded")
    if today > notice.review_due:
        raise ApplicationError(
            _("The time to ask for a review ended on %(date)s (%(days)s days from the written notice).")
            % {"date": notice.review_due.isoformat(), "days": settings.APPRAISAL_REVIEW_DAYS},
            code="deadline_passed")
    if notice.grade_value not in reviewable_grades():
        raise ApplicationError(_("A review of the grade %(grade)s is not provided for here.")
                               % {"grade": grade_label(notice.grade_value, notice.official.personnel_category)},
                               code="not_reviewable")
    with transaction.atomic():
        grade = GradeDecision.objects.select_for_update().select_related("official").get(pk=notice.grade_id)
        if GradeReview.objects.filter(grade=grade).exists():
            raise ApplicationError(_("A review of this grade has already been asked for."), code="already_requested")
        review = GradeReview(grade=grade, notice=notice, official_id=notice.official_id, reason=reason,
                             previous_grade=grade.final,
                             decide_by=today + timedelta(days=int(settings.APPRAISAL_REVIEW_DECISION_DAYS)))
        save_as(review, by)
        procedure = _procedure(grade)
        procedure_event(procedure=procedure, action="review_request", by=by, official=grade.official_id,
                        note=reason, data={"review": review.pk})
        notify(users=users_with_role_over(procedure.unit, "org"), kind="review_requested",
               url=reverse("appraisal:review_detail", args=[review.pk]),
               title=_("%(name)s asks for a review of the %(year)s grade") % {
                   "name": grade.official.name, "year": procedure.period.key})
    return review


def review_decide(*, review: GradeReview, by: User, outcome: str, reason: str, grade: str = "") -> GradeReview:
    """Decide a 复核: keep the grade (维持) or change it (变更, with the new grade); notify the official."""
    decision = GradeDecision.objects.select_related("unit", "official").get(pk=review.grade_id)
    require(is_org_over(by, decision.unit), _("Only the organization department over this unit may decide."))
    reason = _text(reason, "reason", model=GradeReview, column="decision_reason",
                   message=_("Give the reasons for the decision."))
    if outcome not in ReviewOutcome.values:
        raise ApplicationError(_("Choose upheld or changed."), code="bad_outcome",
                               extra={"fields": {"outcome": [_("Invalid.")]}})
    changed = outcome == ReviewOutcome.CHANGED
    if changed and grade not in REVIEW_GRADES:
        raise ApplicationError(_("Choose the new grade."), code="bad_grade",
                               extra={"fields": {"grade": [_("Invalid.")]}})
    with transaction.atomic():
        locked = GradeReview.objects.select_for_update().get(pk=review.pk)
        if locked.outcome:
            raise ApplicationError(_("This review has already been decided."), code="invalid_transition")
        row = GradeDecision.objects.select_for_update().select_related("official").get(pk=locked.grade_id)
        if changed and grade == row.final:
            raise ApplicationError(_("The new grade is the same as the old one: choose upheld instead."),
                                   code="same_grade", extra={"fields": {"grade": [_("Unchanged.")]}})
        if changed and grade == Grade.EXCELLENT:
            share, _approval = unit_quota_share(row.period, decision.unit)
            rows = GradeDecision.objects.filter(period_id=row.period_id, unit_id=row.unit_id)
            headcount = rows.exclude(final=Grade.NOT_APPRAISED).count()
            if rows.filter(final=Grade.EXCELLENT).count() + 1 > quota_size(share, headcount):
                raise ApplicationError(_("The unit's 优秀 quota is full: record an approval of a larger share first."),
                                       code="quota_exceeded")
        now = timezone.now()
        locked.outcome, locked.decision_reason, locked.decided_by, locked.decided_at = outcome, reason, by, now
        locked.new_grade = grade if changed else ""
        save_as(locked, by)
        procedure = _procedure(row)
        if changed:
            row.final, row.override_reason = grade, _("Changed on review: %(reason)s") % {"reason": reason}
            save_as(row, by, update_fields=["final", "override_reason"])
            GradeNotice.objects.filter(grade=row, is_current=True).update(is_current=False)
            renewed = new_notice(row, by=by, today=timezone.localdate())
            save_as(renewed, by)
            if procedure.stage == Stage.SIGNED:  # a new notice waits for a signature again
                set_stage(procedure, Stage.FINAL)
        procedure_event(procedure=procedure, action="review_decide", by=by, official=row.official_id, note=reason,
                        data={"review": locked.pk, "outcome": outcome, "from": locked.previous_grade,
                              "to": locked.new_grade})
        new_label = grade_label(grade, row.official.personnel_category)
        title = (_("Your review was decided: the grade is changed to %(grade)s") % {"grade": new_label}
                 if changed else _("Your review was decided: the grade is upheld"))
        notify(users=[row.official.user], kind="review_decided", body=reason, title=title,
               url=reverse("appraisal:annual_mine"))
    return locked


def appeal_file(
    *, grade: GradeDecision, by: User, body: str, reason: str, filed_on: date | None = None,
) -> GradeAppeal:
    """Record a 申诉 to the higher authority, within 15 days of the 复核 decision or 30 days of the notice."""
    _own(by, grade.official_id)
    body = _text(body, "body", model=GradeAppeal, message=_("Name the authority the appeal goes to."))
    reason = _text(reason, "reason", model=GradeAppeal, message=_("Give the reasons for the appeal."))
    filed_on = filed_on or timezone.localdate()
    review = GradeReview.objects.filter(grade=grade).first()
    if review is not None and not review.outcome:
        raise ApplicationError(_("The review has not been decided yet: appeal after its decision."),
                               code="review_pending")
    if review is not None and review.decided_at is not None:
        due = timezone.localdate(review.decided_at) + timedelta(days=int(settings.APPRAISAL_APPEAL_DAYS))
        days = settings.APPRAISAL_APPEAL_DAYS
        message = _("The time to appeal ended on %(date)s (%(days)s days from the review decision).")
    else:
        first = GradeNotice.objects.filter(grade=grade).order_by("issued_at").first()
        if first is None:
            raise ApplicationError(_("The grade has not been notified yet."), code="not_final")
        due = timezone.localdate(first.issued_at) + timedelta(days=int(settings.APPRAISAL_DIRECT_APPEAL_DAYS))
        days = settings.APPRAISAL_DIRECT_APPEAL_DAYS
        message = _("The time to appeal ended on %(date)s (%(days)s days from the written notice).")
    if filed_on > due:
        raise ApplicationError(message % {"date": due.isoformat(), "days": days}, code="deadline_passed")
    with transaction.atomic():
        if GradeAppeal.objects.select_for_update().filter(grade=grade, outcome="").exists():
            raise ApplicationError(_("An appeal of this grade is already waiting for its outcome."),
                                   code="already_requested")
        appeal = GradeAppeal(grade=grade, review=review, official_id=grade.official_id, filed_on=filed_on,
                             body=body, reason=reason, filed_by=by)
        save_as(appeal, by)
        procedure = _procedure(grade)
        procedure_event(procedure=procedure, action="appeal_file", by=by, official=grade.official_id,
                        note=reason, data={"appeal": appeal.pk, "body": body})
        notify(users=users_with_role_over(procedure.unit, "org"), kind="appeal_filed",
               url=reverse("appraisal:review_list") + "?tab=appeals",
               title=_("%(name)s appealed the %(year)s grade to %(body)s") % {
                   "name": grade.official.name, "year": procedure.period.key, "body": body})
    return appeal


def appeal_record(
    *, appeal: GradeAppeal, by: User, outcome: str, outcome_text: str, document_number: str,
    decided_on: date | None = None,
) -> GradeAppeal:
    """Enter the outcome of an appeal decided by the higher authority, with its document number."""
    grade = GradeDecision.objects.select_related("unit", "official").get(pk=appeal.grade_id)
    require(is_org_over(by, grade.unit), _("Only the organization department over this unit may record this."))
    if outcome not in AppealOutcome.values:
        raise ApplicationError(_("Choose the outcome."), code="bad_outcome",
                               extra={"fields": {"outcome": [_("Invalid.")]}})
    outcome_text = _text(outcome_text, "outcome_text", model=GradeAppeal, message=_("Write the decision."))
    document_number = (document_number or "").strip()
    check_values(GradeAppeal, document_number=document_number)
    if outcome != AppealOutcome.WITHDRAWN and not document_number:
        raise ApplicationError(_("Give the document number of the decision."), code="reason_required",
                               extra={"fields": {"document_number": [_("Required.")]}})
    with transaction.atomic():
        locked = GradeAppeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.outcome:
            raise ApplicationError(_("The outcome of this appeal has already been recorded."),
                                   code="invalid_transition")
        locked.outcome, locked.outcome_text, locked.document_number = outcome, outcome_text, document_number
        locked.decided_on = decided_on or timezone.localdate()
        locked.recorded_by, locked.recorded_at = by, timezone.now()
        save_as(locked, by)
        procedure_event(procedure=_procedure(grade), action="appeal_record", by=by, official=grade.official_id,
                        note=outcome_text, data={"appeal": locked.pk, "outcome": outcome,
                                                 "document_number": document_number})
        notify(users=[grade.official.user], kind="appeal_recorded", url=reverse("appraisal:annual_mine"),
               title=_("The outcome of your appeal was recorded: %(outcome)s") % {
                   "outcome": locked.get_outcome_display()}, body=outcome_text)
    return locked
