"""The annual procedure through its services: every transition, every refusal, the deadlines on the calendar — from
the opening to the 公示 (the written notices, 复核 and 申诉: test_annual_verdicts.py)."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from appraisal.models import (
    AnnualSummary,
    Grade,
    GradeDecision,
    GradeStatus,
    ObjectionStatus,
    ProcedureEvent,
    Stage,
    SummaryStatus,
)
from appraisal.selectors.annual import CommentRule, comment_rule
from appraisal.services.comments import comment_write
from appraisal.services.finalize import procedure_finalize
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.notices import notice_end, notice_open, objection_decide, objection_file
from appraisal.services.procedure import procedure_open, proposals_submit, summaries_close
from appraisal.services.summaries import summary_return, summary_save, summary_submit
from common.models import Notification
from org.models import CalendarDay
from tests.appraisal.annual_helpers import (
    AFTER_NOTICE,
    NOTICE_START,
    SECTIONS,
    actions,
    comment_all,
    latest_notice,
    open_procedure,
    refused,
    submit_all,
    to_stage,
)
from tests.appraisal.factories import ScorecardFactory
from tests.factories import OfficialFactory, UserFactory, period
from tests.files import pdf_bytes


# -- opening and summaries -------------------------------------------------------------------------------------
def test_open_asks_every_appraised_official_for_a_summary(county, culture):
    with refused("forbidden"):
        procedure_open(period=period("2026"), unit=culture, by=county.head)
    procedure = open_procedure(county, culture)
    assert procedure.stage == Stage.SUMMARIES
    assert AnnualSummary.objects.filter(procedure=procedure).count() == 10
    assert Notification.objects.filter(user=county.staff, kind="summary_requested").exists()
    with refused("already_open"):
        procedure_open(period=period("2026"), unit=culture, by=county.orgadmin)
    with refused("no_grades"):
        procedure_open(period=period("2026"), unit=county.finance, by=county.orgadmin)
    assert actions(procedure) == ["open"]


def test_summary_draft_submit_return_and_resubmit(county, culture):
    procedure = open_procedure(county, culture)
    summary = AnnualSummary.objects.get(procedure=procedure, official=county.staff_official)
    summary_save(summary=summary, by=county.staff, sections={"morality": "坚定", "achievement": "完成任务"})
    with refused("summary_incomplete"):
        summary_submit(summary=summary, by=county.staff)
    with refused("forbidden"):  # another official, or the head for an official who has a login
        summary_save(summary=summary, by=county.head, sections={"ability": "代写"})
    summary_save(summary=summary, by=county.staff, sections=SECTIONS)
    summary = summary_submit(summary=summary, by=county.staff)
    assert summary.status == SummaryStatus.SUBMITTED and summary.submitted_at
    with refused("not_editable"):
        summary_save(summary=summary, by=county.staff, sections={"ability": "改"})
    with refused("forbidden"):  # the staff official cannot return their own
        summary_return(summary=summary, by=county.staff, reason="x")
    with refused("reason_required"):
        summary_return(summary=summary, by=county.head, reason=" ")
    summary = summary_return(summary=summary, by=county.head, reason="业绩部分请补充量化指标")
    assert summary.status == SummaryStatus.RETURNED
    assert Notification.objects.filter(user=county.staff, kind="summary_returned").exists()
    summary_save(summary=summary, by=county.staff, sections={"achievement": "完成任务12项，满意度98%"})
    assert summary_submit(summary=summary, by=county.staff).status == SummaryStatus.SUBMITTED
    assert actions(procedure) == ["open", "summary_submit", "summary_return", "summary_submit"]


def test_a_head_types_in_the_summary_of_an_official_without_a_login(county, culture):
    procedure = open_procedure(county, culture)
    summary = AnnualSummary.objects.filter(procedure=procedure, official__user__isnull=True).first()
    summary_save(summary=summary, by=county.head, sections=SECTIONS)
    summary_submit(summary=summary, by=county.head)
    event = ProcedureEvent.objects.get(procedure=procedure, action="summary_submit")
    assert event.data == {"on_behalf": True} and event.by == county.head


def test_summaries_close_only_when_everyone_submitted(county, culture):
    procedure = open_procedure(county, culture)
    with refused("summaries_missing"):
        summaries_close(procedure=procedure, by=county.head)
    with refused("wrong_stage"):
        proposals_submit(procedure=procedure, by=county.head)
    with refused("wrong_stage"):
        grade_confirm_unit(period=period("2026"), unit=culture, by=county.orgadmin)
    submit_all(procedure)
    with refused("forbidden"):
        summaries_close(procedure=procedure, by=county.staff)
    assert summaries_close(procedure=procedure, by=county.head).stage == Stage.COMMENTS
    summary = AnnualSummary.objects.filter(procedure=procedure).first()
    with refused("wrong_stage"):  # summaries are closed
        summary_return(summary=summary, by=county.head, reason="晚了")


# -- 评语 and proposals ----------------------------------------------------------------------------------------
def test_comments_with_the_rules_for_probation_and_investigation(county, culture, monkeypatch):
    probation = OfficialFactory(unit=county.culture_office, joined_on=dt.date(2026, 3, 1))
    ScorecardFactory(official=probation, unit=culture, total=Decimal(80))
    procedure = to_stage(county, culture, Stage.COMMENTS)
    grades = {g.official_id: g for g in GradeDecision.objects.filter(period=procedure.period, unit=culture)
              .select_related("official", "official__unit")}
    staff = grades[county.staff_official.pk]
    assert comment_rule(grades[probation.pk]) is CommentRule.ONLY
    with refused("comment_required"):
        comment_write(grade=staff, by=county.head, comment="")
    with refused("forbidden"):  # nobody writes their own 评语
        comment_write(grade=grades[county.head_official.pk], by=county.head, comment="自评")
    with refused("reason_required"):  # differs from the scores' proposal
        comment_write(grade=staff, by=county.head, comment="表现突出", head_grade=Grade.COMPETENT)
    written = comment_write(grade=staff, by=county.head, comment="表现突出", head_grade=Grade.COMPETENT,
                            head_reason="年内两次迟交月报")
    assert (written.head_grade, written.recommended, written.commented_by) == (
        Grade.COMPETENT, Grade.COMPETENT, county.head)
    only = comment_write(grade=grades[probation.pk], by=county.head, comment="试用期表现良好",
                         head_grade=Grade.EXCELLENT)
    assert only.head_grade == "" and only.comment == "试用期表现良好"
    # Under investigation: neither 评语 nor grade.
    held = grades[county.culture_official.pk]
    held.constraints = [{"max_grade": Grade.UNDETERMINED, "reason": "立案审查", "source": "investigation"}]
    held.save()
    assert comment_rule(held) is CommentRule.FORBIDDEN
    with refused("under_investigation"):
        comment_write(grade=held, by=county.head, comment="x")
    with refused("comments_missing"):
        proposals_submit(procedure=procedure, by=county.head)
    comment_all(procedure, county.orgadmin)
    assert proposals_submit(procedure=procedure, by=county.head).stage == Stage.CONFIRMATION


def test_a_cap_limits_the_heads_proposal(county, culture):
    procedure = to_stage(county, culture, Stage.COMMENTS)
    grade = GradeDecision.objects.select_related("official", "official__unit").get(
        period=procedure.period, official=county.culture_official)
    grade.constraints = [{"max_grade": Grade.COMPETENT, "reason": "诫勉", "source": "discipline"}]
    grade.save()
    with refused("grade_capped"):
        comment_write(grade=grade, by=county.head, comment="好", head_grade=Grade.EXCELLENT, head_reason="突出")


def test_confirmation_takes_the_heads_proposal(county, culture):
    procedure = to_stage(county, culture, Stage.COMMENTS)
    staff = GradeDecision.objects.select_related("official", "official__unit").get(
        period=procedure.period, official=county.staff_official)
    assert staff.proposed == Grade.EXCELLENT
    comment_write(grade=staff, by=county.head, comment="好", head_grade=Grade.COMPETENT, head_reason="迟交月报")
    comment_all(procedure, county.orgadmin)
    proposals_submit(procedure=procedure, by=county.head)
    grade_confirm_unit(period=period("2026"), unit=culture, by=county.orgadmin)
    staff.refresh_from_db()
    assert (staff.final, staff.status, staff.override_reason) == (Grade.COMPETENT, GradeStatus.CONFIRMED, "")
    assert "confirm" in actions(procedure)


# -- 公示 and objections ----------------------------------------------------------------------------------------
def test_the_notice_lasts_five_working_days_across_a_holiday(county, culture):
    # A Wednesday start; Thursday and Friday are holidays and the Saturday is worked (调休上班).
    CalendarDay.objects.update_or_create(date=date(2026, 11, 12), defaults={"is_working_day": False, "name": "测"})
    CalendarDay.objects.update_or_create(date=date(2026, 11, 13), defaults={"is_working_day": False, "name": "测"})
    CalendarDay.objects.update_or_create(date=date(2026, 11, 14), defaults={"is_working_day": True, "name": "调"})
    # Wed 11 (1), Sat 14 (2), Mon 16 (3), Tue 17 (4), Wed 18 (5).
    assert notice_end(date(2026, 11, 11)) == date(2026, 11, 18)
    # A start on a Sunday counts from the Monday: Mon 2 … Fri 6.
    assert notice_end(date(2026, 11, 1)) == date(2026, 11, 6)
    procedure = to_stage(county, culture, Stage.CONFIRMATION)
    grade_confirm_unit(period=period("2026"), unit=culture, by=county.orgadmin)
    notice = notice_open(procedure=procedure, by=county.orgadmin, starts_on=date(2026, 11, 11),
                         today=date(2026, 11, 10))
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (date(2026, 11, 11), date(2026, 11, 18), 5)
    names = set(notice.candidates.values_list("name", flat=True))
    assert names == {county.staff_official.name, *GradeDecision.objects.filter(
        period=procedure.period, final=Grade.EXCELLENT).exclude(official=county.staff_official)
        .values_list("official__name", flat=True)}
    with refused("notice_running"):
        procedure_finalize(procedure=procedure, by=county.orgadmin, today=date(2026, 11, 18))
    assert procedure_finalize(procedure=procedure, by=county.orgadmin, today=date(2026, 11, 19)) == 10


def test_the_notice_waits_for_confirmation_and_is_not_opened_in_the_past(county, culture):
    procedure = to_stage(county, culture, Stage.CONFIRMATION)
    with refused("not_confirmed"):
        notice_open(procedure=procedure, by=county.orgadmin, starts_on=NOTICE_START, today=NOTICE_START)
    grade_confirm_unit(period=period("2026"), unit=culture, by=county.orgadmin)
    with refused("bad_date"):
        notice_open(procedure=procedure, by=county.orgadmin, starts_on=NOTICE_START,
                    today=NOTICE_START + timedelta(days=1))
    with refused("forbidden"):
        notice_open(procedure=procedure, by=county.head, starts_on=NOTICE_START, today=NOTICE_START)
    notice_open(procedure=procedure, by=county.orgadmin, starts_on=NOTICE_START, today=NOTICE_START)
    assert Notification.objects.filter(user=county.staff, kind="public_notice").exists()
    assert set(GradeDecision.objects.filter(period=procedure.period, unit=culture).values_list("status", flat=True)
               ) == {GradeStatus.NOTICE}


def test_an_upheld_objection_withdraws_the_candidate_and_a_replacement_needs_a_new_notice(county, culture):
    procedure = to_stage(county, culture, Stage.NOTICE)
    notice = latest_notice(procedure)
    candidate = notice.candidates.get(official=county.staff_official)
    objector = UserFactory(username="objector")
    colleague = county.culture_official
    colleague.user = objector
    colleague.save()
    with refused("notice_closed"):
        objection_file(notice=notice, candidate=candidate, by=objector, reason="x", today=AFTER_NOTICE)
    with refused("forbidden"):  # an official of another unit
        finance_user = UserFactory(username="fin")
        county.finance_official.user = finance_user
        county.finance_official.save()
        objection_file(notice=notice, candidate=candidate, by=finance_user, reason="x", today=NOTICE_START)
    with refused("own_candidacy"):
        objection_file(notice=notice, candidate=candidate, by=county.staff, reason="x", today=NOTICE_START)
    with refused("reason_required"):
        objection_file(notice=notice, candidate=candidate, by=objector, reason="  ", today=NOTICE_START)
    with refused("bad_file"):
        objection_file(notice=notice, candidate=candidate, by=objector, reason="材料不实", today=NOTICE_START,
                       attachment=SimpleUploadedFile("a.exe", b"MZ..."))
    objection = objection_file(notice=notice, candidate=candidate, by=objector, reason="业绩材料不实",
                               today=NOTICE_START, attachment=SimpleUploadedFile("证明.pdf", pdf_bytes()))
    assert objection.attachment_name == "证明.pdf" and objection.filed_by == colleague
    assert Notification.objects.filter(user=county.orgadmin, kind="objection_filed").exists()
    with refused("objection_open"):
        procedure_finalize(procedure=procedure, by=county.orgadmin, today=AFTER_NOTICE)
    with refused("reason_required"):
        objection_decide(objection=objection, by=county.orgadmin, upheld=True, note="")
    objection_decide(objection=objection, by=county.orgadmin, upheld=True, note="经核实，业绩材料存在夸大")
    grade = GradeDecision.objects.get(period=procedure.period, official=county.staff_official)
    assert (grade.status, grade.final, grade.withdrawn_reason) == (GradeStatus.PROPOSED, "", "经核实，业绩材料存在夸大")
    candidate.refresh_from_db()
    assert candidate.withdrawn_at is not None
    assert Notification.objects.filter(user=county.staff, kind="candidacy_withdrawn").exists()
    assert Notification.objects.filter(user=objector, kind="objection_decided").exists()
    with refused("invalid_transition"):
        objection_decide(objection=objection, by=county.orgadmin, upheld=False, note="再议")
    with refused("not_confirmed"):
        procedure_finalize(procedure=procedure, by=county.orgadmin, today=AFTER_NOTICE)
    # The 考核委员会 confirms the withdrawn candidate 称职 and picks a replacement (the next score, 91).
    replacement = GradeDecision.objects.filter(period=procedure.period, unit=culture, score=Decimal(91)).get()
    replacement.status = GradeStatus.PROPOSED  # sent back for the same reason, as a second objection would do
    replacement.save()
    grade_confirm_unit(period=period("2026"), unit=culture, by=county.orgadmin, overrides={
        county.staff_official.pk: (Grade.COMPETENT, "异议成立"),
        replacement.official_id: (Grade.EXCELLENT, "依次递补")})
    with refused("candidate_not_posted"):
        procedure_finalize(procedure=procedure, by=county.orgadmin, today=AFTER_NOTICE)
    second = notice_open(procedure=procedure, by=county.orgadmin, starts_on=AFTER_NOTICE, today=AFTER_NOTICE)
    assert list(second.candidates.values_list("official_id", flat=True)) == [replacement.official_id]
    with refused("notice_running"):
        procedure_finalize(procedure=procedure, by=county.orgadmin, today=AFTER_NOTICE)
    procedure_finalize(procedure=procedure, by=county.orgadmin, today=second.ends_on + timedelta(days=1))
    assert GradeDecision.objects.get(pk=grade.pk).final == Grade.COMPETENT


def test_a_rejected_objection_changes_nothing(county, culture):
    procedure = to_stage(county, culture, Stage.NOTICE)
    notice = latest_notice(procedure)
    candidate = notice.candidates.first()
    objector = UserFactory(username="objector2")
    OfficialFactory(unit=county.culture_tourism, user=objector)
    objection = objection_file(notice=notice, candidate=candidate, by=objector, reason="不服", today=NOTICE_START)
    decided = objection_decide(objection=objection, by=county.orgadmin, upheld=False, note="经核实，不成立")
    assert decided.status == ObjectionStatus.REJECTED
    assert GradeDecision.objects.get(pk=candidate.grade_id).status == GradeStatus.NOTICE
    assert procedure_finalize(procedure=procedure, by=county.orgadmin, today=AFTER_NOTICE) == 10
