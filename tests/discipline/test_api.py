"""API: /api/v1/cases/ and its siblings — scope (404 outside), writes through the services, confidentiality of
the payloads, the access log, structured errors, constant query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from discipline.models import (
    Case,
    CaseAccess,
    CaseStatus,
    Decision,
    DecisionKind,
    DisciplineRule,
    Talk,
    ToleranceRequest,
)
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from discipline.services.talks import talk_record
from tests.conftest import statements
from tests.discipline.factories import AppealFactory, DecisionFactory, DisciplineRuleFactory, ToleranceRequestFactory
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory
from tests.files import pdf_bytes

JSON = "application/json"


def build_cases(county, kinds: dict[str, DecisionKind], n: int) -> list[Case]:
    """``n`` cases in the culture bureau, two subjects each (no sign-in, so no notifications), with rules,
    decisions, a pending appeal, a tolerance request and a talk each; every other one decided."""
    rules = list(DisciplineRule.objects.order_by("code")[:2])
    made = []
    for i in range(n):
        subjects = [OfficialFactory(unit=county.culture_office), OfficialFactory(unit=county.culture_tourism)]
        case = case_register(by=county.inspector, unit=county.culture, title=f"案件{i}", subjects=subjects,
                             source="inspection", facts=f"事实{i}", rules=rules, registered_on=dt.date(2026, 2, 1))
        case = case_transition(by=county.inspector, case=case, to="investigating")
        first = decision_record(by=county.inspector, case=case, official=subjects[0], kind=kinds["gov_warning"],
                                effective_date=dt.date(2026, 4, 1), summary="决定书")
        decision_record(by=county.inspector, case=case, official=subjects[1], kind=kinds["admonishment"],
                        effective_date=dt.date(2026, 4, 1))
        AppealFactory(decision=first, filed_on=dt.date(2026, 4, 5), grounds="不服")
        ToleranceRequestFactory(case=case, official=subjects[1], requested_by=county.inspector,
                                by_unit=True, for_public_good=True, statement="为公")
        talk_record(by=county.inspector, official=subjects[0], kind="reminder", held_on=dt.date(2026, 3, 1),
                    topic="提醒", talker=county.head_official, case=case)
        if i % 2:
            case = case_transition(by=county.inspector, case=case, to="decided")
        made.append(case)
    return made


def error_fields(body: dict) -> dict:
    """The fields of a structured error (common.api puts a service's under ``extra``, DRF's at the top)."""
    return body.get("fields") or body.get("extra", {}).get("fields", {})


def count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return statements(queries.captured_queries)


# --- catalogue -------------------------------------------------------------------------------------


def test_rules_are_read_by_case_readers_and_edited_by_county_inspection(county, client_for, kinds):
    inspector, orgadmin = client_for(county.inspector), client_for(county.orgadmin)
    listed = inspector.get("/api/v1/discipline-rules/", {"category": "prohibition"}).json()
    assert listed["count"] == 8 and listed["results"][0]["code"].startswith("BZ")
    assert orgadmin.get("/api/v1/discipline-rules/").json()["count"] == DisciplineRule.objects.count()
    rule = DisciplineRule.objects.order_by("code").first()
    for user in (county.head, county.staff, county.outsider):
        client = client_for(user)
        assert client.get("/api/v1/discipline-rules/").json()["count"] == 0
        assert client.get(f"/api/v1/discipline-rules/{rule.pk}/").status_code == 404

    created = inspector.post("/api/v1/discipline-rules/", {"code": "ZD-1", "category": "style", "text": "不准推诿"},
                             content_type=JSON)
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    changed = inspector.patch(f"/api/v1/discipline-rules/{rule_id}/", {"is_active": False}, content_type=JSON)
    assert changed.status_code == 200 and changed.json() == {
        "id": rule_id, "code": "ZD-1", "category": "style", "text": "不准推诿", "is_active": False}
    duplicate = inspector.post("/api/v1/discipline-rules/", {"code": "ZD-1", "category": "style", "text": "x"},
                               content_type=JSON)
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "duplicate"
    refused = orgadmin.patch(f"/api/v1/discipline-rules/{rule_id}/", {"text": "改"}, content_type=JSON)
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    bad = inspector.post("/api/v1/discipline-rules/", {"code": "X", "category": "nope", "text": "x"},
                         content_type=JSON)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "category" in bad.json()["fields"]


def test_decision_kinds_are_configured_through_the_service(county, client_for, kinds):
    inspector = client_for(county.inspector)
    body = inspector.get("/api/v1/decision-kinds/", {"group": "government"}).json()
    assert [k["code"] for k in body["results"]][:2] == ["gov_warning", "gov_demerit"]
    caps = {k["code"]: (k["grade_cap"], k["cap_years"], k["later_cap"]) for k in body["results"]}
    assert caps["gov_demerit"] == ("undetermined", 1, "") and caps["gov_major_demerit"] == ("undetermined", 2, "")
    probation = inspector.get("/api/v1/decision-kinds/", {"group": "party"}).json()["results"]
    assert {k["code"]: (k["cap_years"], k["later_cap"]) for k in probation if k["code"].startswith("party_prob")} \
        == {"party_probation_1y": (2, "undetermined"), "party_probation": (3, "undetermined")}
    demerit = kinds["gov_demerit"]
    response = inspector.patch(f"/api/v1/decision-kinds/{demerit.pk}/", {"points": "12.50"}, content_type=JSON)
    assert response.status_code == 200, response.json()
    demerit.refresh_from_db()
    assert demerit.points == Decimal("12.50") and demerit.grade_cap == "undetermined" and demerit.cap_years == 1
    response = inspector.patch(f"/api/v1/decision-kinds/{demerit.pk}/", {"cap_years": 2}, content_type=JSON)
    assert response.status_code == 200 and response.json()["cap_years"] == 2
    assert inspector.patch(f"/api/v1/decision-kinds/{demerit.pk}/", {"cap_years": 0},
                           content_type=JSON).status_code == 400
    assert demerit.history.first().history_user == county.inspector
    assert inspector.put(f"/api/v1/decision-kinds/{demerit.pk}/", {}, content_type=JSON).status_code == 405
    assert client_for(county.head).patch(f"/api/v1/decision-kinds/{demerit.pk}/", {"points": "1"},
                                         content_type=JSON).status_code == 404
    refused = client_for(county.orgadmin).patch(f"/api/v1/decision-kinds/{demerit.pk}/", {"points": "1"},
                                                content_type=JSON)
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"


# --- cases -----------------------------------------------------------------------------------------


def test_cases_are_confidential_and_each_detail_read_is_logged(county, client_for, open_case):
    inspector = client_for(county.inspector)
    listed = inspector.get("/api/v1/cases/").json()
    assert [c["number"] for c in listed["results"]] == [open_case.number]
    assert "facts" not in listed["results"][0]
    assert listed["results"][0]["subjects"][0]["name"] == "李科员"
    assert CaseAccess.objects.count() == 0  # the list is not a read of the file

    detail = inspector.get(f"/api/v1/cases/{open_case.pk}/").json()
    assert detail["facts"] == "群众举报其收受管理对象礼品。"
    assert [t["to_status"] for t in detail["transitions"]] == ["registered", "investigating"]
    assert client_for(county.orgadmin).get(f"/api/v1/cases/{open_case.pk}/").status_code == 200
    assert list(CaseAccess.objects.order_by("id").values_list("user__username", "action")) == [
        ("inspector", "api"), ("orgadmin", "api")]

    for user in (county.head, county.staff, county.outsider):
        client = client_for(user)
        assert client.get("/api/v1/cases/").json()["count"] == 0
        assert client.get(f"/api/v1/cases/{open_case.pk}/").status_code == 404
    assert CaseAccess.objects.count() == 2


def test_case_filters(county, client_for, kinds, open_case):
    other = case_register(by=county.inspector, unit=county.finance, title="财政", subjects=[county.finance_official],
                          source="complaint", facts="投诉", registered_on=dt.date(2025, 6, 1))
    inspector = client_for(county.inspector)

    def numbers(**params):
        return [c["number"] for c in inspector.get("/api/v1/cases/", params).json()["results"]]

    assert numbers() == [open_case.number, other.number]
    assert numbers(status="registered") == [other.number]
    assert numbers(year=2025) == [other.number]
    assert numbers(official=county.staff_official.pk) == [open_case.number]
    assert numbers(unit="CZ") == [other.number]
    assert numbers(unit="NOPE") == []
    assert numbers(source="report") == [open_case.number]


def test_register_edit_and_move_a_case(county, client_for, kinds):
    inspector = client_for(county.inspector)
    rule = DisciplineRule.objects.get(code="BZ-1")
    payload = {"unit": county.culture.pk, "title": "插手招投标", "subjects": [county.culture_official.pk],
               "source": "supervision", "source_reference": "督查〔2026〕1号", "rules": [rule.pk],
               "facts": "插手项目招投标。", "comment": "立案"}
    response = inspector.post("/api/v1/cases/", payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "registered" and body["rules"] == ["BZ-1"]
    assert body["investigator"]["username"] == "inspector"
    assert body["number"] == f"{timezone.localdate().year}-0001"
    case_id = body["id"]

    empty = inspector.post("/api/v1/cases/", {**payload, "facts": "  "}, content_type=JSON)
    assert empty.status_code == 400 and empty.json()["code"] == "required"
    outside = inspector.post("/api/v1/cases/", {**payload, "subjects": [999999]}, content_type=JSON)
    assert outside.status_code == 400 and "subjects" in error_fields(outside.json())
    for user in (county.orgadmin, county.head):  # they see the unit, but only inspection registers cases
        refused = client_for(user).post("/api/v1/cases/", payload, content_type=JSON)
        assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    assert client_for(county.outsider).post("/api/v1/cases/", payload, content_type=JSON).status_code == 404
    assert Case.objects.count() == 1

    changed = inspector.patch(f"/api/v1/cases/{case_id}/", {"title": "插手工程招投标",
                                                            "subjects": [county.culture_official.pk,
                                                                         county.staff_official.pk]},
                              content_type=JSON)
    assert changed.status_code == 200, changed.json()
    assert changed.json()["title"] == "插手工程招投标" and len(changed.json()["subjects"]) == 2
    assert changed.json()["rules"] == ["BZ-1"] and changed.json()["facts"] == "插手项目招投标。"
    edit = {"title": "插手工程招投标", "subjects": [county.culture_official.pk, county.staff_official.pk],
            "source": "report", "facts": "插手工程项目招投标。"}
    replaced = inspector.put(f"/api/v1/cases/{case_id}/", edit, content_type=JSON)
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["source"] == "report" and replaced.json()["rules"] == []
    assert replaced.json()["source_reference"] == "" and replaced.json()["unit"]["code"] == "WL"
    refused = client_for(county.orgadmin).patch(f"/api/v1/cases/{case_id}/", {"title": "x"}, content_type=JSON)
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    assert client_for(county.head).patch(f"/api/v1/cases/{case_id}/", {"title": "x"},
                                         content_type=JSON).status_code == 404

    no_reason = inspector.post(f"/api/v1/cases/{case_id}/transition/", {"to": "not_pursued"}, content_type=JSON)
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "required"
    wrong = inspector.post(f"/api/v1/cases/{case_id}/transition/", {"to": "closed"}, content_type=JSON)
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_transition"
    moved = inspector.post(f"/api/v1/cases/{case_id}/transition/", {"to": "investigating", "comment": "调查"},
                           content_type=JSON)
    assert moved.status_code == 200 and moved.json()["status"] == "investigating"
    assert moved.json()["transitions"][-1]["comment"] == "调查"
    assert moved.json()["transitions"][-1]["by"]["username"] == "inspector"
    # Every answer carrying the file (after the create, the edits and the move) is logged as a read.
    assert CaseAccess.objects.filter(case_id=case_id, user=county.inspector, action="api").count() == 4


def test_attachments_are_checked_and_stored_privately(county, client_for, open_case):
    inspector = client_for(county.inspector)
    url = f"/api/v1/cases/{open_case.pk}/attachments/"
    pdf = SimpleUploadedFile("询问笔录.pdf", pdf_bytes(), content_type="application/pdf")
    response = inspector.post(url, {"file": pdf})
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "询问笔录.pdf" and response.json()["size"] == len(pdf_bytes())
    attachment = open_case.attachments.get()
    assert attachment.file.read() == pdf_bytes()
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    assert inspector.post(url, {"file": fake}).json()["code"] == "bad_file"
    with override_settings(CASE_ATTACHMENT_MAX_BYTES=10):
        big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 20, content_type="application/pdf")
        assert inspector.post(url, {"file": big}).json()["code"] == "too_large"
    assert client_for(county.head).post(url, {"file": pdf}).status_code == 404
    detail = inspector.get(f"/api/v1/cases/{open_case.pk}/").json()
    assert [a["name"] for a in detail["attachments"]] == ["询问笔录.pdf"]
    assert "file" not in detail["attachments"][0]

    download = client_for(county.orgadmin).get(f"/api/v1/cases/{open_case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf_bytes()
    assert "attachment" in download["Content-Disposition"]
    assert CaseAccess.objects.filter(user=county.orgadmin, action="attachment").count() == 1
    assert client_for(county.head).get(
        f"/api/v1/cases/{open_case.pk}/attachments/{attachment.pk}/").status_code == 404
    other = case_register(by=county.inspector, unit=county.finance, title="财政", facts="x", source="other",
                          subjects=[county.finance_official])
    assert inspector.get(f"/api/v1/cases/{other.pk}/attachments/{attachment.pk}/").status_code == 404


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


# --- a narrower inspector ------------------------------------------------------------------------------


def test_an_inspector_on_a_bureau_sees_only_its_cases(county, client_for, kinds, open_case):
    from tests.factories import RoleGrantFactory, UserFactory

    finance_inspector = UserFactory(username="finance-inspector")
    RoleGrantFactory(user=finance_inspector, unit=county.finance, role="discipline")
    client = client_for(finance_inspector)
    assert client.get("/api/v1/cases/").json()["count"] == 0
    assert client.get(f"/api/v1/cases/{open_case.pk}/").status_code == 404
    assert client.post(f"/api/v1/cases/{open_case.pk}/transition/", {"to": "decided"},
                       content_type=JSON).status_code == 404
    # The catalogue is edited at county level only.
    refused = client.post("/api/v1/discipline-rules/", {"code": "CZ-1", "category": "style", "text": "x"},
                          content_type=JSON)
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    assert Case.objects.get(pk=open_case.pk).status == CaseStatus.INVESTIGATING


# --- query counts ----------------------------------------------------------------------------------


LISTS = ["/api/v1/cases/", "/api/v1/decisions/", "/api/v1/tolerance-requests/", "/api/v1/appeals/",
         "/api/v1/talks/", "/api/v1/discipline-rules/", "/api/v1/decision-kinds/"]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_costs_a_constant_number_of_queries(county, client_for, kinds, url):
    build_cases(county, kinds, 1)
    inspector, orgadmin = client_for(county.inspector), client_for(county.orgadmin)
    small = count(inspector, url), count(orgadmin, url)
    build_cases(county, kinds, 4)
    DisciplineRuleFactory(code="ZZ-9", category="style", text="新增")
    assert (count(inspector, url), count(orgadmin, url)) == small


def test_the_subjects_own_lists_cost_a_constant_number_of_queries(county, client_for, kinds):
    case = build_cases(county, kinds, 1)[0]
    case.subjects.add(county.staff_official)

    def own_decision(number: int) -> None:
        decision = DecisionFactory(
            case=case, official=county.staff_official, kind=list(kinds.values())[number], points=1,
            effective_date=dt.date(2026, 4, 1))
        AppealFactory(decision=decision, filed_on=dt.date(2026, 4, 2), grounds="不服", outcome="upheld")

    own_decision(0)
    staff = client_for(county.staff)
    small = [count(staff, url) for url in ("/api/v1/decisions/", "/api/v1/appeals/")]
    for number in range(1, 5):
        own_decision(number)
    assert [count(staff, url) for url in ("/api/v1/decisions/", "/api/v1/appeals/")] == small
    assert staff.get("/api/v1/decisions/").json()["count"] == 5


def test_case_detail_costs_a_constant_number_of_queries(county, client_for, kinds):
    small, large = build_cases(county, kinds, 2)
    inspector = client_for(county.inspector)
    baseline = count(inspector, f"/api/v1/cases/{small.pk}/")
    large.subjects.add(*[OfficialFactory(unit=county.culture_office) for _ in range(3)])
    for i in range(3):
        large.transitions.create(to_status="decided", comment=f"备注{i}", by=county.inspector)
    assert count(inspector, f"/api/v1/cases/{large.pk}/") == baseline
