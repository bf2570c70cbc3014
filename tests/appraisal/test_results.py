"""The use of the annual results (结果运用): the five lists from final grades, their scope and query counts, the
Excel download, and promotion eligibility from discipline and last year's grade."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Grade, GradeDecision, GradeStatus
from appraisal.selectors.results import ResultList, promotion_eligibility, result_counts, result_list
from discipline.defaults import ensure_defaults
from discipline.models import DecisionKind
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from org.models import Official
from tests.appraisal.factories import FinalGradeFactory, graded
from tests.factories import RoleGrantFactory, UserFactory, period

E, C, B, I = Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT  # noqa: E741


def _earlier_not_final(people) -> None:
    """A 2024 优秀 still under notice does not count towards three years running."""
    GradeDecision.objects.filter(official=people["excellent"], period__key="2025").update(final=E)
    FinalGradeFactory(official=people["excellent"], unit=people["excellent"].unit, period=period("2024"),
                      proposed=E, status=GradeStatus.CONFIRMED)


def _names(user, kind: str) -> list[str]:
    return [d.official.name for d in result_list(user, period("2026"), kind)]


def test_each_list_holds_the_officials_its_rule_names(county, people):
    _earlier_not_final(people)
    org = county.orgadmin
    assert _names(org, ResultList.COMMENDATION) == ["庚", "甲", "乙"]
    assert _names(org, ResultList.MERIT) == ["甲"]
    assert _names(org, ResultList.ADMONITION) == ["丁"]
    assert _names(org, ResultList.ADJUSTMENT) == ["戊", "己"]
    assert _names(org, ResultList.DISMISSAL) == ["戊"]
    assert result_counts(org, period("2026")) == {"commendation": 3, "merit": 1, "admonition": 1, "adjustment": 2,
                                                  "dismissal": 1}
    # The year before: 甲, 乙 (made 优秀 above), 丙 (only its 2026 grade is not final) and 辛.
    assert result_counts(org, period("2025")) == {"commendation": 4, "merit": 0, "admonition": 1, "adjustment": 1,
                                                  "dismissal": 0}


def test_the_page_shows_the_rows_with_the_triggering_years_and_notes(county, people, client_for):
    response = client_for(county.orgadmin).get(reverse("appraisal:results"), {"year": "2026", "list": "merit"})
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row.official == people["three_excellent"]
    assert [(y.year, y.grade) for y in row.triggering] == [(2024, E), (2025, E), (2026, E)]
    assert row.earlier == []
    assert [(v, c) for v, _label, c in response.context["tabs"]] == [
        ("commendation", 3), ("merit", 1), ("admonition", 1), ("adjustment", 2), ("dismissal", 1)]
    assert response.context["chart"]["counts"] == [3, 1, 1, 2, 1]
    html = response.content.decode()
    assert "甲" in html and "科长" in html and "文旅局办公室" in html and 'id="results-chart-data"' in html
    assert "chart.umd.min.js" in html

    commendation = client_for(county.orgadmin).get(reverse("appraisal:results"), {"year": "2026"})
    rows = {r.official.name: r for r in commendation.context["rows"]}
    assert [(y.year, y.grade, y.triggers) for y in rows["乙"].years] == [(2024, "", False), (2025, C, False),
                                                                          (2026, E, True)]
    assert len(rows["甲"].notes) == 2 and len(rows["乙"].notes) == 1  # 甲 is also due a third-class merit
    adjustment = client_for(county.orgadmin).get(reverse("appraisal:results"), {"year": "2026",
                                                                               "list": "adjustment"})
    assert [(r.official.name, len(r.notes)) for r in adjustment.context["rows"]] == [("戊", 2), ("己", 1)]


def test_an_org_department_on_one_bureau_sees_only_it_and_others_get_404(county, people, client_for):
    bureau_org = UserFactory(username="wl-org")
    RoleGrantFactory(user=bureau_org, unit=county.culture, role="org")
    response = client_for(bureau_org).get(reverse("appraisal:results"), {"year": "2026"})
    assert [r.official.name for r in response.context["rows"]] == ["甲", "乙"]
    assert response.context["chart"]["counts"] == [2, 1, 1, 2, 1]
    finance_org = UserFactory(username="cz-org")
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    assert result_counts(finance_org, period("2026")) == {"commendation": 1, "merit": 0, "admonition": 0,
                                                          "adjustment": 0, "dismissal": 0}
    export = reverse("appraisal:results_export") + "?year=2026&list=commendation"
    for user in (county.head, county.staff, county.inspector, county.outsider):
        assert client_for(user).get(reverse("appraisal:results")).status_code == 404
        assert client_for(user).get(export).status_code == 404
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert result_counts(superuser, period("2026"))["commendation"] == 3


def test_an_unknown_year_or_list_is_404_on_the_export(county, people, client_for):
    client = client_for(county.orgadmin)
    url = reverse("appraisal:results_export")
    assert client.get(url, {"year": "2019", "list": "merit"}).status_code == 404
    assert client.get(url, {"year": "2026", "list": "bonus"}).status_code == 404
    assert client.get(url, {"year": "2026-03", "list": "merit"}).status_code == 404
    assert client.get(reverse("appraisal:results"), {"year": "2026", "list": "bonus"}).context["kind"] == \
        "commendation"


def _grow(county, n: int) -> None:
    for _i in range(n):
        for grades in ({"2024": E, "2025": E, "2026": E}, {"2026": B}, {"2025": I, "2026": I}):
            graded(county.culture_tourism, county.culture, grades)


# The exact count of each list's page and of its export for the organization department.
PAGE_QUERIES, EXPORT_QUERIES = 10, 7


@pytest.mark.parametrize("kind", ResultList.values)
def test_each_list_page_and_export_cost_a_constant_number_of_queries(county, client_for, django_assert_num_queries,
                                                                     kind):
    client = client_for(county.orgadmin)
    page = reverse("appraisal:results") + f"?year=2026&list={kind}"
    export = reverse("appraisal:results_export") + f"?year=2026&list={kind}"
    _grow(county, 2)
    with django_assert_num_queries(PAGE_QUERIES) as small_page:
        client.get(page)
    with django_assert_num_queries(EXPORT_QUERIES) as small_export:
        b"".join(client.get(export).streaming_content)
    _grow(county, 30)
    with django_assert_num_queries(len(small_page.captured_queries)):
        response = client.get(page)
    assert response.context["page"].paginator.count == 32
    with django_assert_num_queries(len(small_export.captured_queries)):
        b"".join(client.get(export).streaming_content)


def _open(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_opens_with_its_rows_title_print_setup_and_formulas_as_text(county, people, client_for):
    people["excellent"].name = "=HYPERLINK(\"http://x\")"
    people["excellent"].save()
    response = client_for(county.orgadmin).get(reverse("appraisal:results_export"),
                                               {"year": "2026", "list": "commendation"})
    assert response.status_code == 200
    assert quote("2026年度考核结果运用-嘉奖名单.xlsx") in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = _open(response).active
    assert "2026" in ws["A1"].value and ws.freeze_panes == "A4"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[:5] for r in rows] == [
        (1, "庚", "财政局办公室", "科员", "一般干部"),
        (2, "甲", "文旅局办公室", "科长", "一般干部"),
        (3, "'=HYPERLINK(\"http://x\")", "旅游发展科", "科员", "一般干部"),
    ]
    assert ws.cell(row=6, column=2).data_type == "s"
    assert rows[1][6:8] == ("2026 优秀", "2024 优秀；2025 优秀")
    assert rows[2][6:8] == ("2026 优秀", "2025 称职")
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1 is the default, which xlsxwriter leaves out), as many pages tall as needed.
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0 and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$3:$3"  # the header row on every printed page

    dismissal = _open(client_for(county.orgadmin).get(reverse("appraisal:results_export"),
                                                      {"year": "2026", "list": "dismissal"})).active
    assert [r[1] for r in dismissal.iter_rows(min_row=4, values_only=True)] == ["戊"]
    assert dismissal.cell(row=4, column=7).value == "2025 不称职；2026 不称职"


# -- promotion eligibility --------------------------------------------------------------------------------------
def test_a_basic_grade_last_year_bars_promotion_this_year(county):
    official = graded(county.culture_tourism, county.culture, {"2025": B})
    barred = promotion_eligibility(official, today=date(2026, 6, 1))
    assert not barred.eligible and barred.year == 2025 and barred.last_grade == B
    [reason] = barred.reasons
    assert "2025" in reason and "基本称职" in reason
    assert promotion_eligibility(official, today=date(2027, 6, 1)).eligible  # 2026 has no final grade
    competent = graded(county.culture_tourism, county.culture, {"2025": C, "2024": I})
    assert promotion_eligibility(competent, today=date(2026, 6, 1)).eligible
    proposed = graded(county.culture_tourism, county.culture, {"2025": I})
    GradeDecision.objects.filter(official=proposed).update(status=GradeStatus.CONFIRMED)
    assert promotion_eligibility(proposed, today=date(2026, 6, 1)).eligible  # not final: not read


def _admonish(county, official: Official, day: date):
    ensure_defaults()
    case = case_register(by=county.inspector, unit=county.culture, title="履职不力", subjects=[official],
                         source="report", source_reference="举报〔2026〕5号", facts="推诿扯皮。",
                         registered_on=date(2026, 3, 2))
    case = case_transition(by=county.inspector, case=case, to="investigating", comment="开始调查")
    decision_record(by=county.inspector, case=case, official=official,
                    kind=DecisionKind.objects.get(code="admonishment"), effective_date=day)
    return case


def test_a_case_and_a_discipline_bar_make_the_official_not_eligible_with_the_reasons(county):
    official = county.staff_official
    case = _admonish(county, official, date(2026, 5, 1))
    investigated = promotion_eligibility(official, today=date(2026, 5, 10))
    assert not investigated.eligible and len(investigated.reasons) == 1
    case_transition(by=county.inspector, case=case, to="decided")
    barred = promotion_eligibility(official, today=date(2026, 6, 1))
    assert not barred.eligible and len(barred.reasons) == 1 and "2026-10-31" in barred.reasons[0]
    assert "推诿" not in barred.reasons[0] and "履职不力" not in barred.reasons[0]  # the effect, never the facts
    FinalGradeFactory(official=official, unit=county.culture, period=period("2025"), proposed=I)
    both = promotion_eligibility(official, today=date(2026, 6, 1))
    assert len(both.reasons) == 2
    FinalGradeFactory(official=official, unit=county.culture, period=period("2026"), proposed=C)
    assert promotion_eligibility(official, today=date(2027, 1, 5)).eligible


def test_the_official_score_page_shows_eligibility_to_the_head(county, client_for):
    last_year = str(timezone.localdate().year - 1)
    FinalGradeFactory(official=county.staff_official, unit=county.culture, period=period(last_year), proposed=B)
    url = reverse("appraisal:official_score", args=[county.staff_official.pk])
    response = client_for(county.head).get(url)
    assert response.status_code == 200
    assert not response.context["eligibility"].eligible
    html = response.content.decode()
    assert 'data-testid="not-eligible"' in html and 'data-testid="eligibility-reason"' in html
    other = client_for(county.head).get(reverse("appraisal:official_score", args=[county.culture_official.pk]))
    assert other.context["eligibility"].eligible and 'data-testid="eligible"' in other.content.decode()
    assert client_for(county.head).get(
        reverse("appraisal:official_score", args=[county.finance_official.pk])).status_code == 404
