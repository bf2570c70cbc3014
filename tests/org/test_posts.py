"""Posts and rotations: the service and the page action of the organization department."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from common.errors import ApplicationError
from org.models import PostAssignment
from org.services import official_assign_post
from tests.factories import PostAssignmentFactory


def test_assigning_a_post_closes_the_open_one_and_moves_the_official(county):
    official = county.culture_official
    PostAssignmentFactory(official=official, start_date=dt.date(2018, 1, 1))
    official_assign_post(official=official, unit=county.finance_office, position_title="副科长",
                         start_date=dt.date(2026, 3, 1), kind="lateral_exchange", by=county.orgadmin)
    official.refresh_from_db()
    assert (official.unit, official.position_title, official.post_since) == (
        county.finance_office, "副科长", dt.date(2026, 3, 1))
    posts = list(PostAssignment.objects.filter(official=official).order_by("start_date"))
    assert [(p.end_date, p.kind) for p in posts] == [(dt.date(2026, 3, 1), "appointment"), (None, "lateral_exchange")]
    assert not official.rotation_due
    assert official.history.count() >= 2  # audited


def test_a_new_post_cannot_start_before_the_current_one(county):
    official = county.culture_official
    PostAssignmentFactory(official=official, start_date=dt.date(2024, 1, 1))
    with pytest.raises(ApplicationError):
        official_assign_post(official=official, unit=county.culture_tourism, position_title="科员",
                             start_date=dt.date(2023, 1, 1), by=county.orgadmin)
    assert PostAssignment.objects.filter(official=official).count() == 1


def test_a_head_cannot_move_officials(county):
    with pytest.raises(ApplicationError):
        official_assign_post(official=county.culture_official, unit=county.culture_tourism, position_title="科员",
                             start_date=dt.date(2026, 1, 1), by=county.head)


def test_org_department_records_a_rotation_from_the_page(county, client_for):
    client = client_for(county.orgadmin)
    url = reverse("org:official_detail", args=[county.culture_official.pk])
    assert "记录岗位变动" in client.get(url).content.decode()
    response = client.post(reverse("org:official_post_change", args=[county.culture_official.pk]), {
        "unit": "WL02", "position_title": "副科长", "kind": "internal_rotation", "start_date": "2026-02-01"})
    assert response.status_code == 302
    county.culture_official.refresh_from_db()
    assert county.culture_official.unit == county.culture_tourism


def test_a_bad_post_change_keeps_what_was_typed(county, client_for):
    client = client_for(county.orgadmin)
    response = client.post(reverse("org:official_post_change", args=[county.culture_official.pk]), {
        "unit": "WL02", "position_title": "副科长（待定）", "kind": "internal_rotation", "start_date": "不是日期"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "副科长（待定）" in body and "有效的日期" in body
    county.culture_official.refresh_from_db()
    assert county.culture_official.unit == county.culture_office


def test_heads_and_staff_get_no_post_form_and_404_on_post(county, client_for):
    for user in (county.head, county.staff):
        client = client_for(user)
        detail = client.get(reverse("org:official_detail", args=[county.staff_official.pk])).content.decode()
        assert "记录岗位变动" not in detail
        response = client.post(reverse("org:official_post_change", args=[county.staff_official.pk]), {
            "unit": "WL02", "position_title": "x", "kind": "internal_rotation", "start_date": "2026-02-01"})
        assert response.status_code == 404
