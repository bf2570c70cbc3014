"""Journey: `inspector` registers a case against 李科员 (staff), investigates and records 记过, marks it
decided; `head` gets 404 on the case file but sees the cap on the effects page; the organization department
runs the year's rollup and proposes grades — 李科员's is 不确定等次 with the reason — and staff finds the
deduction under "why is my score" and only their own decisions in "my record"; staff requests error tolerance,
the inspector supports it, orgadmin approves; after the next rollup the cap and the deduction are gone while
the case stays, its decision marked exempted. Each reader's read of the case file leaves an access-log row; the
same reader opening it again within minutes (a reload, the page after each step) adds none."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from appraisal.models import GradeDecision, ScoreEntry
from discipline.defaults import ensure_defaults
from discipline.models import Case, CaseAccess, Decision, DecisionKind, ToleranceRequest
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from tests.e2e.conftest import run_rollup, sign_in
from tests.e2e.picker import pick_official
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
FACTS = "2026年10月，李科员在景区项目验收中收受施工方购物卡两张，价值两千元。"


def _views(case: Case) -> int:
    return CaseAccess.objects.filter(case=case, action=CaseAccess.Action.VIEW).count()


def _case_page(page, live_server, case: Case, reader: str) -> None:
    """Open the case file and check that the read is logged: one row for this reader within the window, however
    often they opened it in it."""
    page.goto(f"{live_server.url}/discipline/cases/{case.pk}/")
    page.get_by_test_id("case-facts").wait_for()
    since = timezone.now() - dt.timedelta(minutes=settings.DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES)
    assert CaseAccess.objects.filter(case=case, action=CaseAccess.Action.VIEW, user__username=reader,
                                     at__gte=since).count() == 1


def _rollup_and_propose(page, live_server, year: str) -> None:
    page.goto(f"{live_server.url}/appraisal/periods/{year}/")
    run_rollup(page)
    page.goto(f"{live_server.url}/appraisal/grades/?period={year}&unit=WL")
    page.get_by_test_id("propose-grades").click()
    page.get_by_test_id("grade-table").wait_for()


def test_case_decision_grade_cap_and_error_tolerance(county, live_server, page, screenshot):
    ensure_defaults()  # the transactional test database was flushed: put the rule catalogue back
    today = timezone.localdate()
    year = str(today.year)
    effective = today - dt.timedelta(days=5)
    staff_row = f"[data-testid=grade-row][data-official='{county.staff_official.pk}']"
    # Another official with a decision of their own, which staff must not see.
    other_user = UserFactory(username="sunkeyuan")
    other = OfficialFactory(unit=county.culture_office, name="孙科员", user=other_user)
    other_case = case_register(by=county.inspector, unit=county.culture, title="上班期间擅离职守", subjects=[other],
                               source="inspection", facts="多次擅离岗位。", registered_on=effective)
    case_transition(by=county.inspector, case=other_case, to="investigating")
    decision_record(by=county.inspector, case=other_case, official=other,
                    kind=DecisionKind.objects.get(code="reminder_talk"), effective_date=effective)

    # 1. The inspector registers the case (the unit choice loads its officials), then moves it on.
    sign_in(page, live_server, "inspector")
    page.goto(f"{live_server.url}/discipline/cases/new/")
    page.locator("select[name=unit]").select_option(str(county.culture.pk))
    pick_official(page, "id_subjects", "李", "李科员")
    page.locator("input[name=title]").fill("违规收受管理服务对象购物卡")
    page.locator("select[name=source]").select_option("report")
    page.locator("input[name=source_reference]").fill("举报〔2026〕12号")
    page.get_by_test_id("rule-checkboxes").locator("input[type=checkbox]").nth(10).check()
    page.get_by_test_id("case-save").click()  # the facts are missing: refused, nothing typed is lost
    page.get_by_test_id("case-form").wait_for()
    assert page.locator("input[name=title]").input_value() == "违规收受管理服务对象购物卡"
    assert page.locator("#id_subjects").evaluate("s => [...s.selectedOptions].map(o => o.value)") == [
        str(county.staff_official.pk)]
    assert not Case.objects.filter(title__startswith="违规收受").exists()
    screenshot("discipline-01-register-refused")
    page.locator("textarea[name=facts]").fill(FACTS)
    page.get_by_test_id("case-save").click()
    page.wait_for_url(re.compile(r"/discipline/cases/\d+/$"))
    case = Case.objects.get(title="违规收受管理服务对象购物卡")
    assert _views(case) == 1  # the page that opened after registering
    page.locator("#transition-comment").fill("初核属实，转入调查")
    page.get_by_test_id("to-investigating").click()
    page.get_by_test_id("decision-form").wait_for()

    # 2. The decision: 记过, effective five days ago, with its defaults; then the case is decided.
    form = page.get_by_test_id("decision-form")
    form.locator("select[name=official]").select_option(str(county.staff_official.pk))
    form.locator("select[name=kind]").select_option(str(DecisionKind.objects.get(code="gov_demerit").pk))
    form.locator("input[name=effective_date]").fill(effective.isoformat())
    form.locator("textarea[name=summary]").fill("给予政务记过处分")
    page.get_by_test_id("decision-save").click()
    decision = Decision.objects.get(case=case)
    page.get_by_test_id(f"decision-{decision.pk}").wait_for()
    assert decision.kind.code == "gov_demerit" and decision.grade_cap == "undetermined" and decision.points == 10
    page.locator("#transition-comment").fill("经研究决定给予记过处分")
    page.get_by_test_id("to-decided").click()
    page.get_by_test_id("to-closed").wait_for()
    case.refresh_from_db()
    assert case.status == "decided"
    _case_page(page, live_server, case, "inspector")
    assert page.get_by_test_id("timeline").locator("li").count() == 3
    assert page.get_by_test_id("access-log").locator("li").count() == 1  # four pages of the case, one reader
    screenshot("discipline-02-case-decided")

    # 3. The head: 404 on the case file, the cap on the effects page — no kind, no case, no facts.
    sign_in(page, live_server, "head")
    views = _views(case)
    response = page.goto(f"{live_server.url}/discipline/cases/{case.pk}/")
    assert response is not None and response.status == 404 and _views(case) == views
    page.goto(f"{live_server.url}/discipline/effects/?unit=WL")
    row = page.get_by_test_id(f"effect-{county.staff_official.pk}")
    assert decision.in_force_until is not None and decision.in_force_until.isoformat() in row.inner_text()
    assert "不确定等次" in row.inner_text()
    body = page.content()
    assert "记过" not in body and case.number not in body and FACTS not in body
    screenshot("discipline-03-head-sees-the-cap")
    page.goto(f"{live_server.url}/officials/{county.staff_official.pk}/")
    effects = page.get_by_test_id("official-effects")  # loaded with htmx into the official's page
    effects.wait_for()
    assert "不确定等次" in effects.inner_text() and "记过" not in effects.inner_text()
    assert page.get_by_test_id("promotion-eligibility").locator(".text-bg-danger").count() == 1
    screenshot("discipline-03b-official-page-effects")

    # 4. The organization department: the year's rollup and the proposed grades with the reason.
    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/appraisal/periods/")
    page.get_by_test_id("period-create").locator("input[name=key]").fill(year)
    page.get_by_test_id("period-create").locator("button[type=submit]").click()
    _rollup_and_propose(page, live_server, year)
    assert page.locator(f"{staff_row} [data-testid=proposed]").inner_text().strip() == "不确定等次"
    assert "纪律处分" in page.locator(f"{staff_row} [data-testid=constraint]").first.inner_text()
    assert GradeDecision.objects.get(official=county.staff_official, period__key=year).proposed == "undetermined"
    screenshot("discipline-04-grade-undetermined")

    # 5. Staff: the deduction under "why is my score", only their own decisions in "my record".
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/appraisal/me/?period={year}")
    ledger = page.get_by_test_id("ledger-row").filter(has_text="纪律处分")
    assert ledger.count() == 1 and ledger.get_by_test_id("ledger-points").inner_text() == "扣 10 分"
    screenshot("discipline-05-why-is-my-score")
    ledger.get_by_role("link").click()  # the row's source: the decision's page, without the case's facts
    page.get_by_test_id("decision-title").wait_for()
    assert page.get_by_test_id("decision-cap").inner_text().startswith("不确定等次")
    assert FACTS not in page.content() and page.get_by_test_id("appeal-button").count() == 1
    page.goto(f"{live_server.url}/discipline/me/")
    assert page.get_by_test_id(f"my-decision-{decision.pk}").count() == 1
    assert page.locator("[data-testid^=my-decision-]").count() == 1
    assert FACTS not in page.content()
    screenshot("discipline-06-my-record")
    other_decision = Decision.objects.get(official=other)
    assert page.goto(f"{live_server.url}/discipline/decisions/{other_decision.pk}/").status == 404
    assert page.goto(f"{live_server.url}/discipline/cases/{case.pk}/").status == 404

    # 6. Error tolerance: staff files it from "my record", the inspector supports it, orgadmin approves.
    page.goto(f"{live_server.url}/discipline/me/")
    page.get_by_test_id(f"my-tolerance-{decision.pk}").click()
    page.locator("input[name=for_public_good]").check()
    page.locator("input[name=corrected_promptly]").check()
    page.locator("textarea[name=statement]").fill("购物卡系验收现场被强行塞入，次日即上交单位纪检组。")
    page.get_by_test_id("tolerance-submit").click()
    page.get_by_test_id("tolerance-status").wait_for()
    request = ToleranceRequest.objects.get()
    screenshot("discipline-07-tolerance-filed")

    sign_in(page, live_server, "inspector")
    page.goto(f"{live_server.url}/discipline/tolerance/")
    page.get_by_test_id(f"tolerance-row-{request.pk}").get_by_role("link").last.click()
    page.get_by_test_id("review-form").locator("input[value=yes]").check()
    page.locator("textarea[name=opinion]").fill("及时上交，未谋私利，符合容错情形。")
    page.get_by_test_id("review-submit").click()
    page.get_by_test_id("review").wait_for()

    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/discipline/tolerance/{request.pk}/")
    page.get_by_test_id("decide-form").locator("input[value=yes]").check()
    page.locator("textarea[name=note]").fill("经部务会研究，同意免责。")
    page.locator("textarea[name=rectification]").fill("完善项目验收廉政提醒制度")
    page.get_by_test_id("decide-submit").click()
    page.get_by_test_id("decision-note").wait_for()
    request.refresh_from_db()
    decision.refresh_from_db()
    assert request.status == "approved" and decision.exempted
    screenshot("discipline-08-tolerance-approved")

    # 7. The next rollup: the cap and the deduction are gone; the case remains, its decision exempted.
    _rollup_and_propose(page, live_server, year)
    assert page.locator(f"{staff_row} [data-testid=proposed]").inner_text().strip() != "不确定等次"
    assert page.locator(f"{staff_row} [data-testid=constraint]").count() == 0
    assert not ScoreEntry.objects.filter(official=county.staff_official, rule__code="discipline_decision").exists()
    screenshot("discipline-09-grade-after-exemption")
    _case_page(page, live_server, case, "orgadmin")
    page.get_by_test_id(f"exempted-{decision.pk}").wait_for()
    assert FACTS in page.get_by_test_id("case-facts").inner_text()
    screenshot("discipline-10-case-remains-exempted")

    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/appraisal/me/?period={year}")
    assert page.get_by_test_id("ledger-row").filter(has_text="纪律处分").count() == 0


def test_inspector_pages_fit_the_screen(county, live_server, page, screenshot):
    """The list pages and forms at 1366×768: the case register with its filters, a talk recorded through the
    form (the unit loads its officials), the tolerance queue and the catalogue."""
    ensure_defaults()
    for index, official in enumerate((county.staff_official, county.culture_official, county.finance_official)):
        case = case_register(by=county.inspector, unit=official.unit, title=f"案件{index}", subjects=[official],
                             source="supervision", facts="督查发现问题。", registered_on=dt.date(2026, 4, index + 1))
        if index:
            case_transition(by=county.inspector, case=case, to="investigating")
    sign_in(page, live_server, "inspector")
    page.goto(f"{live_server.url}/discipline/cases/")
    assert page.locator("[data-testid^=case-row-]").count() == 3
    page.locator("input[name=q]").fill("钱科员")
    page.locator("[data-testid=case-filter] button[type=submit]").click()
    page.wait_for_url(re.compile(r"q="))
    assert page.locator("[data-testid^=case-row-]").count() == 1
    screenshot("discipline-11-case-list-filtered")

    page.goto(f"{live_server.url}/discipline/talks/new/")
    page.locator("select[name=unit]").select_option(str(county.culture.pk))
    pick_official(page, "id_official", "赵", "赵主任")
    page.locator("select[name=kind]").select_option("care")
    page.locator("select[name=occasion]").select_option("retirement")
    page.locator("input[name=held_on]").fill("2026-11-02")
    page.locator("input[name=talker_name]").fill("王局长")
    page.locator("textarea[name=topic]").fill("临近退休，了解思想动态和生活安排")
    page.get_by_test_id("talk-form").locator("button[type=submit]").click()
    page.get_by_test_id("follow-up-form").wait_for()
    page.goto(f"{live_server.url}/discipline/talks/")
    assert page.locator("[data-testid^=talk-row-]").count() == 1
    screenshot("discipline-12-talks")

    page.goto(f"{live_server.url}/discipline/rules/")
    assert page.get_by_test_id("rule-BZ-1").count() == 1
    screenshot("discipline-13-rules")
    page.goto(f"{live_server.url}/discipline/kinds/")
    assert page.get_by_test_id("kind-gov_demerit").count() == 1
    screenshot("discipline-14-kinds")


def test_whoever_filed_a_tolerance_request_does_not_review_it(county, live_server, page, screenshot):
    """Separation of duties: the inspector files error tolerance for 李科员 from the case page (offered once a
    decision is recorded); on the request's page they get no review form but the reason, and a colleague in
    discipline inspection reviews it."""
    ensure_defaults()
    colleague = UserFactory(username="inspector2", first_name="", last_name="")
    OfficialFactory(unit=county.culture, name="孙纪检", user=colleague)
    RoleGrantFactory(user=colleague, unit=county.culture, role="discipline")
    case = case_register(by=county.inspector, unit=county.culture, title="违规发放补贴",
                         subjects=[county.staff_official], source="inspection", facts="超标准发放加班补贴。",
                         registered_on=timezone.localdate())
    case = case_transition(by=county.inspector, case=case, to="investigating")

    sign_in(page, live_server, "inspector")
    page.goto(f"{live_server.url}/discipline/cases/{case.pk}/")
    button = page.get_by_test_id(f"request-tolerance-{county.staff_official.pk}")
    assert button.count() == 0  # no decision yet: nothing to exempt
    assert page.get_by_test_id("to-not_pursued").count() == 0  # under investigation: not 不予立案
    with translation.override("zh-hans"):  # as the page speaks
        close_label = gettext("Close with no sanction")
        conflict = gettext("You filed this request: someone else must review and decide it.")
    assert page.get_by_test_id("to-closed").inner_text().strip() == close_label
    decision_record(by=county.inspector, case=case, official=county.staff_official,
                    kind=DecisionKind.objects.get(code="reminder_talk"), effective_date=timezone.localdate())
    page.reload()
    button.click()
    page.locator("input[name=for_public_good]").check()
    page.locator("textarea[name=statement]").fill("为赶工期集体研究决定，未谋私利。")
    page.get_by_test_id("tolerance-submit").click()
    page.get_by_test_id("tolerance-status").wait_for()
    request = ToleranceRequest.objects.get()
    assert request.requested_by == county.inspector
    assert page.get_by_test_id("review-form").count() == 0
    assert conflict in page.get_by_test_id("separation-of-duties").inner_text()
    screenshot("discipline-11-filer-cannot-review")

    sign_in(page, live_server, "inspector2")
    page.goto(f"{live_server.url}/discipline/tolerance/{request.pk}/")
    assert page.get_by_test_id("separation-of-duties").count() == 0
    page.get_by_test_id("review-form").locator("input[value=yes]").check()
    page.locator("textarea[name=opinion]").fill("情节轻微，符合容错情形。")
    page.get_by_test_id("review-submit").click()
    page.get_by_test_id("review").wait_for()
    request.refresh_from_db()
    assert request.status == "reviewed" and request.reviewed_by == colleague
    assert "孙纪检" in page.get_by_test_id("review").inner_text()  # by name, not by login
    screenshot("discipline-12-colleague-reviews")
