"""Grade names by personnel category (issue 13, item 4): 事业单位 staff read 合格 / 基本合格 / 不合格 where civil
servants read 称职 / 基本称职 / 不称职 — on the grades page, the annual procedure's pages, the written notice and
its print copy, the review, the results page, the registration form, the register, the notifications and the
API — while the stored codes stay the same; 不合格 two years running flags a contract-termination review; 编外
staff are outside the appraisal unless the setting lets them in.

The assertions compare with ``grade_label`` (so they hold in English and Chinese) and check that the other set's
word is absent from the same cell."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from appraisal.constraints import constraints_for
from appraisal.display.grade_labels import grade_choices, grade_heading, grade_label, uses_qualified_grades
from appraisal.display.registration import form_title
from appraisal.models import AnnualProcedure, Grade, GradeDecision, GradeNotice, GradeStatus, Stage
from appraisal.selectors.results import QUALIFIED_NOTES, RULES
from appraisal.services.exports import register_write
from appraisal.services.grades import FLAG_CONTRACT_REVIEW, FLAG_DISMISSAL_REVIEW, flags_for, grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.registration import registration_forms_write
from appraisal.services.reviews import review_decide, review_request
from common.models import Notification
from org.models import PersonnelCategory
from tests.appraisal.annual_helpers import ready_to_confirm, to_stage
from tests.appraisal.factories import FinalGradeFactory, ScorecardFactory, staff_in
from tests.factories import OfficialFactory, UserFactory, period

C, B, I = Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT  # noqa: E741
INST, CIVIL = PersonnelCategory.INSTITUTION, PersonnelCategory.CIVIL_SERVANT
API = "/api/v1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_helper_names_each_code_for_each_category():
    with override("zh-hans"):
        assert grade_label(C, INST) == str(grade_label(C, INST))
        for code in (C, B, I):
            civil, inst = grade_label(code, CIVIL), grade_label(code, INST)
            assert civil != inst and "称职" in civil and "合格" in inst and "称职" not in inst
            assert grade_label(code, PersonnelCategory.MANAGED_AS_CIVIL_SERVANT) == civil
            assert grade_label(code, None) == civil
        for code in (Grade.EXCELLENT, Grade.UNDETERMINED, Grade.NOT_APPRAISED):
            assert grade_label(code, INST) == grade_label(code, CIVIL) == str(Grade(code).label)
    assert grade_label("", INST) == "" and grade_label(None) == "" and grade_label("odd", INST) == "odd"
    assert uses_qualified_grades(INST) and uses_qualified_grades(PersonnelCategory.NON_ESTABLISHMENT)
    assert not uses_qualified_grades(CIVIL) and not uses_qualified_grades(None)
    assert grade_heading(C) == f"{grade_label(C)}/{grade_label(C, INST)}"
    assert grade_heading(Grade.EXCELLENT) == grade_label(Grade.EXCELLENT)
    assert dict(grade_choices(INST, [C, B]))[B] == grade_label(B, INST)
    rendered = Template("{% load grade_labels %}{{ code|grade_label:category }}|{{ code|grade_label }}").render(
        Context({"code": I, "category": INST}))
    assert rendered == f"{grade_label(I, INST)}|{grade_label(I)}"


def test_flags_two_years_unqualified_is_a_contract_review_for_institution_staff():
    assert flags_for(I, I, "", CIVIL) == [FLAG_DISMISSAL_REVIEW]
    assert flags_for(I, I, "", INST) == [FLAG_CONTRACT_REVIEW]
    assert flags_for(I, I, "", PersonnelCategory.NON_ESTABLISHMENT) == [FLAG_CONTRACT_REVIEW]
    assert flags_for(I, "", "", INST) == [] and flags_for(I, I, "") == [FLAG_DISMISSAL_REVIEW]


# -- a bureau with both kinds of staff -------------------------------------------------------------------------
@pytest.fixture
def mixed(county):
    """Culture in 2026: a civil servant and a 事业单位 official at 80 (称职 / 合格), one of each at 50 who were
    不称职 / 不合格 in 2025 too, and an 编外 official; the grades proposed."""
    inst = OfficialFactory(name="孙馆员", unit=county.culture_office, personnel_category=INST,
                           user=UserFactory(username="inst"))
    ScorecardFactory(official=inst, unit=county.culture, period=period("2026"), total=80)
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=period("2026"), total=80)
    [civil_low] = staff_in(county.culture_office, county.culture, [50], name="周科员")
    [inst_low] = staff_in(county.culture_office, county.culture, [50], name="吴馆员", personnel_category=INST)
    [outside] = staff_in(county.culture_office, county.culture, [85], name="郑临聘",
                         personnel_category=PersonnelCategory.NON_ESTABLISHMENT, staffing_type="contract")
    for person in (civil_low, inst_low):
        FinalGradeFactory(period=period("2025"), official=person, unit=county.culture, proposed=I)
    grades_propose(period=period("2026"), by=county.orgadmin)
    return {"inst": inst, "civil": county.staff_official, "civil_low": civil_low, "inst_low": inst_low,
            "outside": outside}


def cell(html: str, official_id: int, testid: str) -> str:
    """The text of the cell ``testid`` in the grades page's row of an official."""
    row = re.search(rf'data-official="{official_id}">(.*?)</tr>', html, re.S)
    assert row, official_id
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</td>', row.group(1), re.S)
    assert found, (official_id, testid)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_proposal_flags_and_the_grades_page_name_each_official_s_grade(county, client_for, mixed):
    rows = {g.official_id: g for g in GradeDecision.objects.filter(period=period("2026"))}
    assert rows[mixed["inst"].pk].proposed == C == rows[mixed["civil"].pk].proposed  # the codes stay the same
    assert rows[mixed["inst_low"].pk].flags == [FLAG_CONTRACT_REVIEW]
    assert rows[mixed["civil_low"].pk].flags == [FLAG_DISMISSAL_REVIEW]
    ready_to_confirm(county, county.culture)
    response = client_for(county.orgadmin).get(reverse("appraisal:grades"), {"period": "2026", "unit": "WL"})
    html = response.content.decode()
    inst, civil = cell(html, mixed["inst"].pk, "proposed"), cell(html, mixed["civil"].pk, "proposed")
    assert inst == grade_label(C, INST) and "称职" not in inst
    assert civil == grade_label(C, CIVIL)
    assert cell(html, mixed["inst_low"].pk, "proposed") == grade_label(I, INST)
    assert 'data-testid="flag-contract_review"' in html and 'data-testid="flag-dismissal_review"' in html
    assert 'data-testid="category"' in html  # the 事业单位 badge beside the name
    form = response.context["confirm_form"]
    assert dict(form.fields[f"grade_{mixed['inst'].pk}"].choices)[C] == grade_label(C, INST)
    assert dict(form.fields[f"grade_{mixed['civil'].pk}"].choices)[C] == grade_label(C, CIVIL)
    # Confirming keeps the flags by category (the confirmation recomputes them).
    grade_confirm_unit(period=period("2026"), unit=county.culture, by=county.orgadmin)
    assert GradeDecision.objects.get(official=mixed["inst_low"], period=period("2026")).flags == [FLAG_CONTRACT_REVIEW]


def test_non_establishment_staff_are_not_appraised_unless_the_setting_lets_them_in(county, mixed, settings):
    outside = GradeDecision.objects.get(official=mixed["outside"], period=period("2026"))
    assert outside.proposed == Grade.NOT_APPRAISED
    [constraint] = outside.constraints
    assert constraint["source"] == "category" and constraint["reason"]
    assert str(PersonnelCategory.NON_ESTABLISHMENT.label) in constraint["reason"]
    assert constraints_for(2026, [mixed["inst"].pk]) == {}
    settings.APPRAISAL_APPRAISED_CATEGORIES = [*settings.APPRAISAL_APPRAISED_CATEGORIES, "non_establishment"]
    grades_propose(period=period("2026"), by=county.orgadmin)
    outside.refresh_from_db()
    assert outside.proposed == C and outside.constraints == []
    settings.APPRAISAL_APPRAISED_CATEGORIES = ["civil_servant"]  # a county that appraises only civil servants
    assert set(constraints_for(2026, [mixed["inst"].pk, mixed["civil"].pk])) == {mixed["inst"].pk}


@pytest.fixture
def final(county, mixed):
    to_stage(county, county.culture, Stage.FINAL)
    return mixed


def test_written_notice_print_copy_and_my_appraisal_say_qualified(county, client_for, final):
    inst_client = client_for(final["inst"].user)
    notice = GradeNotice.objects.get(official=final["inst"], is_current=True)
    assert notice.grade_value == C
    for name in ("appraisal:grade_notice_detail", "appraisal:grade_notice_print"):
        html = inst_client.get(reverse(name, args=[notice.pk])).content.decode()
        shown = re.search(r'data-testid="notice-grade">(.*?)<', html).group(1)
        assert shown == grade_label(C, INST) and "称职" not in shown
    civil_notice = GradeNotice.objects.get(official=final["civil"], is_current=True)
    html = client_for(county.staff).get(reverse("appraisal:grade_notice_detail", args=[civil_notice.pk])).content
    assert re.search(r'data-testid="notice-grade">(.*?)<', html.decode()).group(1) == grade_label(C, CIVIL)
    mine = inst_client.get(reverse("appraisal:annual_mine")).content.decode()
    assert grade_label(C, INST) in mine and grade_label(C, CIVIL) not in mine
    procedure = AnnualProcedure.objects.get(unit=county.culture, period=period("2026"))
    signatures = client_for(county.orgadmin).get(
        reverse("appraisal:procedure_signatures", args=[procedure.pk])).content.decode()
    assert grade_label(C, INST) in signatures and grade_label(C, CIVIL) in signatures
    # The notification of the written notice names the grade as the official reads it.
    title = Notification.objects.get(user=final["inst"].user, kind="grade_notice").title
    assert grade_label(C, INST) in title and "称职" not in title


def test_a_review_names_the_grades_for_the_official(county, client_for, final):
    notice = GradeNotice.objects.get(official=final["inst"], is_current=True)
    review = review_request(notice=notice, by=final["inst"].user, reason="请求复核", today=date(2026, 11, 10))
    org = client_for(county.orgadmin)
    page = org.get(reverse("appraisal:review_detail", args=[review.pk]))
    assert dict(page.context["form"].fields["grade"].choices)[B] == grade_label(B, INST)
    assert grade_label(C, INST) in page.content.decode()
    review_decide(review=review, by=county.orgadmin, outcome="changed", reason="核实后调整", grade=B)
    title = Notification.objects.filter(user=final["inst"].user, kind="review_decided").get().title
    assert grade_label(B, INST) in title and "称职" not in title
    listing = org.get(reverse("appraisal:review_list")).content.decode()
    assert f"<td>{grade_label(C, INST)}</td>" in listing and f"→ {grade_label(B, INST)}" in listing
    assert "称职" not in listing
    api = org.get(f"{API}/grade-reviews/{review.pk}/").json()
    assert (api["previous_grade"], api["previous_grade_label"]) == (C, grade_label(C, INST))
    assert (api["new_grade"], api["new_grade_label"]) == (B, grade_label(B, INST))


def test_the_api_gives_the_label_beside_the_code(county, client_for, final):
    org = client_for(county.orgadmin)
    rows = {r["official"]: r for r in org.get(f"{API}/grades/", {"period": "2026"}).json()["results"]}
    inst, civil = rows[final["inst"].pk], rows[final["civil"].pk]
    assert (inst["grade"], inst["final"], inst["proposed"]) == (C, C, C)
    assert inst["personnel_category"] == INST and civil["personnel_category"] == CIVIL
    assert inst["grade_label"] == inst["final_label"] == inst["proposed_label"] == grade_label(C, INST)
    assert civil["grade_label"] == civil["final_label"] == grade_label(C, CIVIL)
    assert rows[final["inst_low"].pk]["flags"] == [FLAG_CONTRACT_REVIEW]
    mine = client_for(final["inst"].user).get(f"{API}/grade-notices/").json()["results"]
    assert [(n["grade"], n["grade_label"]) for n in mine] == [(C, grade_label(C, INST))]
    cards = {c["official"]: c for c in org.get(f"{API}/scorecards/", {"period": "2026"}).json()["results"]}
    assert (cards[final["inst"].pk]["grade"], cards[final["inst"].pk]["grade_label"]) == (C, grade_label(C, INST))
    assert cards[final["civil"].pk]["grade_label"] == grade_label(C, CIVIL)
    ranking = org.get(reverse("appraisal:ranking"), {"period": "2026"}).content.decode()
    assert grade_label(C, INST) in ranking and grade_label(C, CIVIL) in ranking


def test_registration_form_and_register_read_back_with_the_right_names(county, final, tmp_path):
    out = tmp_path / "forms.xlsx"
    registration_forms_write(period=period("2026"), unit=county.culture, target=str(out))
    wb = load_workbook(out)

    def texts(ws) -> list[str]:
        return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]

    inst = wb[final["inst"].name]
    assert inst["A1"].value == form_title("2026", INST) != form_title("2026")
    assert grade_label(C, INST) in texts(inst) and not any("称职" in t for t in texts(inst))
    civil = wb[final["civil"].name]
    assert civil["A1"].value == form_title("2026") and grade_label(C, CIVIL) in texts(civil)

    register = tmp_path / "register.xlsx"
    register_write(period=period("2026"), target=str(register), unit=county.culture)
    wb = load_workbook(register, read_only=True)
    rows = {r[1]: r for r in wb.worksheets[0].iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows[final["inst"].name][13] == grade_label(C, INST)
    assert rows[final["civil"].name][13] == grade_label(C, CIVIL)
    assert rows[final["inst_low"].name][13] == grade_label(I, INST)
    header = next(wb.worksheets[1].iter_rows(max_row=1, values_only=True))
    assert grade_heading(C) in header and grade_heading(I) in header  # both names where both kinds of staff mix


def test_the_results_lists_name_the_grades_and_the_institution_consequence(county, client_for, final):
    org = client_for(county.orgadmin)
    html = org.get(reverse("appraisal:results"), {"year": "2026", "list": "dismissal"}).content.decode()
    inst = re.search(rf'data-official="{final["inst_low"].pk}">(.*?)</tr>', html, re.S).group(1)
    civil = re.search(rf'data-official="{final["civil_low"].pk}">(.*?)</tr>', html, re.S).group(1)
    assert grade_label(I, INST) in inst and "不称职" not in inst
    assert grade_label(I, CIVIL) in civil
    with override("zh-hans"):  # the page's language: the note of each row's consequence
        assert escape(str(QUALIFIED_NOTES["dismissal"])) in inst and escape(str(RULES["dismissal"].note)) not in inst
        assert escape(str(RULES["dismissal"].note)) in civil


def test_the_comment_pages_offer_the_official_s_grade_names(county, client_for, mixed):
    procedure = to_stage(county, county.culture, Stage.COMMENTS)
    head = client_for(county.head)
    listing = head.get(reverse("appraisal:procedure_comments", args=[procedure.pk])).content.decode()
    assert grade_label(C, INST) in listing and grade_label(C, CIVIL) in listing
    grade = GradeDecision.objects.get(official=mixed["inst"], period=period("2026"))
    page = head.get(reverse("appraisal:comment_edit", args=[procedure.pk, grade.pk]))
    assert dict(page.context["form"].fields["head_grade"].choices)[B] == grade_label(B, INST)
    assert grade_label(C, INST) in page.content.decode()
    refused = head.post(reverse("appraisal:comment_edit", args=[procedure.pk, grade.pk]),
                        {"comment": "工作认真", "head_grade": B, "head_reason": ""})
    assert refused.status_code == 400
    with override("zh-hans"):
        message = gettext("Your proposal differs from the proposal of the scores (%(grade)s): give the reason.") % {
            "grade": grade_label(C, INST)}
    assert escape(message) in refused.content.decode()


def test_the_grade_names_cost_no_query_per_row(county, client_for):
    """The grades page and the results list read the category with the official they already join."""
    client = client_for(county.orgadmin)
    counts = []
    for extra in (1, 6):
        staff_in(county.culture_office, county.culture, [80] * extra, personnel_category=INST)
        staff_in(county.culture_office, county.culture, [75] * extra)
        grades_propose(period=period("2026"), by=county.orgadmin)
        GradeDecision.objects.filter(period=period("2026")).update(final=I, status=GradeStatus.FINAL)
        with CaptureQueriesContext(connection) as grades_page:
            client.get(reverse("appraisal:grades"), {"period": "2026", "unit": "WL"})
        with CaptureQueriesContext(connection) as results_page:
            listed = client.get(reverse("appraisal:results"), {"year": "2026", "list": "adjustment"})
        counts.append((len(grades_page.captured_queries), len(results_page.captured_queries)))
        assert len(listed.context["rows"]) == 2 * (1 if extra == 1 else 7)
    assert counts[0] == counts[1]
