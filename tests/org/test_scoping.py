"""Who sees what: subtree scoping in selectors, pages and the API, and 404 outside one's scope."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from appraisal.models import ExportJob
from org.models import Official
from org.selectors import access_for, in_subtrees_q, officials_visible_to, subtree_q, units_visible_to
from tests.factories import OfficialFactory, OrgUnitFactory, RoleGrantFactory


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_head_sees_only_their_subtree(county):
    assert names(officials_visible_to(county.head)) == {"王局长", "李科员", "赵主任"}
    assert set(units_visible_to(county.head).values_list("code", flat=True)) == {"WL", "WL01", "WL02"}


def test_staff_sees_only_themself(county):
    assert names(officials_visible_to(county.staff)) == {"李科员"}
    assert set(units_visible_to(county.staff).values_list("code", flat=True)) == {"WL02"}


def test_org_department_on_root_sees_everything(county):
    assert names(officials_visible_to(county.orgadmin)) == {"王局长", "李科员", "赵主任", "钱科员"}
    assert units_visible_to(county.orgadmin).count() == 6


def test_grant_on_the_only_root_covers_every_unit_without_matching_paths(county):
    """The county's organization department is scoped by "has a unit", not by 10,000 path matches."""
    assert access_for(county.orgadmin).paths(("org",)).every_unit
    assert not access_for(county.head).paths(("head",)).every_unit
    where = str(officials_visible_to(county.orgadmin).query).split("WHERE")[-1].split("ORDER BY")[0]
    assert "LIKE" not in where and "path" not in where


def where(qs) -> str:
    return str(qs.order_by().query).split(" WHERE ")[-1]


def test_whole_tree_scope_tests_only_the_nullable_foreign_keys(county):
    """Over required foreign keys every row has a unit: nothing is joined or tested; over a nullable one, only
    that it is set."""
    paths = access_for(county.orgadmin).paths(("org",))
    assert where(Official.objects.filter(in_subtrees_q(paths, "unit", model=Official))) == "True"
    assert where(Official.objects.filter(subtree_q(paths, "unit__"))) == "True"
    exports = ExportJob.objects.filter(subtree_q(paths, "unit__"))
    assert where(exports) == '("appraisal_exportjob"."unit_id" IS NOT NULL)'
    head_paths = access_for(county.head).paths(("head",))
    assert names(Official.objects.filter(in_subtrees_q(head_paths, "unit", model=Official))) == {
        "王局长", "李科员", "赵主任"}


def test_one_units_subtree_is_the_whole_tree_only_for_the_only_root(county):
    """``unit_subtree``: a filter by the county's root tests only that a row has a unit; by any other unit, or by
    the root once the tree has a second one, it matches paths and keeps the other root's officials out."""
    from org.selectors import unit_subtree

    whole = unit_subtree(county.root, county.orgadmin)
    assert whole.every_unit and where(Official.objects.filter(subtree_q(whole, "unit__"))) == "True"
    bureau = unit_subtree(county.culture, county.orgadmin)
    assert not bureau.every_unit
    assert names(Official.objects.filter(subtree_q(bureau, "unit__"))) == {"王局长", "李科员", "赵主任"}
    other = OrgUnitFactory(name="邻县", code="LX", kind="other")
    OfficialFactory(name="邻县干部", unit=other)
    orgadmin = type(county.orgadmin).objects.get(pk=county.orgadmin.pk)  # a new request reads the roots again
    county.root.refresh_from_db()  # the roots are kept in order: a new one can move the county's path
    root = unit_subtree(county.root, orgadmin)
    assert not root.every_unit
    assert "邻县干部" not in names(Official.objects.filter(subtree_q(root, "unit__")))


def test_a_second_root_is_not_covered_by_the_first_roots_grant(county):
    other = OrgUnitFactory(name="邻县", code="LX", kind="other")
    OfficialFactory(name="邻县干部", unit=other)
    paths = access_for(county.orgadmin).paths(("org",))
    assert not paths.every_unit
    assert "邻县干部" not in names(officials_visible_to(county.orgadmin))
    RoleGrantFactory(user=county.inspector, unit=other, role="org")
    RoleGrantFactory(user=county.inspector, unit=county.root, role="org")
    assert access_for(county.inspector).paths(("org",)).every_unit
    assert "邻县干部" in names(officials_visible_to(county.inspector, roles=("org",)))


def test_discipline_inspection_scoped_by_subtree(county):
    RoleGrantFactory(user=county.outsider, unit=county.finance, role="discipline")
    assert names(officials_visible_to(county.outsider)) == {"钱科员"}


def test_user_without_role_or_official_sees_nothing(county):
    assert not officials_visible_to(county.outsider).exists()
    assert not units_visible_to(county.outsider).exists()


def test_several_grants_union_their_subtrees(county):
    RoleGrantFactory(user=county.head, unit=county.finance_office, role="head")
    assert "钱科员" in names(officials_visible_to(county.head))


def test_inactive_unit_grant_covers_nothing(county):
    county.finance.is_active = False
    county.finance.save()
    RoleGrantFactory(user=county.outsider, unit=county.finance, role="head")
    assert not officials_visible_to(county.outsider).exists()


@pytest.mark.parametrize(
    ("user_attr", "official_attr", "status"),
    [
        ("head", "culture_official", 200),
        ("head", "finance_official", 404),
        ("staff", "staff_official", 200),
        ("staff", "head_official", 404),
        ("orgadmin", "finance_official", 200),
        ("outsider", "staff_official", 404),
    ],
)
def test_official_page_answers_404_outside_scope(county, client_for, user_attr, official_attr, status):
    client = client_for(getattr(county, user_attr))
    official = getattr(county, official_attr)
    assert client.get(reverse("org:official_detail", args=[official.pk])).status_code == status
    api = client.get(f"/api/v1/officials/{official.pk}/")
    assert api.status_code == status
    if status == 404:
        assert official.name not in api.content.decode()


def test_missing_and_forbidden_look_the_same(county, client_for):
    client = client_for(county.head)
    forbidden = client.get(reverse("org:official_detail", args=[county.finance_official.pk]))
    missing = client.get(reverse("org:official_detail", args=[999999]))
    assert forbidden.status_code == missing.status_code == 404
    strip = lambda r: re.sub(rb'"X-CSRFToken": "[^"]+"|csrfmiddlewaretoken" value="[^"]+"', b"", r.content)  # noqa: E731
    assert strip(forbidden) == strip(missing)


def test_officials_list_page_is_scoped(county, client_for):
    body = client_for(county.head).get(reverse("org:official_list")).content.decode()
    assert "赵主任" in body and "李科员" in body
    assert "钱科员" not in body


def test_api_lists_are_scoped(county, client_for):
    client = client_for(county.head)
    officials = client.get("/api/v1/officials/").json()
    assert {o["name"] for o in officials["results"]} == {"王局长", "李科员", "赵主任"}
    units = client.get("/api/v1/units/").json()
    assert {u["code"] for u in units["results"]} == {"WL", "WL01", "WL02"}
    assert client.get(f"/api/v1/units/{county.finance.pk}/").status_code == 404


def test_unit_filter_outside_scope_is_not_honoured(county, client_for):
    # Filtering by a unit one cannot see must not reveal its officials.
    response = client_for(county.head).get("/api/v1/officials/", {"unit": "CZ"})
    assert response.status_code == 400 or all(o["unit"]["code"] != "CZ01" for o in response.json()["results"])


def test_anonymous_is_sent_to_login_and_api_refuses(db, client):
    response = client.get(reverse("org:official_list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/officials/").status_code in (401, 403)


def test_roster_import_page_is_org_department_only(county, client_for):
    assert client_for(county.head).get(reverse("org:roster_upload")).status_code == 404
    assert client_for(county.staff).get(reverse("org:roster_template")).status_code == 404
    assert client_for(county.orgadmin).get(reverse("org:roster_upload")).status_code == 200
