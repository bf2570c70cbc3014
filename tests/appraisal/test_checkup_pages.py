"""Check-up pages: the organization department's rounds, progress, assignment forms, results (constant
queries) and an official's problem list; a rater's own ratings with the form and the conflict-of-interest
action; the official's own result once closed. Nobody reads another rater's scores."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import CheckupResult, CheckupRound, RaterAssignment
from appraisal.services.checkup import round_close
from appraisal.services.checkup_results import round_compute
from tests.appraisal.test_checkup_services import DIMS, assign, give, open_round, raters
from tests.factories import OfficialFactory, OrgUnitFactory


def test_only_the_organization_department_sees_the_round_pages(county, client_for):
    checkup = open_round(county)
    for user in (county.head, county.staff, county.outsider):
        client = client_for(user)
        assert client.get(reverse("appraisal:checkup_round_list")).status_code == 404
        assert client.get(reverse("appraisal:checkup_round_create")).status_code == 404
        assert client.get(reverse("appraisal:checkup_round_detail", args=["2026-Q3"])).status_code == 404
        assert client.get(reverse("appraisal:checkup_results", args=["2026-Q3"])).status_code == 404
        assert client.post(reverse("appraisal:checkup_close", args=["2026-Q3"])).status_code == 404
    checkup.refresh_from_db()
    assert checkup.status == "open"
    response = client_for(county.orgadmin).get(reverse("appraisal:checkup_round_list"))
    assert response.status_code == 200 and 'data-key="2026-Q3"' in response.content.decode()


def test_opening_a_round_from_the_page_and_keeping_input_on_error(county, client_for):
    client = client_for(county.orgadmin)
    url = reverse("appraisal:checkup_round_create")
    form = {"quarter": "2026-Q3", "min_responses": 2, "problem_threshold": 75, "weight_principal": 40,
            "weight_colleagues": 20, "weight_recipients": 20, "weight_functional": 10, "weight_organization": 10}
    # A quarter outside the offered ones is refused and everything typed stays on the form.
    response = client.post(url, {**form, "quarter": "1999-Q1", "problem_threshold": 101})
    assert response.status_code == 200 and not CheckupRound.objects.exists()
    body = response.content.decode()
    assert 'value="40"' in body and 'value="101"' in body and "field-error" in body
    quarter = response.context["form"].fields["quarter"].choices[0][0]
    response = client.post(url, {**form, "quarter": quarter})
    assert response.status_code == 302
    checkup = CheckupRound.objects.get()
    assert checkup.period.key == quarter and checkup.min_responses == 2 and checkup.problem_threshold == 75
    assert checkup.group_weights["principal"] == 40
    assert response["Location"] == reverse("appraisal:checkup_round_detail", args=[quarter])
    # The quarter taken is no longer offered.
    choices = [key for key, _label in client.get(url).context["form"].fields["quarter"].choices]
    assert quarter not in choices


def test_the_round_page_shows_progress_and_assigns_raters(county, client_for):
    checkup = open_round(county)
    client = client_for(county.orgadmin)
    url = reverse("appraisal:checkup_round_detail", args=["2026-Q3"])
    response = client.post(reverse("appraisal:checkup_assign", args=["2026-Q3"]),
                           {"official": county.staff_official.staff_number, "group": "colleagues",
                            "raters": "head staff"})
    assert response.status_code == 200 and 'data-testid="form-error"' in response.content.decode()
    assert not RaterAssignment.objects.exists()  # staff would rate themself: nothing is assigned
    response = client.post(reverse("appraisal:checkup_assign", args=["2026-Q3"]),
                           {"official": county.staff_official.staff_number, "group": "principal",
                            "raters": "head，inspector"})
    assert response.status_code == 302
    assert RaterAssignment.objects.filter(round=checkup, group="principal").count() == 2
    response = client.post(reverse("appraisal:checkup_assign_defaults", args=["2026-Q3"]),
                           {"unit": county.culture.pk, "colleagues": 5})
    assert response.status_code == 302
    rating = RaterAssignment.objects.get(round=checkup, official=county.staff_official, rater=county.head)
    give(rating, 80)
    rows = {row["group"]: row for row in client.get(url).context["progress"]}
    assert rows["principal"]["submitted"] == 1 and rows["principal"]["pending"] == 2  # + 赵主任's principal
    assert rows["organization"]["pending"] == 3 and rows["recipients"]["total"] == 0


def test_compute_and_close_from_the_round_page(county, client_for):
    checkup = open_round(county)
    [rating] = assign(county, checkup, county.staff_official, "principal", [county.head])
    give(rating, 85)
    client = client_for(county.orgadmin)
    assert client.post(reverse("appraisal:checkup_compute", args=["2026-Q3"])).status_code == 302
    assert CheckupResult.objects.get(round=checkup).score == 85
    assert client.post(reverse("appraisal:checkup_close", args=["2026-Q3"])).status_code == 302
    checkup.refresh_from_db()
    assert checkup.status == "closed"
    body = client.get(reverse("appraisal:checkup_round_detail", args=["2026-Q3"])).content.decode()
    assert 'data-testid="close-round"' not in body and 'data-testid="assign-form"' not in body


def _results_round(county, n: int, key: str) -> CheckupRound:
    checkup = open_round(county, key=key, min_responses=3)  # two raters each: every result is incomplete
    unit = OrgUnitFactory(code=f"R{key}", parent=county.culture, kind="section")
    users = raters(2, f"{key}-")
    rows = []
    for i in range(n):
        official = OfficialFactory(unit=unit)
        for user in users:
            rows.append(RaterAssignment(round=checkup, official=official, rater=user, group="colleagues",
                                        status="submitted", comment="待改进", **dict.fromkeys(DIMS, 50 + i % 50)))
    RaterAssignment.objects.bulk_create(rows)
    round_compute(round=checkup)
    return checkup


def test_the_results_page_costs_the_same_queries_for_10_and_60_officials(county, client_for, django_assert_num_queries):
    _results_round(county, 10, "2026-Q1")
    _results_round(county, 60, "2026-Q2")
    client = client_for(county.orgadmin)

    def count(key: str, **params: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("appraisal:checkup_results", args=[key]), params)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.context["page"].object_list)

    with django_assert_num_queries(8):
        small, rows = count("2026-Q1")
    assert rows == 10
    assert count("2026-Q2") == (small, 25)
    assert count("2026-Q2", page="3") == (small, 10)
    assert count("2026-Q2", order="score", incomplete="1") == (small, 25)


def test_the_results_table_flags_and_counts_and_filters_by_htmx(county, client_for):
    checkup = open_round(county, min_responses=2)
    [rating] = assign(county, checkup, county.staff_official, "colleagues", [county.head])
    give(rating, 60, "服务意识不强")
    round_compute(round=checkup)
    response = client_for(county.orgadmin).get(reverse("appraisal:checkup_results", args=["2026-Q3"]),
                                               {"incomplete": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="results-table"' in body
    assert f'data-official="{county.staff_official.pk}"' in body
    assert 'data-incomplete="1" data-problems="5"' in body


def test_an_officials_result_page_for_the_organization_department(county, client_for):
    checkup = open_round(county)
    a, b = assign(county, checkup, county.staff_official, "colleagues", raters(2))
    give(a, {"political": 90, "moral": 90, "discipline": 90, "law": 90, "style": 50}, "深入基层不够")
    give(b, {"political": 80, "moral": 80, "discipline": 80, "law": 80, "style": 60})
    round_compute(round=checkup)
    url = reverse("appraisal:checkup_result_detail", args=["2026-Q3", county.staff_official.pk])
    body = client_for(county.orgadmin).get(url).content.decode()
    assert 'data-testid="group-scores"' in body and 'data-group="colleagues" data-score="79.0"' in body
    assert 'data-testid="problem" data-dimension="style"' in body and "深入基层不够" in body
    assert a.rater.username not in body and b.rater.username not in body
    # Not the official's, not yet: the round is open.
    assert client_for(county.staff).get(url).status_code == 404
    assert client_for(county.head).get(url).status_code == 404


def test_the_official_sees_their_own_result_once_closed_without_rater_identities(county, client_for):
    checkup = open_round(county)
    [rating] = assign(county, checkup, county.staff_official, "principal", [county.head])
    give(rating, {"political": 90, "moral": 90, "discipline": 90, "law": 90, "style": 40}, "工作作风漂浮")
    [other] = assign(county, checkup, county.culture_official, "principal", [county.head])
    give(other, 70)
    round_close(by=county.orgadmin, round=checkup)
    client = client_for(county.staff)
    mine = client.get(reverse("appraisal:checkup_my_results"))
    assert [r.official_id for r in mine.context["page"].object_list] == [county.staff_official.pk]
    body = client.get(reverse("appraisal:checkup_result_detail",
                              args=["2026-Q3", county.staff_official.pk])).content.decode()
    assert 'data-testid="checkup-score">80.00<' in body and "工作作风漂浮" in body
    assert 'data-testid="group-scores"' not in body and "王局长" not in body
    other_url = reverse("appraisal:checkup_result_detail", args=["2026-Q3", county.culture_official.pk])
    assert client.get(other_url).status_code == 404


def test_a_rater_sees_only_their_own_assignments(county, client_for):
    checkup = open_round(county)
    [mine] = assign(county, checkup, county.culture_official, "principal", [county.head])
    [theirs] = assign(county, checkup, county.staff_official, "colleagues", [county.inspector])
    give(theirs, 33, "别人的评价意见")
    client = client_for(county.head)
    response = client.get(reverse("appraisal:checkup_mine"))
    assert [a.pk for a in response.context["page"].object_list] == [mine.pk]
    body = response.content.decode()
    assert "别人的评价意见" not in body and "李科员" not in body
    assert client.get(reverse("appraisal:checkup_rate", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("appraisal:checkup_rate", args=[theirs.pk]), dict.fromkeys(DIMS, 99))
    assert response.status_code == 404
    assert client.post(reverse("appraisal:checkup_excuse", args=[theirs.pk]), {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.political == 33 and theirs.status == "submitted"
    assert client.get(reverse("appraisal:checkup_results", args=["2026-Q3"])).status_code == 404


def test_rating_from_the_page_keeps_input_on_error_and_can_be_corrected(county, client_for):
    checkup = open_round(county)
    [assignment] = assign(county, checkup, county.staff_official, "principal", [county.head])
    client = client_for(county.head)
    url = reverse("appraisal:checkup_rate", args=[assignment.pk])
    assert 'data-testid="rating-form"' in client.get(url).content.decode()
    typed = {"political": 88, "moral": 87, "discipline": 150, "law": 85, "style": 84, "comment": "认真负责，敢于担当"}
    response = client.post(url, typed)
    body = response.content.decode()
    assert response.status_code == 200 and "field-error" in body
    assert 'value="88"' in body and 'value="150"' in body and "认真负责，敢于担当" in body
    assignment.refresh_from_db()
    assert assignment.status == "pending"
    assert client.post(url, {**typed, "discipline": 86}).status_code == 302
    assert client.post(url, {**typed, "discipline": 70}).status_code == 302  # a correction while open
    assignment.refresh_from_db()
    assert assignment.status == "submitted" and assignment.discipline == 70
    assert 'value="70"' in client.get(url).content.decode()  # the form shows my own rating back


def test_declaring_a_conflict_of_interest_from_the_page(county, client_for):
    checkup = open_round(county)
    [assignment] = assign(county, checkup, county.staff_official, "principal", [county.head])
    client = client_for(county.head)
    url = reverse("appraisal:checkup_excuse", args=[assignment.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert client.post(url, {"reason": "与被评价人系亲属关系"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "excused" and assignment.excuse_reason == "与被评价人系亲属关系"
    rows = client.get(reverse("appraisal:checkup_mine")).content.decode()
    assert 'data-status="excused"' in rows and 'data-testid="rate-link"' not in rows


def test_the_my_ratings_page_costs_the_same_queries_for_10_and_60_assignments(county, client_for,
                                                                             django_assert_num_queries):
    checkup = open_round(county)
    unit = OrgUnitFactory(code="MINE", parent=county.culture, kind="section")

    def add(n: int) -> None:
        RaterAssignment.objects.bulk_create(
            RaterAssignment(round=checkup, official=OfficialFactory(unit=unit), rater=county.head, group="principal")
            for _i in range(n))

    client = client_for(county.head)
    add(10)
    with django_assert_num_queries(7) as small:
        client.get(reverse("appraisal:checkup_mine"))
    add(50)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("appraisal:checkup_mine"))
    assert len(response.context["page"].object_list) == 25
    assert len(large.captured_queries) == len(small.captured_queries)
