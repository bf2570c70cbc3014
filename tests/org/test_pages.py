"""Pages: roster statistics, the officials list (filters, pagination, constant query count), detail, tree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org.models import RankLevel, rotation_cutoff
from tests.factories import OfficialFactory, PostAssignmentFactory


def test_roster_statistics_count_the_users_scope(county, client_for):
    OfficialFactory(unit=county.culture_office, post_since=rotation_cutoff() - dt.timedelta(days=1), name="老岗位")
    response = client_for(county.head).get(reverse("org:statistics"))
    figures = response.context["figures"]
    assert figures.officials == 4
    assert figures.units == 3
    assert figures.rotation_due == 1
    assert dict((v, n) for v, _l, n in figures.by_rank_level) == {
        RankLevel.LEADERSHIP: 1, RankLevel.MIDDLE: 1, RankLevel.ORDINARY: 2}
    body = response.content.decode()
    assert "老岗位" in body and "rankChart" in body and "chart.umd.min.js" in body


def test_rotation_due_boundary(county):
    official = county.staff_official
    official.post_since = rotation_cutoff()
    assert official.rotation_due
    official.post_since = rotation_cutoff() + dt.timedelta(days=1)
    assert not official.rotation_due


def test_rotation_years_is_a_setting(county, settings):
    settings.ROTATION_DUE_YEARS = 2
    county.staff_official.post_since = dt.date.today() - dt.timedelta(days=800)
    assert county.staff_official.rotation_due


def test_officials_list_filters(county, client_for):
    client = client_for(county.orgadmin)
    url = reverse("org:official_list")

    def names(**params):
        return {o.name for o in client.get(url, params).context["page"].object_list}

    assert names() == {"王局长", "李科员", "赵主任", "钱科员"}
    assert names(q="李") == {"李科员"}
    assert names(q=county.finance_official.staff_number) == {"钱科员"}
    assert names(unit="WL") == {"王局长", "李科员", "赵主任"}
    assert names(unit="WL02") == {"李科员"}
    assert names(rank_level="middle") == {"赵主任"}
    assert names(staffing_type="contract") == set()
    county.finance_official.is_active = False
    county.finance_official.save()
    assert "钱科员" not in names()
    assert names(status="left") == {"钱科员"}


def test_officials_list_htmx_returns_the_table_only(county, client_for):
    response = client_for(county.orgadmin).get(reverse("org:official_list"), {"q": "李"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "李科员" in body and "<html" not in body


def test_officials_list_paginates(county, client_for):
    OfficialFactory.create_batch(30, unit=county.culture_office)
    client = client_for(county.head)
    first = client.get(reverse("org:official_list"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("org:official_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 8
    assert "第 2 页" in second.content.decode()


def _query_count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# The exact count of each, signed in as a bureau's head (session, user, role grants and own official included).
LIST_QUERIES = {"/officials/": 9, "/statistics/": 9, "/units/": 9, "/api/v1/officials/": 7, "/api/v1/units/": 6}


@pytest.mark.parametrize("url", ["/officials/", "/statistics/", "/units/", "/api/v1/officials/", "/api/v1/units/"])
def test_list_pages_cost_the_same_queries_for_10_and_100_officials(county, client_for, django_assert_num_queries, url):
    OfficialFactory.create_batch(6, unit=county.culture_office)
    client = client_for(county.head)
    params = {"unit": "WL", "q": "", "page_size": 200} if "officials" in url else {}
    with django_assert_num_queries(LIST_QUERIES[url]):
        small = _query_count(client, url, params)
    OfficialFactory.create_batch(90, unit=county.culture_tourism)
    client = client_for(county.head)
    with django_assert_num_queries(small):
        client.get(url, params)


def test_officials_list_query_count_is_pinned(county, client_for, django_assert_num_queries):
    OfficialFactory.create_batch(100, unit=county.culture_office)
    client = client_for(county.head)
    # session, user, role grants, own official, unit choices, unit filter lookup, count, page, unread bell
    with django_assert_num_queries(9):
        client.get(reverse("org:official_list"), {"unit": "WL"})


def test_official_page_shows_profile_posts_and_rotation_flag(county, client_for):
    official = county.culture_official
    official.post_since = dt.date(2015, 3, 1)
    official.save()
    PostAssignmentFactory(official=official, unit=county.finance_office, position_title="科员",
                          start_date=dt.date(2010, 1, 1), end_date=dt.date(2015, 3, 1), kind="lateral_exchange")
    PostAssignmentFactory(official=official, start_date=dt.date(2015, 3, 1))
    body = client_for(county.head).get(reverse("org:official_detail", args=[official.pk])).content.decode()
    assert "应轮岗" in body and "横向交流" in body and "财政局办公室" in body and "至今" in body


def test_unit_tree_lists_units_in_tree_order(county, client_for):
    response = client_for(county.orgadmin).get(reverse("org:unit_tree"))
    codes = [u.code for u in response.context["units"]]
    assert codes.index("QH") < codes.index("WL") < codes.index("WL01")
    assert codes.index("CZ") < codes.index("CZ01")


def test_the_unit_tree_paginates_and_indents_every_page_alike(county, client_for):
    for i in range(30):
        county.culture.add_child(name=f"科室{i:02d}", code=f"WLX{i:02d}", kind=county.culture.kind)
    client = client_for(county.orgadmin)
    first = client.get(reverse("org:unit_tree"))
    second = client.get(reverse("org:unit_tree"), {"page": 2})
    assert len(first.context["units"]) == 25 and second.context["units"]
    assert first.context["base_depth"] == second.context["base_depth"] == 1
    assert "第 2 页" in first.content.decode() or "page=2" in first.content.decode()
