"""The annual procedure over the API: a unit walked through every stage where an endpoint exists, the refusals
(out of order → 400 with a code, out of scope → 404, nobody sees another official's grade, notice or summary,
the candidate never sees who objected). The query counts of its lists: test_annual_api_queries.py."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    Grade,
    GradeDecision,
    GradeNotice,
    SignStatus,
    Stage,
    SummaryStatus,
)
from appraisal.services.finalize import procedure_finalize
from appraisal.services.grades import grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.notices import notice_open
from appraisal.services.reviews import review_request
from org.models import Official
from tests.appraisal.annual_helpers import SECTIONS, comment_all, open_procedure, scorecards, submit_the_rest, to_stage
from tests.factories import RoleGrantFactory, UserFactory, period
from tests.files import pdf_bytes

API = "/api/v1"


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def refused(response: Any, code: str) -> dict[str, Any]:
    """Assert a 400 with the machine-readable ``code`` and a message for people."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    return body


def grade_of(official: Official, key: str = "2026") -> GradeDecision:
    return GradeDecision.objects.get(period=period(key), official=official)


# -- the whole procedure ---------------------------------------------------------------------------------------
def test_a_unit_walks_through_the_procedure_over_the_api(county, candidate, client_for, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    scorecards(county, candidate, "2026", [75, 70, 82, 78])
    grades_propose(period=period("2026"), by=county.orgadmin)
    org, head, staff, cand = (client_for(u) for u in (county.orgadmin, county.head, county.staff, candidate.user))

    # The organization department opens the year; a head may not, and names no unit outside their scope.
    refused(post(head, f"{API}/annual-procedures/", {"year": "2026", "unit": "WL"}), "forbidden")
    assert refused(post(head, f"{API}/annual-procedures/", {"year": "2026", "unit": "CZ"}), "invalid")["fields"]
    response = post(org, f"{API}/annual-procedures/", {"year": "2026", "unit": "WL"})
    assert response.status_code == 201, response.content
    procedure = response.json()
    assert (procedure["year"], procedure["unit"], procedure["stage"]) == ("2026", "WL", Stage.SUMMARIES)
    assert procedure["figures"]["summaries_total"] == 8
    refused(post(org, f"{API}/annual-procedures/", {"year": "2026", "unit": "WL"}), "already_open")
    proc_url = f"{API}/annual-procedures/{procedure['id']}"

    # The staff official writes and submits the summary; the head returns it; it is submitted again.
    mine = staff.get(f"{API}/annual-summaries/").json()
    assert mine["count"] == 1 and mine["results"][0]["official_name"] == "李科员"
    summary_url = f"{API}/annual-summaries/{mine['results'][0]['id']}/"
    response = staff.patch(summary_url, {"sections": {"morality": "坚定", "achievement": "完成任务"}},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["sections"]["achievement"] == "完成任务"
    assert refused(post(staff, f"{summary_url}submit/"), "summary_incomplete")["fields"]
    response = staff.put(summary_url, {"sections": SECTIONS}, content_type="application/json")
    assert response.json()["sections"] == SECTIONS
    assert post(staff, f"{summary_url}submit/").json()["status"] == SummaryStatus.SUBMITTED
    refused(post(staff, f"{summary_url}submit/"), "invalid_transition")
    refused(post(staff, f"{summary_url}return/", {"reason": "自己退回"}), "forbidden")
    refused(post(head, f"{summary_url}return/", {"reason": " "}), "reason_required")
    returned = post(head, f"{summary_url}return/", {"reason": "业绩部分请补充量化指标"}).json()
    assert (returned["status"], returned["return_reason"]) == (SummaryStatus.RETURNED, "业绩部分请补充量化指标")
    assert post(staff, f"{summary_url}submit/").json()["status"] == SummaryStatus.SUBMITTED

    # The head closes the summaries once everyone has submitted, writes the 评语 and submits the proposals.
    refused(post(head, f"{proc_url}/close-summaries/"), "summaries_missing")
    refused(post(head, f"{proc_url}/submit-proposals/"), "wrong_stage")
    submit_the_rest(AnnualProcedure.objects.get(pk=procedure["id"]))
    assert post(head, f"{proc_url}/close-summaries/").json()["stage"] == Stage.COMMENTS
    refused(staff.patch(summary_url, {"sections": {"ability": "补"}}, content_type="application/json"),
            "wrong_stage")
    comment_all(AnnualProcedure.objects.get(pk=procedure["id"]), county.orgadmin)
    staff_grade = grade_of(county.staff_official)
    comment_url = f"{API}/grades/{staff_grade.pk}/comment/"
    refused(post(staff, comment_url, {"comment": "自评"}), "forbidden")
    refused(post(head, comment_url, {"comment": "工作扎实", "head_grade": Grade.BASIC}), "reason_required")
    written = post(head, comment_url, {"comment": "工作扎实，服务热情"}).json()
    assert (written["comment"], written["grade"], written["status"]) == (
        "工作扎实，服务热情", Grade.COMPETENT, "proposed")
    assert post(head, f"{proc_url}/submit-proposals/").json()["stage"] == Stage.CONFIRMATION
    refused(post(head, comment_url, {"comment": "改"}), "wrong_stage")

    # The organization department confirms (on the grades page) and posts the 公示 of the 优秀 candidate.
    refused(post(org, f"{proc_url}/finalize/"), "wrong_stage")
    grade_confirm_unit(period=period("2026"), unit=county.culture, by=county.orgadmin)
    refused(post(head, f"{proc_url}/open-notice/"), "forbidden")
    response = post(org, f"{proc_url}/open-notice/")
    assert response.status_code == 201, response.content
    notice = response.json()
    assert [(c["name"], c["post"], c["withdrawn"]) for c in notice["candidates"]] == [("张优秀", "副主任", False)]
    assert set(notice["candidates"][0]) == {"id", "name", "unit", "post", "withdrawn"}

    # Every official of the unit sees it, never a score; another official objects under their own name.
    seen = staff.get(f"{API}/public-notices/").json()
    assert seen["count"] == 1 and "score" not in json.dumps(seen) and "96" not in json.dumps(seen)
    assert client_for(county.outsider).get(f"{API}/public-notices/{notice['id']}/").status_code == 404
    objection_url = f"{API}/public-notices/{notice['id']}/objections/"
    refused(post(cand, objection_url, {"candidate": notice["candidates"][0]["id"], "reason": "自荐"}),
            "own_candidacy")
    refused(post(staff, objection_url, {"candidate": 999999, "reason": "x"}), "invalid")
    response = staff.post(objection_url, {"candidate": notice["candidates"][0]["id"], "reason": "年内有迟到记录",
                                          "attachment": SimpleUploadedFile("考勤.pdf", pdf_bytes())})
    assert response.status_code == 201, response.content
    objection = response.json()
    assert (objection["status"], objection["filed_by_name"], objection["attachment_name"]) == (
        "open", "李科员", "考勤.pdf")

    # The candidate never learns who objected; the objector sees their own; the department sees all.
    assert cand.get(f"{API}/objections/").json()["count"] == 0
    assert cand.get(f"{API}/objections/{objection['id']}/").status_code == 404
    assert "李科员" not in cand.get(f"{API}/public-notices/{notice['id']}/").content.decode()
    assert staff.get(f"{API}/objections/").json()["count"] == 1
    assert head.get(f"{API}/objections/{objection['id']}/").status_code == 404
    assert org.get(f"{API}/objections/").json()["results"][0]["filed_by_name"] == "李科员"
    download = org.get(f"{API}/objections/{objection['id']}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf_bytes()
    assert cand.get(f"{API}/objections/{objection['id']}/attachment/").status_code == 404

    # The finding; the grades cannot become final while the notice runs.
    refused(post(staff, f"{API}/objections/{objection['id']}/decide/", {"upheld": True, "note": "x"}), "forbidden")
    refused(post(org, f"{API}/objections/{objection['id']}/decide/", {"upheld": False, "note": ""}),
            "reason_required")
    decided = post(org, f"{API}/objections/{objection['id']}/decide/", {"upheld": False, "note": "经核实，已请假"})
    assert (decided.json()["status"], decided.json()["finding"]) == ("rejected", "经核实，已请假")
    refused(post(org, f"{API}/objections/{objection['id']}/decide/", {"upheld": True, "note": "再议"}),
            "invalid_transition")
    refused(post(org, f"{proc_url}/finalize/"), "notice_running")
    ends_on = date.fromisoformat(notice["ends_on"])
    procedure_finalize(procedure=AnnualProcedure.objects.get(pk=procedure["id"]), by=county.orgadmin,
                       today=ends_on + timedelta(days=1))
    assert org.get(f"{proc_url}/").json()["stage"] == Stage.FINAL

    # The staff official reads their grade and the written notice, and signs it: 不同意, with a reason.
    grades = staff.get(f"{API}/grades/").json()
    assert grades["count"] == 1
    assert {k: grades["results"][0][k] for k in ("year", "grade", "status", "comment")} == {
        "year": "2026", "grade": Grade.COMPETENT, "status": "final", "comment": "工作扎实，服务热情"}
    notices = staff.get(f"{API}/grade-notices/").json()
    assert notices["count"] == 1
    own = notices["results"][0]
    assert (own["grade"], own["comment"], own["status"], own["is_current"]) == (
        Grade.COMPETENT, "工作扎实，服务热情", SignStatus.PENDING, True)
    sign_url = f"{API}/grade-notices/{own['id']}/sign/"
    refused(post(head, sign_url, {"agree": True}), "forbidden")
    refused(post(staff, sign_url, {"agree": False, "opinion": ""}), "opinion_required")
    signed = post(staff, sign_url, {"agree": False, "opinion": "本人全年无违纪，认为应评为优秀"}).json()
    assert (signed["status"], signed["opinion"]) == (SignStatus.DISAGREED, "本人全年无违纪，认为应评为优秀")
    assert signed["signed_at"]
    refused(post(staff, sign_url, {"agree": True}), "already_signed")

    # Another official of the same unit sees none of it.
    assert cand.get(f"{API}/grade-notices/{own['id']}/").status_code == 404
    assert cand.get(f"{API}/grades/{staff_grade.pk}/").status_code == 404
    assert cand.get(summary_url).status_code == 404
    assert [g["official_name"] for g in cand.get(f"{API}/grades/").json()["results"]] == ["张优秀"]

    # 复核: the staff official asks, the organization department keeps the grade.
    refused(post(cand, f"{API}/grade-reviews/", {"grade": staff_grade.pk, "reason": "代为申请"}), "invalid")
    refused(post(staff, f"{API}/grade-reviews/", {"grade": staff_grade.pk, "reason": ""}), "reason_required")
    response = post(staff, f"{API}/grade-reviews/", {"grade": staff_grade.pk, "reason": "全年任务完成率100%"})
    assert response.status_code == 201, response.content
    review = response.json()
    assert (review["decision"], review["previous_grade"], review["outcome"]) == (staff_grade.pk, Grade.COMPETENT, "")
    refused(post(staff, f"{API}/grade-reviews/", {"grade": staff_grade.pk, "reason": "再次"}), "already_requested")
    assert cand.get(f"{API}/grade-reviews/{review['id']}/").status_code == 404
    assert head.get(f"{API}/grade-reviews/").json()["count"] == 0  # the organization department decides
    decide_url = f"{API}/grade-reviews/{review['id']}/decide/"
    refused(post(staff, decide_url, {"outcome": "upheld", "reason": "x"}), "forbidden")
    decided = post(org, decide_url, {"outcome": "upheld", "reason": "考核委员会复核，维持原等次"}).json()
    assert (decided["outcome"], decided["decision_reason"]) == ("upheld", "考核委员会复核，维持原等次")
    refused(post(org, decide_url, {"outcome": "changed", "grade": Grade.EXCELLENT, "reason": "x"}),
            "invalid_transition")
    assert staff.get(f"{API}/grade-reviews/{review['id']}/").json()["outcome"] == "upheld"

    # 申诉: recorded by the official, its outcome entered by the organization department.
    response = post(staff, f"{API}/grade-appeals/", {"grade": staff_grade.pk, "body": "县公务员主管部门",
                                                     "reason": "不服复核决定"})
    assert response.status_code == 201, response.content
    appeal = response.json()
    refused(post(staff, f"{API}/grade-appeals/{appeal['id']}/record/",
                 {"outcome": "upheld", "outcome_text": "维持", "document_number": "县人社〔2027〕1号"}), "forbidden")
    refused(post(org, f"{API}/grade-appeals/{appeal['id']}/record/", {"outcome": "upheld", "outcome_text": "维持"}),
            "reason_required")
    recorded = post(org, f"{API}/grade-appeals/{appeal['id']}/record/",
                    {"outcome": "upheld", "outcome_text": "维持原等次", "document_number": "县人社〔2027〕1号"}).json()
    assert (recorded["outcome"], recorded["document_number"]) == ("upheld", "县人社〔2027〕1号")
    assert cand.get(f"{API}/grade-appeals/{appeal['id']}/").status_code == 404


def test_a_changed_grade_is_notified_again_and_signed_again(county, candidate, client_for):
    scorecards(county, candidate, "2026", [75, 70, 82, 78])
    procedure = to_stage(county, county.culture, Stage.FINAL)
    org, staff = client_for(county.orgadmin), client_for(county.staff)
    first = GradeNotice.objects.get(official=county.staff_official)
    review = review_request(notice=first, by=county.staff, reason="请求复核", today=first.review_due)
    decide_url = f"{API}/grade-reviews/{review.pk}/decide/"
    refused(post(org, decide_url, {"outcome": "changed", "reason": "x"}), "bad_grade")
    refused(post(org, decide_url, {"outcome": "changed", "grade": Grade.COMPETENT, "reason": "x"}), "same_grade")
    assert post(org, decide_url, {"outcome": "sideways", "reason": "x"}).json()["code"] == "invalid"
    decided = post(org, decide_url, {"outcome": "changed", "grade": Grade.BASIC, "reason": "核实年内两次问责"}).json()
    assert (decided["outcome"], decided["new_grade"]) == ("changed", Grade.BASIC)
    notices = staff.get(f"{API}/grade-notices/").json()["results"]
    assert [(n["grade"], n["is_current"], n["status"]) for n in notices] == [
        (Grade.BASIC, True, SignStatus.PENDING), (Grade.COMPETENT, False, SignStatus.PENDING)]
    assert staff.get(f"{API}/grade-notices/", {"current": "true"}).json()["count"] == 1
    refused(post(staff, f"{API}/grade-notices/{first.pk}/sign/", {"agree": True}), "superseded")
    assert post(staff, f"{API}/grade-notices/{notices[0]['id']}/sign/", {"agree": True}).json()["status"] == "agreed"
    assert staff.get(f"{API}/grades/").json()["results"][0]["grade"] == Grade.BASIC
    procedure.refresh_from_db()
    assert procedure.stage == Stage.FINAL  # the others have not signed yet


def test_a_review_after_the_deadline_is_refused(county, candidate, client_for):
    scorecards(county, candidate, "2026", [75, 70, 82, 78])
    procedure = to_stage(county, county.culture, Stage.CONFIRMATION)
    grade_confirm_unit(period=period("2026"), unit=county.culture, by=county.orgadmin)
    start = date(2026, 1, 5)  # long past: the 30 days to ask for a review ended in February
    notice = notice_open(procedure=procedure, by=county.orgadmin, starts_on=start, today=start)
    procedure_finalize(procedure=procedure, by=county.orgadmin, today=notice.ends_on + timedelta(days=1))
    staff = client_for(county.staff)
    body = refused(post(staff, f"{API}/grade-reviews/", {"grade": grade_of(county.staff_official).pk,
                                                         "reason": "请求复核"}), "deadline_passed")
    assert "2026-02" in body["message"]


def test_summary_oral_report_and_its_refusals(county, candidate, client_for):
    scorecards(county, candidate, "2026", [75, 70, 82, 78])
    procedure = open_procedure(county, county.culture)
    head = client_for(county.head)
    middle = AnnualSummary.objects.get(procedure=procedure, official=county.culture_official)
    ordinary = AnnualSummary.objects.get(procedure=procedure, official=county.staff_official)
    at = "2027-01-10T09:00:00+08:00"
    refused(post(head, f"{API}/annual-summaries/{ordinary.pk}/oral/", {"at": at, "place": "三楼会议室"}),
            "not_eligible")
    refused(post(head, f"{API}/annual-summaries/{middle.pk}/oral/", {"at": at, "place": ""}), "place_required")
    arranged = post(head, f"{API}/annual-summaries/{middle.pk}/oral/", {"at": at, "place": "三楼会议室"}).json()
    assert arranged["oral_place"] == "三楼会议室" and arranged["oral_at"].startswith("2027-01-10")
    staff = client_for(county.staff)  # a colleague's summary does not exist for the staff official
    assert post(staff, f"{API}/annual-summaries/{middle.pk}/oral/", {"at": at, "place": "x"}).status_code == 404
    assert staff.get(f"{API}/annual-summaries/{middle.pk}/").status_code == 404
    cleared = post(head, f"{API}/annual-summaries/{middle.pk}/oral/", {"at": None}).json()
    assert (cleared["oral_at"], cleared["oral_place"]) == (None, "")


# -- scope -----------------------------------------------------------------------------------------------------
def test_everything_outside_ones_scope_is_missing(county, candidate, client_for):
    scorecards(county, candidate, "2026", [75, 70, 82, 78])
    procedure = to_stage(county, county.culture, Stage.NOTICE)
    summary = AnnualSummary.objects.get(procedure=procedure, official=county.staff_official)
    notice = procedure.notices.get()
    finance_head = UserFactory(username="finance_head")
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    for user in (county.outsider, finance_head):
        client = client_for(user)
        for url in (f"annual-procedures/{procedure.pk}/", f"annual-summaries/{summary.pk}/",
                    f"public-notices/{notice.pk}/", f"grades/{grade_of(county.staff_official).pk}/"):
            assert client.get(f"{API}/{url}").status_code == 404, (user, url)
        # An action on something one cannot see is a 404 too, not a refusal that would reveal it.
        assert post(client, f"{API}/annual-procedures/{procedure.pk}/finalize/").status_code == 404
        assert post(client, f"{API}/annual-summaries/{summary.pk}/return/", {"reason": "x"}).status_code == 404
        for name in ("annual-procedures", "annual-summaries", "public-notices", "objections", "grade-notices",
                     "grade-reviews", "grade-appeals", "grades"):
            assert client.get(f"{API}/{name}/").json()["count"] == 0, (user, name)
    # The staff official sees the notice but not the procedure's stage page.
    staff = client_for(county.staff)
    assert staff.get(f"{API}/annual-procedures/{procedure.pk}/").status_code == 404
    assert staff.get(f"{API}/public-notices/{notice.pk}/").status_code == 200


def test_the_schema_documents_the_procedure(county, client_for):
    schema = client_for(county.staff).get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/grades/{id}/comment/", "/api/v1/annual-summaries/{id}/submit/",
                 "/api/v1/annual-summaries/{id}/return/", "/api/v1/annual-summaries/{id}/oral/",
                 "/api/v1/annual-procedures/{id}/close-summaries/", "/api/v1/annual-procedures/{id}/finalize/",
                 "/api/v1/annual-procedures/{id}/open-notice/", "/api/v1/annual-procedures/{id}/submit-proposals/",
                 "/api/v1/public-notices/{id}/objections/", "/api/v1/objections/{id}/decide/",
                 "/api/v1/grade-notices/{id}/sign/", "/api/v1/grade-reviews/{id}/decide/",
                 "/api/v1/grade-appeals/{id}/record/"):
        assert path in text, path
