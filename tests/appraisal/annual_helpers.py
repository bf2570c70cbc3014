"""Walk a unit's annual procedure through its stages with the services, for the tests of the later stages.

Each helper acts as the person the rules name (the official, the head, the organization department), so the
audit rows and refusals are those of real use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    GradeDecision,
    ProcedureEvent,
    PublicNotice,
    Stage,
    SummaryStatus,
)
from appraisal.selectors.annual import CommentRule, comment_rule
from appraisal.services.comments import comment_write
from appraisal.services.finalize import procedure_finalize
from appraisal.services.grades import grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.notices import notice_open
from appraisal.services.procedure import procedure_open as _open
from appraisal.services.procedure import proposals_submit, summaries_close
from appraisal.services.summaries import summary_save, summary_submit
from common.errors import ApplicationError
from org.models import Official, OrgUnit, User
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.factories import UserFactory, period

SECTIONS = {"morality": "政治立场坚定", "ability": "业务熟练", "diligence": "全勤", "achievement": "完成全部任务",
            "integrity": "廉洁自律"}
# The 2026 national holidays are on the calendar; these Mondays to Fridays are plain working weeks.
NOTICE_START = date(2026, 11, 2)
AFTER_NOTICE = date(2026, 11, 9)


def writer_for(summary: AnnualSummary) -> User:
    """The official's own login (one is made for an official who has none)."""
    official = summary.official
    if official.user is None:
        official.user = UserFactory(username=f"u{official.pk}")
        official.save(update_fields=["user"])
    return official.user


def open_procedure(county, unit: OrgUnit, key: str = "2026") -> AnnualProcedure:
    grades_propose(period=period(key), by=county.orgadmin)
    return _open(period=period(key), unit=unit, by=county.orgadmin)


def submit_all(procedure: AnnualProcedure) -> None:
    for summary in AnnualSummary.objects.filter(procedure=procedure).select_related("official", "official__user"):
        user = writer_for(summary)
        summary_save(summary=summary, by=user, sections=SECTIONS)
        summary_submit(summary=summary, by=user)


def comment_all(procedure: AnnualProcedure, by: User) -> None:
    for grade in GradeDecision.objects.filter(period=procedure.period, unit=procedure.unit).select_related(
            "official", "official__unit"):
        if grade.comment:  # already written by the test
            continue
        if comment_rule(grade) in (CommentRule.REQUIRED, CommentRule.ONLY) and grade.official.user_id != by.pk:
            comment_write(grade=grade, by=by, comment=f"{grade.official.name}同志工作认真负责。")


def to_stage(county, unit: OrgUnit, stage: Stage, key: str = "2026") -> AnnualProcedure:
    """Open the unit's procedure and move it through the services up to ``stage``."""
    procedure = open_procedure(county, unit, key)
    if stage == Stage.SUMMARIES:
        return procedure
    submit_all(procedure)
    procedure = summaries_close(procedure=procedure, by=county.orgadmin)
    if stage == Stage.COMMENTS:
        return procedure
    comment_all(procedure, county.orgadmin)
    procedure = proposals_submit(procedure=procedure, by=county.orgadmin)
    if stage == Stage.CONFIRMATION:
        return procedure
    grade_confirm_unit(period=period(key), unit=unit, by=county.orgadmin)
    notice_open(procedure=procedure, by=county.orgadmin, starts_on=NOTICE_START, today=NOTICE_START)
    procedure.refresh_from_db()
    if stage == Stage.NOTICE:
        return procedure
    procedure_finalize(procedure=procedure, by=county.orgadmin, today=AFTER_NOTICE)
    procedure.refresh_from_db()
    return procedure


def latest_notice(procedure: AnnualProcedure) -> PublicNotice:
    return procedure.notices.order_by("-id").first()


def ready_to_confirm(county, unit: OrgUnit, key: str = "2026") -> AnnualProcedure:
    """With the year's grades proposed, open the unit and take it through summaries and 评语 to confirmation."""
    procedure = _open(period=period(key), unit=unit, by=county.orgadmin)
    submit_all(procedure)
    summaries_close(procedure=procedure, by=county.orgadmin)
    comment_all(procedure, county.orgadmin)
    return proposals_submit(procedure=procedure, by=county.orgadmin)


@contextmanager
def refused(code: str) -> Iterator[None]:
    """Expect the service to refuse with ``code``."""
    with pytest.raises(ApplicationError) as error:
        yield
    assert error.value.code == code, (error.value.code, error.value.message)


def actions(procedure) -> list[str]:
    return list(ProcedureEvent.objects.filter(procedure=procedure).order_by("id").values_list("action", flat=True))


def scorecards(county, candidate: Official, key: str, extra: list[float | str]) -> None:
    """The year's scorecards: only the candidate reaches 优秀 (90+), the quota (20%) leaves room for one."""
    for person, total in ((county.staff_official, 85), (county.culture_official, 80), (county.head_official, 88),
                          (candidate, 96)):
        ScorecardFactory(official=person, unit=county.culture, period=period(key), total=Decimal(total))
    staff_in(county.culture_office, county.culture, extra, key=key)


def submit_the_rest(procedure: AnnualProcedure) -> None:
    for summary in AnnualSummary.objects.filter(procedure=procedure).exclude(status=SummaryStatus.SUBMITTED) \
            .select_related("official", "official__user"):
        user = writer_for(summary)
        summary_save(summary=summary, by=user, sections=SECTIONS)
        summary_submit(summary=summary, by=user)
