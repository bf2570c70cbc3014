"""Scheme and rule catalogue pages and services: the organization department edits weights and rules (audited),
everyone else gets 404, duplicate scopes, bad ranges and deleting the default are refused, input is kept on
error, the list costs constant queries, and a closed period keeps its scores after a weight is changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import Scheme, SchemeComponent, Scorecard, ScoreRule
from appraisal.services.periods import period_close
from appraisal.services.rollup import rollup_period
from appraisal.services.schemes import rule_save, scheme_delete, scheme_save
from common.errors import ApplicationError
from tasks.models import ReportStatus
from tests.appraisal.factories import SchemeComponentFactory, SchemeFactory, ScoreEntryFactory, ScoreRuleFactory
from tests.factories import MonthlyReportFactory, UnitCategoryFactory, period

D = Decimal
WEIGHTS = {"work": D(40), "timeliness": D(10), "evaluation": D(30), "training": D(20)}


def default_scheme() -> Scheme:
    return Scheme.objects.get(category=None, rank_level="")


def scheme_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "县直部门方案", "category": "", "rank_level": "",
                               **{f"weight_{c}": str(w) for c, w in WEIGHTS.items()}}
    data.update(overrides)
    return data


def rule_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"code": "volunteer", "name": "志愿服务", "description": "", "min_points": "1",
                               "max_points": "2", "cap": "4", "is_manual": "on", "is_active": "on"}
    data.update(overrides)
    return data


# -- pages -------------------------------------------------------------------------------------------


def test_org_department_edits_a_weight_and_the_history_has_the_user(county, client_for):
    scheme = default_scheme()
    client = client_for(county.orgadmin)
    page = client.get(reverse("appraisal:schemes"))
    assert page.status_code == 200
    assert b'data-testid="frozen-note"' in page.content and b'data-testid="default-badge"' in page.content
    assert [r["scheme"].pk for r in page.context["scheme_rows"]] == [scheme.pk]
    assert page.context["scheme_rows"][0]["weights"] == [D(40), D(10), D(30), D(20)]
    assert {r.code for r in page.context["page"].object_list} >= {"innovation", "letter_overdue"}

    form = client.get(reverse("appraisal:scheme_edit", args=[scheme.pk]))
    assert form.context["form"]["weight_work"].value() == D(40)
    response = client.post(reverse("appraisal:scheme_edit", args=[scheme.pk]),
                           scheme_data(name="默认考核方案", weight_work="55.5"))
    assert response.status_code == 302 and response.url == reverse("appraisal:schemes")
    work = SchemeComponent.objects.get(scheme=scheme, component="work")
    assert work.weight == D("55.50")
    history = work.history.first()
    assert history.history_user == county.orgadmin and history.weight == D("55.50")
    assert work.history.count() == 1  # the seed (a migration) wrote no history; changed once since
    assert not SchemeComponent.objects.get(scheme=scheme, component="training").history.exists()  # unchanged


def test_org_department_edits_a_rule_and_the_history_has_the_user(county, client_for):
    rule = ScoreRule.objects.get(code="innovation")
    client = client_for(county.orgadmin)
    response = client.post(reverse("appraisal:rule_edit", args=[rule.pk]), rule_data(
        code="innovation", name="创新创效建议", min_points="1", max_points="5", cap=""))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.max_points, rule.cap, rule.is_manual, rule.is_active) == (D(5), None, True, True)
    assert rule.history.first().history_user == county.orgadmin

    created = client.post(reverse("appraisal:rule_create"), rule_data())
    assert created.status_code == 302
    new = ScoreRule.objects.get(code="volunteer")
    assert (new.min_points, new.max_points, new.cap) == (D(1), D(2), D(4))
    assert new.history.get().history_user == county.orgadmin


def test_a_new_scheme_for_a_category_and_rank_level(county, client_for):
    category = UnitCategoryFactory(code="BUREAU", name="县直部门")
    client = client_for(county.orgadmin)
    response = client.post(reverse("appraisal:scheme_create"), scheme_data(
        category=str(category.pk), rank_level="ordinary", weight_training="0"))
    assert response.status_code == 302
    scheme = Scheme.objects.get(category=category, rank_level="ordinary")
    assert {c.component: c.weight for c in scheme.components.all()} == {**WEIGHTS, "training": D(0)}
    assert scheme.history.get().history_user == county.orgadmin

    response = client.post(reverse("appraisal:scheme_delete", args=[scheme.pk]))
    assert response.status_code == 302 and not Scheme.objects.filter(pk=scheme.pk).exists()
    assert not SchemeComponent.objects.filter(scheme_id=scheme.pk).exists()


@pytest.mark.parametrize("user", ["head", "staff", "inspector", "outsider"])
def test_everyone_but_the_org_department_gets_404(county, client_for, user):
    client = client_for(getattr(county, user))
    scheme, rule = default_scheme(), ScoreRule.objects.get(code="innovation")
    for name, args in (("schemes", []), ("scheme_create", []), ("scheme_edit", [scheme.pk]),
                       ("rule_create", []), ("rule_edit", [rule.pk])):
        assert client.get(reverse(f"appraisal:{name}", args=args)).status_code == 404
    assert client.post(reverse("appraisal:scheme_edit", args=[scheme.pk]),
                       scheme_data(weight_work="1")).status_code == 404
    assert client.post(reverse("appraisal:rule_edit", args=[rule.pk]), rule_data(code="innovation")).status_code == 404
    assert client.post(reverse("appraisal:scheme_delete", args=[scheme.pk])).status_code == 404
    assert SchemeComponent.objects.get(scheme=scheme, component="work").weight == D(40)
    assert Scheme.objects.filter(pk=scheme.pk).exists()


def test_duplicate_scope_is_refused_and_the_input_kept(county, client_for):
    client = client_for(county.orgadmin)
    response = client.post(reverse("appraisal:scheme_create"), scheme_data(name="第二个默认方案", weight_work="12"))
    assert response.status_code == 400
    assert b'data-testid="field-error"' in response.content
    form = response.context["form"]
    assert form["name"].value() == "第二个默认方案" and form["weight_work"].value() == "12"
    assert form.errors["category"]
    assert Scheme.objects.count() == 1


def test_min_above_max_is_refused_and_the_input_kept(county, client_for):
    rule = ScoreRule.objects.get(code="innovation")
    response = client_for(county.orgadmin).post(reverse("appraisal:rule_edit", args=[rule.pk]), rule_data(
        code="innovation", name="改过的名字", min_points="4", max_points="2"))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["max_points"] and form["name"].value() == "改过的名字" and form["min_points"].value() == "4"
    rule.refresh_from_db()
    assert (rule.name, rule.min_points, rule.max_points) == ("创新创效建议", D(1), D(3))


def test_deleting_the_default_is_refused(county, client_for):
    scheme = default_scheme()
    response = client_for(county.orgadmin).post(reverse("appraisal:scheme_delete", args=[scheme.pk]))
    assert response.status_code == 302
    assert Scheme.objects.filter(pk=scheme.pk).exists() and scheme.components.count() == 4


def test_the_list_costs_the_same_queries_for_10_or_100_rows(county, client_for, django_assert_num_queries):
    client = client_for(county.orgadmin)
    url = reverse("appraisal:schemes")

    def add(n: int) -> None:
        start = ScoreRule.objects.count()
        for i in range(start, start + n):
            ScoreRuleFactory(code=f"r{i:03d}", name=f"规则{i}", min_points=D(1), max_points=D(2))
        made = Scheme.objects.count()
        for i in range(made, made + n):
            category = UnitCategoryFactory(code=f"C{i // 3:03d}")
            scheme = SchemeFactory(name=f"方案{i}", category=category,
                                   rank_level=("leadership", "middle", "ordinary")[i % 3])
            for component, weight in WEIGHTS.items():
                SchemeComponentFactory(scheme=scheme, component=component, weight=weight)

    counts = []
    for n in (10, 90):
        add(n)
        with django_assert_num_queries(10) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# -- services ----------------------------------------------------------------------------------------


def test_services_refuse_bad_input(county):
    org = county.orgadmin
    with pytest.raises(ApplicationError) as refused:
        scheme_save(by=county.head, name="x", category=None, rank_level="ordinary", weights=WEIGHTS)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        scheme_save(by=org, scheme=None, name="默认", category=None, rank_level="", weights=WEIGHTS)
    assert refused.value.code == "duplicate"
    with pytest.raises(ApplicationError) as refused:
        scheme_save(by=org, name="负", category=None, rank_level="ordinary", weights={**WEIGHTS, "work": D(-1)})
    assert refused.value.code == "invalid"
    with pytest.raises(ApplicationError) as refused:
        scheme_save(by=org, name="零", category=None, rank_level="ordinary", weights={c: D(0) for c in WEIGHTS})
    assert refused.value.code == "invalid"
    with pytest.raises(ApplicationError) as refused:
        scheme_save(by=org, scheme=default_scheme(), name="默认", category=None, rank_level="middle",
                    weights=WEIGHTS)
    assert refused.value.code == "invalid"  # the default keeps its scope
    with pytest.raises(ApplicationError) as refused:
        scheme_delete(by=org, scheme=default_scheme())
    assert refused.value.code == "default_scheme"
    assert Scheme.objects.count() == 1

    rule = ScoreRule.objects.get(code="innovation")
    kw = {"name": "创新", "description": "", "min_points": D(1), "max_points": D(3), "cap": D(6),
          "is_manual": True, "is_active": True}
    with pytest.raises(ApplicationError) as refused:
        rule_save(by=org, rule=rule, code="innovation", **{**kw, "min_points": D(4)})
    assert refused.value.code == "invalid_range"
    with pytest.raises(ApplicationError) as refused:
        rule_save(by=org, rule=rule, code="innovation", **{**kw, "cap": D(-1)})
    assert refused.value.code == "invalid"
    with pytest.raises(ApplicationError) as refused:
        rule_save(by=org, code="commendation", **kw)
    assert refused.value.code == "duplicate"
    with pytest.raises(ApplicationError) as refused:
        rule_save(by=org, rule=ScoreRule.objects.get(code="letter_overdue"), code="late_letter", **kw)
    assert refused.value.code == "code_locked"  # the derivation finds it by its code

    rule_save(by=org, rule=rule, code="innovation_proposal", **kw)  # no entries yet: allowed
    rule.refresh_from_db()
    ScoreEntryFactory(official=county.staff_official, occurred_on="2026-10-08", rule=rule, points=D(1),
                      reason="测试")
    with pytest.raises(ApplicationError) as refused:
        rule_save(by=org, rule=rule, code="innovation", **kw)
    assert refused.value.code == "code_locked"
    assert ScoreRule.objects.filter(code="innovation_proposal").exists()


def test_changing_a_weight_after_closing_leaves_the_closed_period_unchanged(county, client_for):
    staff = county.staff_official
    for points in (3, 2):
        ScoreEntryFactory(official=staff, occurred_on="2026-10-08",
                          rule=ScoreRule.objects.get(code="innovation"), points=D(points), reason="测试")
    MonthlyReportFactory(official=staff, month="2026-10-01", status=ReportStatus.SUBMITTED, is_late=True)
    october, november = period("2026-10"), period("2026-11")
    period_close(period=october, by=county.orgadmin, reason="测试：提前关闭")
    before = Scorecard.objects.get(period=october, official=staff)
    assert not before.is_provisional

    scheme = default_scheme()
    client = client_for(county.orgadmin)
    assert client.post(reverse("appraisal:scheme_edit", args=[scheme.pk]), scheme_data(
        name=scheme.name, weight_timeliness="90")).status_code == 302
    rule = ScoreRule.objects.get(code="innovation")
    assert client.post(reverse("appraisal:rule_edit", args=[rule.pk]), rule_data(
        code="innovation", name=rule.name, min_points="1", max_points="3", cap="1")).status_code == 302

    rollup_period(period=october)  # recalculated with the snapshot it was closed with
    after = Scorecard.objects.get(period=october, official=staff)
    assert (after.total, after.components, after.bonus) == (before.total, before.components, before.bonus)
    assert after.components["timeliness"]["weight"] == 10.0

    rollup_period(period=november)  # an open period uses the edited scheme
    assert Scorecard.objects.get(period=november, official=staff).components["timeliness"]["weight"] == 90.0
