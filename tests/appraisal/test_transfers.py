"""Officials who changed units (考核规定 2020 第26条): a month's scores stay with the unit of the time, the year's go
to the unit that grades the official — the new unit after 调任/转任, the unit of the longest stay after 援派/挂职 (or
always, by setting) — and the head over that unit writes the 评语."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import AnnualSummary, GradeDecision, Scorecard, Stage
from appraisal.selectors.annual import can_review_summary, comment_rows_for, summaries_visible_to
from appraisal.selectors.scores import scorecards_visible_to
from appraisal.services.comments import comment_write
from appraisal.services.grades import grades_propose
from appraisal.services.procedure import procedure_open, summaries_close
from appraisal.services.rollup import rollup_period
from appraisal.services.summaries import summary_return, summary_save, summary_submit
from common.errors import ApplicationError
from org.models import PostKind
from org.services import official_assign_post
from tests.appraisal.annual_helpers import SECTIONS, submit_all, writer_for
from tests.conftest import statements
from tests.factories import OfficialFactory, PostAssignmentFactory, RoleGrantFactory, UserFactory, period

D = dt.date


def mover(county, on: dt.date, kind: str = PostKind.LATERAL_EXCHANGE, name: str = "孙调动"):
    """An official of the finance office since 2020 who moves to the culture office on ``on``."""
    official = OfficialFactory(name=name, unit=county.finance_office, post_since=D(2020, 1, 1))
    PostAssignmentFactory(official=official, start_date=D(2020, 1, 1))
    official_assign_post(official=official, unit=county.culture_office, position_title="科员", start_date=on,
                         kind=kind)
    official.refresh_from_db()
    return official


@pytest.fixture
def finance_head(county):
    user = UserFactory(username="finance_head")
    RoleGrantFactory(user=user, unit=county.finance, role="head")
    OfficialFactory(name="财政局长", unit=county.finance, user=user)
    return user


def unit_of(official, key: str) -> int:
    return Scorecard.objects.get(official=official, period__key=key).unit_id


# -- the rollup ------------------------------------------------------------------------------------------
def test_months_stay_with_the_unit_of_the_time_and_the_new_unit_takes_the_year(county):
    official = mover(county, D(2026, 7, 1))
    for key in ("2026-06", "2026-07", "2026-Q3", "2026"):
        rollup_period(period=period(key))
    assert unit_of(official, "2026-06") == county.finance.pk
    assert unit_of(official, "2026-07") == county.culture.pk
    assert unit_of(official, "2026-Q3") == county.culture.pk
    assert unit_of(official, "2026") == county.culture.pk
    assert unit_of(county.staff_official, "2026-06") == county.culture.pk  # no posts: Official.unit


def test_a_seconded_official_is_graded_where_they_worked_longest(county):
    official = mover(county, D(2026, 10, 1), kind=PostKind.SECONDMENT)
    rollup_period(period=period("2026"))
    rollup_period(period=period("2026-10"))
    assert unit_of(official, "2026") == county.finance.pk
    assert unit_of(official, "2026-10") == county.culture.pk


def test_longest_stay_for_every_kind_of_move_by_setting(county, settings):
    official = mover(county, D(2026, 10, 1))
    rollup_period(period=period("2026"))
    assert unit_of(official, "2026") == county.culture.pk
    settings.APPRAISAL_TRANSFER_GRADED_BY = "longest"
    rollup_period(period=period("2026"))
    assert unit_of(official, "2026") == county.finance.pk


def test_the_rollup_costs_the_same_statements_for_one_or_many_movers(county):
    def run() -> int:
        with CaptureQueriesContext(connection) as captured:
            rollup_period(period=period("2026-06"))
        return statements(captured.captured_queries)

    mover(county, D(2026, 6, 10))
    run()  # the first run derives the ledger
    one = run()
    movers = [mover(county, D(2026, 6, 25), name=f"调动{i}") for i in range(8)]
    assert run() == one
    assert {unit_of(m, "2026-06") for m in movers} == {county.finance.pk}


def test_the_head_over_the_unit_of_the_time_still_sees_the_months_card(county, finance_head):
    official = mover(county, D(2026, 7, 1))
    rollup_period(period=period("2026-06"))
    june = Scorecard.objects.get(official=official, period__key="2026-06")
    assert june in scorecards_visible_to(finance_head)
    assert june in scorecards_visible_to(county.head)  # the official's head now
    july = rollup_period(period=period("2026-07")) and Scorecard.objects.get(official=official, period__key="2026-07")
    assert july not in scorecards_visible_to(finance_head)


# -- the 评语 ---------------------------------------------------------------------------------------------
def open_year(county, unit):
    rollup_period(period=period("2026"))
    grades_propose(period=period("2026"), by=county.orgadmin)
    procedure = procedure_open(period=period("2026"), unit=unit, by=county.orgadmin)
    submit_all(procedure)
    return procedure


def test_after_a_transfer_the_new_units_head_writes_the_comment(county, finance_head, client_for):
    official = mover(county, D(2026, 7, 1))
    procedure = open_year(county, county.culture)
    summaries_close(procedure=procedure, by=county.head)
    grade = GradeDecision.objects.get(official=official)
    assert grade.unit == county.culture
    assert grade in comment_rows_for(county.head, procedure)
    comment_write(grade=grade, by=county.head, comment="调入后工作积极。")
    with pytest.raises(ApplicationError):
        comment_write(grade=grade, by=finance_head, comment="原单位的评语")

    page = client_for(county.head).get(f"/appraisal/annual/{procedure.pk}/comments/").content.decode()
    assert 'data-testid="transfer-info"' in page and "财政局办公室" in page and "2026-07-01" in page
    edit = client_for(county.head).get(f"/appraisal/annual/{procedure.pk}/comments/{grade.pk}/").content.decode()
    assert 'data-testid="transfer-info"' in edit and "财政局办公室" in edit


def test_a_seconded_official_is_commented_by_the_head_of_the_unit_of_the_longest_stay(county, finance_head,
                                                                                      client_for):
    official = mover(county, D(2026, 10, 1), kind=PostKind.SECONDMENT)  # now in culture, nine months in finance
    procedure = open_year(county, county.finance)
    grade = GradeDecision.objects.get(official=official)
    assert grade.unit == county.finance
    summary = AnnualSummary.objects.get(procedure=procedure, official=official)

    # The summary: the finance head sees it and may return it; the culture head (over the official now) may not.
    assert summary in summaries_visible_to(finance_head)
    assert can_review_summary(finance_head, summary) and not can_review_summary(county.head, summary)
    with pytest.raises(ApplicationError):
        summary_return(summary=summary, by=county.head, reason="请补充")
    summary_return(summary=summary, by=finance_head, reason="请补充挂职期间的工作")
    detail = client_for(finance_head).get(f"/appraisal/summary/{summary.pk}/").content.decode()
    assert 'data-testid="transfer-info"' in detail and "文旅局办公室" in detail and "2026-10-01" in detail
    listing = client_for(finance_head).get(f"/appraisal/annual/{procedure.pk}/summaries/").content.decode()
    assert 'data-testid="transfer-info"' in listing

    writer = writer_for(summary)
    summary_submit(summary=summary_save(summary=summary, by=writer, sections=SECTIONS), by=writer)
    summaries_close(procedure=procedure, by=finance_head)
    assert list(comment_rows_for(finance_head, procedure).filter(official=official)) == [grade]
    comment_write(grade=grade, by=finance_head, comment="挂职前在本单位表现良好。")
    with pytest.raises(ApplicationError):
        comment_write(grade=grade, by=county.head, comment="挂职单位的评语")
    edit = client_for(finance_head).get(f"/appraisal/annual/{procedure.pk}/comments/{grade.pk}/")
    assert 'data-testid="comment-form"' in edit.content.decode()


def test_a_head_does_not_see_the_comment_row_of_someone_graded_elsewhere(county, settings):
    """Under "longest", an official moved into culture in October is graded by finance; were both sections of one
    bureau, the culture section's head would not write their 评语 (the rows follow the grading unit)."""
    settings.APPRAISAL_TRANSFER_GRADED_BY = "longest"
    section_head = UserFactory(username="office_head")
    RoleGrantFactory(user=section_head, unit=county.culture_office, role="head")
    official = OfficialFactory(name="周轮岗", unit=county.culture_tourism, post_since=D(2020, 1, 1))
    PostAssignmentFactory(official=official, start_date=D(2020, 1, 1))
    official_assign_post(official=official, unit=county.culture_office, position_title="科员",
                         start_date=D(2026, 10, 1), kind=PostKind.INTERNAL_ROTATION)
    procedure = open_year(county, county.culture)
    assert procedure.stage == Stage.SUMMARIES
    rows = comment_rows_for(section_head, procedure)
    assert official.pk not in {r.official_id for r in rows}
    assert county.culture_official.pk in {r.official_id for r in rows}
    assert official.pk in {r.official_id for r in comment_rows_for(county.head, procedure)}
