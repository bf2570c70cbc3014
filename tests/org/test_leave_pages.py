"""The leave pages: the card on an official's page (htmx: record, change, remove, refusals on the form), the
official's own read-only view, the unit list with its filters; scope is a 404; query counts are pinned."""

from __future__ import annotations

import datetime as dt

import pytest

from org.models import LeaveRecord
from tests.factories import LeaveRecordFactory, OfficialFactory, RoleGrantFactory, UserFactory

D = dt.date
HTMX = {"HTTP_HX_REQUEST": "true"}
FORM = {"kind": "sick", "start_date": "2026-03-02", "end_date": "2026-03-06", "note": "住院"}


def card_url(official) -> str:
    return f"/officials/{official.pk}/leave/"


# -- the card on the official's page ---------------------------------------------------------------------
def test_the_official_page_loads_the_leave_card(county, client_for):
    page = client_for(county.head).get(f"/officials/{county.staff_official.pk}/").content.decode()
    assert f'hx-get="{card_url(county.staff_official)}"' in page


def test_a_head_sees_the_records_and_the_form(county, client_for):
    LeaveRecordFactory(official=county.staff_official, note="手术")
    body = client_for(county.head).get(card_url(county.staff_official), **HTMX).content.decode()
    assert "<html" not in body and 'data-testid="leave-form"' in body and "手术" in body
    assert 'data-testid="leave-edit"' in body


def test_the_official_sees_their_own_without_a_form_and_cannot_post(county, client_for):
    LeaveRecordFactory(official=county.staff_official, note="手术")
    client = client_for(county.staff)
    body = client.get(card_url(county.staff_official), **HTMX).content.decode()
    assert "手术" in body and 'data-testid="leave-form"' not in body and 'leave-edit' not in body
    assert client.post(card_url(county.staff_official), FORM, **HTMX).status_code == 404
    assert LeaveRecord.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "inspector", "staff"])
def test_outside_scope_the_card_is_missing(county, client_for, who):
    target = county.finance_official if who != "staff" else county.culture_official
    client = client_for(getattr(county, who))
    assert client.get(card_url(target), **HTMX).status_code == 404
    assert client.post(card_url(target), FORM, **HTMX).status_code == 404


def test_recording_with_htmx_answers_the_card_with_the_new_row(county, client_for):
    response = client_for(county.head).post(card_url(county.staff_official), FORM, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="leave-notice"' in body and "2026-03-02" in body and "住院" in body
    leave = LeaveRecord.objects.get()
    assert (leave.official, leave.recorded_by, leave.days) == (county.staff_official, county.head, 5)


def test_an_overlap_reaches_the_htmx_form_keeping_what_was_typed(county, client_for):
    LeaveRecordFactory(official=county.staff_official, start_date=D(2026, 3, 1), end_date=D(2026, 3, 3))
    response = client_for(county.head).post(card_url(county.staff_official), {**FORM, "note": "第二次"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 400  # swapped in by static/js/htmx_setup.js, and the form token stays unused
    assert 'data-testid="form-error"' in body and "2026-03-01" in body
    assert 'value="第二次"' in body and 'value="2026-03-06"' in body
    assert LeaveRecord.objects.count() == 1


def test_reversed_dates_reach_the_form(county, client_for):
    response = client_for(county.head).post(card_url(county.staff_official),
                                            {**FORM, "start_date": "2026-03-09"}, **HTMX)
    body = response.content.decode()
    assert 'data-testid="field-error"' in body and "2026-03-09" in body and not LeaveRecord.objects.exists()


def test_without_htmx_a_success_redirects_and_a_refusal_is_a_page_with_the_error(county, client_for):
    client = client_for(county.head)
    ok = client.post(card_url(county.staff_official), FORM)
    assert ok.status_code == 302 and ok["Location"] == f"/officials/{county.staff_official.pk}/"
    refused = client.post(card_url(county.staff_official), FORM)
    assert refused.status_code == 400 and "<html" in refused.content.decode()
    assert 'data-testid="form-error"' in refused.content.decode()


def test_change_and_remove(county, client_for):
    leave = LeaveRecordFactory(official=county.staff_official)
    client = client_for(county.head)
    form = client.get(f"/leave/{leave.pk}/edit/", **HTMX).content.decode()
    assert f'hx-post="/leave/{leave.pk}/edit/"' in form and 'value="2026-03-02"' in form
    changed = client.post(f"/leave/{leave.pk}/edit/", {**FORM, "kind": "personal", "end_date": "2026-03-09"}, **HTMX)
    assert changed.status_code == 200 and 'data-testid="leave-notice"' in changed.content.decode()
    leave.refresh_from_db()
    assert (leave.kind, leave.end_date) == ("personal", D(2026, 3, 9))
    assert client.post(f"/leave/{leave.pk}/delete/", **HTMX).status_code == 200
    assert not LeaveRecord.objects.exists()


def test_the_official_and_outsiders_cannot_change_a_record(county, client_for):
    leave = LeaveRecordFactory(official=county.staff_official)
    finance_head = UserFactory(username="finance_head")
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    for user in (county.staff, finance_head, county.outsider):
        client = client_for(user)
        assert client.get(f"/leave/{leave.pk}/edit/", **HTMX).status_code == 404
        assert client.post(f"/leave/{leave.pk}/edit/", FORM, **HTMX).status_code == 404
        assert client.post(f"/leave/{leave.pk}/delete/", **HTMX).status_code == 404
    assert LeaveRecord.objects.filter(pk=leave.pk).exists()


def test_the_card_costs_the_same_queries_for_few_or_many_records(county, client_for, django_assert_num_queries):
    client = client_for(county.head)
    url = card_url(county.staff_official)
    LeaveRecordFactory(official=county.staff_official, start_date=D(2020, 1, 1), end_date=D(2020, 1, 1))
    client.get(url, **HTMX)
    with django_assert_num_queries(6):
        client.get(url, **HTMX)
    for day in range(2, 30):
        LeaveRecordFactory(official=county.staff_official, start_date=D(2020, 1, day), end_date=D(2020, 1, day),
                           recorded_by=county.orgadmin)
    with django_assert_num_queries(6):
        client.get(url, **HTMX)


# -- the unit list ---------------------------------------------------------------------------------------
def test_the_list_shows_the_heads_scope_and_is_missing_for_others(county, client_for):
    LeaveRecordFactory(official=county.staff_official, note="文旅病假")
    LeaveRecordFactory(official=county.finance_official, note="财政病假")
    LeaveRecordFactory(official=county.head_official, note="局长本人")
    head = client_for(county.head).get("/leave/?year=2026").content.decode()
    assert "文旅病假" in head and "财政病假" not in head and "局长本人" in head
    everything = client_for(county.orgadmin).get("/leave/?year=2026").content.decode()
    assert "文旅病假" in everything and "财政病假" in everything
    for user in (county.staff, county.outsider, county.inspector):
        assert client_for(user).get("/leave/").status_code == 404


def test_the_list_filters_by_year_kind_unit_and_name(county, client_for):
    LeaveRecordFactory(official=county.staff_official, kind="sick", note="甲")
    LeaveRecordFactory(official=county.culture_official, kind="personal", note="乙")
    LeaveRecordFactory(official=county.finance_official, kind="sick", note="丙")
    LeaveRecordFactory(official=county.staff_official, kind="sick", start_date=D(2025, 12, 30),
                       end_date=D(2026, 1, 2), note="丁")
    client = client_for(county.orgadmin)

    def notes(query: str) -> set[str]:
        body = client.get(f"/leave/?{query}").content.decode()
        return {n for n in "甲乙丙丁" if f">{n}<" in body}

    assert notes("year=2026") == {"甲", "乙", "丙", "丁"}
    assert notes("year=2025") == {"丁"}
    assert notes("year=2026&kind=personal") == {"乙"}
    assert notes("year=2026&unit=WL") == {"甲", "乙", "丁"}
    assert notes(f"year=2026&q={county.culture_official.name}") == {"乙"}


def test_the_list_counts_the_days_in_the_year(county, client_for):
    LeaveRecordFactory(official=county.staff_official, start_date=D(2025, 12, 30), end_date=D(2026, 1, 2))
    body = client_for(county.orgadmin).get("/leave/?year=2026").content.decode()
    assert '<td class="text-end">2 <span class="small text-body-secondary">/ 4</span></td>' in body


def test_the_list_paginates_with_a_constant_query_count(county, client_for, django_assert_num_queries):
    client = client_for(county.orgadmin)
    LeaveRecordFactory(official=county.staff_official, start_date=D(2026, 1, 1), end_date=D(2026, 1, 1))
    client.get("/leave/?year=2026")
    with django_assert_num_queries(8):
        client.get("/leave/?year=2026")
    people = [OfficialFactory(unit=county.culture_office) for _ in range(30)]
    for person in people:
        LeaveRecordFactory(official=person, recorded_by=county.head)
    with django_assert_num_queries(8):
        first = client.get("/leave/?year=2026").content.decode()
    assert first.count('data-testid="leave-list-row"') == 25 and "page=2" in first
    with django_assert_num_queries(8):
        second = client.get("/leave/?year=2026&page=2").content.decode()
    assert second.count('data-testid="leave-list-row"') == 6
