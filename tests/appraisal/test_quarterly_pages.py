"""The quarterly grades' pages: the head's quarter page (scope, htmx autosave and confirmation with the refusal on
the screen and what was typed kept), the official's grades and request, the head's requests to answer, the
organization department's distribution and its rule, the home panels, and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import QuarterlyGrade, QuarterlyRule
from appraisal.services.quarterly import quarterly_grade_write, quarterly_reconsider_request
from tests.appraisal.quarterly_helpers import QUARTER, confirm, grade_of, login_of, propose, score, scored
from tests.factories import OfficialFactory, QuarterlyGradeFactory, RoleGrantFactory, UserFactory, period

UNIT_PAGE = reverse("appraisal:quarterly_unit")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def graded(county):
    """Culture: the head, staff, the culture official and two colleagues (two 好 places); finance: one official."""
    score(county.head_official, county.culture, 93)
    score(county.staff_official, county.culture, 82)
    score(county.culture_official, county.culture, 91)
    scored(county.culture_office, county.culture, [75, 64])
    score(county.finance_official, county.finance, 80)
    propose(county)
    return county


def row_data(grade: QuarterlyGrade, value: str, comment: str) -> dict[str, str]:
    return {f"q{grade.pk}-grade": value, f"q{grade.pk}-comment": comment}


def test_the_head_sees_the_units_officials_but_not_their_own_draft(graded, client_for):
    county = graded
    page = client_for(county.head).get(UNIT_PAGE, {"period": QUARTER}).content.decode()
    assert page.count('data-testid="quarterly-row"') == 4
    assert county.staff_official.name in page and county.head_official.name not in page
    assert county.finance_official.name not in page
    # Another unit's code shows nothing of it: the head's own unit is shown instead.
    other = client_for(county.head).get(UNIT_PAGE, {"period": QUARTER, "unit": "CZ"}).content.decode()
    assert county.finance_official.name not in other
    org = client_for(county.orgadmin).get(UNIT_PAGE, {"period": QUARTER, "unit": "CZ"}).content.decode()
    assert county.finance_official.name in org
    assert client_for(county.staff).get(UNIT_PAGE).status_code == 404


def test_rows_outside_ones_scope_are_404(graded, client_for):
    county = graded
    finance = grade_of(county.finance_official)
    own = grade_of(county.head_official)
    for grade in (finance, own):
        for name in ("quarterly_save", "quarterly_confirm"):
            response = client_for(county.head).post(reverse(f"appraisal:{name}", args=[grade.pk]),
                                                    row_data(grade, "good", "x"), **HTMX)
            assert response.status_code == 404
    assert grade_of(county.head_official).grade == ""


def test_autosave_saves_and_shows_the_refusal(graded, client_for):
    county = graded
    head = client_for(county.head)
    staff = grade_of(county.staff_official)
    saved = head.post(reverse("appraisal:quarterly_save", args=[staff.pk]), row_data(staff, "average", "按时完成"),
                      **HTMX)
    assert saved.status_code == 200 and 'data-testid="autosave-saved"' in saved.content.decode()
    assert (grade_of(county.staff_official).grade, grade_of(county.staff_official).comment) == ("average", "按时完成")
    # Both 好 places are taken by the proposal: a third is refused and the refusal reaches the screen.
    refused = head.post(reverse("appraisal:quarterly_save", args=[staff.pk]), row_data(staff, "good", "很好"), **HTMX)
    # A 422: static/js/htmx_setup.js swaps it in and takes away an earlier green message.
    assert refused.status_code == 422 and 'data-testid="autosave-error"' in refused.content.decode()
    assert grade_of(county.staff_official).grade == "average"
    bad = head.post(reverse("appraisal:quarterly_save", args=[staff.pk]), row_data(staff, "excellent", ""), **HTMX)
    assert bad.status_code == 422 and 'data-testid="autosave-error"' in bad.content.decode()
    assert "等次：" in bad.content.decode()  # the message names the field it is about


def test_confirming_a_row_with_htmx(graded, client_for):
    county = graded
    head = client_for(county.head)
    staff = grade_of(county.staff_official)
    url = reverse("appraisal:quarterly_confirm", args=[staff.pk])
    refused = head.post(url, row_data(staff, "average", "   "), **HTMX).content.decode()
    assert 'data-testid="row-error"' in refused and 'data-status="proposed"' in refused
    assert '<option value="average" selected>' in refused  # what was chosen stays on the screen
    assert grade_of(county.staff_official).status == "proposed"
    done = head.post(url, row_data(staff, "average", "牵头完成景区检查"), **HTMX).content.decode()
    assert 'data-status="confirmed"' in done and "牵头完成景区检查" in done and 'data-testid="row-confirmed"' in done
    row = grade_of(county.staff_official)
    assert (row.status, row.grade, row.comment) == ("confirmed", "average", "牵头完成景区检查")
    # Sent again from a stale page: the row shows it confirmed, and says why this was refused.
    again = head.post(url, row_data(staff, "good", "另写的写实"), **HTMX)
    body = again.content.decode()
    assert again.status_code == 422 and 'data-testid="row-error"' in body and 'data-status="confirmed"' in body
    assert grade_of(county.staff_official).comment == "牵头完成景区检查"


def test_confirming_without_htmx_goes_back_with_a_message(graded, client_for):
    county = graded
    staff = grade_of(county.staff_official)
    url = reverse("appraisal:quarterly_confirm", args=[staff.pk])
    response = client_for(county.head).post(url, row_data(staff, "average", ""), follow=True)
    assert response.redirect_chain and 'alert-danger' in response.content.decode()
    response = client_for(county.head).post(url, row_data(staff, "average", "写实"))
    assert response.status_code == 302 and grade_of(county.staff_official).status == "confirmed"


def test_confirming_the_unit_names_who_has_no_comment(graded, client_for):
    county = graded
    url = reverse("appraisal:quarterly_confirm_unit")
    response = client_for(county.head).post(url, {"period": QUARTER, "unit": "WL"}, follow=True)
    assert county.staff_official.name in response.content.decode() and "alert-danger" in response.content.decode()
    for official in QuarterlyGrade.objects.filter(unit=county.culture).exclude(official=county.head_official):
        quarterly_grade_write(grade=official, by=county.head, value=official.proposed, comment="写实")
    client_for(county.head).post(url, {"period": QUARTER, "unit": "WL"})
    assert QuarterlyGrade.objects.filter(unit=county.culture, status="confirmed").count() == 4
    assert client_for(county.staff).post(url, {"period": QUARTER, "unit": "WL"}).status_code == 404


def test_proposing_from_the_page(county, client_for):
    scored(county.culture_office, county.culture, [90, 80])
    url = reverse("appraisal:quarterly_propose")
    client_for(county.head).post(url, {"period": QUARTER, "unit": "WL"})
    assert QuarterlyGrade.objects.count() == 2
    assert client_for(county.head).post(url, {"period": QUARTER, "unit": "CZ"}).status_code == 404
    assert client_for(county.staff).post(url, {"period": QUARTER}).status_code == 404


def test_the_official_sees_confirmed_grades_and_asks_once(graded, client_for):
    county = graded
    mine = reverse("appraisal:quarterly_mine")
    assert 'data-testid="no-grades"' in client_for(county.staff).get(mine).content.decode()  # a draft is not shown
    grade = confirm(county.staff_official, county.head, value="average", comment="完成了本季度的任务")
    page = client_for(county.staff).get(mine).content.decode()
    assert "完成了本季度的任务" in page and 'data-testid="reconsider-form"' in page
    url = reverse("appraisal:quarterly_reconsider", args=[grade.pk])
    empty = client_for(county.staff).post(url, {f"r{grade.pk}-reason": ""})
    assert empty.status_code == 400 and "<details open" in empty.content.decode()
    asked = client_for(county.staff).post(url, {f"r{grade.pk}-reason": "我还牵头完成了两项重点任务。"})
    assert asked.status_code == 302
    page = client_for(county.staff).get(mine).content.decode()
    assert 'data-testid="my-waiting"' in page and 'data-testid="reconsider-form"' not in page
    again = client_for(county.staff).post(url, {f"r{grade.pk}-reason": "再问一次"})
    assert again.status_code == 400 and 'data-testid="form-error"' in again.content.decode()
    grade.refresh_from_db()
    assert grade.reconsider_reason == "我还牵头完成了两项重点任务。"
    # Someone else's grade is not theirs to ask about.
    other = confirm(county.culture_official, county.head)
    assert client_for(county.staff).post(reverse("appraisal:quarterly_reconsider", args=[other.pk]),
                                         {f"r{other.pk}-reason": "x"}).status_code == 404


def test_the_head_answers_a_request(graded, client_for):
    county = graded
    grade = quarterly_reconsider_request(grade=confirm(county.staff_official, county.head, value="average"),
                                         by=county.staff, reason="请重新考虑")
    page = client_for(county.head).get(reverse("appraisal:quarterly_requests")).content.decode()
    assert "请重新考虑" in page and 'data-testid="answer-form"' in page
    assert client_for(county.staff).get(reverse("appraisal:quarterly_requests")).status_code == 404
    url = reverse("appraisal:quarterly_answer", args=[grade.pk])
    refused = client_for(county.head).post(url, {f"a{grade.pk}-outcome": "changed", f"a{grade.pk}-grade": "",
                                                 f"a{grade.pk}-text": "经研究调整"})
    assert refused.status_code == 400 and "经研究调整" in refused.content.decode()
    finance_head = UserFactory(username="finance-head")
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    assert client_for(finance_head).post(url, {f"a{grade.pk}-outcome": "kept",
                                               f"a{grade.pk}-text": "x"}).status_code == 404
    done = client_for(county.head).post(url, {f"a{grade.pk}-outcome": "kept", f"a{grade.pk}-text": "维持一般"})
    assert done.status_code == 302
    grade.refresh_from_db()
    assert (grade.answer_outcome, grade.answer_text) == ("kept", "维持一般")
    mine = client_for(county.staff).get(reverse("appraisal:quarterly_mine")).content.decode()
    assert 'data-testid="my-answer"' in mine
    answered = client_for(county.head).get(reverse("appraisal:quarterly_requests"), {"all": "1"}).content.decode()
    assert 'data-testid="request-answered"' in answered


def test_the_distribution_and_the_units_rule(graded, client_for):
    county = graded
    url = reverse("appraisal:quarterly_distribution")
    assert client_for(county.head).get(url).status_code == 404
    response = client_for(county.orgadmin).get(url, {"period": QUARTER})
    page = response.content.decode()
    assert page.count('data-testid="distribution-row"') == 2 and 'id="quarterly-chart-data"' in page
    chart = response.context["chart"]
    assert chart["labels"] == ["财政局", "文化和旅游局"]  # in the tree's order
    assert [d["data"] for d in chart["datasets"]] == [[0, 2], [1, 2], [0, 1], [0, 0]]
    assert "chart.umd.min.js" in page and "cdn" not in page.lower()
    client_for(county.orgadmin).post(reverse("appraisal:quarterly_rule"),
                                     {"period": QUARTER, "unit": "WL", "require_good": "1"})
    assert QuarterlyRule.objects.get(unit=county.culture, year=2026).require_good
    assert 'data-testid="rule-on"' in client_for(county.orgadmin).get(url, {"period": QUARTER}).content.decode()
    assert client_for(county.head).post(reverse("appraisal:quarterly_rule"),
                                        {"period": QUARTER, "unit": "WL", "require_good": "0"}).status_code == 404
    assert QuarterlyRule.objects.get(unit=county.culture, year=2026).require_good


def test_home_panels(graded, client_for):
    county = graded
    home = client_for(county.head).get("/").content.decode()
    assert f'data-testid="todo-quarterly-{QUARTER}" data-count="4"' in home
    assert f'{UNIT_PAGE}?period={QUARTER}&amp;status=proposed' in home
    assert 'data-testid="home-quarterly-mine"' not in client_for(county.staff).get("/").content.decode()
    grade = confirm(county.staff_official, county.head)
    staff_home = client_for(county.staff).get("/").content.decode()
    assert 'data-testid="home-quarterly-mine"' in staff_home
    quarterly_reconsider_request(grade=grade, by=county.staff, reason="理由")
    assert 'data-testid="todo-quarterly-requests" data-count="1"' in client_for(county.head).get("/").content.decode()


def _more(county, n: int) -> None:
    """``n`` more officials of culture with a confirmed, asked-about grade, and one more unit's grade."""
    for _i in range(n):
        person = OfficialFactory(unit=county.culture_office, user=UserFactory())
        QuarterlyGradeFactory(official=person, unit=county.culture, status="confirmed", grade="fairly_good",
                              comment="写实", confirmed_by=county.head, graded_by=county.head,
                              confirmed_at=person.created_at, reconsider_reason="理由",
                              reconsider_asked_at=person.created_at)
    unit = OfficialFactory(unit=county.finance_office)
    QuarterlyGradeFactory(official=unit, unit=county.finance)


# The exact count of each page (session, user, role grants and own official included), before and after more data.
PAGE_QUERIES = {("head", "appraisal:quarterly_unit"): 11, ("orgadmin", "appraisal:quarterly_unit"): 11,
                ("head", "appraisal:quarterly_requests"): 7, ("orgadmin", "appraisal:quarterly_distribution"): 11,
                ("staff", "appraisal:quarterly_mine"): 6, ("head", "home"): 20}


@pytest.mark.parametrize(("user", "name", "params"), [
    ("head", "quarterly_unit", {"period": QUARTER}),
    ("orgadmin", "quarterly_unit", {"period": QUARTER, "unit": "WL"}),
    ("head", "quarterly_requests", {"all": "1"}),
    ("orgadmin", "quarterly_distribution", {"period": QUARTER}),
    ("staff", "quarterly_mine", {}),
    ("head", "home", {}),
])
def test_pages_cost_the_same_queries_for_more_data(graded, client_for, django_assert_num_queries, user, name, params):
    county = graded
    login_of(county.staff_official)
    grade = confirm(county.staff_official, county.head)
    quarterly_reconsider_request(grade=grade, by=county.staff, reason="理由")
    client = client_for(getattr(county, user))
    url = reverse(name if name == "home" else f"appraisal:{name}")
    client.get(url, params)
    with django_assert_num_queries(PAGE_QUERIES[(user, name if name == "home" else f"appraisal:{name}")]) as first:
        assert client.get(url, params).status_code == 200
    _more(county, 12)
    period("2026-Q2")  # another quarter in the select
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url, params).status_code == 200
