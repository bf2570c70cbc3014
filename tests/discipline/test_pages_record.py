"""What people see without the case file: "my record", a decision's page, the appeal form, the effects in a
unit for heads, and the effects fragment of an official's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discipline.models import Appeal, CaseAccess
from discipline.services.cases import case_transition
from tests.conftest import statements
from tests.discipline.test_pages_cases import another_case, decide
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_record_shows_own_decisions_without_facts(county, client_for, open_case, kinds):
    mine = decide(county, open_case, kinds["gov_demerit"])
    other_user = UserFactory()
    other_official = OfficialFactory(unit=county.culture_office, name="孙科员", user=other_user)
    other_case = another_case(county, other_official, investigate=True)
    theirs = decide(county, other_case, kinds["gov_warning"], official=other_official)
    response = client_for(county.staff).get(reverse("discipline:my_record"))
    assert response.status_code == 200
    body = response.content.decode()
    assert [row[0].pk for row in response.context["rows"]] == [mine.pk]
    assert "记过" in body and open_case.facts not in body and open_case.number not in body
    assert f'data-testid="appeal-{mine.pk}"' in body
    # The decision's page: the subject sees it, with no facts; another official's is 404 for them.
    detail = client_for(county.staff).get(reverse("discipline:decision_detail", args=[mine.pk]))
    assert detail.status_code == 200 and open_case.facts not in detail.content.decode()
    assert not detail.context["reads_case"]
    assert client_for(county.staff).get(reverse("discipline:decision_detail", args=[theirs.pk])).status_code == 404
    for user in (county.head, county.outsider):
        assert client_for(user).get(reverse("discipline:decision_detail", args=[mine.pk])).status_code == 404
    assert client_for(county.inspector).get(reverse("discipline:decision_detail", args=[mine.pk])).context[
        "reads_case"]
    assert not CaseAccess.objects.filter(user=county.staff).exists()
    no_official = client_for(county.outsider).get(reverse("discipline:my_record"))
    assert no_official.status_code == 200 and b"no-official" in no_official.content


def test_the_subject_appeals_within_the_window(county, client_for, open_case, kinds):
    decision = decide(county, open_case, kinds["gov_demerit"])
    client = client_for(county.staff)
    form = client.get(reverse("discipline:appeal_create", args=[decision.pk]))
    assert form.status_code == 200 and b"appeal-deadline" in form.content
    empty = client.post(reverse("discipline:appeal_create", args=[decision.pk]), {"grounds": "  "})
    assert empty.status_code == 200 and empty.context["form"].errors
    assert client.post(reverse("discipline:appeal_create", args=[decision.pk]),
                       {"grounds": "情节认定过重"}).status_code == 302
    assert Appeal.objects.get().grounds == "情节认定过重"
    again = client.get(reverse("discipline:my_record"))
    assert f'data-testid="appeal-{decision.pk}"' not in again.content.decode()  # one pending at a time
    assert client_for(county.head).get(reverse("discipline:appeal_create", args=[decision.pk])).status_code == 404
    assert client_for(county.inspector).get(reverse("discipline:appeal_create", args=[decision.pk])).status_code == 404


def test_no_appeal_after_the_window(county, client_for, open_case, kinds, settings):
    decision = decide(county, open_case, kinds["gov_demerit"], effective=timezone.localdate() - timedelta(days=40))
    client = client_for(county.staff)
    assert f'data-testid="appeal-{decision.pk}"' not in client.get(reverse("discipline:my_record")).content.decode()
    late = client.post(reverse("discipline:appeal_create", args=[decision.pk]), {"grounds": "迟到的申诉"})
    assert late.status_code == 200 and late.context["form"].non_field_errors()
    assert not Appeal.objects.exists()


def test_head_sees_the_effect_but_not_the_case(county, client_for, open_case, kinds):
    decision = decide(county, open_case, kinds["gov_demerit"])
    response = client_for(county.head).get(reverse("discipline:effects"))
    assert response.status_code == 200
    body = response.content.decode()
    row = body[body.index(f'data-testid="effect-{county.staff_official.pk}"'):]
    row = row[:row.index("</tr>")]
    assert county.staff_official.name in row and decision.in_force_until.isoformat() in row
    assert "记过" not in body and open_case.number not in body and open_case.facts not in body
    assert f'data-testid="effect-tolerance-{decision.pk}"' in body
    assert client_for(county.head).get(reverse("discipline:case_detail", args=[open_case.pk])).status_code == 404
    for user in (county.staff, county.outsider):
        assert client_for(user).get(reverse("discipline:effects")).status_code == 404


def test_effects_show_an_open_case_as_under_investigation(county, client_for, open_case):
    response = client_for(county.head).get(reverse("discipline:effects"), {"unit": "WL"})
    assert [e.under_investigation for e, _o, _r in response.context["rows"]] == [True]
    assert b'data-testid="under-investigation"' in response.content
    case_transition(by=county.inspector, case=open_case, to="closed", comment="查无实据")  # with no sanction
    assert client_for(county.head).get(reverse("discipline:effects")).context["rows"] == []


def _effects_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("discipline:effects")).status_code == 200
    return statements(captured.captured_queries)


def test_effects_cost_a_constant_number_of_queries(county, client_for, open_case, kinds, django_assert_num_queries):
    decide(county, open_case, kinds["gov_demerit"])
    client = client_for(county.head)
    with django_assert_num_queries(9):
        small = _effects_queries(client)
    for i in range(10):
        official = OfficialFactory(unit=county.culture_office, name=f"甲{i}")
        case = another_case(county, official, title=f"案{i}", investigate=True)
        if i % 2:
            decide(county, case, kinds["gov_warning"], official=official)
    assert _effects_queries(client) == small


def test_official_effects_fragment(county, client_for, open_case, kinds):
    decide(county, open_case, kinds["gov_demerit"])
    url = reverse("discipline:official_effects", args=[county.staff_official.pk])
    for user in (county.head, county.orgadmin, county.inspector, county.staff):
        response = client_for(user).get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert not response.context["eligibility"].eligible
        assert b"<html" not in response.content and "记过" not in response.content.decode()
    for user in (county.outsider,):
        assert client_for(user).get(url).status_code == 404
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    assert client_for(finance_head).get(url).status_code == 404
    eligible = client_for(county.head).get(reverse("discipline:official_effects", args=[county.culture_official.pk]))
    assert eligible.context["eligibility"].eligible and eligible.context["effects"] == []
    page = client_for(county.head).get(reverse("org:official_detail", args=[county.staff_official.pk]))
    assert url in page.content.decode()


def _record_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("discipline:my_record")).status_code == 200
    return statements(captured.captured_queries)


def test_my_record_costs_a_constant_number_of_queries(county, client_for, open_case, kinds,
                                                      django_assert_num_queries):
    decide(county, open_case, kinds["gov_demerit"])
    client = client_for(county.staff)
    with django_assert_num_queries(11):
        small = _record_queries(client)
    for i in range(6):
        case = another_case(county, county.staff_official, title=f"案{i}", investigate=True)
        decide(county, case, kinds["gov_warning"])
    assert _record_queries(client) == small


def test_the_discipline_menu_follows_the_roles(county, client_for):
    menu = {user.username: client_for(user).get(reverse("home")).content.decode()
            for user in (county.inspector, county.orgadmin, county.head, county.staff, county.outsider)}
    assert reverse("discipline:case_create") in menu["inspector"]
    assert reverse("discipline:case_list") in menu["orgadmin"] and reverse("discipline:case_create") not in (
        menu["orgadmin"])
    assert reverse("discipline:effects") in menu["head"] and reverse("discipline:case_list") not in menu["head"]
    assert reverse("discipline:my_record") in menu["staff"] and reverse("discipline:effects") not in menu["staff"]
    assert 'data-testid="nav-discipline"' not in menu["outsider"]
