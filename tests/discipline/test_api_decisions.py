"""API: decisions, error tolerance, appeals and talks (/api/v1/decisions/ and its siblings) — scope, writes
through the services, the subject's view, structured errors. Cases and the catalogue are in test_api.py."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from discipline.models import CaseAccess, Decision, Talk, ToleranceRequest
from discipline.services.decisions import decision_record
from tests.discipline.test_api import JSON, build_cases, error_fields
from tests.factories import RoleGrantFactory, UserFactory

# --- decisions -------------------------------------------------------------------------------------


def test_record_a_decision_and_the_subject_sees_only_its_effects(county, client_for, kinds, open_case):
    inspector = client_for(county.inspector)
    payload = {"case": open_case.pk, "official": county.staff_official.pk, "kind": kinds["gov_demerit"].pk,
               "effective_date": "2026-05-10", "summary": "给予记过处分，因收受礼品。"}
    response = inspector.post("/api/v1/decisions/", payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"]["name"] == "记过" and body["grade_cap"] == "undetermined" and body["points"] == "10.00"
    assert body["in_force_until"] == "2027-05-09" and body["no_promotion_until"] == "2027-05-09"
    assert (body["cap_years"], body["later_cap"]) == (1, "") and body["exempted"] is False and body["revoked"] is False
    assert body["summary"] == "给予记过处分，因收受礼品。" and body["appeal_deadline"] == "2026-06-09"
    assert body["case"] == {"id": open_case.pk, "number": open_case.number}

    again = inspector.post("/api/v1/decisions/", payload, content_type=JSON)
    assert again.status_code == 400 and again.json()["code"] == "duplicate"
    not_subject = inspector.post("/api/v1/decisions/", {**payload, "official": county.culture_official.pk},
                                 content_type=JSON)
    assert not_subject.status_code == 400 and "official" in error_fields(not_subject.json())
    refused = client_for(county.orgadmin).post("/api/v1/decisions/", {**payload, "kind": kinds["gov_warning"].pk},
                                               content_type=JSON)
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    assert client_for(county.staff).post("/api/v1/decisions/", payload, content_type=JSON).status_code == 404

    mine = client_for(county.staff).get("/api/v1/decisions/").json()
    assert mine["count"] == 1
    own = mine["results"][0]
    assert own["summary"] is None and own["grade_cap"] == "undetermined"
    assert own["case"] == {"id": open_case.pk, "number": open_case.number}
    text = str(mine)
    assert "收受" not in text and "违规" not in text  # neither the facts, the title nor the decision text

    decision_id = body["id"]
    for user in (county.head, county.outsider):
        client = client_for(user)
        assert client.get("/api/v1/decisions/").json()["count"] == 0
        assert client.get(f"/api/v1/decisions/{decision_id}/").status_code == 404
    assert client_for(county.orgadmin).get(f"/api/v1/decisions/{decision_id}/").json()["summary"]
    assert CaseAccess.objects.count() == 0


def test_decision_filters(county, client_for, kinds):
    cases = build_cases(county, kinds, 2)
    Decision.objects.filter(case=cases[0], kind=kinds["admonishment"]).update(exempted=True)
    inspector = client_for(county.inspector)

    def total(**params):
        return inspector.get("/api/v1/decisions/", params).json()["count"]

    assert total() == 4
    assert total(kind="gov_warning") == 2
    assert total(case=cases[0].pk) == 2
    assert total(effective="true") == 3 and total(effective="false") == 1
    assert total(year=2026) == 4 and total(year=2025) == 0
    assert total(official=cases[0].subjects.order_by("id").first().pk) == 1


# --- error tolerance -------------------------------------------------------------------------------


def test_tolerance_request_review_decide_and_rectify(county, client_for, kinds, open_case):
    decision = decision_record(by=county.inspector, case=open_case, official=county.staff_official,
                               kind=kinds["gov_warning"], effective_date=timezone.localdate())
    staff = client_for(county.staff)
    payload = {"case": open_case.pk, "official": county.staff_official.pk, "statement": "为推进项目，集体决策。",
               "for_public_good": True, "followed_procedure": True}
    response = staff.post("/api/v1/tolerance-requests/", payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["by_unit"] is False
    assert body["case"] == {"id": open_case.pk, "number": open_case.number}
    request_id = body["id"]
    no_grounds = staff.post("/api/v1/tolerance-requests/", {**payload, "for_public_good": False,
                                                            "followed_procedure": False}, content_type=JSON)
    assert no_grounds.status_code == 400 and no_grounds.json()["code"] == "no_grounds"
    assert client_for(county.outsider).post("/api/v1/tolerance-requests/", payload,
                                            content_type=JSON).status_code == 404
    not_mine = staff.post("/api/v1/tolerance-requests/", {**payload, "official": county.culture_official.pk},
                          content_type=JSON)
    assert not_mine.status_code == 404

    orgadmin, inspector = client_for(county.orgadmin), client_for(county.inspector)
    early = orgadmin.post(f"/api/v1/tolerance-requests/{request_id}/decide/", {"approve": True, "note": "同意"},
                          content_type=JSON)
    assert early.status_code == 400 and early.json()["code"] == "conflict"
    assert staff.post(f"/api/v1/tolerance-requests/{request_id}/review/", {"supports": True, "opinion": "x"},
                      content_type=JSON).status_code == 404  # the subject acts on no request: as if none
    reviewed = inspector.post(f"/api/v1/tolerance-requests/{request_id}/review/",
                              {"supports": True, "opinion": "符合容错情形"}, content_type=JSON)
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    assert reviewed.json()["reviewed_by"]["username"] == "inspector"
    assert inspector.post(f"/api/v1/tolerance-requests/{request_id}/decide/", {"approve": True, "note": "x"},
                          content_type=JSON).json()["code"] == "forbidden"
    decided = orgadmin.post(f"/api/v1/tolerance-requests/{request_id}/decide/",
                            {"approve": True, "note": "予以免责", "rectification": "完善招标程序",
                             "rectification_due": "2026-12-31"}, content_type=JSON)
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "approved" and decided.json()["rectification_status"] == "pending"
    decision.refresh_from_db()
    assert decision.exempted
    assert staff.get("/api/v1/decisions/").json()["results"][0]["exempted"] is True

    future = inspector.post(f"/api/v1/tolerance-requests/{request_id}/rectified/",
                            {"done_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(), "note": "完成"},
                            content_type=JSON)
    assert future.json()["code"] == "invalid_date"
    done = inspector.post(f"/api/v1/tolerance-requests/{request_id}/rectified/",
                          {"done_on": timezone.localdate().isoformat(), "note": "已修订制度"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["rectification_status"] == "done"

    assert staff.get(f"/api/v1/tolerance-requests/{request_id}/").status_code == 200
    assert client_for(county.head).get(f"/api/v1/tolerance-requests/{request_id}/").status_code == 404
    assert client_for(county.outsider).get("/api/v1/tolerance-requests/").json()["count"] == 0
    assert inspector.get("/api/v1/tolerance-requests/", {"status": "approved"}).json()["count"] == 1
    assert inspector.get("/api/v1/tolerance-requests/", {"status": "submitted"}).json()["count"] == 0


def test_a_head_may_request_tolerance_for_an_official_in_scope(county, client_for, kinds, open_case):
    head = client_for(county.head)
    payload = {"case": open_case.pk, "official": county.staff_official.pk, "statement": "单位申请",
               "no_personal_gain": True}
    early = head.post("/api/v1/tolerance-requests/", payload, content_type=JSON)
    assert early.status_code == 400 and early.json()["code"] == "no_decision"  # nothing to exempt yet
    decision_record(by=county.inspector, case=open_case, official=county.staff_official,
                    kind=kinds["gov_warning"], effective_date=timezone.localdate())
    response = head.post("/api/v1/tolerance-requests/", payload, content_type=JSON)
    assert response.status_code == 201 and response.json()["by_unit"] is True
    # The head sees the request they filed, still not the case file.
    assert head.get("/api/v1/tolerance-requests/").json()["count"] == 1
    assert head.get(f"/api/v1/cases/{open_case.pk}/").status_code == 404


def test_whoever_filed_a_request_or_is_its_subject_neither_reviews_nor_decides_it(county, client_for, kinds,
                                                                                  open_case):
    decision_record(by=county.inspector, case=open_case, official=county.staff_official,
                    kind=kinds["gov_warning"], effective_date=timezone.localdate())
    inspector = client_for(county.inspector)
    filed = inspector.post("/api/v1/tolerance-requests/", {
        "case": open_case.pk, "official": county.staff_official.pk, "statement": "先行先试", "for_public_good": True,
    }, content_type=JSON)
    assert filed.status_code == 201
    request_id = filed.json()["id"]
    refused = inspector.post(f"/api/v1/tolerance-requests/{request_id}/review/",
                             {"supports": True, "opinion": "符合容错情形"}, content_type=JSON)
    assert refused.status_code == 400
    assert refused.json() == {"code": "separation_of_duties", "message": refused.json()["message"]}
    assert refused.json()["message"]
    assert ToleranceRequest.objects.get(pk=request_id).status == "submitted"
    # The subject, holding discipline inspection as well, may not review the request about them either.
    RoleGrantFactory(user=county.staff, unit=county.culture, role="discipline")
    as_subject = client_for(county.staff).post(f"/api/v1/tolerance-requests/{request_id}/review/",
                                               {"supports": True, "opinion": "x"}, content_type=JSON)
    assert as_subject.status_code == 400 and as_subject.json()["code"] == "separation_of_duties"
    colleague = UserFactory()
    RoleGrantFactory(user=colleague, unit=county.culture, role="discipline")
    reviewed = client_for(colleague).post(f"/api/v1/tolerance-requests/{request_id}/review/",
                                          {"supports": True, "opinion": "符合容错情形"}, content_type=JSON)
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"


# --- appeals ---------------------------------------------------------------------------------------


def test_the_subject_appeals_and_inspection_decides(county, client_for, kinds, open_case):
    decision = decision_record(by=county.inspector, case=open_case, official=county.staff_official,
                               kind=kinds["gov_demerit"], effective_date=timezone.localdate())
    staff, inspector = client_for(county.staff), client_for(county.inspector)
    refused = inspector.post("/api/v1/appeals/", {"decision": decision.pk, "grounds": "x"}, content_type=JSON)
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    assert client_for(county.head).post("/api/v1/appeals/", {"decision": decision.pk, "grounds": "x"},
                                        content_type=JSON).status_code == 404
    response = staff.post("/api/v1/appeals/", {"decision": decision.pk, "grounds": "事实认定有误"}, content_type=JSON)
    assert response.status_code == 201, response.json()
    appeal = response.json()
    assert appeal["outcome"] == "" and appeal["kind"]["code"] == "gov_demerit"
    assert appeal["official"]["id"] == county.staff_official.pk
    second = staff.post("/api/v1/appeals/", {"decision": decision.pk, "grounds": "再申诉"}, content_type=JSON)
    assert second.status_code == 400 and second.json()["code"] == "duplicate"
    assert inspector.get("/api/v1/appeals/", {"pending": "true"}).json()["count"] == 1

    url = f"/api/v1/appeals/{appeal['id']}/decide/"
    assert staff.post(url, {"outcome": "revoked", "note": "x"}, content_type=JSON).json()["code"] == "forbidden"
    no_kind = inspector.post(url, {"outcome": "changed", "note": "改为警告"}, content_type=JSON)
    assert no_kind.status_code == 400 and no_kind.json()["code"] == "required"
    changed = inspector.post(url, {"outcome": "changed", "note": "改为警告", "new_kind": kinds["gov_warning"].pk},
                             content_type=JSON)
    assert changed.status_code == 200, changed.json()
    assert changed.json()["outcome"] == "changed"
    assert changed.json()["previous_kind"]["code"] == "gov_demerit"
    assert changed.json()["new_kind"]["code"] == "gov_warning"
    decision.refresh_from_db()
    assert decision.kind == kinds["gov_warning"] and decision.grade_cap == "competent"
    assert inspector.post(url, {"outcome": "revoked", "note": "x"}, content_type=JSON).json()["code"] == "conflict"
    assert staff.get("/api/v1/appeals/").json()["results"][0]["outcome"] == "changed"
    assert client_for(county.head).get(f"/api/v1/appeals/{appeal['id']}/").status_code == 404


def test_a_revoked_decision_loses_its_effects(county, client_for, kinds, open_case):
    decision = decision_record(by=county.inspector, case=open_case, official=county.staff_official,
                               kind=kinds["gov_warning"], effective_date=timezone.localdate())
    appeal = client_for(county.staff).post("/api/v1/appeals/", {"decision": decision.pk, "grounds": "不服"},
                                           content_type=JSON).json()
    response = client_for(county.inspector).post(f"/api/v1/appeals/{appeal['id']}/decide/",
                                                 {"outcome": "revoked", "note": "证据不足"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["outcome"] == "revoked"
    assert client_for(county.staff).get(f"/api/v1/decisions/{decision.pk}/").json()["revoked"] is True


# --- talks -----------------------------------------------------------------------------------------


def test_talks_are_recorded_and_followed_up_by_case_readers_only(county, client_for, open_case):
    inspector = client_for(county.inspector)
    payload = {"official": county.culture_official.pk, "kind": "care", "occasion": "family",
               "held_on": timezone.localdate().isoformat(), "topic": "家中老人住院，了解困难",
               "talker": county.head_official.pk}
    response = inspector.post("/api/v1/talks/", payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    talk = response.json()
    assert talk["talker"]["name"] == "王局长" and talk["follow_up_done"] is False and talk["case"] is None
    no_talker = inspector.post("/api/v1/talks/", {**payload, "talker": None}, content_type=JSON)
    assert no_talker.status_code == 400 and no_talker.json()["code"] == "required"
    with_case = inspector.post("/api/v1/talks/", {**payload, "official": county.staff_official.pk, "kind": "reminder",
                                                  "occasion": "warning_sign", "case": open_case.pk},
                               content_type=JSON)
    assert with_case.status_code == 201 and with_case.json()["case"]["number"] == open_case.number
    assert client_for(county.head).post("/api/v1/talks/", payload, content_type=JSON).status_code == 404

    followed = client_for(county.orgadmin).patch(f"/api/v1/talks/{talk['id']}/",
                                                 {"follow_up": "协调解决陪护假", "done": True}, content_type=JSON)
    assert followed.status_code == 200 and followed.json()["follow_up_done"] is True
    assert Talk.objects.get(pk=talk["id"]).follow_up == "协调解决陪护假"
    assert inspector.get("/api/v1/talks/", {"kind": "care"}).json()["count"] == 1
    assert inspector.get("/api/v1/talks/", {"official": county.staff_official.pk}).json()["count"] == 1
    for user in (county.head, county.staff, county.outsider):
        client = client_for(user)
        assert client.get("/api/v1/talks/").json()["count"] == 0
        assert client.get(f"/api/v1/talks/{talk['id']}/").status_code == 404
        assert client.patch(f"/api/v1/talks/{talk['id']}/", {"done": False}, content_type=JSON).status_code == 404
