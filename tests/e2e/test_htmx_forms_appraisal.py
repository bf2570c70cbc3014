"""The appraisal's htmx forms say what they refused, where the person is looking, and keep what was typed (issue 14,
item 8): the annual summary's autosave, the period's rollup button, the register export form and the rows of the
quarterly grades. Each gets what a person cannot type (too long, a choice the page never offered) or meets a state
changed behind its back (submitted in another tab, published, confirmed, gone); the database keeps what was saved.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import AnnualSummary, AppraisalPeriod, ExportJob, PeriodStatus, QuarterlyGrade, RollupRun
from appraisal.services.summaries import summary_save, summary_submit
from common.text_limits import LONG
from tests.appraisal.annual_helpers import SECTIONS, open_procedure
from tests.appraisal.factories import ScorecardFactory
from tests.appraisal.quarterly_helpers import QUARTER, confirm, grade_of, propose, score, scored
from tests.e2e.conftest import run_rollup, sign_in
from tests.e2e.htmx_forms import assert_said_in_chinese, force_value, forge_option
from tests.factories import period

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MORALITY = "坚定拥护党的领导，认真学习党的二十大精神。"
ACHIEVEMENT = "组织文旅惠民活动 24 场，参与群众 3.2 万人次。"


def _wait_until(check, page) -> None:
    """Wait for a write the page sent in the background to reach the database."""
    for _attempt in range(100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def test_the_summary_autosave_says_what_it_did_not_save(county, live_server, page, screenshot):
    for person, total in ((county.staff_official, 96), (county.culture_official, 85), (county.head_official, 88)):
        ScorecardFactory(official=person, unit=county.culture, total=Decimal(total))
    procedure = open_procedure(county, county.culture)
    summary = AnnualSummary.objects.get(procedure=procedure, official=county.staff_official)
    sign_in(page, live_server, "staff")
    page.goto(live_server.url + reverse("appraisal:summary_mine"))
    form = page.get_by_test_id("summary-form")
    form.locator("[name=morality]").fill(MORALITY)
    form.get_by_test_id("save-summary").click()  # a plain POST: the page comes back saying "Draft saved."
    page.locator(".alert-success").wait_for()
    summary.refresh_from_db()
    assert summary.morality == MORALITY

    # Past the section's LONG (10,000) characters: the autosave says so, beside the buttons; the green
    # "Draft saved." of the earlier save goes (it no longer tells the truth); the text stays; nothing saved is lost.
    force_value(form.locator("[name=achievement]"), "绩" * (LONG + 1))
    error = page.get_by_test_id("autosave-error")
    error.wait_for()
    assert_said_in_chinese(error.inner_text(), str(LONG))
    assert page.locator(".alert-success").count() == 0
    assert len(form.locator("[name=achievement]").input_value()) == LONG + 1
    summary.refresh_from_db()
    assert (summary.morality, summary.achievement) == (MORALITY, "")
    screenshot("htmx-forms-01-summary-too-long")

    # Corrected: saved, and the refusal is gone.
    form.locator("[name=achievement]").fill(ACHIEVEMENT)
    page.get_by_test_id("autosave-saved").wait_for()
    assert page.get_by_test_id("autosave-error").count() == 0
    _wait_until(lambda: AnnualSummary.objects.get(pk=summary.pk).achievement == ACHIEVEMENT, page)

    # Submitted from another tab meanwhile: what is typed here is refused with the reason, and kept on the screen.
    summary_save(summary=summary, by=county.staff, sections={**SECTIONS, "morality": MORALITY})
    summary_submit(summary=AnnualSummary.objects.get(pk=summary.pk), by=county.staff)
    form.locator("[name=integrity]").fill("另一个标签页提交之后又写的内容")
    error.wait_for()
    assert_said_in_chinese(error.inner_text())
    assert form.locator("[name=integrity]").input_value() == "另一个标签页提交之后又写的内容"
    assert AnnualSummary.objects.get(pk=summary.pk).integrity == SECTIONS["integrity"]
    screenshot("htmx-forms-02-summary-submitted-elsewhere")


def test_the_rollup_button_says_why_it_did_not_run(county, live_server, page, screenshot):
    month = period("2026-05")
    sign_in(page, live_server, "orgadmin")
    page.goto(live_server.url + reverse("appraisal:period_detail", args=[month.key]))
    AppraisalPeriod.objects.filter(pk=month.pk).update(status=PeriodStatus.PUBLISHED)  # published in another tab
    page.get_by_test_id("run-rollup").click()
    error = page.get_by_test_id("rollup-error")
    error.wait_for()
    assert_said_in_chinese(error.inner_text())
    assert not RollupRun.objects.exists()
    screenshot("htmx-forms-03-rollup-refused")

    AppraisalPeriod.objects.filter(pk=month.pk).update(status=PeriodStatus.OPEN)  # re-opened: it runs
    run_rollup(page)
    assert page.get_by_test_id("rollup-error").count() == 0
    assert RollupRun.objects.get().status == RollupRun.Status.DONE


def test_the_export_form_keeps_the_choices_and_says_why(county, live_server, page, screenshot):
    period("2026")
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=period("2026-05"))
    sign_in(page, live_server, "orgadmin")
    page.goto(live_server.url + reverse("appraisal:exports"))
    form = page.get_by_test_id("export-form")
    form.locator("[name=kind]").select_option("forms")
    form.locator("[name=period]").select_option("2026-05")  # registration forms are made for a year
    page.get_by_test_id("export-start").click()
    error = form.locator(".text-danger, .alert-danger").first
    error.wait_for()
    assert_said_in_chinese(error.inner_text())
    assert form.locator("[name=kind]").input_value() == "forms"
    assert form.locator("[name=period]").input_value() == "2026-05"
    screenshot("htmx-forms-04-export-month-refused")

    # A unit the page never offered (gone since the page was loaded, or forged): refused under the field.
    form.locator("[name=kind]").select_option("register")
    forge_option(form.locator("[name=unit]"), "ZZ", "已撤销的单位", fire=False)
    page.get_by_test_id("export-start").click()
    unit_error = form.locator("[name=unit] ~ .text-danger")
    unit_error.wait_for()
    assert_said_in_chinese(unit_error.inner_text())
    assert (form.locator("[name=kind]").input_value(), form.locator("[name=period]").input_value()) == (
        "register", "2026-05")
    assert not ExportJob.objects.exists()
    screenshot("htmx-forms-05-export-unit-refused")

    form.locator("[name=unit]").select_option("WL")
    form.locator("[name=kind]").select_option("register")
    form.locator("[name=period]").select_option("2026-05")
    page.get_by_test_id("export-start").click()
    page.get_by_test_id("export-progress").wait_for()
    assert page.locator("#export-start .text-danger, #export-start .alert-danger").count() == 0
    assert ExportJob.objects.get().unit.code == "WL"


def _row(page, name: str):
    return page.locator(f"tr[data-testid=quarterly-row][data-official='{name}']")


def test_the_quarterly_rows_show_each_refusal_in_the_row(county, live_server, page, screenshot):
    score(county.head_official, county.culture, 93)
    score(county.staff_official, county.culture, 82)
    score(county.culture_official, county.culture, 91)
    colleagues = scored(county.culture_office, county.culture, [75, 64])
    propose(county)
    sign_in(page, live_server, "head")
    page.goto(live_server.url + reverse("appraisal:quarterly_unit") + f"?period={QUARTER}")

    # A comment past its 500 characters: the row's status says so; the text stays; nothing is written.
    staff = _row(page, "李科员")
    force_value(staff.get_by_test_id("comment-input"), "写" * 501)
    error = staff.get_by_test_id("autosave-error")
    error.wait_for()
    assert_said_in_chinese(error.inner_text(), "500")
    assert len(staff.get_by_test_id("comment-input").input_value()) == 501
    assert grade_of(county.staff_official).comment == ""
    screenshot("htmx-forms-06-quarterly-comment-too-long")

    # A grade the page never offered, saved and then confirmed: refused in the row, the comment typed kept.
    staff.get_by_test_id("comment-input").fill("本季度完成景区安全检查 12 家。")
    staff.get_by_test_id("autosave-saved").wait_for()
    forge_option(staff.get_by_test_id("grade-select"), "excellent", "优秀")
    error.wait_for()
    assert_said_in_chinese(error.inner_text())
    staff.get_by_test_id("confirm-row").click()
    staff.get_by_test_id("row-error").wait_for()
    assert_said_in_chinese(staff.get_by_test_id("row-error").inner_text())
    assert staff.get_by_test_id("comment-input").input_value() == "本季度完成景区安全检查 12 家。"
    saved = grade_of(county.staff_official)
    assert (saved.status, saved.grade, saved.comment) == ("proposed", saved.proposed, "本季度完成景区安全检查 12 家。")
    screenshot("htmx-forms-07-quarterly-forged-grade")

    # Confirmed from another tab meanwhile: the row says so instead of quietly turning green.
    confirm(county.culture_official, county.head, comment="另一个标签页写的写实。")
    other = _row(page, "赵主任")
    other.get_by_test_id("comment-input").fill("这里写的写实。")
    other.get_by_test_id("confirm-row").click()
    message = _row(page, "赵主任").get_by_test_id("row-error")
    message.wait_for()
    assert_said_in_chinese(message.inner_text())
    assert grade_of(county.culture_official).comment == "另一个标签页写的写实。"
    screenshot("htmx-forms-08-quarterly-confirmed-elsewhere")

    # A row gone since the page was loaded: said at the top of the page.
    QuarterlyGrade.objects.filter(official=colleagues[0]).delete()
    _row(page, colleagues[0].name).get_by_test_id("confirm-row").click()
    failure = page.get_by_test_id("htmx-failure")
    failure.wait_for()
    assert_said_in_chinese(failure.inner_text(), "刷新")
    screenshot("htmx-forms-09-quarterly-row-gone")
