"""Error tolerance pages: the request from the case page, "my record" and the effects page; review by
inspection, decision by the organization department, rectification; the queue; 404 outside."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discipline.models import ToleranceRequest
from discipline.services.cases import case_transition
from discipline.services.tolerance import tolerance_request
from tests.conftest import statements
from tests.discipline.test_pages_cases import another_case, decide
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
GROUNDS = {"for_public_good": "on", "followed_procedure": "on", "statement": "为推进项目，经集体研究决定。"}


def test_head_requests_inspection_reviews_org_approves(county, client_for, open_case, kinds):
    decision = decide(county, open_case, kinds["gov_demerit"])
    head = client_for(county.head)
    form = head.get(reverse("discipline:tolerance_create"), {"decision": decision.pk})
    assert form.status_code == 200 and not form.context["reads_case"]
    assert open_case.number not in form.content.decode() and "记过" not in form.content.decode()
    no_grounds = head.post(reverse("discipline:tolerance_create"), {"decision": decision.pk, "statement": "x"})
    assert no_grounds.status_code == 200 and no_grounds.context["form"].non_field_errors()
    assert "x" in no_grounds.content.decode()
    done = head.post(reverse("discipline:tolerance_create"), {"decision": decision.pk, **GROUNDS})
    item = ToleranceRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("discipline:tolerance_detail", args=[item.pk])
    assert item.by_unit and item.requested_by == county.head
    # The API names the case no more than the page does: not to the head, to discipline inspection.
    assert head.get(f"/api/v1/tolerance-requests/{item.pk}/").json()["case"] is None
    assert open_case.number not in head.get("/api/v1/tolerance-requests/").content.decode()
    assert client_for(county.inspector).get(f"/api/v1/tolerance-requests/{item.pk}/").json()["case"] == {
        "id": open_case.pk, "number": open_case.number}
    page = head.get(reverse("discipline:tolerance_detail", args=[item.pk]))
    assert page.status_code == 200 and page.context["review_form"] is None and open_case.facts not in (
        page.content.decode())

    inspector = client_for(county.inspector)
    queue = inspector.get(reverse("discipline:tolerance_list"))
    assert [(r.pk, waiting) for r, _reads, waiting in queue.context["rows"]] == [(item.pk, True)]
    url = reverse("discipline:tolerance_review", args=[item.pk])
    assert inspector.post(url, {"supports": "yes", "opinion": ""}).context["review_form"].errors
    assert inspector.post(url, {"supports": "yes", "opinion": "符合容错情形"}).status_code == 302
    assert head.post(url, {"supports": "no", "opinion": "x"}).status_code == 404  # a head acts on none: as if absent
    item.refresh_from_db()
    assert item.status == "reviewed" and item.review_supports is True

    org = client_for(county.orgadmin)
    assert org.get(reverse("discipline:tolerance_detail", args=[item.pk])).context["decide_form"] is not None
    decided = org.post(reverse("discipline:tolerance_decide", args=[item.pk]), {
        "approve": "yes", "note": "予以免责", "rectification": "完善招标程序", "rectification_due": "2026-12-31"})
    assert decided.status_code == 302
    decision.refresh_from_db()
    item.refresh_from_db()
    assert decision.exempted and item.status == "approved" and item.rectification_status == "pending"
    rectified = inspector.post(reverse("discipline:rectification_done", args=[item.pk]),
                               {"done_on": "2026-11-20", "note": "已修订制度"})
    assert rectified.status_code == 302
    item.refresh_from_db()
    assert item.rectification_status == "done" and item.rectified_on == date(2026, 11, 20)
    case_page = inspector.get(reverse("discipline:case_detail", args=[open_case.pk]))
    assert f'data-testid="exempted-{decision.pk}"' in case_page.content.decode()
    case_transition(by=county.inspector, case=open_case, to="decided")
    assert client_for(county.head).get(reverse("discipline:effects")).context["rows"] == []


def test_subject_requests_from_my_record_and_inspection_from_the_case_page(county, client_for, open_case, kinds):
    decision = decide(county, open_case, kinds["gov_demerit"])
    staff = client_for(county.staff)
    record = staff.get(reverse("discipline:my_record")).content.decode()
    assert f'data-testid="my-tolerance-{decision.pk}"' in record
    assert staff.post(reverse("discipline:tolerance_create"), {"decision": decision.pk, **GROUNDS}).status_code == 302
    item = ToleranceRequest.objects.get()
    assert not item.by_unit
    record = staff.get(reverse("discipline:my_record")).content.decode()
    assert f'data-testid="my-tolerance-{decision.pk}"' not in record
    assert staff.get(reverse("discipline:tolerance_detail", args=[item.pk])).status_code == 200

    other = OfficialFactory(unit=county.culture_office, name="周科员")
    case = another_case(county, other, investigate=True)
    inspector = client_for(county.inspector)
    page = inspector.get(reverse("discipline:case_detail", args=[case.pk])).content.decode()
    assert f'data-testid="request-tolerance-{other.pk}"' not in page  # no decision yet: nothing to exempt
    decide(county, case, kinds["gov_warning"], official=other)
    page = inspector.get(reverse("discipline:case_detail", args=[case.pk])).content.decode()
    assert f'data-testid="request-tolerance-{other.pk}"' in page
    params = {"case": case.pk, "official": other.pk}
    assert inspector.get(reverse("discipline:tolerance_create"), params).context["reads_case"]
    assert inspector.post(reverse("discipline:tolerance_create"), {**params, **GROUNDS}).status_code == 302
    # The case route is for case readers; a head may not use it, nor name someone outside the case.
    assert client_for(county.head).get(reverse("discipline:tolerance_create"), params).status_code == 404
    wrong = {"case": case.pk, "official": county.finance_official.pk}
    assert inspector.get(reverse("discipline:tolerance_create"), wrong).status_code == 404


def test_requests_are_404_outside(county, client_for, open_case, kinds):
    decision = decide(county, open_case, kinds["gov_demerit"])
    item = tolerance_request(by=county.staff, case=open_case, official=county.staff_official, statement="为公",
                             corrected_promptly=True)
    for user in (county.outsider,):
        assert client_for(user).get(reverse("discipline:tolerance_detail", args=[item.pk])).status_code == 404
        assert client_for(user).get(reverse("discipline:tolerance_create"),
                                    {"decision": decision.pk}).status_code == 404
    other = OfficialFactory(unit=county.culture_office, name="吴科员", user=county.outsider)
    assert other.user == county.outsider
    assert client_for(county.outsider).get(reverse("discipline:tolerance_detail", args=[item.pk])).status_code == 404
    assert client_for(county.outsider).post(reverse("discipline:tolerance_review", args=[item.pk]),
                                            {"supports": "yes", "opinion": "x"}).status_code == 404


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("discipline:tolerance_list")).status_code == 200
    return statements(captured.captured_queries)


def test_queue_costs_a_constant_number_of_queries(county, client_for, open_case, kinds, django_assert_num_queries):
    decide(county, open_case, kinds["gov_warning"])
    tolerance_request(by=county.staff, case=open_case, official=county.staff_official, statement="为公",
                      for_public_good=True)
    client = client_for(county.inspector)
    with django_assert_num_queries(8):
        small = _queue_queries(client)
    for i in range(10):
        official = OfficialFactory(unit=county.culture_office, name=f"甲{i}")
        case = another_case(county, official, title=f"案{i}", investigate=True)
        decide(county, case, kinds["gov_warning"], official=official)
        tolerance_request(by=county.inspector, case=case, official=official, statement="为公", for_public_good=True)
    assert _queue_queries(client) == small


def test_the_inspector_who_filed_a_request_does_not_review_it(county, client_for, open_case, kinds):
    """Separation of duties: the page shows no review form to whoever filed the request (and says why), the queue
    does not count it as waiting for them, and a review sent anyway is refused; another inspector reviews it."""
    decide(county, open_case, kinds["gov_demerit"])
    item = tolerance_request(by=county.inspector, case=open_case, official=county.staff_official,
                             statement="为推进项目，集体决策", for_public_good=True)
    filer = client_for(county.inspector)
    page = filer.get(reverse("discipline:tolerance_detail", args=[item.pk]))
    assert page.context["review_form"] is None and page.context["conflict"]
    body = page.content.decode()
    assert 'data-testid="review-form"' not in body and 'data-testid="separation-of-duties"' in body
    queue = filer.get(reverse("discipline:tolerance_list"))
    assert [(r.pk, waiting) for r, _reads, waiting in queue.context["rows"]] == [(item.pk, False)]
    refused = filer.post(reverse("discipline:tolerance_review", args=[item.pk]),
                         {"supports": "yes", "opinion": "符合容错情形"})
    assert refused.status_code == 200 and refused.context["review_form"].non_field_errors() == [
        page.context["conflict"]]
    item.refresh_from_db()
    assert item.status == "submitted" and item.reviewed_by is None

    colleague = UserFactory(username="inspector2")
    RoleGrantFactory(user=colleague, unit=county.culture, role="discipline")
    other = client_for(colleague)
    assert other.get(reverse("discipline:tolerance_detail", args=[item.pk])).context["review_form"] is not None
    assert other.post(reverse("discipline:tolerance_review", args=[item.pk]),
                      {"supports": "yes", "opinion": "符合容错情形"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "reviewed" and item.reviewed_by == colleague


def test_the_case_page_offers_tolerance_only_for_a_subject_with_a_decision(county, client_for, open_case, kinds):
    inspector = client_for(county.inspector)
    url = reverse("discipline:case_detail", args=[open_case.pk])
    button = f'data-testid="request-tolerance-{county.staff_official.pk}"'
    assert button not in inspector.get(url).content.decode()
    decide(county, open_case, kinds["gov_demerit"])
    assert button in inspector.get(url).content.decode()
    tolerance_request(by=county.staff, case=open_case, official=county.staff_official, statement="为公",
                      for_public_good=True)
    assert button not in inspector.get(url).content.decode()  # a request is under way
