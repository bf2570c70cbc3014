"""Study plan pages (scope, create, linked sessions, constant queries) and the attendance grid's summary,
which follows each htmx click out of band."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.errors import ApplicationError
from tests.conftest import statements
from tests.factories import OfficialFactory, OrgUnitFactory
from tests.training.factories import StudyPlanFactory, make_session
from training.models import SessionKind, StudyPlan
from training.services.plans import plan_create


def plan(unit, year: int = 2026, title: str = "理论学习计划") -> StudyPlan:
    return StudyPlanFactory(unit=unit, year=year, title=f"{year}年{unit.name}{title}")


def test_list_is_scoped_to_visible_units(county, client_for):
    culture, section, finance = plan(county.culture), plan(county.culture_tourism), plan(county.finance)
    plan(county.culture, year=2025)

    def shown(user, year: int = 2026) -> set[StudyPlan]:
        response = client_for(user).get(reverse("training:plans"), {"year": year})
        assert response.status_code == 200
        return set(response.context["page"].object_list)

    assert shown(county.head) == {culture, section}
    assert shown(county.orgadmin) == {culture, section, finance}
    assert shown(county.staff) == {culture, section}  # their unit's plan and those above it
    assert shown(county.outsider) == set()
    assert [p.year for p in shown(county.head, 2025)] == [2025]


def test_detail_lists_the_planned_sessions_and_404_outside_scope(county, client_for):
    culture, finance = plan(county.culture), plan(county.finance)
    make_session(county.head, county.culture, plan=culture, title="周五集中学习：条例")
    make_session(county.head, county.culture, plan=culture, kind=SessionKind.PARTY_CLASS, title="十月党课",
                 is_required=False, when=timezone.make_aware(datetime(2026, 10, 14, 16)))
    make_session(county.head, county.culture, title="不在计划中")
    response = client_for(county.head).get(reverse("training:plan_detail", args=[culture.pk]))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [s.title for s in rows] == ["十月党课", "周五集中学习：条例"]
    assert response.context["totals"] == {"n": 2, "hours": 4, "required": 1}
    body = response.content.decode()
    assert "党课" in body and "不在计划中" not in body
    assert client_for(county.staff).get(reverse("training:plan_detail", args=[culture.pk])).status_code == 200

    assert client_for(county.head).get(reverse("training:plan_detail", args=[finance.pk])).status_code == 404
    assert client_for(county.staff).get(reverse("training:plan_detail", args=[finance.pk])).status_code == 404
    # the session page links back to its plan
    session = rows[0]
    page = client_for(county.head).get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert reverse("training:plan_detail", args=[culture.pk]) in page


def test_head_creates_a_plan_and_links_sessions(county, client_for):
    client = client_for(county.head)
    assert client.get(reverse("training:plan_create")).status_code == 200
    response = client.post(reverse("training:plan_create"),
                           {"unit": county.culture.pk, "year": 2026, "title": "2026年学习计划", "notes": "每周五学习"})
    created = StudyPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:plan_detail", args=[created.pk])
    assert (created.unit, created.year, created.notes) == (county.culture, 2026, "每周五学习")

    again = client.post(reverse("training:plan_create"), {"unit": county.culture.pk, "year": 2026, "title": "重复"})
    assert again.status_code == 200 and StudyPlan.objects.count() == 1
    assert again.context["form"].non_field_errors() and 'value="重复"' in again.content.decode()  # input kept

    # out of scope: the unit is not offered
    refused = client.post(reverse("training:plan_create"), {"unit": county.finance.pk, "year": 2026, "title": "x"})
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors

    # the session form offers the plan, and a session saved with it is listed on the plan's page
    form = client.get(reverse("training:session_create")).content.decode()
    assert created.title in form
    make_session(county.head, county.culture, plan=created)
    assert len(client.get(reverse("training:plan_detail", args=[created.pk])).context["page"].object_list) == 1


def test_only_organisers_create_plans(county, client_for):
    assert client_for(county.staff).get(reverse("training:plan_create")).status_code == 404
    assert client_for(county.inspector).get(reverse("training:plan_create")).status_code == 404
    assert client_for(county.orgadmin).get(reverse("training:plan_create")).status_code == 200
    with pytest.raises(ApplicationError) as exc:
        plan_create(by=county.head, unit=county.finance, year=2026, title="x")
    assert exc.value.code == "forbidden"
    with pytest.raises(ApplicationError) as blank:
        plan_create(by=county.head, unit=county.culture, year=2026, title=" ")
    assert blank.value.code == "invalid"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return statements(captured.captured_queries)


def test_list_and_detail_cost_a_constant_number_of_queries(county, client_for, django_assert_num_queries):
    client = client_for(county.orgadmin)
    culture = plan(county.culture)
    make_session(county.head, county.culture, plan=culture)
    list_url, detail_url = reverse("training:plans"), reverse("training:plan_detail", args=[culture.pk])
    with django_assert_num_queries(7):
        small_list = _queries(client, list_url)
    with django_assert_num_queries(9):
        small_detail = _queries(client, detail_url)
    for i in range(12):
        unit = OrgUnitFactory(name=f"乡镇{i}", code=f"XZ{i}", parent=county.root)
        unit.refresh_from_db()
        plan(unit)
        make_session(county.orgadmin, county.culture, plan=culture, title=f"学习{i}",
                     lecturer=OfficialFactory(unit=county.culture_office))
    assert _queries(client, list_url) == small_list
    assert _queries(client, detail_url) == small_detail


def test_attendance_summary_follows_each_click(county, client_for):
    session = make_session(county.head, county.culture)
    client = client_for(county.head)
    page = client.get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert ' id="attendance-summary"' in page and "hx-swap-oob" not in page
    url = reverse("training:attendance_set", args=[session.pk])
    response = client.post(url, {"official": county.staff_official.pk, "status": "absent"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.count(' id="attendance-summary"') == 1 and 'hx-swap-oob="true"' in body
    assert (response.context["recorded"], response.context["audience_size"]) == (1, 3)
    counts = dict(response.context["counts"])
    assert list(counts.values()) == [0, 0, 0, 0, 1]
    response = client.post(url, {"official": county.culture_official.pk, "status": "present"}, HTTP_HX_REQUEST="true")
    assert list(dict(response.context["counts"]).values()) == [1, 0, 0, 0, 1]
    assert response.context["recorded"] == 2
    # a refused click (closed month, missing reason...) still answers with the current summary
    response = client.post(url, {"official": county.staff_official.pk, "status": "excused"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="row-error"' in response.content.decode()
    assert list(dict(response.context["counts"]).values()) == [1, 0, 0, 0, 1]


def test_without_htmx_a_click_redirects_to_the_page(county, client_for):
    session = make_session(county.head, county.culture)
    response = client_for(county.head).post(reverse("training:attendance_set", args=[session.pk]),
                                            {"official": county.staff_official.pk, "status": "present"})
    assert response.status_code == 302
