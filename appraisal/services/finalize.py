"""Final grades, the written notice (书面通知, 公务员法 第38条) and the official's signature (本人意见).

- ``procedure_finalize`` (organization department): once every notice has ended, no objection is open, every
  grade is confirmed and every 优秀 candidate has been posted, the unit's grades become final and each appraised
  official gets a written notice: an in-app notification (and e-mail when configured), a notice page with the
  grade and the 评语, and a printable copy.
- ``grade_notice_sign``: the official signs "同意" or "不同意" with their own text; the time is recorded.
- ``notices_mark_unsigned`` (a daily job): a notice not signed within ``APPRAISAL_SIGN_DAYS`` (15) is recorded
  as 未签署; nothing is blocked, and the official may still sign later.
- When no notice of the unit waits for a signature, the procedure reaches its last stage ("notices signed").
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from appraisal.display.grade_labels import grade_label
from appraisal.models import (
    AnnualProcedure,
    Grade,
    GradeDecision,
    GradeNotice,
    GradeStatus,
    Objection,
    ObjectionStatus,
    ProcedureEvent,
    PublicNotice,
    SignStatus,
    Stage,
)
from appraisal.selectors.access import is_org_over
from appraisal.selectors.annual import new_candidates, unit_grades
from appraisal.services.bulk import update_with_history
from appraisal.services.procedure import lock, procedure_event, require, require_stage, set_stage
from common.errors import ApplicationError
from common.history import save_as
from common.notifications import Notice, notify_many
from common.text_limits import check_values
from org.models import User
from org.selectors import access_for


def sign_days() -> int:
    return int(settings.APPRAISAL_SIGN_DAYS)


def review_days() -> int:
    return int(settings.APPRAISAL_REVIEW_DAYS)


def new_notice(grade: GradeDecision, *, by: User | None, today: date) -> GradeNotice:
    """Return (unsaved) the written notice of a grade as it stands."""
    return GradeNotice(grade=grade, official_id=grade.official_id, grade_value=grade.final, comment=grade.comment,
                       issued_at=timezone.now(), issued_by=by, sign_due=today + timedelta(days=sign_days()),
                       review_due=today + timedelta(days=review_days()))


def _notify_notices(notices: list[GradeNotice], year: str, user_ids: dict[int, int | None],
                    categories: dict[int, str]) -> None:
    notify_many(
        Notice(user_id=user_id, kind="grade_notice", url=reverse("appraisal:grade_notice_detail", args=[n.pk]),
               title=_("Written notice of your %(year)s annual appraisal: %(grade)s") % {
                   "year": year, "grade": grade_label(n.grade_value, categories.get(n.official_id))},
               body=_("Read the notice, give your opinion and sign it within %(days)s days.") % {"days": sign_days()},
               dedupe_key=f"grade-notice:{n.pk}")
        for n in notices if (user_id := user_ids.get(n.official_id)))


def procedure_finalize(*, procedure: AnnualProcedure, by: User, today: date | None = None) -> int:
    """Make the unit's grades final and send every appraised official the written notice; return how many."""
    require(is_org_over(by, procedure.unit), _("Only the organization department over this unit may finalize."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = lock(procedure)
        require_stage(locked, Stage.NOTICE, action=_("Finalizing the grades"))
        running = PublicNotice.objects.filter(procedure=locked, ends_on__gte=today).order_by("-ends_on").first()
        if running is not None:
            raise ApplicationError(
                _("The public notice runs until %(date)s: the grades can become final after it ends.")
                % {"date": running.ends_on.isoformat()}, code="notice_running")
        if Objection.objects.filter(notice__procedure=locked, status=ObjectionStatus.OPEN).exists():
            raise ApplicationError(_("An objection waits for a finding."), code="objection_open")
        grades = unit_grades(locked)
        if grades.filter(status=GradeStatus.PROPOSED).exists():
            raise ApplicationError(_("Some grades are not confirmed (an objection was upheld): confirm them."),
                                   code="not_confirmed")
        if new_candidates(locked).exists():
            raise ApplicationError(_("A new 优秀 candidate has not been posted yet: post a notice first."),
                                   code="candidate_not_posted")
        rows = list(grades.select_related("official"))
        for row in rows:
            row.status = GradeStatus.FINAL
        update_with_history(objs=rows, model=GradeDecision, fields=["status"], default_user=by)
        notices = [new_notice(row, by=by, today=today) for row in rows if row.final != Grade.NOT_APPRAISED]
        bulk_create_with_history(notices, GradeNotice, batch_size=1000, default_user=by)
        locked.finalized_at = timezone.now()
        locked.save(update_fields=["finalized_at"])
        set_stage(locked, Stage.FINAL)
        procedure_event(procedure=locked, action="finalize", by=by, data={"notices": len(notices)})
        # bulk_create returns primary keys on PostgreSQL and SQLite; read them back to be safe on any backend.
        saved = list(GradeNotice.objects.filter(grade__in=[r.pk for r in rows], is_current=True))
        _notify_notices(saved, locked.period.key, {r.official_id: r.official.user_id for r in rows},
                        {r.official_id: r.official.personnel_category for r in rows})
        if not saved:
            _complete(locked, by=by)
    return len(saved)


def _complete(procedure: AnnualProcedure, *, by: User | None) -> None:
    """Move a final unit to "notices signed" when no current notice waits for a signature."""
    waiting = GradeNotice.objects.filter(grade__period_id=procedure.period_id, grade__unit_id=procedure.unit_id,
                                         is_current=True, status=SignStatus.PENDING)
    if procedure.stage == Stage.FINAL and not waiting.exists():
        set_stage(procedure, Stage.SIGNED)
        procedure_event(procedure=procedure, action="notices_signed", by=by)


def grade_notice_sign(*, notice: GradeNotice, by: User, agree: bool, opinion: str) -> GradeNotice:
    """Sign one's written notice: 同意 or 不同意, with one's own text (required when disagreeing)."""
    if access_for(by).official_id != notice.official_id:
        raise ApplicationError(_("Only the official may sign their own notice."), code="forbidden")
    opinion = (opinion or "").strip()
    if not agree and not opinion:
        raise ApplicationError(_("Say why you disagree."), code="opinion_required",
                               extra={"fields": {"opinion": [_("Required.")]}})
    check_values(GradeNotice, opinion=opinion)
    with transaction.atomic():
        locked = GradeNotice.objects.select_for_update().select_related("grade").get(pk=notice.pk)
        if not locked.is_current:
            raise ApplicationError(_("This notice was replaced by a newer one: sign the newer notice."),
                                   code="superseded")
        if locked.status in (SignStatus.AGREED, SignStatus.DISAGREED):
            raise ApplicationError(_("You have already signed this notice."), code="already_signed")
        locked.status = SignStatus.AGREED if agree else SignStatus.DISAGREED
        locked.opinion, locked.signed_at = opinion, timezone.now()
        save_as(locked, by)
        procedure = AnnualProcedure.objects.select_related("unit", "period").get(
            period_id=locked.grade.period_id, unit_id=locked.grade.unit_id)
        procedure_event(procedure=procedure, action="notice_sign", by=by, official=locked.official_id,
                        data={"notice": locked.pk, "agree": agree})
        _complete(procedure, by=by)
    return locked


def notices_mark_unsigned(*, today: date | None = None) -> int:
    """Record as 未签署 every current notice not signed by its due date; return how many (a daily job)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        overdue = list(GradeNotice.objects.select_for_update().filter(
            is_current=True, status=SignStatus.PENDING, sign_due__lt=today).select_related("grade"))
        if not overdue:
            return 0
        for notice in overdue:
            notice.status = SignStatus.UNSIGNED
        bulk_update_with_history(overdue, GradeNotice, ["status"], batch_size=1000)
        pairs = {(n.grade.period_id, n.grade.unit_id) for n in overdue}
        procedures = {(p.period_id, p.unit_id): p for p in AnnualProcedure.objects.select_related("unit", "period")
                      .filter(period_id__in={p for p, _u in pairs}, unit_id__in={u for _p, u in pairs})}
        ProcedureEvent.objects.bulk_create([
            ProcedureEvent(procedure=procedures[(n.grade.period_id, n.grade.unit_id)], action="notice_unsigned",
                           official_id=n.official_id, data={"notice": n.pk, "due": n.sign_due.isoformat()})
            for n in overdue if (n.grade.period_id, n.grade.unit_id) in procedures], batch_size=1000)
        for key in pairs:
            if key in procedures:
                _complete(procedures[key], by=None)
    return len(overdue)
