"""The annual procedure's pages: who sees what (404 outside one's scope), forms that keep what was typed on a
refusal, the htmx autosave, and list pages whose query count does not grow with the data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.models import (
    AnnualSummary,
    Grade,
    GradeDecision,
    GradeNotice,
    GradeReview,
    Objection,
    ObjectionStatus,
    SignStatus,
    Stage,
    SummaryStatus,
)
from appraisal.services.reviews import review_request
from common.text_limits import LONG
from tests.appraisal.annual_helpers import NOTICE_START, SECTIONS, latest_notice, open_procedure, to_stage
from tests.appraisal.factories import FinalGradeFactory, ScorecardFactory, staff_in
from tests.factories import OfficialFactory, UserFactory
from tests.files import pdf_bytes


@pytest.fixture
def culture(county):
    for person, total in ((county.staff_official, 96), (county.culture_official, 85), (county.head_official, 88)):
        ScorecardFactory(official=person, unit=county.culture, total=Decimal(total))
    staff_in(county.culture_office, county.culture, [91, 80, 75, 70, 65, 62, 81])
    return county.culture


@pytest.fixture
def finance_staff(county):
    """A signed-in official of another bureau."""
    user = UserFactory(username="finstaff")
    county.finance_official.user = user
    county.finance_official.save()
    return user


def test_procedure_list_and_open_from_the_page(county, culture, client_for):
    from appraisal.services.grades import grades_propose
    from tests.factories import period

    grades_propose(period=period("2026"), by=county.orgadmin)
    client = client_for(county.orgadmin)
    page = client.get(reverse("appraisal:procedure_list"))
    assert page.status_code == 200 and "文化和旅游局" in page.content.decode()
    response = client.post(reverse("appraisal:procedure_open"), {"period": "2026", "unit": "WL"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert client_for(county.head).get(reverse("appraisal:procedure_list")).status_code == 200
    assert client_for(county.staff).get(reverse("appraisal:procedure_list")).status_code == 404
    assert client_for(county.head).post(reverse("appraisal:procedure_open"), {"period": "2026"}).status_code == 404


def test_stage_page_is_scoped_and_shows_the_next_step(county, culture, client_for, finance_staff):
    procedure = open_procedure(county, culture)
    url = reverse("appraisal:procedure_detail", args=[procedure.pk])
    page = client_for(county.head).get(url).content.decode()
    assert 'data-testid="close-summaries"' in page
    assert client_for(county.staff).get(url).status_code == 404
    assert client_for(finance_staff).get(url).status_code == 404
    response = client_for(county.head).post(reverse("appraisal:summaries_close", args=[procedure.pk]), follow=True)
    text = response.content.decode()
    assert "名干部未提交个人总结" in text and county.staff_official.name in text
    procedure.refresh_from_db()
    assert procedure.stage == Stage.SUMMARIES


def test_staff_writes_autosaves_and_submits_the_summary(county, culture, client_for):
    procedure = open_procedure(county, culture)
    client = client_for(county.staff)
    url = reverse("appraisal:summary_mine")
    assert 'data-testid="summary-form"' in client.get(url).content.decode()
    summary = AnnualSummary.objects.get(procedure=procedure, official=county.staff_official)
    saved = client.post(reverse("appraisal:summary_autosave", args=[summary.pk]), {"morality": "自动保存的内容"},
                        HTTP_HX_REQUEST="true")
    assert 'data-testid="autosave-saved"' in saved.content.decode()
    summary.refresh_from_db()
    assert summary.morality == "自动保存的内容"
    # A section past its maximum (a LONG text): a 422 naming the section; nothing of it is written.
    too_long = client.post(reverse("appraisal:summary_autosave", args=[summary.pk]),
                           {"morality": "改过的内容", "achievement": "绩" * (LONG + 1)}, HTTP_HX_REQUEST="true")
    assert too_long.status_code == 422 and 'data-testid="autosave-error"' in too_long.content.decode()
    assert "绩" in too_long.content.decode() and str(LONG) in too_long.content.decode()
    summary.refresh_from_db()
    assert (summary.morality, summary.achievement) == ("自动保存的内容", "")
    # Submitting with empty sections is refused; what was typed stays on the page.
    refused = client.post(url, {"year": "2026", "morality": "坚定", "achievement": "完成", "action": "submit"})
    assert refused.status_code == 400 and "完成" in refused.content.decode()
    summary.refresh_from_db()
    assert summary.achievement == "完成" and summary.status == SummaryStatus.DRAFT
    done = client.post(url, {"year": "2026", **SECTIONS, "action": "submit"})
    assert done.status_code == 302
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED
    # Another official cannot autosave it; the head reads it and returns it with a reason.
    other = UserFactory(username="colleague")
    county.culture_official.user = other
    county.culture_official.save()
    assert client_for(other).post(reverse("appraisal:summary_autosave", args=[summary.pk]),
                                  {"morality": "x"}).status_code == 404
    head = client_for(county.head)
    assert head.get(reverse("appraisal:summary_detail", args=[summary.pk])).status_code == 200
    missing = head.post(reverse("appraisal:summary_return", args=[summary.pk]), {"reason": ""})
    assert missing.status_code == 400
    returned = head.post(reverse("appraisal:summary_return", args=[summary.pk]), {"reason": "请补充数据"})
    assert returned.status_code == 302
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.RETURNED
    assert "请补充数据" in client.get(url).content.decode()


def test_oral_report_for_a_middle_level_cadre(county, culture, client_for):
    procedure = open_procedure(county, culture)
    summary = AnnualSummary.objects.get(procedure=procedure, official=county.culture_official)
    head = client_for(county.head)
    refused = head.post(reverse("appraisal:summary_oral", args=[summary.pk]), {"at": "2026-12-20T09:00", "place": ""})
    assert refused.status_code == 400 and "2026-12-20T09:00" in refused.content.decode()
    assert head.post(reverse("appraisal:summary_oral", args=[summary.pk]),
                     {"at": "2026-12-20T09:00", "place": "三楼会议室"}).status_code == 302
    summary.refresh_from_db()
    assert summary.oral_place == "三楼会议室"


def test_the_head_writes_a_comment_with_the_facts_beside_it(county, culture, client_for):
    procedure = to_stage(county, culture, Stage.COMMENTS)
    grade = GradeDecision.objects.get(period=procedure.period, official=county.staff_official)
    head = client_for(county.head)
    listing = head.get(reverse("appraisal:procedure_comments", args=[procedure.pk]))
    assert listing.status_code == 200 and county.staff_official.name in listing.content.decode()
    url = reverse("appraisal:comment_edit", args=[procedure.pk, grade.pk])
    page = head.get(url).content.decode()
    assert SECTIONS["achievement"] in page and 'data-testid="comment-form"' in page
    refused = head.post(url, {"comment": "工作积极主动", "head_grade": Grade.COMPETENT, "head_reason": ""})
    assert refused.status_code == 400 and "工作积极主动" in refused.content.decode()
    assert head.post(url, {"comment": "工作积极主动", "head_grade": Grade.COMPETENT,
                           "head_reason": "全年两次迟交月报"}).status_code == 302
    grade.refresh_from_db()
    assert (grade.comment, grade.head_grade) == ("工作积极主动", Grade.COMPETENT)
    assert client_for(county.staff).get(url).status_code == 404


def test_notice_page_objection_and_finding(county, culture, client_for, finance_staff, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    procedure = to_stage(county, culture, Stage.NOTICE)
    notice = latest_notice(procedure)
    # The notice is running "today" for the page: move it to today.
    from django.utils import timezone

    today = timezone.localdate()
    notice.starts_on, notice.ends_on = today, today + timedelta(days=7)
    notice.save()
    objector = UserFactory(username="objector")
    county.culture_official.user = objector
    county.culture_official.save()
    url = reverse("appraisal:notice_detail", args=[notice.pk])
    page = client_for(objector).get(url).content.decode()
    assert county.staff_official.name in page and 'data-testid="objection-form"' in page
    assert "96" not in page.split('data-testid="candidate-table"')[1].split("</table>")[0]  # never a score
    assert client_for(finance_staff).get(url).status_code == 404
    candidate = notice.candidates.get(official=county.staff_official)
    blank = client_for(objector).post(reverse("appraisal:objection_file", args=[notice.pk]),
                                      {"candidate": candidate.pk, "reason": ""})
    assert blank.status_code == 400
    filed = client_for(objector).post(reverse("appraisal:objection_file", args=[notice.pk]), {
        "candidate": candidate.pk, "reason": "群众反映工作作风问题",
        "attachment": SimpleUploadedFile("反映材料.pdf", pdf_bytes())})
    assert filed.status_code == 302
    objection = Objection.objects.get()
    # The candidate never sees who objected: the objection pages are 404 for them.
    staff = client_for(county.staff)
    assert staff.get(reverse("appraisal:objection_detail", args=[objection.pk])).status_code == 404
    assert "群众反映" not in staff.get(reverse("appraisal:objection_list")).content.decode()
    assert staff.get(reverse("appraisal:objection_attachment", args=[objection.pk])).status_code == 404
    org = client_for(county.orgadmin)
    assert org.get(reverse("appraisal:objection_attachment", args=[objection.pk])).status_code == 200
    detail = reverse("appraisal:objection_detail", args=[objection.pk])
    assert county.culture_official.name in org.get(detail).content.decode()
    assert org.post(detail, {"upheld": "0", "note": ""}).status_code == 400
    assert org.post(detail, {"upheld": "0", "note": "经核实不成立"}).status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED
    assert "经核实不成立" in client_for(objector).get(url).content.decode()
    assert client_for(county.head).post(detail, {"upheld": "1", "note": "x"}).status_code == 404


def test_home_shows_the_running_notice_to_the_unit(county, culture, client_for, finance_staff):
    procedure = to_stage(county, culture, Stage.NOTICE)
    from django.utils import timezone

    notice = latest_notice(procedure)
    notice.starts_on, notice.ends_on = timezone.localdate(), timezone.localdate() + timedelta(days=7)
    notice.save()
    assert 'data-testid="todo-notices-mine" data-count="1"' in client_for(county.staff).get("/").content.decode()
    assert 'data-testid="todo-notices-mine" data-count="0"' in client_for(finance_staff).get("/").content.decode()
    assert 'data-testid="todo-notices-running" data-count="1"' in client_for(county.orgadmin).get("/").content.decode()


def test_written_notice_sign_review_and_decision_pages(county, culture, client_for):
    procedure = to_stage(county, culture, Stage.FINAL)
    notice = GradeNotice.objects.get(official=county.staff_official, is_current=True)
    staff = client_for(county.staff)
    mine = staff.get(reverse("appraisal:annual_mine")).content.decode()
    assert 'data-testid="sign-reminder"' in mine
    url = reverse("appraisal:grade_notice_detail", args=[notice.pk])
    assert staff.get(reverse("appraisal:grade_notice_print", args=[notice.pk])).status_code == 200
    refused = staff.post(reverse("appraisal:grade_notice_sign", args=[notice.pk]), {"agree": "0", "opinion": ""})
    assert refused.status_code == 400
    assert staff.post(reverse("appraisal:grade_notice_sign", args=[notice.pk]),
                      {"agree": "0", "opinion": "评语未体现全年创新工作"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == SignStatus.DISAGREED
    assert staff.post(reverse("appraisal:review_request", args=[notice.pk]),
                      {"reason": "请求复核等次"}).status_code == 302
    review = GradeReview.objects.get()
    # Another official sees none of it; the head sees the signature list but not the review.
    colleague = UserFactory(username="colleague2")
    OfficialFactory(unit=county.culture_office, user=colleague)
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(county.head).get(reverse("appraisal:review_detail", args=[review.pk])).status_code == 404
    signatures = client_for(county.head).get(reverse("appraisal:procedure_signatures", args=[procedure.pk]))
    assert signatures.status_code == 200 and county.staff_official.name in signatures.content.decode()
    org = client_for(county.orgadmin)
    decide = reverse("appraisal:review_detail", args=[review.pk])
    refused = org.post(decide, {"outcome": "changed", "grade": "", "reason": "核减"})
    assert refused.status_code == 400 and "核减" in refused.content.decode()
    assert org.post(decide, {"outcome": "upheld", "grade": "", "reason": "经复核，维持原等次"}).status_code == 302
    assert "经复核，维持原等次" in staff.get(url).content.decode()
    assert staff.post(reverse("appraisal:appeal_file", args=[notice.pk]),
                      {"body": "县公务员局", "reason": "不服复核"}).status_code == 302
    appeal = review.appeals.get()
    record = org.post(reverse("appraisal:appeal_record", args=[appeal.pk]),
                      {"outcome": "upheld", "outcome_text": "维持", "document_number": ""})
    assert record.status_code == 400 and "维持" in record.content.decode()


def test_a_review_asked_after_the_deadline_is_refused_on_the_page(county, culture, client_for):
    to_stage(county, culture, Stage.FINAL)
    notice = GradeNotice.objects.get(official=county.staff_official, is_current=True)
    GradeNotice.objects.filter(pk=notice.pk).update(review_due=NOTICE_START)
    response = client_for(county.staff).post(reverse("appraisal:review_request", args=[notice.pk]), {"reason": "x"})
    assert response.status_code == 400 and NOTICE_START.isoformat() in response.content.decode()


LIST_PAGES = ["procedure_list", "notice_list", "objection_list", "review_list"]
# The exact count of each list page for the organization department (session, user, role grants and own official
# included), before and after more data.
LIST_QUERIES = {"appraisal:procedure_list": 9, "appraisal:notice_list": 8, "appraisal:objection_list": 7,
                "appraisal:review_list": 7, "appraisal:procedure_summaries": 9, "appraisal:procedure_comments": 9,
                "appraisal:procedure_signatures": 8, "appraisal:procedure_events": 8}


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_cost_the_same_queries_for_more_data(county, client_for, django_assert_num_queries, name):
    def build(totals):
        staff_in(county.culture_office, county.culture, totals)

    build([91, 80, 75])
    for person, total in ((county.staff_official, 96), (county.culture_official, 85)):
        ScorecardFactory(official=person, unit=county.culture, total=Decimal(total))
    procedure = to_stage(county, county.culture, Stage.FINAL)
    notice = latest_notice(procedure)
    reviews = [n for n in GradeNotice.objects.filter(is_current=True).select_related("official__user")[:2]]
    for n in reviews:
        user = n.official.user or UserFactory(username=f"r{n.pk}")
        if n.official.user is None:
            n.official.user = user
            n.official.save()
        review_request(notice=n, by=user, reason="复核", today=NOTICE_START)
    objector = UserFactory(username="obj")
    OfficialFactory(unit=county.culture_office, user=objector)
    candidates = list(notice.candidates.all())
    Objection.objects.create(notice=notice, candidate=candidates[0], filed_by=objector.official, reason="x")
    client = client_for(county.orgadmin)
    url = reverse(f"appraisal:{name}")
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES[f"appraisal:{name}"]) as first:
        assert client.get(url).status_code == 200
    # More of everything: officials, a second notice's objections, another review.
    for candidate in candidates:
        Objection.objects.create(notice=notice, candidate=candidate, filed_by=objector.official, reason="x")
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["procedure_summaries", "procedure_comments", "procedure_signatures",
                                  "procedure_events"])
def test_procedure_list_pages_cost_the_same_queries(county, client_for, django_assert_num_queries, name):
    staff_in(county.culture_office, county.culture, [91, 80])
    procedure = to_stage(county, county.culture, Stage.FINAL)
    client = client_for(county.orgadmin)
    url = reverse(f"appraisal:{name}", args=[procedure.pk])
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES[f"appraisal:{name}"]) as first:
        assert client.get(url).status_code == 200
    GradeNotice.objects.filter(grade__unit=county.culture).update(status=SignStatus.PENDING)
    for summary in AnnualSummary.objects.filter(procedure=procedure)[:2]:
        summary.oral_place = "会议室"
        summary.save()
    # Ten more officials in the unit, each with a grade, a summary, a notice and an event.
    more = staff_in(county.culture_office, county.culture, [70] * 10)
    for person in more:
        grade = FinalGradeFactory(period=procedure.period, official=person, unit=county.culture, comment="好")
        AnnualSummary.objects.create(procedure=procedure, official=person, status=SummaryStatus.SUBMITTED)
        GradeNotice.objects.create(grade=grade, official=person, grade_value=Grade.COMPETENT, issued_at=grade.pk
                                   and procedure.opened_at, sign_due=NOTICE_START, review_due=NOTICE_START)
        procedure.events.create(action="comment", official=person, by=county.head)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_bureau_org_department_cannot_open_or_see_another_bureau(county, culture, client_for):
    from appraisal.services.grades import grades_propose
    from tests.factories import RoleGrantFactory, period

    staff_in(county.finance_office, county.finance, [80, 70])
    grades_propose(period=period("2026"), by=county.orgadmin)
    bureau_org = UserFactory(username="cz-org")
    RoleGrantFactory(user=bureau_org, unit=county.finance, role="org")
    client = client_for(bureau_org)
    # Naming a unit outside one's scope reads exactly like naming one that does not exist.
    assert client.post(reverse("appraisal:procedure_open"), {"period": "2026", "unit": "WL"}).status_code == 404
    assert client.post(reverse("appraisal:procedure_open"), {"period": "2026", "unit": "NOPE"}).status_code == 404
    culture_procedure = open_procedure(county, culture)
    assert client.get(reverse("appraisal:procedure_detail", args=[culture_procedure.pk])).status_code == 404
    listing = client.get(reverse("appraisal:procedure_list")).content.decode()
    assert "文化和旅游局" not in listing and "财政局" in listing


def test_an_official_added_after_the_year_opened_gets_a_summary_to_write(county, culture, client_for):
    from appraisal.services.grades import grades_propose
    from tests.factories import period

    procedure = open_procedure(county, culture)
    newcomer_user = UserFactory(username="newcomer")
    newcomer = OfficialFactory(unit=county.culture_office, user=newcomer_user)
    ScorecardFactory(official=newcomer, unit=culture, total=Decimal(80))
    grades_propose(period=period("2026"), by=county.orgadmin)  # the roster grows after the opening
    assert not AnnualSummary.objects.filter(official=newcomer).exists()
    page = client_for(newcomer_user).get(reverse("appraisal:summary_mine")).content.decode()
    assert 'data-testid="summary-form"' in page
    assert AnnualSummary.objects.get(official=newcomer).procedure == procedure
    client_for(newcomer_user).get(reverse("appraisal:summary_mine"))
    assert AnnualSummary.objects.filter(official=newcomer).count() == 1
