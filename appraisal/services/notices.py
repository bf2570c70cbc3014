"""公示 of a unit's 优秀 candidates and the objections (异议) to them.

- ``notice_open`` (organization department): once the unit's grades are confirmed, the confirmed 优秀 candidates
  are posted for at least ``APPRAISAL_NOTICE_WORKING_DAYS`` (5) working days, counted on the working-day calendar
  (``org.workdays.add_working_days``): a notice starting on D ends on the 5th working day counting D when D is
  a working day. Every official of the unit sees it; it names candidates, their units and posts, never scores.
  A replacement candidate (after an upheld objection) is posted on a new notice.
- ``objection_file``: any official of the unit, under their own name, while the notice runs, with reasons and an
  optional attachment; the candidate never learns who objected (only the organization department sees it).
- ``objection_decide`` (organization department): 成立 or 不成立 with a note. An upheld objection withdraws the
  candidate: the grade goes back to proposal with the finding as its reason and must be confirmed again.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    AnnualProcedure,
    GradeDecision,
    GradeStatus,
    NoticeCandidate,
    Objection,
    ObjectionStatus,
    PublicNotice,
    Stage,
)
from appraisal.selectors.access import is_org_over
from appraisal.selectors.annual import is_running, new_candidates, unit_grades
from appraisal.services.bulk import update_with_history
from appraisal.services.procedure import lock, procedure_event, require, require_stage, set_stage
from common.errors import ApplicationError
from common.history import save_as
from common.notifications import Notice, notify, notify_many
from common.text_limits import check_values
from common.uploads import check_upload
from discipline.models import ATTACHMENT_EXTENSIONS
from org.models import Official, User
from org.selectors import access_for, users_with_role_over
from org.workdays import add_working_days


def notice_days() -> int:
    return max(1, int(settings.APPRAISAL_NOTICE_WORKING_DAYS))


def notice_end(starts_on: date, working_days: int | None = None) -> date:
    """Return the last day of a notice starting on ``starts_on``: its Nth working day, ``starts_on`` counted."""
    return add_working_days(starts_on - timedelta(days=1), working_days or notice_days())


def notice_open(
    *, procedure: AnnualProcedure, by: User, starts_on: date | None = None, today: date | None = None,
) -> PublicNotice:
    """Post the unit's confirmed 优秀 candidates (the first notice, or one for replacement candidates)."""
    require(is_org_over(by, procedure.unit), _("Only the organization department over this unit may post a notice."))
    today = today or timezone.localdate()
    starts_on = starts_on or today
    if starts_on < today:
        raise ApplicationError(_("A notice cannot start in the past."), code="bad_date",
                               extra={"fields": {"starts_on": [_("In the past.")]}})
    with transaction.atomic():
        locked = lock(procedure)
        require_stage(locked, Stage.CONFIRMATION, Stage.NOTICE, action=_("Posting the public notice"))
        grades = unit_grades(locked)
        if grades.filter(status=GradeStatus.PROPOSED).exists():
            raise ApplicationError(_("Confirm the unit's grades before posting the notice."), code="not_confirmed")
        candidates = list(new_candidates(locked).select_related("official", "official__unit")
                          .order_by("official__unit__path", "official__name"))
        if locked.stage == Stage.NOTICE and not candidates:
            raise ApplicationError(_("There is no new 优秀 candidate to post."), code="no_candidates")
        working_days = notice_days()
        notice = PublicNotice.objects.create(procedure=locked, starts_on=starts_on, working_days=working_days,
                                             ends_on=notice_end(starts_on, working_days), opened_by=by)
        NoticeCandidate.objects.bulk_create([
            NoticeCandidate(notice=notice, grade=g, official=g.official, name=g.official.name,
                            unit_name=g.official.unit.name, post=g.official.position_title)
            for g in candidates])
        posted = list(grades.filter(status=GradeStatus.CONFIRMED))
        for grade in posted:
            grade.status = GradeStatus.NOTICE
        update_with_history(objs=posted, model=GradeDecision, fields=["status"], default_user=by)
        if locked.stage != Stage.NOTICE:
            set_stage(locked, Stage.NOTICE)
        procedure_event(procedure=locked, action="notice_open", by=by,
                        data={"notice": notice.pk, "starts_on": starts_on.isoformat(),
                              "ends_on": notice.ends_on.isoformat(), "candidates": len(candidates)})
        members = Official.objects.filter(locked.unit.subtree_q("unit__"), is_active=True, user__isnull=False)
        title = _("Public notice of the %(year)s 优秀 candidates of %(unit)s, %(start)s to %(end)s") % {
            "year": locked.period.key, "unit": locked.unit.name, "start": starts_on.isoformat(),
            "end": notice.ends_on.isoformat()}
        url = reverse("appraisal:notice_detail", args=[notice.pk])
        notify_many(Notice(user_id=user_id, kind="public_notice", title=title, url=url,
                           dedupe_key=f"public-notice:{notice.pk}")
                    for user_id in members.values_list("user_id", flat=True))
    return notice


def _unit_member(user: User, procedure: AnnualProcedure) -> Official:
    official_id = access_for(user).official_id
    official = (Official.objects.select_related("unit").filter(pk=official_id, is_active=True).first()
                if official_id is not None else None)
    if official is None or not official.unit.path.startswith(procedure.unit.path):
        raise ApplicationError(_("Only an official of %(unit)s may object to its notice.")
                               % {"unit": procedure.unit.name}, code="forbidden")
    return official


def objection_file(
    *, notice: PublicNotice, candidate: NoticeCandidate, by: User, reason: str,
    attachment: UploadedFile | None = None, today: date | None = None,
) -> Objection:
    """File an objection to a candidate under one's own name while the notice runs."""
    procedure = notice.procedure
    filer = _unit_member(by, procedure)
    reason = (reason or "").strip()
    if candidate.notice_id != notice.pk:
        raise ApplicationError(_("This candidate is not on this notice."), code="invalid")
    if not is_running(notice, today):
        raise ApplicationError(
            _("The notice runs from %(start)s to %(end)s: objections can be filed only while it runs.")
            % {"start": notice.starts_on.isoformat(), "end": notice.ends_on.isoformat()}, code="notice_closed")
    if candidate.withdrawn_at is not None:
        raise ApplicationError(_("This candidate has been withdrawn."), code="withdrawn")
    if candidate.official_id == filer.pk:
        raise ApplicationError(_("You cannot object to your own candidacy."), code="own_candidacy")
    if not reason:
        raise ApplicationError(_("Give the reasons for the objection."), code="reason_required",
                               extra={"fields": {"reason": [_("Required.")]}})
    check_values(Objection, reason=reason)
    if attachment is not None:
        check_upload(attachment, max_bytes=settings.CASE_ATTACHMENT_MAX_BYTES, kinds=ATTACHMENT_EXTENSIONS,
                     too_large=_("The attachment is larger than %(mb)s MB."),
                     bad_kind=_("Attach a PDF, an image, or a Word or Excel file."))
    with transaction.atomic():
        objection = Objection(notice=notice, candidate=candidate, filed_by=filer, filed_by_user=by, reason=reason)
        if attachment is not None:
            objection.attachment_name = (attachment.name or "")[:200]
            objection.attachment.save(attachment.name or "attachment", attachment, save=False)
        save_as(objection, by)
        # The audit row names the candidate and the filer's user; only the organization department reads it.
        procedure_event(procedure=procedure, action="objection_file", by=by, official=candidate.official_id,
                        data={"objection": objection.pk})
        notify(users=users_with_role_over(procedure.unit, "org"), kind="objection_filed",
               url=reverse("appraisal:objection_list") + f"?notice={notice.pk}",
               title=_("An objection to a 优秀 candidate of %(unit)s waits for a finding") % {
                   "unit": procedure.unit.name})
    return objection


def objection_decide(*, objection: Objection, by: User, upheld: bool, note: str) -> Objection:
    """Record the finding of an objection; an upheld one withdraws the candidate and reopens their grade."""
    procedure = objection.notice.procedure
    require(is_org_over(by, procedure.unit), _("Only the organization department over this unit may decide."))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write the finding."), code="reason_required",
                               extra={"fields": {"note": [_("Required.")]}})
    with transaction.atomic():
        locked = Objection.objects.select_for_update(of=("self",)).select_related("candidate", "filed_by_user").get(
            pk=objection.pk)
        if locked.status != ObjectionStatus.OPEN:
            raise ApplicationError(_("This objection has already been decided."), code="invalid_transition")
        now = timezone.now()
        locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
        locked.finding, locked.decided_by, locked.decided_at = note, by, now
        save_as(locked, by)
        candidate = locked.candidate
        if upheld and candidate.withdrawn_at is None:
            candidate.withdrawn_at, candidate.withdrawn_reason = now, note
            candidate.save(update_fields=["withdrawn_at", "withdrawn_reason"])
            grade = GradeDecision.objects.select_for_update().get(pk=candidate.grade_id)
            grade.status, grade.final, grade.withdrawn_reason = GradeStatus.PROPOSED, "", note
            grade.confirmed_at, grade.confirmed_by = None, None
            save_as(grade, by)
            notify(users=[grade.official.user], kind="candidacy_withdrawn",
                   url=reverse("appraisal:annual_mine"),
                   title=_("Your 优秀 candidacy of %(year)s was withdrawn after an objection") % {
                       "year": procedure.period.key}, body=note)
        procedure_event(procedure=procedure, action="objection_decide", by=by, official=candidate.official_id,
                        note=note, data={"objection": locked.pk, "upheld": upheld})
        notify(users=[locked.filed_by_user], kind="objection_decided",
               url=reverse("appraisal:notice_detail", args=[locked.notice_id]),
               title=_("Your objection was found %(finding)s") % {"finding": locked.get_status_display()},
               body=note)
    return locked
