"""Case pages: the list with filters and counts, register and edit forms, the case file (access log, 404 outside
the case readers), transitions, decisions, attachments, appeals decided on the case page, the register export."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from discipline.models import Case, CaseAccess, CaseStatus, Decision, DecisionKind
from discipline.services.appeals import appeal_file
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from org.models import Official
from tests.conftest import County, statements
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory
from tests.files import pdf_bytes
from tests.pickers import picker_values

pytestmark = pytest.mark.django_db
PDF = pdf_bytes()


def decide(county: County, case: Case, kind: DecisionKind, official: Official | None = None,
           effective: date | None = None) -> Decision:
    """A decision for the case's subject (effective a few days ago, inside the appeal window)."""
    return decision_record(by=county.inspector, case=case, official=official or county.staff_official, kind=kind,
                           effective_date=effective or timezone.localdate() - timedelta(days=3),
                           summary="给予记过处分")


def another_case(county: County, official: Official, title: str = "公车私用", investigate: bool = False) -> Case:
    case = case_register(by=county.inspector, unit=official.unit, title=title, subjects=[official],
                         source="complaint", facts="群众反映其周末驾驶公车办私事。",
                         registered_on=date(2026, 5, 6))
    return case_transition(by=county.inspector, case=case, to="investigating") if investigate else case


def test_list_for_case_readers_only(county, client_for, open_case):
    response = client_for(county.inspector).get(reverse("discipline:case_list"))
    assert response.status_code == 200
    assert open_case.number in response.content.decode()
    assert client_for(county.orgadmin).get(reverse("discipline:case_list")).status_code == 200
    for user in (county.head, county.staff, county.outsider):
        assert client_for(user).get(reverse("discipline:case_list")).status_code == 404


def test_list_filters_search_and_counts(county, client_for, open_case):
    other = another_case(county, county.finance_official)
    client = client_for(county.inspector)
    page = client.get(reverse("discipline:case_list"), {"q": "钱科员"}).context["page"]
    assert [c.pk for c in page.object_list] == [other.pk]
    page = client.get(reverse("discipline:case_list"), {"status": "investigating"}).context["page"]
    assert [c.pk for c in page.object_list] == [open_case.pk]
    response = client.get(reverse("discipline:case_list"), {"unit": "CZ"})
    assert [c.pk for c in response.context["page"].object_list] == [other.pk]
    response = client.get(reverse("discipline:case_list"), {"source": "report", "year": "2026"})
    assert [c.pk for c in response.context["page"].object_list] == [open_case.pk]
    counts = {value: n for value, _label, n in client.get(reverse("discipline:case_list")).context["status_counts"]}
    assert counts["registered"] == 1 and counts["investigating"] == 1 and counts["closed"] == 0


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("discipline:case_list")).status_code == 200
    return statements(captured.captured_queries)


def test_list_costs_a_constant_number_of_queries(county, client_for, open_case, django_assert_num_queries):
    client = client_for(county.inspector)
    with django_assert_num_queries(10):
        small = _list_queries(client)
    for i in range(12):
        official = OfficialFactory(unit=county.culture_office, name=f"甲{i}")
        another_case(county, official, title=f"案{i}")
    assert _list_queries(client) == small


def test_register_a_case_and_keep_input_on_error(county, client_for, kinds):
    client = client_for(county.inspector)
    form = client.get(reverse("discipline:case_create"))
    assert form.status_code == 200 and b"rule-checkboxes" in form.content
    assert picker_values(form.content.decode(), "subjects") == []  # no <option> per official in scope
    found = client.get(reverse("org:official_search"), {"scope": "case_subjects", "unit": county.culture.pk}).json()
    assert county.staff_official.name in {o["name"] for o in found["results"]}
    assert county.finance_official.name not in {o["name"] for o in found["results"]}
    rule = form.context["rule_groups"][0][1][0]
    data = {"unit": county.culture.pk, "title": "违规收受礼品", "subjects": [county.staff_official.pk],
            "source": "report", "source_reference": "举报〔2026〕9号", "rules": [rule.pk], "facts": " "}
    kept = client.post(reverse("discipline:case_create"), data)
    assert kept.status_code == 200 and not Case.objects.exists()
    assert "违规收受礼品" in kept.content.decode() and "举报〔2026〕9号" in kept.content.decode()
    assert picker_values(kept.content.decode(), "subjects") == [str(county.staff_official.pk)]
    assert f'value="{rule.pk}" id="rule-{rule.pk}" checked' in kept.content.decode()
    data["facts"] = "收受礼品价值两千元。"
    done = client.post(reverse("discipline:case_create"), data)
    case = Case.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("discipline:case_detail", args=[case.pk])
    assert list(case.subjects.all()) == [county.staff_official] and list(case.rules.all()) == [rule]
    assert case.investigator == county.inspector
    # The organization department reads cases but does not register them; others do not see the form.
    assert client_for(county.orgadmin).get(reverse("discipline:case_create")).status_code == 404
    head_search = client_for(county.head).get(reverse("org:official_search"), {"scope": "case_subjects"})
    assert head_search.json()["results"] == []  # a head is not discipline inspection: nobody to name


def test_register_refuses_an_official_outside_the_unit(county, client_for, kinds):
    data = {"unit": county.culture.pk, "title": "x", "subjects": [county.finance_official.pk], "source": "report",
            "facts": "y"}
    response = client_for(county.inspector).post(reverse("discipline:case_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["subjects"]
    assert not Case.objects.exists()


def test_case_page_logs_each_read_and_is_404_for_others(county, client_for, open_case):
    for user in (county.inspector, county.orgadmin):
        response = client_for(user).get(reverse("discipline:case_detail", args=[open_case.pk]))
        assert response.status_code == 200
        assert open_case.facts in response.content.decode()
    assert list(CaseAccess.objects.filter(case=open_case).order_by("id").values_list("user__username", "action")) == [
        ("inspector", "view"), ("orgadmin", "view")]
    for user in (county.head, county.staff, county.outsider):
        assert client_for(user).get(reverse("discipline:case_detail", args=[open_case.pk])).status_code == 404
    assert CaseAccess.objects.count() == 2
    # The page shows the reads and the timeline.
    response = client_for(county.inspector).get(reverse("discipline:case_detail", args=[open_case.pk]))
    assert len(response.context["accesses"]) == 2  # a reload within the window is not another row
    assert [t.to_status for t in response.context["timeline"]] == ["registered", "investigating"]


def test_a_reload_within_the_window_adds_no_access_log_row(county, client_for, open_case, settings):
    url = reverse("discipline:case_detail", args=[open_case.pk])
    inspector = client_for(county.inspector)
    for _reload in range(3):
        assert inspector.get(url).status_code == 200
    assert list(CaseAccess.objects.values_list("user__username", "action")) == [("inspector", "view")]
    client_for(county.orgadmin).get(url)  # another reader is another row
    assert CaseAccess.objects.count() == 2
    # Once the window has passed, the same reader's read is logged again.
    CaseAccess.objects.update(at=timezone.now() - timedelta(minutes=settings.DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES,
                                                            seconds=1))
    inspector.get(url)
    assert CaseAccess.objects.filter(user=county.inspector).count() == 2
    # A window of 0 logs every page view.
    settings.DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES = 0
    inspector.get(url)
    assert CaseAccess.objects.filter(user=county.inspector, action="view").count() == 3


def test_org_department_sees_no_buttons(county, client_for, open_case):
    response = client_for(county.orgadmin).get(reverse("discipline:case_detail", args=[open_case.pk]))
    assert not response.context["transitions"] and response.context["decision_form"] is None
    assert b"transition-form" not in response.content and b"decision-form" not in response.content
    refused = client_for(county.orgadmin).post(reverse("discipline:case_transition", args=[open_case.pk]),
                                               {"to": "closed", "comment": "x"})
    assert refused.status_code == 200 and refused.context["transition_form"].errors
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.INVESTIGATING


def test_transitions_and_decision_on_the_case_page(county, client_for, open_case, kinds):
    client = client_for(county.inspector)
    url = reverse("discipline:case_transition", args=[open_case.pk])
    undecided = client.post(url, {"to": "decided", "comment": ""})
    assert undecided.status_code == 200 and undecided.context["transition_form"].non_field_errors()
    data = {"official": county.staff_official.pk, "kind": kinds["gov_demerit"].pk, "effective_date": "",
            "summary": "记过"}
    bad = client.post(reverse("discipline:decision_create", args=[open_case.pk]), data)
    assert bad.status_code == 200 and bad.context["decision_form"].errors["effective_date"]
    assert "记过" in bad.content.decode()
    data["effective_date"] = "2026-11-02"
    data["points"] = "8"
    assert client.post(reverse("discipline:decision_create", args=[open_case.pk]), data).status_code == 302
    decision = Decision.objects.get()
    assert decision.kind.code == "gov_demerit" and decision.points == 8 and decision.grade_cap == "undetermined"
    assert decision.in_force_until == date(2027, 11, 1)
    assert client.post(url, {"to": "decided", "comment": "研究决定"}).status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.DECIDED
    response = client.get(reverse("discipline:case_detail", args=[open_case.pk]))
    assert [to for to, _label, _style in response.context["transitions"]] == ["closed"]


def test_not_pursued_needs_a_reason(county, client_for):
    case = another_case(county, county.culture_official)  # registered, not yet investigated
    client = client_for(county.inspector)
    url = reverse("discipline:case_transition", args=[case.pk])
    page = client.get(reverse("discipline:case_detail", args=[case.pk]))
    assert [to for to, _label, _style in page.context["transitions"]] == ["investigating", "not_pursued"]
    refused = client.post(url, {"to": "not_pursued", "comment": ""})
    assert refused.status_code == 200 and b'data-testid="form-error"' in refused.content
    assert client.post(url, {"to": "not_pursued", "comment": "查无实据"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_PURSUED and case.not_pursued_reason == "查无实据"


def test_a_case_under_investigation_offers_no_not_pursued_but_closing_with_no_sanction(county, client_for,
                                                                                      open_case, kinds):
    client = client_for(county.inspector)
    page = client.get(reverse("discipline:case_detail", args=[open_case.pk]))
    assert [(to, label) for to, label, _style in page.context["transitions"]] == [
        ("decided", CaseStatus.DECIDED.label), ("closed", gettext("Close with no sanction"))]
    body = page.content.decode()
    assert 'data-testid="to-not_pursued"' not in body and str(CaseStatus.NOT_PURSUED.label) not in body
    url = reverse("discipline:case_transition", args=[open_case.pk])
    refused = client.post(url, {"to": "not_pursued", "comment": "查无实据"})  # a form sent by hand
    assert refused.status_code == 200 and refused.context["transition_form"].non_field_errors()
    assert client.post(url, {"to": "closed", "comment": ""}).context["transition_form"].errors  # needs a reason
    assert client.post(url, {"to": "closed", "comment": "经调查，反映问题不属实"}).status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.CLOSED and open_case.closed_on == timezone.localdate()
    assert open_case.transitions.last().comment == "经调查，反映问题不属实"


def test_edit_an_open_case(county, client_for, open_case):
    client = client_for(county.inspector)
    form = client.get(reverse("discipline:case_edit", args=[open_case.pk]))
    assert form.status_code == 200 and "违规收受礼品" in form.content.decode()
    data = {"title": "违规收受礼品礼金", "subjects": [county.staff_official.pk, county.culture_official.pk],
            "source": "report", "source_reference": "", "facts": "补充事实。", "investigator": ""}
    assert client.post(reverse("discipline:case_edit", args=[open_case.pk]), data).status_code == 302
    open_case.refresh_from_db()
    assert open_case.title == "违规收受礼品礼金" and open_case.subjects.count() == 2
    assert client_for(county.head).get(reverse("discipline:case_edit", args=[open_case.pk])).status_code == 404


def test_attachments_are_served_only_to_case_readers_and_logged(county, client_for, open_case, settings):
    client = client_for(county.inspector)
    upload = SimpleUploadedFile("调查笔录.pdf", PDF, content_type="application/pdf")
    upload_url = reverse("discipline:attachment_upload", args=[open_case.pk])
    assert client.post(upload_url, {"file": upload}).status_code == 302
    attachment = open_case.attachments.get()
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - private storage has no URL
    response = client_for(county.orgadmin).get(reverse("discipline:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert CaseAccess.objects.filter(case=open_case, action="attachment", user=county.orgadmin).count() == 1
    for user in (county.head, county.staff, county.outsider):
        assert client_for(user).get(reverse("discipline:attachment_download", args=[attachment.pk])).status_code == 404
    settings.CASE_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", PDF * 5, content_type="application/pdf")
    refused = client.post(reverse("discipline:attachment_upload", args=[open_case.pk]), {"file": big})
    assert refused.status_code == 200 and refused.context["upload_form"].errors
    assert open_case.attachments.count() == 1


def test_appeal_decided_on_the_case_page(county, client_for, open_case, kinds):
    decision = decide(county, open_case, kinds["gov_demerit"])
    appeal = appeal_file(by=county.staff, decision=decision, grounds="事实认定有误")
    client = client_for(county.inspector)
    page = client.get(reverse("discipline:case_detail", args=[open_case.pk]))
    assert f'appeal-decide-{appeal.pk}' in page.content.decode()
    url = reverse("discipline:appeal_decide", args=[appeal.pk])
    missing = client.post(url, {f"a{appeal.pk}-outcome": "changed", f"a{appeal.pk}-note": "改为警告"})
    assert missing.status_code == 200 and "改为警告" in missing.content.decode()
    done = client.post(url, {f"a{appeal.pk}-outcome": "changed", f"a{appeal.pk}-note": "改为警告",
                             f"a{appeal.pk}-new_kind": kinds["gov_warning"].pk})
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.kind.code == "gov_warning" and decision.grade_cap == "competent"
    assert client_for(county.staff).post(url, {}).status_code == 404


def test_register_export_for_discipline_only(county, client_for, open_case):
    other = another_case(county, county.finance_official)
    response = client_for(county.inspector).get(reverse("discipline:case_export"), {"unit": "WL"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    cells = {cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None}
    assert open_case.number in cells and other.number not in cells
    assert list(CaseAccess.objects.filter(action="export").values_list("case_id", flat=True)) == [open_case.pk]
    for user in (county.orgadmin, county.head, county.staff, county.outsider):
        assert client_for(user).get(reverse("discipline:case_export")).status_code == 404


def test_inspection_of_another_bureau_sees_only_its_cases(county, client_for, open_case):
    other = another_case(county, county.finance_official)
    finance_inspector = UserFactory()
    RoleGrantFactory(user=finance_inspector, unit=county.finance, role="discipline")
    client = client_for(finance_inspector)
    assert [c.pk for c in client.get(reverse("discipline:case_list")).context["page"].object_list] == [other.pk]
    assert client.get(reverse("discipline:case_detail", args=[open_case.pk])).status_code == 404
    assert client.get(reverse("discipline:case_detail", args=[other.pk])).status_code == 200
    response = client.get(reverse("discipline:case_export"))
    assert response.status_code == 200
    assert list(CaseAccess.objects.filter(action="export").values_list("case_id", flat=True)) == [other.pk]


def test_the_subject_picker_searches_by_name_or_number_within_the_unit(county, client_for):
    client = client_for(county.inspector)
    url = reverse("org:official_search")

    def names(**params):
        return [o["name"] for o in client.get(url, {"scope": "case_subjects", **params}).json()["results"]]

    assert names(unit=county.culture.pk, q="李") == ["李科员"]
    assert names(unit=county.culture.pk, q=county.culture_official.staff_number) == ["赵主任"]
    assert names(unit=county.culture.pk, q="钱") == []  # another bureau's official is never offered under this unit
    assert names(q="钱") == ["钱科员"]  # without a unit, anyone in discipline inspection's scope
