"""Journey of the year's appraisal of a bureau, as the rules run it (issue 12): staff writes and submits the annual
summary (autosave) → the head closes the summaries, writes the 评语 and submits the proposals → the organization
department confirms the grades and posts the 公示 → another official of the bureau objects to the 优秀 candidate →
the organization department finds the objection unfounded → the notice ends → the grades are made final and the
written notices sent → staff reads the notice, signs "不同意" and asks for 复核 → the organization department
decides → staff sees the result → the unit's 登记表 downloads and opens with the summary and the 评语 in it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    GradeDecision,
    GradeNotice,
    GradeReview,
    GradeStatus,
    Objection,
    ObjectionStatus,
    PublicNotice,
    SignStatus,
    Stage,
    SummaryStatus,
)
from appraisal.services.grades import grades_propose
from appraisal.services.procedure import procedure_open
from appraisal.services.summaries import summary_save, summary_submit
from tests.appraisal.annual_helpers import SECTIONS, comment_all, writer_for
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.e2e.conftest import sign_in
from tests.factories import OfficialFactory, UserFactory, period

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
YEAR = "2026"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
# staff's summary, one text per section (德能勤绩廉), each easy to find again in the registration form
SUMMARY = {
    "morality": "坚定拥护党的领导，认真学习党的二十大精神。",
    "ability": "熟悉文旅政策，牵头起草智慧景区建设方案。",
    "diligence": "全年出勤满勤，主动承担节假日值班。",
    "achievement": "组织文旅惠民活动 24 场，参与群众 3.2 万人次；完成 A 级景区安全检查 12 家。",
    "integrity": "严守中央八项规定精神，无违纪违规问题。",
}
COMMENT = "该同志政治立场坚定，业务能力强，工作积极主动，全年圆满完成各项任务，成绩突出。"
DISAGREE = "本人对评语中“业务能力”的表述有不同意见，请求复核。"


def build_bureau(county) -> AnnualProcedure:
    """The culture bureau's year: six appraised officials with year scorecards, staff alone above 90 (the one
    优秀 place of the 20 % quota), a colleague with a login who will object; the grades proposed, the year's
    appraisal opened, and every summary but staff's submitted (through the services, as each official)."""
    for official, total in ((county.staff_official, 96), (county.head_official, 88), (county.culture_official, 86)):
        ScorecardFactory(official=official, unit=county.culture, period=period(YEAR), total=Decimal(total))
    colleague = OfficialFactory(name="周同事", unit=county.culture_office, position_title="四级主任科员",
                                user=UserFactory(username="colleague"))
    ScorecardFactory(official=colleague, unit=county.culture, period=period(YEAR), total=Decimal(82))
    staff_in(county.culture_tourism, county.culture, [78, 74], key=YEAR)
    grades_propose(period=period(YEAR), by=county.orgadmin)
    procedure = procedure_open(period=period(YEAR), unit=county.culture, by=county.orgadmin)
    for summary in AnnualSummary.objects.filter(procedure=procedure).exclude(official=county.staff_official):
        user = writer_for(summary)
        summary_save(summary=summary, by=user, sections=SECTIONS)
        summary_submit(summary=summary, by=user)
    return procedure


def open_menu_item(page, test_id: str) -> None:
    """Open the navigation dropdown that holds the item and click it."""
    item = page.get_by_test_id(test_id)
    page.locator("li.dropdown", has=item).locator(".dropdown-toggle").click()
    item.click()


def open_stage_page(page, live_server, procedure: AnnualProcedure) -> None:
    page.goto(f"{live_server.url}/appraisal/annual/?period={YEAR}")
    page.get_by_test_id("procedure-table").get_by_role("link", name="文化和旅游局").click()
    page.wait_for_url(f"{live_server.url}/appraisal/annual/{procedure.pk}/")


def stage(procedure: AnnualProcedure) -> str:
    procedure.refresh_from_db()
    return procedure.stage


def test_annual_appraisal_from_summary_to_registration_form(county, live_server, page, screenshot):
    procedure = build_bureau(county)
    staff_grade = GradeDecision.objects.get(official=county.staff_official, period__key=YEAR)
    assert staff_grade.proposed == "excellent"

    # -- staff writes the summary; autosave keeps the draft; then submits it -------------------------------------
    sign_in(page, live_server, "staff")
    open_menu_item(page, "nav-summary")
    page.get_by_test_id("summary-form").wait_for()
    for name, text in SUMMARY.items():
        page.locator(f"#id_{name}").fill(text)
    saved = page.get_by_test_id("autosave-saved")
    saved.wait_for()
    assert "保存" in saved.inner_text()
    # "Saved" may show from an earlier autosave while the last one is on its way: wait for the row.
    summary = AnnualSummary.objects.get(procedure=procedure, official=county.staff_official)
    for _attempt in range(100):
        summary.refresh_from_db()
        if summary.integrity == SUMMARY["integrity"]:
            break
        page.wait_for_timeout(100)
    assert summary.sections == SUMMARY and summary.status == SummaryStatus.DRAFT  # saved before any button
    screenshot("annual-01-staff-writes-summary")
    page.set_viewport_size(PHONE)
    screenshot("annual-01m-phone-summary-form")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("submit-summary").click()
    page.get_by_test_id("summary-read").wait_for()
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED
    assert SUMMARY["achievement"] in page.get_by_test_id("summary-read").inner_text()
    screenshot("annual-02-staff-submitted-summary")

    # -- the head closes the summaries, writes staff's 评语 and submits the proposals ----------------------------
    sign_in(page, live_server, "head")
    open_stage_page(page, live_server, procedure)
    assert page.get_by_test_id("fig-summaries").inner_text() == "6/6"
    screenshot("annual-03-head-stage-summaries-in")
    page.get_by_test_id("close-summaries").click()
    page.get_by_test_id("submit-proposals").wait_for()
    assert stage(procedure) == Stage.COMMENTS
    page.get_by_test_id("link-comments").click()
    page.locator("tr[data-official=李科员]").get_by_test_id("write-comment").click()
    assert SUMMARY["ability"] in page.get_by_test_id("summary-text").inner_text()  # the summary beside the form
    page.locator("#id_comment").fill(COMMENT)
    screenshot("annual-04-head-writes-comment")
    page.get_by_test_id("save-comment").click()
    page.get_by_test_id("comment-table").wait_for()
    staff_grade.refresh_from_db()
    assert staff_grade.comment == COMMENT and staff_grade.commented_by == county.head
    # the head's own 评语 is not theirs to write (the organization department writes it): read only
    assert page.locator("tr[data-official=王局长]").get_by_test_id("write-comment").inner_text() == "查看"
    screenshot("annual-05-head-comments-list")
    # The other officials' 评语 are written through the service (the head's own by the organization department):
    # the journey follows staff's.
    comment_all(procedure, county.orgadmin)
    open_stage_page(page, live_server, procedure)
    page.get_by_test_id("submit-proposals").click()
    page.wait_for_url(f"{live_server.url}/appraisal/annual/{procedure.pk}/")
    page.get_by_test_id("link-grades").wait_for()
    assert stage(procedure) == Stage.CONFIRMATION

    # -- the organization department confirms the grades and posts the 公示 ---------------------------------------
    sign_in(page, live_server, "orgadmin")
    open_stage_page(page, live_server, procedure)
    screenshot("annual-06-orgadmin-stage-confirmation")
    page.get_by_test_id("go-confirm").click()
    page.get_by_test_id("confirm-unit").wait_for()
    assert page.get_by_test_id("quota").inner_text() == "1"
    page.get_by_test_id("confirm-unit").click()
    page.get_by_test_id("grade-table").wait_for()
    assert GradeDecision.objects.filter(period__key=YEAR, unit=county.culture,
                                        status=GradeStatus.CONFIRMED).count() == 6
    screenshot("annual-07-orgadmin-grades-confirmed")
    page.get_by_test_id("procedures-link").click()  # back to the unit's stage page for the next step
    page.get_by_test_id("procedure-table").get_by_role("link", name="文化和旅游局").click()
    page.get_by_test_id("open-notice").click()
    page.get_by_test_id("notice-runs-until").wait_for()  # final only after the notice ends
    assert stage(procedure) == Stage.NOTICE
    notice = PublicNotice.objects.get(procedure=procedure)
    assert list(notice.candidates.values_list("name", flat=True)) == ["李科员"]
    screenshot("annual-08-orgadmin-notice-posted")

    # -- another official of the bureau sees the notice on the home page and objects to staff ---------------------
    sign_in(page, live_server, "colleague")
    home_notice = page.get_by_test_id("todo-notices-mine")
    assert home_notice.get_attribute("data-count") == "1"
    screenshot("annual-09-colleague-home-notice")
    home_notice.get_by_test_id("todo-link").click()
    running = page.get_by_test_id("running-notices")
    assert "文化和旅游局" in running.inner_text()
    running.get_by_role("link").first.click()
    page.wait_for_url(f"{live_server.url}/appraisal/notices/{notice.pk}/")
    assert page.locator("[data-candidate=李科员]").count() == 1
    page.locator("#id_candidate").select_option(label="李科员（旅游发展科）")
    page.locator("#id_reason").fill("该同志下半年曾两次未按时报送月度工作总结，建议核实。")
    screenshot("annual-10-colleague-objects")
    page.get_by_test_id("file-objection").click()
    page.wait_for_url(f"{live_server.url}/appraisal/notices/{notice.pk}/")
    objection = Objection.objects.get(notice=notice)
    assert objection.candidate.official_id == county.staff_official.pk and objection.status == ObjectionStatus.OPEN
    screenshot("annual-11-colleague-objection-filed")

    # -- the organization department finds the objection unfounded ----------------------------------------------
    sign_in(page, live_server, "orgadmin")
    open_menu_item(page, "nav-objections")
    page.get_by_test_id("open-objection").click()
    page.locator("input[name=upheld][value='0']").check()
    page.locator("#id_note").fill("经核实，该同志两次迟报均经分管领导批准延期，异议不成立。")
    screenshot("annual-12-orgadmin-records-finding")
    page.get_by_test_id("save-finding").click()
    page.locator("[data-testid=objection-status][data-status=rejected]").wait_for()
    screenshot("annual-13-orgadmin-objection-unfounded")

    # -- the notice ends. The test moves the notice's dates into the past in the database: it cannot wait the
    # five working days the notice lasts. ---------------------------------------------------------------------
    today = timezone.localdate()
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=today - timedelta(days=14),
                                                     ends_on=today - timedelta(days=7))

    # -- the grades become final and every official gets the written notice ---------------------------------------
    open_stage_page(page, live_server, procedure)
    page.get_by_test_id("finalize").click()
    page.wait_for_url(f"{live_server.url}/appraisal/annual/{procedure.pk}/")
    page.get_by_test_id("link-signatures").wait_for()
    assert stage(procedure) == Stage.FINAL
    assert GradeNotice.objects.filter(grade__period__key=YEAR, grade__unit=county.culture).count() == 6
    screenshot("annual-14-orgadmin-grades-final")

    # -- staff reads the written notice, signs "不同意" and asks for 复核 -------------------------------------------
    sign_in(page, live_server, "staff")
    page.locator("[data-testid=todo-sign][data-count=\"1\"]").wait_for()  # the home page asks for the signature
    open_menu_item(page, "nav-annual-mine")
    screenshot("annual-15-staff-my-appraisal")
    page.get_by_test_id("open-pending-notice").click()
    page.wait_for_url(re.compile(r"/appraisal/grade-notices/\d+/$"))
    assert page.get_by_test_id("notice-comment").inner_text() == COMMENT
    assert page.get_by_test_id("notice-grade").inner_text() == "优秀"
    screenshot("annual-16-staff-written-notice")
    page.set_viewport_size(PHONE)
    screenshot("annual-16m-phone-written-notice")
    page.set_viewport_size(DESKTOP)
    page.locator("input[name=agree][value='0']").check()
    page.locator("#id_opinion").fill(DISAGREE)
    page.get_by_test_id("sign").click()
    page.get_by_test_id("review-form").wait_for()
    grade_notice = GradeNotice.objects.get(grade=staff_grade, is_current=True)
    assert grade_notice.status == SignStatus.DISAGREED and grade_notice.opinion == DISAGREE
    assert DISAGREE in page.get_by_test_id("signature").inner_text()
    page.get_by_test_id("review-form").locator("#id_reason").fill(
        "评语对本人业务能力的评价与全年实绩不符，请求组织复核。")
    page.get_by_test_id("ask-review").click()
    page.get_by_test_id("review").wait_for()
    review = GradeReview.objects.get(grade=staff_grade)
    assert not review.outcome
    screenshot("annual-17-staff-signed-and-asked-review")

    # -- the organization department decides the review: 维持 -----------------------------------------------------
    sign_in(page, live_server, "orgadmin")
    open_menu_item(page, "nav-reviews")
    page.get_by_test_id("review-table").wait_for()
    screenshot("annual-18-orgadmin-reviews")
    page.get_by_test_id("open-review").click()
    page.locator("input[name=outcome][value=upheld]").check()
    page.locator("#id_reason").fill("经复核，评语依据全年实绩和个人总结作出，维持原等次和评语。")
    screenshot("annual-19-orgadmin-decides-review")
    page.get_by_test_id("decide-review").click()
    page.get_by_test_id("review-outcome").wait_for()
    review.refresh_from_db()
    assert review.outcome == "upheld" and review.decided_by == county.orgadmin
    screenshot("annual-20-orgadmin-review-decided")

    # -- staff sees the result on the notice page -------------------------------------------------------------------
    sign_in(page, live_server, "staff")
    open_menu_item(page, "nav-annual-mine")
    page.get_by_test_id(f"year-{YEAR}").get_by_role("link", name=re.compile("优秀")).click()
    page.wait_for_url(f"{live_server.url}/appraisal/grade-notices/{grade_notice.pk}/")
    assert "维持原等次" in page.get_by_test_id("review-outcome").inner_text()
    screenshot("annual-21-staff-sees-review-result")

    # -- the organization department downloads the unit's registration forms and the test opens them --------------
    sign_in(page, live_server, "orgadmin")
    open_stage_page(page, live_server, procedure)
    page.get_by_test_id("link-forms").click()
    form = page.get_by_test_id("export-form")
    form.locator("select[name=kind]").select_option("forms")
    form.locator("select[name=period]").select_option(YEAR)
    form.locator("select[name=unit]").select_option("WL")
    page.get_by_test_id("export-start").click()
    link = page.get_by_test_id("export-download")
    link.wait_for()
    screenshot("annual-22-orgadmin-forms-ready")
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with open(download_info.value.path(), "rb") as downloaded:
        workbook = load_workbook(downloaded, read_only=True)
        assert "李科员" in workbook.sheetnames and len(workbook.sheetnames) == 6
        cells = [str(cell) for row in workbook["李科员"].iter_rows(values_only=True) for cell in row
                 if cell is not None]
    text = "\n".join(cells)
    for section in SUMMARY.values():
        assert section in text
    assert COMMENT in text and DISAGREE in text
