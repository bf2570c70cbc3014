"""Talks (list with filters, record form, follow-up) and the catalogue (rules, decision kinds) pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discipline.models import DecisionKind, DisciplineRule, Talk
from discipline.services.talks import talk_record
from tests.conftest import statements
from tests.discipline.factories import DecisionKindFactory, DisciplineRuleFactory
from tests.factories import OfficialFactory
from tests.pickers import picker_values

pytestmark = pytest.mark.django_db


def test_record_a_talk_and_follow_up(county, client_for):
    client = client_for(county.orgadmin)
    assert client.get(reverse("discipline:talk_create")).status_code == 200
    found = client.get(reverse("org:official_search"), {"scope": "talks", "unit": county.culture.pk}).json()
    assert county.staff_official.name in {o["name"] for o in found["results"]}
    data = {"unit": county.culture.pk, "official": county.staff_official.pk, "kind": "care", "occasion": "family",
            "held_on": "2026-11-10", "talker_name": "", "topic": "家中老人住院，了解困难"}
    kept = client.post(reverse("discipline:talk_create"), data)
    assert kept.status_code == 200 and "家中老人住院" in kept.content.decode() and not Talk.objects.exists()
    assert picker_values(kept.content.decode(), "official") == [str(county.staff_official.pk)]  # kept, chosen
    data["talker_name"] = "组织部 张部长"
    done = client.post(reverse("discipline:talk_create"), data)
    talk = Talk.objects.get()
    assert done.status_code == 302 and talk.official == county.staff_official and talk.recorded_by == county.orgadmin
    follow = client.post(reverse("discipline:talk_detail", args=[talk.pk]), {"follow_up": "已协调休假", "done": "on"})
    assert follow.status_code == 302
    talk.refresh_from_db()
    assert talk.follow_up_done and talk.follow_up == "已协调休假"
    for user in (county.head, county.staff, county.outsider):
        assert client_for(user).get(reverse("discipline:talk_detail", args=[talk.pk])).status_code == 404
        assert client_for(user).get(reverse("discipline:talk_list")).status_code == 404


def _talks_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("discipline:talk_list"), {"kind": "reminder"})
        assert response.status_code == 200
    return statements(captured.captured_queries)


def test_talk_list_filters_and_constant_queries(county, client_for, django_assert_num_queries):
    talk_record(by=county.inspector, official=county.staff_official, kind="reminder", held_on=date(2026, 9, 1),
                topic="提醒按时到岗", talker=county.head_official)
    talk_record(by=county.inspector, official=county.culture_official, kind="care", occasion="retirement",
                held_on=date(2026, 9, 2), topic="退休谈心", talker_name="王局长")
    client = client_for(county.inspector)
    response = client.get(reverse("discipline:talk_list"), {"kind": "care"})
    assert [t.official for t in response.context["page"].object_list] == [county.culture_official]
    with django_assert_num_queries(7):
        small = _talks_queries(client)
    for i in range(10):
        talk_record(by=county.inspector, official=OfficialFactory(unit=county.culture_office, name=f"甲{i}"),
                    kind="reminder", held_on=date(2026, 9, 3), topic="提醒", talker=county.head_official)
    assert _talks_queries(client) == small


def test_rules_read_by_case_readers_edited_by_county_inspection(county, client_for, kinds):
    assert client_for(county.orgadmin).get(reverse("discipline:rule_list")).status_code == 200
    assert not client_for(county.orgadmin).get(reverse("discipline:rule_list")).context["can_edit"]
    for user in (county.head, county.staff, county.outsider):
        assert client_for(user).get(reverse("discipline:rule_list")).status_code == 404
    assert client_for(county.orgadmin).get(reverse("discipline:rule_create")).status_code == 404
    client = client_for(county.inspector)
    data = {"code": "ZF-99", "category": "style", "text": "工作日午间饮酒", "is_active": "on"}
    assert client.post(reverse("discipline:rule_create"), data).status_code == 302
    rule = DisciplineRule.objects.get(code="ZF-99")
    duplicate = client.post(reverse("discipline:rule_create"), data)
    assert duplicate.status_code == 200 and duplicate.context["form"].errors
    edit = client.post(reverse("discipline:rule_edit", args=[rule.pk]), {**data, "is_active": ""})
    assert edit.status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active
    listing = client.get(reverse("discipline:rule_list"), {"category": "style"})
    assert rule in listing.context["page"].object_list


def test_configure_a_decision_kind(county, client_for, kinds):
    kind = kinds["gov_warning"]
    assert client_for(county.orgadmin).get(reverse("discipline:kind_list")).status_code == 200
    assert client_for(county.orgadmin).get(reverse("discipline:kind_edit", args=[kind.pk])).status_code == 404
    assert client_for(county.head).get(reverse("discipline:kind_list")).status_code == 404
    client = client_for(county.inspector)
    form = client.get(reverse("discipline:kind_edit", args=[kind.pk]))
    assert form.status_code == 200 and form.context["form"].initial["months_in_force"] == 6
    data = {"months_in_force": "6", "points": "4", "grade_cap": "competent", "cap_years": "1",
            "promotion_bar_months": "", "is_active": "on"}
    assert client.post(reverse("discipline:kind_edit", args=[kind.pk]), data).status_code == 302
    kind = DecisionKind.objects.get(pk=kind.pk)
    assert kind.points == 4 and (kind.cap_years, kind.later_cap) == (1, "")
    later = {**data, "grade_cap": "incompetent", "cap_years": "2", "later_cap": "undetermined"}
    assert client.post(reverse("discipline:kind_edit", args=[kind.pk]), later).status_code == 302
    kind = DecisionKind.objects.get(pk=kind.pk)
    assert (kind.grade_cap, kind.cap_years, kind.later_cap) == ("incompetent", 2, "undetermined")
    bad = client.post(reverse("discipline:kind_edit", args=[kind.pk]), {**data, "cap_years": "0"})
    assert bad.status_code == 200 and bad.context["form"].errors["cap_years"]
    bad = client.post(reverse("discipline:kind_edit", args=[kind.pk]), {**data, "points": "-1"})
    assert bad.status_code == 200 and bad.context["form"].errors["points"]


def test_a_talk_can_be_linked_to_a_case_in_scope_by_its_number(county, open_case, client_for):
    client = client_for(county.inspector)
    form = {"unit": county.culture_tourism.pk, "official": county.staff_official.pk, "kind": "reminder",
            "occasion": "warning_sign", "held_on": "2026-10-01", "talker_name": "纪检组长", "topic": "提醒谈话"}
    refused = client.post(reverse("discipline:talk_create"), {**form, "case_number": "2026-9999"})
    assert refused.status_code == 200 and "2026-9999" in refused.content.decode()  # kept what was typed
    assert not Talk.objects.exists()
    client.post(reverse("discipline:talk_create"), {**form, "case_number": open_case.number})
    assert Talk.objects.get().case == open_case


# The exact count of each catalogue page for county inspection (session, user, role grants and own official
# included); the same with more rules and kinds.
CATALOGUE_QUERIES = {"discipline:rule_list": 7, "discipline:kind_list": 6}


@pytest.mark.parametrize("name", sorted(CATALOGUE_QUERIES))
def test_the_catalogue_pages_cost_the_same_pinned_queries_for_more_rows(county, client_for, kinds,
                                                                        django_assert_num_queries, name):
    client = client_for(county.inspector)
    client.get(reverse(name))  # the session is warm
    with django_assert_num_queries(CATALOGUE_QUERIES[name]):
        assert client.get(reverse(name)).status_code == 200
    DisciplineRuleFactory.create_batch(30)
    DecisionKindFactory.create_batch(10)
    with django_assert_num_queries(CATALOGUE_QUERIES[name]):
        assert client.get(reverse(name)).status_code == 200
