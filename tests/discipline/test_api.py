"""API: /api/v1/cases/ and the catalogue — scope (404 outside), writes through the services, confidentiality of
the payloads, the access log, structured errors, constant query counts (decisions, tolerance, appeals and talks:
test_api_decisions.py)."""

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
    DecisionKind,
    DisciplineRule,
)
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from discipline.services.talks import talk_record
from tests.conftest import statements
from tests.discipline.factories import AppealFactory, DecisionFactory, DisciplineRuleFactory, ToleranceRequestFactory
from tests.factories import OfficialFactory
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


# The exact count of each list for county inspection and for the organization department (session, user, role
# grants and own official included).
LIST_QUERIES = {"/api/v1/cases/": (8, 8), "/api/v1/decisions/": (6, 6), "/api/v1/tolerance-requests/": (6, 6),
                "/api/v1/appeals/": (6, 6), "/api/v1/talks/": (6, 6), "/api/v1/discipline-rules/": (6, 6),
                "/api/v1/decision-kinds/": (6, 6)}


@pytest.mark.parametrize("url", LISTS)
def test_every_list_costs_a_constant_number_of_queries(county, client_for, kinds, url, django_assert_num_queries):
    build_cases(county, kinds, 1)
    inspector, orgadmin = client_for(county.inspector), client_for(county.orgadmin)
    with django_assert_num_queries(LIST_QUERIES[url][0]):
        by_inspector = count(inspector, url)
    with django_assert_num_queries(LIST_QUERIES[url][1]):
        by_orgadmin = count(orgadmin, url)
    small = by_inspector, by_orgadmin
    build_cases(county, kinds, 4)
    DisciplineRuleFactory(code="ZZ-9", category="style", text="新增")
    assert (count(inspector, url), count(orgadmin, url)) == small


def test_the_subjects_own_lists_cost_a_constant_number_of_queries(county, client_for, kinds, django_assert_num_queries):
    case = build_cases(county, kinds, 1)[0]
    case.subjects.add(county.staff_official)

    def own_decision(number: int) -> None:
        decision = DecisionFactory(
            case=case, official=county.staff_official, kind=list(kinds.values())[number], points=1,
            effective_date=dt.date(2026, 4, 1))
        AppealFactory(decision=decision, filed_on=dt.date(2026, 4, 2), grounds="不服", outcome="upheld")

    own_decision(0)
    staff = client_for(county.staff)
    with django_assert_num_queries(6):
        decisions = count(staff, "/api/v1/decisions/")
    with django_assert_num_queries(6):
        appeals = count(staff, "/api/v1/appeals/")
    small = [decisions, appeals]
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
