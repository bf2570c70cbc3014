"""Journey of the grade names by personnel category (issue 13, item 4): the organization department opens the culture
bureau's grades, where a civil servant reads 称职 and 事业单位 staff 合格 (with a badge saying why), one of them capped
at 合格 by a 事业单位 警告; a librarian signs in and reads the written notice of the year — 合格, with the 事业单位
appeal route — on a desktop and on a phone."""

from __future__ import annotations

from datetime import date

import pytest

from appraisal.display.grade_labels import grade_label
from appraisal.models import Grade, GradeNotice, Stage
from discipline.defaults import ensure_defaults as ensure_catalogue
from discipline.models import DecisionKind
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from org.models import PersonnelCategory
from tests.appraisal.annual_helpers import to_stage
from tests.appraisal.factories import ScorecardFactory
from tests.e2e.conftest import sign_in
from tests.e2e.test_annual_journey import open_menu_item
from tests.factories import OfficialFactory, UserFactory, period

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
YEAR = "2026"
PHONE = {"width": 390, "height": 844}
INST = PersonnelCategory.INSTITUTION


def test_grades_and_the_written_notice_use_each_official_s_grade_names(county, live_server, page, screenshot):
    librarian = OfficialFactory(name="孙馆员", unit=county.culture_office, position_title="馆员",
                                personnel_category=INST, user=UserFactory(username="librarian"))
    warned = OfficialFactory(name="钱馆员", unit=county.culture_office, personnel_category=INST)
    for official, total in ((librarian, 82), (county.staff_official, 80), (county.culture_official, 78),
                            (warned, 95)):
        ScorecardFactory(official=official, unit=county.culture, period=period(YEAR), total=total)
    ensure_catalogue()  # the transactional test database was flushed: put the decision kinds back
    case = case_register(by=county.inspector, unit=county.culture, title="工作日饮酒后上岗", subjects=[warned],
                         source="inspection", facts="作风督查发现。", registered_on=date(2026, 3, 2))
    case_transition(by=county.inspector, case=case, to="investigating")
    decision_record(by=county.inspector, case=case, official=warned, kind=DecisionKind.objects.get(
        code="inst_warning"), effective_date=date(2026, 4, 1))
    case_transition(by=county.inspector, case=case, to="decided")
    case_transition(by=county.inspector, case=case, to="closed")
    to_stage(county, county.culture, Stage.FINAL)
    qualified, competent = grade_label(Grade.COMPETENT, INST), grade_label(Grade.COMPETENT)

    # -- the organization department: one table, each official's own names -------------------------------------
    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/appraisal/grades/?period={YEAR}&unit=WL")
    table = page.get_by_test_id("grade-table")
    row = table.locator(f"tr[data-official='{librarian.pk}']")
    assert row.get_by_test_id("final").inner_text().strip() == qualified
    assert row.get_by_test_id("category").count() == 1  # the badge that says why the names differ
    civil = table.locator(f"tr[data-official='{county.staff_official.pk}']")
    assert civil.get_by_test_id("final").inner_text().strip() == competent
    assert civil.get_by_test_id("category").count() == 0
    capped = table.locator(f"tr[data-official='{warned.pk}']")
    assert capped.get_by_test_id("final").inner_text().strip() == qualified  # 95 points, at most 合格
    assert qualified in capped.get_by_test_id("constraint").inner_text()
    screenshot("category-01-orgadmin-grades-both-names")
    # The officials list says who is which, and filters by it.
    page.goto(f"{live_server.url}/officials/")
    page.locator("#id_personnel_category").select_option("institution")
    page.wait_for_url("**personnel_category=institution**")
    assert page.get_by_test_id("official-table").locator("tbody tr").count() == 2
    screenshot("category-03-orgadmin-officials-by-category")

    # -- the librarian reads the written notice from "my annual appraisal" --------------------------------------
    sign_in(page, live_server, "librarian")
    open_menu_item(page, "nav-annual-mine")
    page.get_by_test_id("open-pending-notice").first.click()
    notice = GradeNotice.objects.get(official=librarian, is_current=True)
    page.wait_for_url(f"{live_server.url}/appraisal/grade-notices/{notice.pk}/")
    shown = page.get_by_test_id("notice-grade").inner_text()
    assert shown == qualified and "称职" not in shown
    assert "事业单位" in page.get_by_test_id("notice-remedies").inner_text()
    screenshot("category-02-librarian-written-notice")
    page.set_viewport_size(PHONE)
    assert page.get_by_test_id("notice-grade").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    screenshot("category-02m-phone-written-notice")
