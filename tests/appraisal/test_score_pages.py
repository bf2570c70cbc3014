"""Score pages: my score (why is my score X), an official's score, the ranking board, a unit's scorecard,
the manual entry form, and period administration."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from appraisal.models import (
    AppraisalPeriod,
    PeriodEvent,
    PeriodStatus,
    RollupRun,
    Scorecard,
    ScoreEntry,
    ScoreRule,
)
from appraisal.scoring.periods import MONTH, QUARTER, YEAR, period_key_for
from appraisal.services.entries import entry_add
from common.forms import EMPTY_LABEL
from tests.appraisal.factories import RollupRunFactory, ScorecardFactory, ScoreEntryFactory, UnitScorecardFactory
from tests.factories import OfficialFactory, TaskFactory, period
from tests.pickers import picker, picker_values

TODAY = timezone.localdate()
MONTH_KEY = period_key_for(MONTH, TODAY)


def card(official, key=MONTH_KEY, *, total="88.50", unit=None, provisional=True, **kwargs):
    return ScorecardFactory(
        period=period(key), official=official, unit=unit or official.unit, rank_level=official.rank_level,
        components={"work": {"ratio": 0.9, "weight": 40, "points": 36.0, "inputs": {"tasks": 4, "tasks_late": 1}},
                    "timeliness": {"ratio": 1.0, "weight": 10, "points": 10.0, "inputs": {"reports_due": 1}},
                    "training": {"ratio": None, "weight": 20, "points": None, "inputs": {}}},
        component_total=Decimal("86.50"), bonus=Decimal(2), total=Decimal(total), rank_in_unit=1, rank_in_category=1,
        is_provisional=provisional, computed_at=timezone.now(), **kwargs)


def manual(county, official=None, points=2, reason="提出智慧景区创新建议", code="innovation"):
    return entry_add(by=county.head, official=official or county.staff_official, period=period(MONTH_KEY),
                     rule=ScoreRule.objects.get(code=code), points=points, reason=reason)


def derived(official, task, day=TODAY):
    return ScoreEntryFactory(
        official=official, occurred_on=day, rule=ScoreRule.objects.get(code="letter_overdue"), points=-1,
        reason="任务逾期未完成", origin=ScoreEntry.Origin.DERIVED, source_type=ContentType.objects.get_for_model(task),
        source_id=task.pk)


# --- my score ----------------------------------------------------------------------------------------


def test_my_score_shows_the_scorecards_components_and_every_ledger_row(county, client_for):
    card(county.staff_official, unit=county.culture)
    card(county.staff_official, key=period_key_for(YEAR, TODAY), unit=county.culture, total="85.00")
    entry = manual(county)
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="智慧景区建设")
    derived(county.staff_official, task)

    response = client_for(county.staff).get(reverse("appraisal:my_score"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="summary-month"' in html and 'data-testid="provisional"' in html
    assert 'data-testid="component-work"' in html and "36.00" in html
    rows = response.context["rows"]
    assert {r.pk for r in rows} == {entry.pk, ScoreEntry.objects.get(origin="derived").pk}
    assert "提出智慧景区创新建议" in html
    assert reverse("tasks:task_detail", args=[task.pk]) in html  # the derived row links to its source
    totals = {t.code: t.counted for t in response.context["rule_totals"]}
    assert totals == {"innovation": Decimal(2), "letter_overdue": Decimal(-1)}
    assert response.context["trend"]["labels"] == [MONTH_KEY]


def test_the_ledger_lists_entries_even_before_any_rollup(county, client_for):
    manual(county)
    response = client_for(county.staff).get(reverse("appraisal:my_score"))
    assert response.status_code == 200
    assert response.context["card"] is None
    assert 'data-testid="no-scorecard"' in response.content.decode()
    assert [r.reason for r in response.context["rows"]] == ["提出智慧景区创新建议"]


def test_rule_totals_apply_the_cap(county, client_for):
    for _n in range(3):
        manual(county, points=3)  # 9 innovation points, capped at 6
    totals = client_for(county.staff).get(reverse("appraisal:my_score")).context["rule_totals"]
    assert totals[0].raw == Decimal(9) and totals[0].counted == Decimal(6) and totals[0].capped


def test_choosing_another_period_shows_its_ledger(county, client_for):
    quarter = period_key_for(QUARTER, TODAY)
    manual(county)
    response = client_for(county.staff).get(reverse("appraisal:my_score"), {"period": quarter})
    assert response.context["period"].key == quarter and len(response.context["rows"]) == 1
    assert client_for(county.staff).get(reverse("appraisal:my_score"), {"period": "nonsense"}).status_code == 404


def test_a_user_without_an_official_sees_a_message(county, client_for):
    response = client_for(county.outsider).get(reverse("appraisal:my_score"))
    assert response.status_code == 200 and 'data-testid="no-official"' in response.content.decode()


def test_a_head_opens_an_official_in_scope_and_nobody_else(county, client_for):
    url = reverse("appraisal:official_score", args=[county.staff_official.pk])
    response = client_for(county.head).get(url)
    assert response.status_code == 200 and response.context["can_manage"]
    assert 'data-testid="add-entry-link"' in response.content.decode()
    assert client_for(county.orgadmin).get(url).status_code == 200
    assert client_for(county.staff).get(url).context["can_manage"] is False  # their own page, read-only
    assert client_for(county.head).get(
        reverse("appraisal:official_score", args=[county.finance_official.pk])).status_code == 404
    assert client_for(county.staff).get(
        reverse("appraisal:official_score", args=[county.culture_official.pk])).status_code == 404
    assert client_for(county.outsider).get(url).status_code == 404


def test_another_officials_entries_never_leak(county, client_for):
    manual(county, official=county.culture_official, reason="别人的加分")
    response = client_for(county.staff).get(reverse("appraisal:my_score"))
    assert response.context["rows"] == [] and "别人的加分" not in response.content.decode()


def test_my_score_query_count_is_constant(county, client_for, django_assert_num_queries):
    client = client_for(county.staff)
    card(county.staff_official, unit=county.culture)

    def grow(n):  # manual rows and derived rows, each derived one from its own task
        for i in range(n):
            manual(county, points=1, reason=f"创新{i}")
            derived(county.staff_official, TaskFactory(unit=county.culture_tourism, responsible=county.staff_official))

    grow(3)
    url = reverse("appraisal:my_score")
    with django_assert_num_queries(22) as small:
        client.get(url)
    grow(30)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 25 and response.context["page"].paginator.count == 66


# --- ranking and units -------------------------------------------------------------------------------


def ranked(county, n):
    for i in range(n):
        official = OfficialFactory(unit=county.culture_tourism)
        card(official, unit=county.culture, total=str(80 + i % 20))


def test_the_ranking_board_is_for_heads_and_the_organization_department(county, client_for):
    card(county.staff_official, unit=county.culture)
    card(county.finance_official, unit=county.finance, total="90")
    UnitScorecardFactory(period=period(MONTH_KEY), unit=county.culture, headcount=1,
                         average_total=Decimal("88.5"), computed_at=timezone.now())
    url = reverse("appraisal:ranking")
    head = client_for(county.head).get(url, {"period": MONTH_KEY})
    assert head.status_code == 200
    assert [c.official_id for c in head.context["page"].object_list] == [county.staff_official.pk]
    assert head.context["chart"]["labels"] == ["文化和旅游局"]
    org = client_for(county.orgadmin).get(url)  # defaults to the latest month with scorecards
    assert org.context["period"].key == MONTH_KEY
    assert [c.official_id for c in org.context["page"].object_list] == [county.finance_official.pk,
                                                                         county.staff_official.pk]
    assert client_for(county.staff).get(url).status_code == 404
    assert client_for(county.outsider).get(url).status_code == 404


def test_the_ranking_filters_by_rank_level_and_unit(county, client_for):
    card(county.staff_official, unit=county.culture)
    card(county.culture_official, unit=county.culture)
    card(county.finance_official, unit=county.finance)
    UnitScorecardFactory(period=period(MONTH_KEY), unit=county.finance, headcount=1,
                         average_total=Decimal("88.5"), computed_at=timezone.now())
    client = client_for(county.orgadmin)
    url = reverse("appraisal:ranking")
    middle = client.get(url, {"period": MONTH_KEY, "rank_level": "middle"})
    assert [c.official_id for c in middle.context["page"].object_list] == [county.culture_official.pk]
    finance = client.get(url, {"period": MONTH_KEY, "unit": county.finance.pk})
    assert [c.official_id for c in finance.context["page"].object_list] == [county.finance_official.pk]
    unknown = client.get(url, {"period": "2001-01"})
    assert unknown.status_code == 200 and unknown.context["period"] is None


# The exact count of the ranking (sorted on the ids, then the page's cards read) and of a unit's scorecard for the
# organization department.
RANKING_QUERIES = {"appraisal:ranking": 16, "appraisal:unit_score": 11}


@pytest.mark.parametrize("path", ["ranking", "unit"])
def test_ranking_pages_paginate_with_a_constant_query_count(county, client_for, django_assert_num_queries, path):
    UnitScorecardFactory(period=period(MONTH_KEY), unit=county.culture, headcount=1,
                         average_total=Decimal("88.5"), computed_at=timezone.now())
    client = client_for(county.orgadmin)
    url = reverse("appraisal:ranking") if path == "ranking" else reverse("appraisal:unit_score",
                                                                          args=[county.culture.pk])
    ranked(county, 10)
    name = "appraisal:ranking" if path == "ranking" else "appraisal:unit_score"
    with django_assert_num_queries(RANKING_QUERIES[name]) as small:
        client.get(url, {"period": MONTH_KEY})
    ranked(county, 90)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url, {"period": MONTH_KEY})
    assert len(response.context["page"].object_list) == 25 and response.context["page"].paginator.count == 100


def test_a_units_scorecard_is_404_out_of_scope(county, client_for):
    UnitScorecardFactory(period=period(MONTH_KEY), unit=county.finance, headcount=1,
                         average_total=Decimal("88.5"), computed_at=timezone.now())
    url = reverse("appraisal:unit_score", args=[county.finance.pk])
    assert client_for(county.orgadmin).get(url).status_code == 200
    assert client_for(county.head).get(url).status_code == 404
    assert client_for(county.orgadmin).get(url, {"period": "2001-01"}).status_code == 404


# --- the entry form ----------------------------------------------------------------------------------


def test_a_head_records_a_bonus_through_the_form(county, client_for):
    client = client_for(county.head)
    period(MONTH_KEY)
    form = client.get(reverse("appraisal:entry_add"), {"official": county.staff_official.pk})
    assert form.status_code == 200
    assert picker_values(form.content.decode(), "official") == [str(county.staff_official.pk)]
    response = client.post(reverse("appraisal:entry_add"), {
        "official": county.staff_official.pk, "rule": "innovation", "points": "2", "reason": "提出创新建议",
        "occurred_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert response.url == f"{reverse('appraisal:official_score', args=[county.staff_official.pk])}?period={MONTH_KEY}"
    entry = ScoreEntry.objects.get()
    assert (entry.official, entry.points, entry.reason, entry.created_by) == (
        county.staff_official, Decimal(2), "提出创新建议", county.head)


def test_a_refused_entry_keeps_what_was_typed(county, client_for):
    response = client_for(county.head).post(reverse("appraisal:entry_add"), {
        "official": county.staff_official.pk, "rule": "innovation", "points": "5", "reason": "提出创新建议",
        "occurred_on": TODAY.isoformat()})
    assert response.status_code == 400 and not ScoreEntry.objects.exists()
    html = response.content.decode()
    assert 'data-testid="form-error"' in html and "提出创新建议" in html
    assert picker(html, "official").options == [("", str(EMPTY_LABEL), False),
                                                (str(county.staff_official.pk), "李科员（旅游发展科）", True)]


def test_an_official_out_of_scope_cannot_be_picked(county, client_for):
    response = client_for(county.head).post(reverse("appraisal:entry_add"), {
        "official": county.finance_official.pk, "rule": "innovation", "points": "2", "reason": "x",
        "occurred_on": TODAY.isoformat()})
    assert response.status_code == 400 and response.context["form"].errors["official"]
    assert not ScoreEntry.objects.exists()


def test_the_official_search_finds_only_officials_in_scope(county, client_for):
    client = client_for(county.head)
    url = reverse("org:official_search")

    def names(user_client, q):
        return [o["name"] for o in user_client.get(url, {"scope": "score_entries", "q": q}).json()["results"]]

    assert names(client, "李") == ["李科员"]
    assert names(client, "钱") == []  # finance, out of scope
    assert names(client, "王") == []  # the head themself
    assert names(client_for(county.staff), "李") == []  # no role: nobody to record for


def test_staff_cannot_open_the_entry_form(county, client_for):
    assert client_for(county.staff).get(reverse("appraisal:entry_add")).status_code == 404


def test_a_head_removes_an_entry_from_the_ledger(county, client_for):
    entry = manual(county)
    url = reverse("appraisal:entry_delete", args=[entry.pk])
    assert client_for(county.staff).post(url, {"reason": "x"}).status_code == 404
    response = client_for(county.head).post(url, {"reason": "重复录入", "period": MONTH_KEY})
    assert response.status_code == 302 and not ScoreEntry.objects.exists()


# --- period administration ---------------------------------------------------------------------------


def test_period_pages_are_for_the_organization_department(county, client_for):
    period("2026-10")
    assert client_for(county.orgadmin).get(reverse("appraisal:period_list")).status_code == 200
    assert client_for(county.orgadmin).get(reverse("appraisal:period_detail", args=["2026-10"])).status_code == 200
    for user in (county.head, county.staff):
        assert client_for(user).get(reverse("appraisal:period_list")).status_code == 404
        assert client_for(user).get(reverse("appraisal:period_detail", args=["2026-10"])).status_code == 404


def test_the_organization_department_creates_a_period_by_key(county, client_for):
    client = client_for(county.orgadmin)
    response = client.post(reverse("appraisal:period_list"), {"key": "2026-q3"})
    assert response.status_code == 302 and response.url == reverse("appraisal:period_detail", args=["2026-Q3"])
    bad = client.post(reverse("appraisal:period_list"), {"key": "2026-13"})
    assert bad.status_code == 400 and 'data-testid="form-error"' in bad.content.decode()


def test_period_list_query_count_is_constant(county, client_for, django_assert_num_queries):
    client = client_for(county.orgadmin)
    for month in range(1, 4):
        period(f"2025-{month:02d}")
    with django_assert_num_queries(7) as small:
        client.get(reverse("appraisal:period_list"))
    for year in range(2010, 2013):
        for month in range(1, 13):
            period(f"{year}-{month:02d}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("appraisal:period_list"))
    assert len(response.context["page"].object_list) == 25


def test_run_a_rollup_and_poll_its_progress(county, client_for, django_capture_on_commit_callbacks):
    client = client_for(county.orgadmin)
    period(MONTH_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appraisal:period_rollup", args=[MONTH_KEY]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="rollup-progress"' in response.content.decode()
    run = RollupRun.objects.get()
    assert run.started_by == county.orgadmin
    run.refresh_from_db()
    assert run.status == RollupRun.Status.DONE
    assert Scorecard.objects.filter(period__key=MONTH_KEY).exists()
    poll = client.get(reverse("appraisal:rollup_progress", args=[MONTH_KEY, run.pk]), {"poll": "1"},
                      HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and poll.headers.get("HX-Refresh") == "true"
    assert 'hx-trigger="every 1s"' not in poll.content.decode()


def test_a_running_rollup_polls_every_second(county, client_for):
    p = period(MONTH_KEY)
    run = RollupRunFactory(period=p, status=RollupRun.Status.RUNNING, progress=40, started_by=county.orgadmin)
    response = client_for(county.orgadmin).get(reverse("appraisal:rollup_progress", args=[MONTH_KEY, run.pk]),
                                               HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'data-width="40"' in html and "HX-Refresh" not in response.headers
    assert client_for(county.head).get(
        reverse("appraisal:rollup_progress", args=[MONTH_KEY, run.pk])).status_code == 404


def test_close_publish_and_reopen_through_the_page(county, client_for):
    client = client_for(county.orgadmin)
    p = period("2026-09")
    client.post(reverse("appraisal:period_close", args=["2026-09"]), {"reason": "九月报告线下收齐"})
    p.refresh_from_db()
    assert p.status == PeriodStatus.CLOSED
    client.post(reverse("appraisal:period_publish", args=["2026-09"]))
    p.refresh_from_db()
    assert p.status == PeriodStatus.PUBLISHED
    refused = client.post(reverse("appraisal:period_reopen", args=["2026-09"]), {"reason": ""})
    assert refused.status_code == 400
    p.refresh_from_db()
    assert p.status == PeriodStatus.PUBLISHED
    client.post(reverse("appraisal:period_reopen", args=["2026-09"]), {"reason": "发现数据录入错误"})
    p.refresh_from_db()
    assert p.status == PeriodStatus.OPEN
    assert list(PeriodEvent.objects.filter(period=p).values_list("action", flat=True)) == [
        "close", "publish", "reopen"]
    page = client.get(reverse("appraisal:period_detail", args=["2026-09"]))
    assert "发现数据录入错误" in page.content.decode()
    assert client_for(county.head).post(reverse("appraisal:period_close", args=["2026-09"])).status_code == 404


def test_a_date_decades_away_is_refused_on_the_page_and_creates_no_period(county, client_for):
    client = client_for(county.head)
    before = AppraisalPeriod.objects.count()
    response = client.post(reverse("appraisal:entry_add"), {
        "official": county.staff_official.pk, "rule": "innovation", "points": "2", "reason": "提出创新建议",
        "occurred_on": "2098-06-15"})
    assert response.status_code == 400
    assert "2098-06" in response.content.decode() and "提出创新建议" in response.content.decode()  # kept
    assert AppraisalPeriod.objects.count() == before and not ScoreEntry.objects.exists()
