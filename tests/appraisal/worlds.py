"""Worlds shared beyond the appraisal tests (the Excel exports read them too): a year taken to final grades
through the whole annual procedure, and officials with final grades of 2024–2026 for the results lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from appraisal.models import AnnualSummary, Grade, GradeDecision, GradeNotice, GradeStatus
from appraisal.services.comments import comment_write
from appraisal.services.finalize import grade_notice_sign, notices_mark_unsigned, procedure_finalize
from appraisal.services.grades import grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.notices import notice_open
from appraisal.services.procedure import procedure_open, proposals_submit, summaries_close
from appraisal.services.summaries import summary_save, summary_submit
from tests.appraisal.annual_helpers import (
    AFTER_NOTICE,
    NOTICE_START,
    SECTIONS,
    comment_all,
    ready_to_confirm,
    writer_for,
)
from tests.appraisal.factories import ScorecardFactory, graded
from tests.factories import period

E, C, B, I = Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT  # noqa: E741


LONG = "业务" * 1500  # 3,000 characters: more than one Excel row can show
STAFF_SECTIONS = {**SECTIONS, "morality": '=HYPERLINK("http://evil.example","点我")坚定', "ability": LONG,
                  "achievement": "完成全部任务\n第二段"}
STAFF_COMMENT = "+该同志工作认真负责"
DISAGREE = "我认为应评为优秀"
OVERRIDE = "全年病假超过半年"


def finalize_unit(county, unit, overrides=None):
    """Take a unit whose grades are proposed from the summaries to final grades with notices out."""
    procedure = ready_to_confirm(county, unit)
    grade_confirm_unit(period=period("2026"), unit=unit, by=county.orgadmin, overrides=overrides)
    notice_open(procedure=procedure, by=county.orgadmin, starts_on=NOTICE_START, today=NOTICE_START)
    procedure_finalize(procedure=procedure, by=county.orgadmin, today=AFTER_NOTICE)
    return procedure


def final_year(county):
    """Culture final: 李科员 wrote a long summary, the head wrote his 评语, he disagreed; 赵主任 was marked down
    by the committee with a reason and never signed; 王局长 agreed. Finance final, its notice not signed yet."""
    y = period("2026")
    for official, total in ((county.head_official, 85), (county.staff_official, 80), (county.culture_official, 75)):
        ScorecardFactory(official=official, unit=county.culture, period=y, total=Decimal(total))
    ScorecardFactory(official=county.finance_official, unit=county.finance, period=y, total=Decimal(80))
    grades_propose(period=y, by=county.orgadmin)

    culture = procedure_open(period=y, unit=county.culture, by=county.orgadmin)
    for summary in AnnualSummary.objects.filter(procedure=culture).select_related("official", "official__user"):
        user = writer_for(summary)
        own = STAFF_SECTIONS if summary.official_id == county.staff_official.pk else SECTIONS
        summary_save(summary=summary, by=user, sections=own)
        summary_submit(summary=summary, by=user)
    summaries_close(procedure=culture, by=county.orgadmin)
    comment_write(grade=GradeDecision.objects.get(official=county.staff_official), by=county.head,
                  comment=STAFF_COMMENT)
    comment_all(culture, county.orgadmin)
    proposals_submit(procedure=culture, by=county.orgadmin)
    grade_confirm_unit(period=y, unit=county.culture, by=county.orgadmin,
                       overrides={county.culture_official.pk: (Grade.BASIC, OVERRIDE)})
    notice_open(procedure=culture, by=county.orgadmin, starts_on=NOTICE_START, today=NOTICE_START)
    procedure_finalize(procedure=culture, by=county.orgadmin, today=AFTER_NOTICE)
    grade_notice_sign(notice=GradeNotice.objects.get(official=county.staff_official), by=county.staff, agree=False,
                      opinion=DISAGREE)
    grade_notice_sign(notice=GradeNotice.objects.get(official=county.head_official), by=county.head, agree=True,
                      opinion="")
    assert notices_mark_unsigned(today=date(2026, 12, 31)) == 1  # 赵主任
    finalize_unit(county, county.finance)
    return y




def graded_people(county):
    """Officials of culture (and one of finance) with final grades of 2024–2026; 2026 is the year listed.

    Lists are in unit order (the tree: CZ before WL, WL01 before WL02); the people on one list sit in different
    units, so the order does not depend on how the database collates Chinese names."""
    wl, office, tour = county.culture, county.culture_office, county.culture_tourism
    return {
        "three_excellent": graded(office, wl, {"2024": E, "2025": E, "2026": E}, name="甲", position_title="科长"),
        "excellent": graded(tour, wl, {"2025": C, "2026": E}, name="乙"),
        "not_final": graded(tour, wl, {"2024": E, "2025": E, "2026": E}, status=GradeStatus.NOTICE, name="丙"),
        "basic": graded(office, wl, {"2026": B}, name="丁"),
        "twice_incompetent": graded(office, wl, {"2025": I, "2026": I}, name="戊"),
        "incompetent": graded(tour, wl, {"2025": B, "2026": I}, name="己"),
        "finance_excellent": graded(county.finance_office, county.finance, {"2026": E}, name="庚"),
        "was_excellent": graded(tour, wl, {"2024": E, "2025": E, "2026": C}, name="辛"),
    }
