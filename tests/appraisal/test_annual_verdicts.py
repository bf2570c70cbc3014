"""The annual procedure through its services, after the notice: the written notices and their signatures, 复核 and
申诉 with their deadlines, and the daily job (opening to the 公示: test_annual_services.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from appraisal.models import Grade, GradeDecision, GradeNotice, GradeStatus, ProcedureEvent, SignStatus, Stage
from appraisal.services.finalize import grade_notice_sign, notices_mark_unsigned
from appraisal.services.reviews import appeal_file, appeal_record, review_decide, review_request
from common.models import Notification
from tests.appraisal.annual_helpers import AFTER_NOTICE, actions, refused, to_stage
from tests.factories import UserFactory


# -- written notices and signatures ---------------------------------------------------------------------------
def test_finalize_sends_written_notices_that_officials_sign(county, culture):
    procedure = to_stage(county, culture, Stage.FINAL)
    assert procedure.stage == Stage.FINAL
    assert set(GradeDecision.objects.filter(period=procedure.period, unit=culture).values_list(
        "status", flat=True)) == {GradeStatus.FINAL}
    notice = GradeNotice.objects.get(official=county.staff_official, is_current=True)
    assert notice.sign_due == AFTER_NOTICE + timedelta(days=15)
    assert notice.review_due == AFTER_NOTICE + timedelta(days=30)
    assert Notification.objects.filter(user=county.staff, kind="grade_notice").exists()
    with refused("forbidden"):
        grade_notice_sign(notice=notice, by=county.head, agree=True, opinion="")
    with refused("opinion_required"):
        grade_notice_sign(notice=notice, by=county.staff, agree=False, opinion=" ")
    signed = grade_notice_sign(notice=notice, by=county.staff, agree=False, opinion="我认为应评为优秀")
    assert (signed.status, signed.opinion) == (SignStatus.DISAGREED, "我认为应评为优秀") and signed.signed_at
    with refused("already_signed"):
        grade_notice_sign(notice=notice, by=county.staff, agree=True, opinion="")
    # Nobody else signs: after 15 days the rest are recorded 未签署, and the unit's procedure is complete.
    assert notices_mark_unsigned(today=notice.sign_due) == 0
    assert notices_mark_unsigned(today=notice.sign_due + timedelta(days=1)) == 9
    procedure.refresh_from_db()
    assert procedure.stage == Stage.SIGNED
    assert GradeNotice.objects.filter(status=SignStatus.UNSIGNED).count() == 9
    assert ProcedureEvent.objects.filter(procedure=procedure, action="notice_unsigned").count() == 9
    assert notices_mark_unsigned(today=notice.sign_due + timedelta(days=2)) == 0
    late = GradeNotice.objects.filter(status=SignStatus.UNSIGNED).select_related("official__user").first()
    late_user = late.official.user or UserFactory(username="late")
    if late.official.user is None:
        late.official.user = late_user
        late.official.save()
    assert grade_notice_sign(notice=late, by=late_user, agree=True, opinion="").status == SignStatus.AGREED


# -- 复核 and 申诉 ----------------------------------------------------------------------------------------------
def test_review_within_thirty_days_changed_grade_is_renotified(county, culture):
    procedure = to_stage(county, culture, Stage.FINAL)
    notice = GradeNotice.objects.get(official=county.staff_official, is_current=True)
    with refused("deadline_passed"):
        review_request(notice=notice, by=county.staff, reason="不服", today=notice.review_due + timedelta(days=1))
    with refused("forbidden"):
        review_request(notice=notice, by=county.head, reason="不服", today=AFTER_NOTICE)
    review = review_request(notice=notice, by=county.staff, reason="业绩未全面考虑", today=notice.review_due)
    with refused("review_pending"):  # a 申诉 waits for the 复核 decision
        appeal_file(grade=notice.grade, by=county.staff, body="县公务员局", reason="不服")
    assert review.decide_by == notice.review_due + timedelta(days=30)
    assert Notification.objects.filter(user=county.orgadmin, kind="review_requested").exists()
    with refused("already_requested"):
        review_request(notice=notice, by=county.staff, reason="再次", today=AFTER_NOTICE)
    with refused("forbidden"):
        review_decide(review=review, by=county.head, outcome="upheld", reason="维持")
    with refused("same_grade"):
        review_decide(review=review, by=county.orgadmin, outcome="changed", grade=notice.grade_value, reason="x")
    new_grade = Grade.COMPETENT if notice.grade_value != Grade.COMPETENT else Grade.BASIC
    decided = review_decide(review=review, by=county.orgadmin, outcome="changed", grade=new_grade,
                            reason="经复核，核减一项重复计分")
    assert decided.previous_grade == notice.grade_value and decided.new_grade == new_grade
    grade = GradeDecision.objects.get(pk=notice.grade_id)
    assert grade.final == new_grade and grade.history.first().history_user == county.orgadmin
    notice.refresh_from_db()
    assert notice.is_current is False
    renewed = GradeNotice.objects.get(grade=grade, is_current=True)
    assert renewed.grade_value == new_grade and renewed.status == SignStatus.PENDING
    assert Notification.objects.filter(user=county.staff, kind="review_decided").exists()
    with refused("superseded"):
        grade_notice_sign(notice=notice, by=county.staff, agree=True, opinion="")
    grade_notice_sign(notice=renewed, by=county.staff, agree=True, opinion="")
    with refused("invalid_transition"):
        review_decide(review=review, by=county.orgadmin, outcome="upheld", reason="维持")
    # 申诉 within 15 days of the decision.
    decided_on = timezone.localdate(decided.decided_at)  # the day in the product's time zone, as the service counts
    with refused("deadline_passed"):
        appeal_file(grade=grade, by=county.staff, body="县公务员局", reason="不服复核",
                    filed_on=decided_on + timedelta(days=16))
    appeal = appeal_file(grade=grade, by=county.staff, body="县公务员局", reason="不服复核",
                         filed_on=decided_on + timedelta(days=15))
    with refused("already_requested"):
        appeal_file(grade=grade, by=county.staff, body="市公务员局", reason="再诉")
    with refused("reason_required"):
        appeal_record(appeal=appeal, by=county.orgadmin, outcome="upheld", outcome_text="维持", document_number="")
    recorded = appeal_record(appeal=appeal, by=county.orgadmin, outcome="upheld", outcome_text="维持原复核决定",
                             document_number="清公申〔2026〕3号")
    assert recorded.document_number == "清公申〔2026〕3号"
    assert [a for a in actions(procedure) if a.startswith(("review", "appeal"))] == [
        "review_request", "review_decide", "appeal_file", "appeal_record"]


def test_a_direct_appeal_within_thirty_days_of_the_notice(county, culture):
    to_stage(county, culture, Stage.FINAL)
    notice = GradeNotice.objects.get(official=county.staff_official, is_current=True)
    issued = timezone.localdate(notice.issued_at)
    with refused("deadline_passed"):
        appeal_file(grade=notice.grade, by=county.staff, body="县公务员局", reason="不服",
                    filed_on=issued + timedelta(days=31))
    assert appeal_file(grade=notice.grade, by=county.staff, body="县公务员局", reason="不服",
                       filed_on=issued + timedelta(days=30)).review is None


def test_the_daily_job_reminds_then_records_unsigned_and_is_idempotent(county, culture):
    from django.core.management import call_command

    from appraisal.jobs import annual_daily

    to_stage(county, culture, Stage.FINAL)
    notice = GradeNotice.objects.get(official=county.staff_official, is_current=True)
    reminder_day = (notice.sign_due - timedelta(days=2)).isoformat()
    first = annual_daily(reminder_day)
    assert first["reminded"] >= 1 and first["unsigned"] == 0
    assert Notification.objects.filter(user=county.staff, kind="grade_notice_due").count() == 1
    assert annual_daily(reminder_day)["reminded"] == 0
    call_command("annual_jobs", "--date", (notice.sign_due + timedelta(days=1)).isoformat())
    notice.refresh_from_db()
    assert notice.status == SignStatus.UNSIGNED
    assert annual_daily((notice.sign_due + timedelta(days=1)).isoformat())["unsigned"] == 0
