"""The demo's annual appraisal (issue 12 item 11): last year's carried through every step, this year's under way,
and ``staff`` with last year's written notice to read and sign.

The county is seeded once for the module (in a transaction rolled back at its end); each test runs in a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    GradeDecision,
    GradeNotice,
    GradeReview,
    GradeStatus,
    Objection,
    ObjectionStatus,
    ProcedureEvent,
    PublicNotice,
    Scorecard,
    SignStatus,
    Stage,
    SummaryStatus,
)
from appraisal.selectors.annual import CommentRule, comment_rule
from appraisal.services.finalize import grade_notice_sign
from appraisal.services.reviews import review_request
from org.models import Official, OrgUnit, User

pytestmark = pytest.mark.django_db

STEPS = {"open", "summaries_close", "proposals_submit", "confirm", "notice_open", "finalize"}


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", officials=60, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def years() -> tuple[str, str]:
    today = timezone.localdate()
    return str(today.year - 1), str(today.year)


def in_culture(official: Official) -> bool:
    return official.unit.path.startswith(OrgUnit.objects.get(code="WL").path)


def test_the_summary_line(seeded: str) -> None:
    last, this = years()
    assert f"年度考核数据已生成：{last}年度" in seeded and f"{this}年度" in seeded


def test_every_card_holds_its_officials_name(seeded: str) -> None:
    """The demo's scorecards, written by the rollup or directly for last year, carry the name the ranking's order
    breaks ties by."""
    assert not Scorecard.objects.filter(name="").exists()
    assert not Scorecard.objects.exclude(name=F("official__name")).exists()


def test_last_year_went_through_every_step_in_every_unit(seeded: str) -> None:
    last, _this = years()
    procedures = list(AnnualProcedure.objects.filter(period__key=last).select_related("unit"))
    assert len(procedures) == Scorecard.objects.filter(period__key=last).values("unit").distinct().count() > 10
    # Final where a notice waits for a signature (staff's, in culture), signed everywhere else.
    assert {p.stage for p in procedures} == {Stage.FINAL, Stage.SIGNED}
    assert next(p for p in procedures if p.unit.code == "WL").stage == Stage.FINAL
    actions: dict[int, set[str]] = {}
    for procedure_id, action in ProcedureEvent.objects.filter(procedure__period__key=last).values_list(
            "procedure_id", "action"):
        actions.setdefault(procedure_id, set()).add(action)
    for procedure in procedures:
        assert actions[procedure.pk] >= STEPS, procedure.unit.name
        assert (procedure.stage == Stage.SIGNED) == ("notices_signed" in actions[procedure.pk])
    # The history is dated in last December and January, not on the day of seeding.
    first_day = date(int(last), 12, 1)
    for at in ProcedureEvent.objects.filter(procedure__period__key=last).values_list("at", flat=True):
        assert first_day <= timezone.localdate(at) <= timezone.localdate()
    notice = PublicNotice.objects.filter(procedure__period__key=last).first()
    assert notice is not None and notice.starts_on.month == 12 and notice.starts_on.year == int(last)


def test_last_year_summaries_and_comments(seeded: str) -> None:
    last, _this = years()
    summaries = AnnualSummary.objects.filter(procedure__period__key=last)
    assert summaries.exists() and not summaries.exclude(status=SummaryStatus.SUBMITTED).exists()
    texts = [s.sections for s in summaries]
    assert all(all(section.strip() for section in sections.values()) for sections in texts)
    assert len({sections["achievement"] for sections in texts}) > len(texts) / 2  # varied, not one text
    assert summaries.filter(oral_at__isnull=False).exists()  # leadership members reported orally

    grades = list(GradeDecision.objects.filter(period__key=last))
    assert {g.status for g in grades} == {GradeStatus.FINAL}
    for grade in grades:
        rule = comment_rule(grade)
        assert bool(grade.comment) == (rule in (CommentRule.REQUIRED, CommentRule.ONLY)), grade.pk
        if rule is CommentRule.ONLY:
            assert grade.head_grade == ""
    differing = [g for g in grades if g.head_grade and g.head_grade != g.proposed]
    assert len(differing) >= 2 and all(g.head_reason for g in differing)
    assert all(g.final == g.head_grade for g in differing)  # confirmed as the heads proposed


def test_last_year_one_objection_in_culture_found_unfounded(seeded: str) -> None:
    last, _this = years()
    objections = list(Objection.objects.filter(notice__procedure__period__key=last).select_related(
        "notice__procedure__unit", "filed_by__unit", "candidate"))
    assert len(objections) == 1
    objection = objections[0]
    assert objection.notice.procedure.unit.code == "WL"
    assert objection.status == ObjectionStatus.REJECTED and objection.finding and objection.reason
    assert in_culture(objection.filed_by) and objection.filed_by_id != objection.candidate.official_id
    assert objection.filed_by.user is not None and not objection.filed_by.user.has_usable_password()
    assert objection.notice.starts_on <= timezone.localdate(objection.filed_at) <= objection.notice.ends_on
    assert objection.candidate.withdrawn_at is None  # unfounded: the candidate stays 优秀
    assert GradeDecision.objects.get(pk=objection.candidate.grade_id).final == "excellent"


def test_last_year_notices_signed_one_disagreeing_a_few_unsigned(seeded: str) -> None:
    last, _this = years()
    notices = GradeNotice.objects.filter(grade__period__key=last, is_current=True)
    statuses = list(notices.values_list("status", flat=True))
    assert statuses.count(SignStatus.AGREED) > len(statuses) * 0.9
    disagreed = notices.get(status=SignStatus.DISAGREED)
    assert "不同意" in disagreed.opinion and disagreed.signed_at is not None
    due = notices.exclude(official__user__username="staff").values_list("sign_due", flat=True).first()
    assert due is not None
    left = SignStatus.UNSIGNED if due < timezone.localdate() else SignStatus.PENDING
    assert notices.filter(status=left).exclude(official__user__username="staff").exists()
    head = notices.get(official__user__username="head")
    assert head.status == SignStatus.AGREED
    for signed_at in notices.exclude(signed_at=None).values_list("signed_at", flat=True):
        assert timezone.localdate(signed_at) <= timezone.localdate()


def test_last_year_one_review_decided(seeded: str) -> None:
    last, _this = years()
    review = GradeReview.objects.select_related("grade").get(grade__period__key=last)
    assert review.outcome == "upheld" and review.decision_reason and review.reason
    assert review.decided_at is not None and review.decided_at >= review.requested_at
    assert review.grade.final == review.previous_grade
    assert review.notice.status == SignStatus.DISAGREED  # the official who disagreed asked for it
    assert in_culture(review.official)


def test_staff_has_last_years_notice_to_read_and_sign(seeded: str) -> None:
    last, _this = years()
    staff = User.objects.get(username="staff")
    notice = GradeNotice.objects.get(official__user=staff, grade__period__key=last, is_current=True)
    today = timezone.localdate()
    assert notice.status == SignStatus.PENDING and notice.sign_due >= today and notice.review_due >= today
    assert notice.comment  # the 评语 is on it
    client = Client()
    client.force_login(staff)
    mine = client.get(reverse("appraisal:annual_mine"))
    assert mine.status_code == 200
    page = client.get(reverse("appraisal:grade_notice_detail", args=[notice.pk]))
    assert page.status_code == 200
    # staff can sign it, and could still ask for a review.
    signed = grade_notice_sign(notice=notice, by=staff, agree=False, opinion="本人认为等次偏低。")
    assert signed.status == SignStatus.DISAGREED
    review = review_request(notice=notice, by=staff, reason="申请复核。")
    assert review.previous_grade == notice.grade_value


def test_this_year_under_way(seeded: str) -> None:
    _last, this = years()
    procedures = AnnualProcedure.objects.filter(period__key=this)
    assert procedures.count() == AnnualProcedure.objects.filter(period__key=years()[0]).count()
    summaries = AnnualSummary.objects.filter(procedure__period__key=this)
    statuses = set(summaries.values_list("status", flat=True))
    assert statuses == {SummaryStatus.DRAFT, SummaryStatus.SUBMITTED, SummaryStatus.RETURNED}
    written = [s for s in summaries.filter(status=SummaryStatus.DRAFT) if any(s.sections.values())]
    assert written and summaries.filter(status=SummaryStatus.DRAFT, morality="", achievement="").exists()
    returned = summaries.get(status=SummaryStatus.RETURNED)
    assert returned.return_reason and returned.returned_by == User.objects.get(username="head")
    staff = summaries.get(official__user__username="staff")
    assert staff.status == SummaryStatus.DRAFT and staff.morality and not staff.achievement


def test_this_year_one_bureau_under_public_notice_with_an_objection_waiting(seeded: str) -> None:
    _last, this = years()
    today = timezone.localdate()
    notice = PublicNotice.objects.select_related("procedure__unit").get(procedure__period__key=this)
    unit = notice.procedure.unit
    assert unit.code != "WL" and unit.kind == "bureau"
    assert notice.starts_on <= today <= notice.ends_on and notice.candidates.exists()
    assert notice.procedure.stage == Stage.NOTICE
    assert set(AnnualProcedure.objects.filter(period__key=this).exclude(pk=notice.procedure_id)
               .values_list("stage", flat=True)) == {Stage.SUMMARIES}
    objection = Objection.objects.select_related("filed_by__unit").get(notice=notice)
    assert objection.status == ObjectionStatus.OPEN and objection.reason
    assert objection.filed_by.unit.path.startswith(unit.path)
    assert not notice.candidates.filter(official=objection.filed_by).exists()
    assert not AnnualSummary.objects.filter(procedure=notice.procedure).exclude(
        status=SummaryStatus.SUBMITTED).exists()
