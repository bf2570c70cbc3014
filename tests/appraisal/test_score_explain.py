"""Scores that explain themselves (issue 15, item 5): "why is my score" opens on the latest scored period, shows
each component's effective weight and why it was scaled up, ranks out of how many, points with their sign, and
links each component's inputs to the records behind them — only those the reader may open; the ranking board
leads with the rank in the unit, explains 同类排名 and draws on a score axis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation

from appraisal.display.score_text import rank_text, score_axis, signed_points, unit_rank_text
from appraisal.models import CheckupResult, CheckupRound, Scorecard
from appraisal.scoring.periods import MONTH, QUARTER, period_key_for
from appraisal.selectors.explain import RECORD_QUERIES, component_records, default_period_key
from appraisal.selectors.scores import component_lines, weight_scaling
from appraisal.services.rollup import rollup_period
from tasks.models import ReportRating, ReportStatus, TaskStatus
from tests.appraisal.factories import ScorecardFactory, UnitScorecardFactory
from tests.factories import MonthlyReportFactory, OfficialFactory, TaskFactory, UnitCategoryFactory, period
from tests.training.test_feed import attend, make_session
from training.models import AttendanceStatus

OCT = "2026-10"
# A head reading an official's score, however many records and ledger rows (one query: the closed periods, for 撤销).
PAGE_QUERIES = 24


# --- the helpers: signed points, ranks out of how many, the score axis ---------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("-1"), "扣 1 分"), (Decimal(2), "加 2 分"), (Decimal("-0.50"), "扣 0.5 分"),
    (Decimal("2.25"), "加 2.25 分"), (Decimal("0.00"), "0 分"), (-10, "扣 10 分"), ("3", "加 3 分"),
    (None, ""), ("", ""), ("x", ""),
])
def test_points_read_with_their_sign_in_words(value, text):
    with translation.override("zh-hans"):
        assert signed_points(value) == text
        assert Template("{% load score_text %}{{ v|signed_points }}").render(Context({"v": value})) == text


def test_ranks_read_out_of_how_many():
    with translation.override("zh-hans"):
        assert rank_text(13, 19) == "第 13 名 / 共 19 人"
        assert rank_text(None, 19) == "共 19 人"
        assert rank_text(1, 0) == rank_text(None, None) == "—"
        assert unit_rank_text(2, 7) == "第 2 名 / 共 7 个单位"
        assert unit_rank_text(None, 7) == "—"
        rendered = Template("{% load score_text %}{{ r|rank_of:n }}").render(Context({"r": 3, "n": 20}))
        assert rendered == "第 3 名 / 共 20 人"


@pytest.mark.parametrize(("values", "axis"), [
    ([85.44, 95.92], {"min": 80, "max": 100, "step": 5}),
    ([93.92], {"min": 90, "max": 100, "step": 5}),
    ([91, 101.5], {"min": 90, "max": 105, "step": 5}),  # a bonus lifts one above 100
    ([40, 99], {"min": 35, "max": 100, "step": 10}),
    ([0.5, 80], {"min": 0, "max": 100, "step": 10}),
    ([100, 100], {"min": 90, "max": 100, "step": 5}),  # never a flat axis
    ([], {"min": 0, "max": 100, "step": 10}),
])
def test_the_score_axis_starts_just_under_the_lowest_score_and_ends_at_100(values, axis):
    assert score_axis(values) == axis


# --- effective weights ----------------------------------------------------------------------------------------


def _month_of_facts(county, key=OCT):
    """One task done on time and one rated, on-time report of the month: work and timeliness have facts, the
    evaluation (no quarter in a month) and training (none recorded) do not."""
    p = period(key)
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="景区提升改造",
                deadline=p.end, status=TaskStatus.COMPLETED, completed_on=p.end - dt.timedelta(days=3))
    MonthlyReportFactory(official=county.staff_official, month=p.start, status=ReportStatus.APPROVED,
                         rating=ReportRating.GOOD, submitted_at=timezone.now())
    return p


def test_the_page_shows_each_weight_scaled_up_and_why(county, client_for):
    p = _month_of_facts(county)
    rollup_period(period=p)
    response = client_for(county.staff).get(reverse("appraisal:my_score"), {"period": OCT})
    lines = {line.code: line for line in response.context["components"]}
    # 40 + 10 of 100 have facts: both scaled by 100 ÷ 50.
    assert (lines["work"].weight, lines["work"].effective_weight, lines["work"].scaled) == (40, 80, True)
    assert (lines["timeliness"].weight, lines["timeliness"].effective_weight) == (10, 20)
    assert lines["evaluation"].points is None and not lines["evaluation"].scaled
    scaling = response.context["scaling"]
    assert scaling.left_out == ["多维评价", "学习培训"] and (scaling.total, scaling.present) == (100, 50)
    html = response.content.decode()
    assert 'data-testid="weights-scaled"' in html and "100 ÷ 50" in html and "“多维评价、学习培训”" in html
    assert '<strong class="text-body" data-testid="effective-weight">80</strong>' in html
    card = Scorecard.objects.get(official=county.staff_official, period=p)
    # 80 × (0.6 × 1 + 0.4 × 0.85) + 20 × 1
    assert card.component_total == Decimal("95.20")


def test_a_card_stored_without_effective_weights_computes_them_as_the_rollup_does():
    card = Scorecard(components={
        "work": {"ratio": 0.9, "weight": 40, "points": 36.0},
        "timeliness": {"ratio": 1.0, "weight": 10, "points": 10.0},
        "evaluation": {"ratio": None, "weight": 30, "points": None},
        "training": {"ratio": 0.5, "weight": 20, "points": 10.0},
    })
    lines = {line.code: line for line in component_lines(card)}
    assert round(lines["work"].effective_weight, 2) == 57.14 and lines["work"].scaled
    assert lines["evaluation"].effective_weight == 0.0
    assert weight_scaling(list(lines.values())).present == 70


def test_nothing_is_said_about_scaling_when_every_component_counted():
    card = Scorecard(components={code: {"ratio": 1.0, "weight": w, "points": float(w), "effective_weight": float(w)}
                                 for code, w in (("work", 40), ("timeliness", 10), ("evaluation", 30),
                                                 ("training", 20))})
    lines = component_lines(card)
    assert not any(line.scaled for line in lines) and weight_scaling(lines) is None


# --- ranks out of how many ---------------------------------------------------------------------------------


def _card(official, key, total, *, unit, category=None, rank_in_unit=1, rank_in_category=1):
    return ScorecardFactory(
        period=period(key), official=official, unit=unit, category=category, rank_level=official.rank_level,
        components={}, component_total=Decimal(0), total=Decimal(total), rank_in_unit=rank_in_unit,
        rank_in_category=rank_in_category, is_provisional=True, computed_at=timezone.now())


def test_ranks_are_shown_out_of_the_unit_and_the_officials_alike(county, client_for):
    government = UnitCategoryFactory(code="GOV", name="政府部门")
    _card(county.staff_official, OCT, "88", unit=county.culture, category=government, rank_in_unit=2,
          rank_in_category=3)
    _card(county.culture_official, OCT, "90", unit=county.culture, category=government)  # another rank level
    _card(county.head_official, OCT, "91", unit=county.culture, category=government)
    for total in ("95", "93"):  # same category and rank level, another unit
        _card(OfficialFactory(unit=county.finance_office), OCT, total, unit=county.finance, category=government)
    _card(OfficialFactory(unit=county.finance_office), OCT, "70", unit=county.finance)  # no category

    response = client_for(county.staff).get(reverse("appraisal:my_score"), {"period": OCT})
    card = response.context["card"]
    assert (card.unit_size, card.category_size) == (3, 3)
    html = response.content.decode()
    assert "本单位 第 2 名 / 共 3 人" in html and "同类 第 3 名 / 共 3 人" in html
    assert "在文化和旅游局全部参评干部中 第 2 名 / 共 3 人。" in html
    assert "在所有政府部门类单位的一般干部中 第 3 名 / 共 3 人。" in html
    assert "同类同比" in html


# --- the period it opens on ----------------------------------------------------------------------------------


def test_why_is_my_score_opens_on_the_latest_scored_month_not_an_empty_current_one(county, client_for):
    today = timezone.localdate()
    last_month = period_key_for(MONTH, today.replace(day=1) - dt.timedelta(days=1))
    older = period_key_for(MONTH, today.replace(day=1) - dt.timedelta(days=40))
    client = client_for(county.staff)
    assert client.get(reverse("appraisal:my_score")).context["period"].key == period_key_for(MONTH, today)
    _card(county.staff_official, older, "80", unit=county.culture)
    _card(county.staff_official, last_month, "86", unit=county.culture)
    response = client.get(reverse("appraisal:my_score"))
    assert response.context["period"].key == last_month and response.context["card"].total == Decimal(86)
    summary = {kind: (key, is_current) for kind, key, is_current, _c in response.context["summary"]}
    assert summary[MONTH] == (last_month, False)  # the card shows the latest scored month, named so
    assert summary[QUARTER][0] == period_key_for(QUARTER, today)
    assert "最近一期月度" in response.content.decode()
    # Asked for a period, it shows that one, scored or not.
    assert client.get(reverse("appraisal:my_score"), {"period": older}).context["period"].key == older


def test_without_a_scored_month_it_opens_on_the_latest_scored_period_of_any_kind():
    assert default_period_key([("2026-Q3", "quarter"), ("2026", "year")], "2026-12") == "2026-Q3"
    assert default_period_key([("2026", "year"), ("2026-09", "month")], "2026-12") == "2026-09"
    assert default_period_key([], "2026-12") == "2026-12"


# --- the records behind the inputs, linked in the reader's scope ---------------------------------------------


@pytest.fixture
def facts(county):
    """The staff official's October: a task of his own unit and one of another unit (the finance bureau's,
    outside the head's scope), a rated report, a study session of his bureau and one organised by finance."""
    p = period(OCT)
    own = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="智慧景区建设",
                      deadline=dt.date(2026, 10, 20), status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 25))
    lent = TaskFactory(unit=county.finance_office, responsible=county.staff_official, title="专项资金绩效评价",
                       deadline=dt.date(2026, 10, 28))
    report = MonthlyReportFactory(official=county.staff_official, month=p.start, status=ReportStatus.PUBLISHED,
                                  rating=ReportRating.EXCELLENT, submitted_at=timezone.now(), is_late=True)
    study = make_session(county.culture, dt.date(2026, 10, 16), title="集中学习：新修订的干部考核条例")
    attend(study, county.staff_official, AttendanceStatus.PRESENT)
    elsewhere = make_session(county.finance, dt.date(2026, 9, 4), title="财政业务培训")
    attend(elsewhere, county.staff_official, AttendanceStatus.ABSENT)
    rollup_period(period=p)
    return {"own": own, "lent": lent, "report": report, "study": study, "elsewhere": elsewhere}


def _records(response, code):
    return {r.label: r for line in response.context["components"] if line.code == code for r in line.records}


def test_the_official_opens_every_record_behind_the_components(county, client_for, facts):
    client = client_for(county.staff)
    response = client.get(reverse("appraisal:my_score"), {"period": OCT})
    work = _records(response, "work")
    assert set(work) == {"智慧景区建设", "专项资金绩效评价", "2026-10 月度实绩报告"}
    assert work["智慧景区建设"].note == "2026-10-20 到期 · 逾期完成"
    assert work["专项资金绩效评价"].note == "2026-10-28 到期 · 未完成"
    assert work["2026-10 月度实绩报告"].note == "评定：优秀"
    timeliness = _records(response, "timeliness")
    assert [(r.label, r.note) for r in timeliness.values()] == [("2026-10 月度实绩报告", "逾期提交")]
    training = _records(response, "training")
    assert training["集中学习：新修订的干部考核条例"].note == "2026-10-16 · 出席 · 2 学时"
    assert training["财政业务培训"].url == ""  # a session of another unit's audience: not his to open
    html = response.content.decode()
    for record in [*work.values(), *timeliness.values(), training["集中学习：新修订的干部考核条例"]]:
        assert record.url and f'href="{record.url}"' in html
        assert client.get(record.url).status_code == 200  # every link opens
    assert client.get(reverse("training:session_detail", args=[facts["elsewhere"].pk])).status_code == 404


def test_a_head_sees_links_only_to_records_in_scope(county, client_for, facts):
    client = client_for(county.head)
    response = client.get(reverse("appraisal:official_score", args=[county.staff_official.pk]), {"period": OCT})
    work = _records(response, "work")
    assert work["智慧景区建设"].url == reverse("tasks:task_detail", args=[facts["own"].pk])
    assert work["专项资金绩效评价"].url == ""  # the finance bureau's task: shown, not linked
    assert work["2026-10 月度实绩报告"].url == reverse("tasks:report_detail", args=[facts["report"].pk])
    html = response.content.decode()
    assert "专项资金绩效评价" in html and reverse("tasks:task_detail", args=[facts["lent"].pk]) not in html
    assert client.get(reverse("tasks:task_detail", args=[facts["lent"].pk])).status_code == 404
    assert client.get(work["智慧景区建设"].url).status_code == 200
    assert 'data-testid="record-unlinked"' in html


def test_check_up_results_link_for_the_organization_department_and_the_official_not_the_head(county, client_for):
    checkup = CheckupRound.objects.create(period=period("2026-Q3"), status="closed")
    CheckupResult.objects.create(round=checkup, official=county.staff_official, score=Decimal("88.5"))
    rollup_period(period=period("2026-Q3"))
    url = reverse("appraisal:official_score", args=[county.staff_official.pk])
    detail = reverse("appraisal:checkup_result_detail", args=["2026-Q3", county.staff_official.pk])

    def record(user):
        return _records(client_for(user).get(url, {"period": "2026-Q3"}), "evaluation")["2026-Q3 多维体检"]

    assert record(county.orgadmin).url == detail and record(county.staff).url == detail
    assert record(county.orgadmin).note == "得分 88.5"
    assert record(county.head).url == ""
    assert client_for(county.head).get(detail).status_code == 404


def test_records_cost_a_fixed_number_of_queries(county, django_assert_num_queries, facts):
    from org.selectors import access_for

    p = period(OCT)
    access_for(county.head)  # the page has read the reader's roles already
    with django_assert_num_queries(RECORD_QUERIES):
        component_records(county.head, county.staff_official, p)


def test_the_page_costs_the_same_queries_however_many_records(county, client_for, django_assert_num_queries, facts):
    client = client_for(county.head)
    url = reverse("appraisal:official_score", args=[county.staff_official.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        before = client.get(url, {"period": OCT})
    assert sum(len(line.records) for line in before.context["components"]) == 6
    for i in range(12):
        TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title=f"任务{i}",
                    deadline=dt.date(2026, 10, 1 + i))
        attend(make_session(county.culture, dt.date(2026, 10, 1 + i), title=f"学习{i}"), county.staff_official)
    rollup_period(period=period(OCT))
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url, {"period": OCT})
    assert sum(len(line.records) for line in response.context["components"]) == 30


# --- signed points on the pages ---------------------------------------------------------------------------


def test_points_carry_their_sign_in_words_in_the_ledger_the_rule_totals_and_the_totals(county, client_for):
    from appraisal.models import ScoreRule
    from appraisal.services.entries import entry_add

    p = period(OCT)
    entry_add(by=county.head, official=county.staff_official, period=p, rule=ScoreRule.objects.get(code="innovation"),
              points=2, reason="提出创新建议", occurred_on=dt.date(2026, 10, 9))
    _month_of_facts(county)
    rollup_period(period=p)
    html = client_for(county.staff).get(reverse("appraisal:my_score"), {"period": OCT}).content.decode()
    assert '<span data-testid="ledger-points">加 2 分</span>' in html
    assert '<span data-testid="rule-counted">加 2 分</span>' in html
    assert 'data-testid="card-bonus">加 2 分<' in html and 'data-testid="card-deduction">0 分<' in html


def test_recording_a_bonus_says_it_with_its_sign(county, client_for):
    period(period_key_for(MONTH, timezone.localdate()))
    response = client_for(county.head).post(reverse("appraisal:entry_add"), {
        "official": county.staff_official.pk, "rule": "innovation", "points": "2", "reason": "提出创新建议",
        "occurred_on": timezone.localdate().isoformat()}, follow=True)
    assert "已为 李科员 记录：加 2 分。" in [str(m) for m in response.context["messages"]]


# --- the ranking board --------------------------------------------------------------------------------------


def test_the_ranking_leads_with_the_rank_in_the_unit_and_explains_the_category_rank(county, client_for):
    government = UnitCategoryFactory(code="GOV", name="政府部门")
    towns = UnitCategoryFactory(code="TOWN", name="乡镇街道")
    _card(county.staff_official, OCT, "88", unit=county.culture, category=government, rank_in_unit=2,
          rank_in_category=2)
    _card(county.culture_official, OCT, "92", unit=county.culture, category=government)
    _card(county.finance_official, OCT, "95", unit=county.finance, category=government)
    for unit, category, average, rank in ((county.culture, government, "90", 2), (county.finance, government, "95", 1),
                                          (county.root, towns, "84.5", 1)):
        UnitScorecardFactory(period=period(OCT), unit=unit, category=category, headcount=2,
                             average_total=Decimal(average), rank_in_category=rank,
                             computed_at=timezone.now())
    response = client_for(county.head).get(reverse("appraisal:ranking"), {"period": OCT})
    rows = list(response.context["page"].object_list)
    assert [c.official_id for c in rows] == [county.culture_official.pk, county.staff_official.pk]
    html = response.content.decode()
    header = html[html.index('data-testid="ranking-table"'):]
    assert header.index("单位内排名") < header.index("姓名")  # the first column
    assert 'data-label="单位内排名" data-testid="rank-in-unit">第 2 名 / 共 2 人</td>' in html
    assert 'data-testid="rank-in-category">第 2 名 / 共 2 人</td>' in html
    assert 'data-testid="rank-explained"' in html and "同类同比" in html and "1、2、2、4" in html
    assert 'data-testid="unit-rank">第 2 名 / 共 2 个单位</td>' in html  # the head's unit among 2 government units

    org = client_for(county.orgadmin).get(reverse("appraisal:ranking"), {"period": OCT})
    chart = org.context["chart"]
    assert chart["axis"] == {"min": 80, "max": 100, "step": 5}
    assert [s["label"] for s in chart["series"]] == ["政府部门", "乡镇街道"]
    assert chart["series"][1]["data"] == [None, None, 84.5]  # one colour per category, bars where they belong
    assert 'id="unitChart"' in org.content.decode()
    assert 'id="unitChart"' not in html  # the head's single unit: a table, no one-bar chart


def test_the_ranking_board_query_count_is_pinned(county, client_for, django_assert_num_queries):
    """One query more than a plain page: the ranking sorts on the ids alone, then reads the page's cards."""
    for i in range(30):
        _card(OfficialFactory(unit=county.culture_tourism), OCT, str(70 + i), unit=county.culture)
    UnitScorecardFactory(period=period(OCT), unit=county.culture, headcount=30,
                         average_total=Decimal("84.5"), rank_in_category=1, computed_at=timezone.now())
    client = client_for(county.orgadmin)
    with django_assert_num_queries(16):
        response = client.get(reverse("appraisal:ranking"), {"period": OCT})
    assert len(response.context["page"].object_list) == 25


# --- the favicon ---------------------------------------------------------------------------------------------


def test_a_favicon_is_served_and_linked_from_every_page_head(client, county):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url == static("img/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]
    static_dir = settings.BASE_DIR / "static" / "img"
    assert (static_dir / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert (static_dir / "favicon.svg").read_text().startswith("<svg")
    client.force_login(county.staff)
    assert f'href="{static("img/favicon.svg")}"' in client.get(reverse("appraisal:my_score")).content.decode()
    templates = settings.BASE_DIR / "templates"
    heads = [p for p in templates.rglob("*.html") if "<head" in p.read_text()]
    assert len(heads) >= 4
    assert [p.name for p in heads if '{% include "_favicon.html" %}' not in p.read_text()] == []
