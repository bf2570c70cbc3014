"""年度考核登记表: the workbook (one sheet per official, the form's texts, text never a formula, print setup), the
zip of the whole county (one workbook per top-level unit), the export job with its progress, refusals, a query
count that does not grow with the officials, the print page (own, head, organization department; 404 for others),
and the print setup of the existing register."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from appraisal.display.registration import form_title, local_date
from appraisal.excel.registration import MAX_LINES, line_count, sheet_name, wrap_rows
from appraisal.models import AnnualSummary, ExportJob, GradeDecision, GradeNotice, SignStatus
from appraisal.selectors.exports import export_filename
from appraisal.services import exports
from appraisal.services import registration as svc
from appraisal.services.exports import register_write
from appraisal.services.grades import grades_propose
from common.errors import ApplicationError
from tests.appraisal.annual_helpers import (
    SECTIONS,
)
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.appraisal.worlds import DISAGREE, LONG, OVERRIDE, STAFF_COMMENT, STAFF_SECTIONS, finalize_unit
from tests.factories import RoleGrantFactory, UserFactory, period


@pytest.fixture(autouse=True)
def _zh_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("zh-hans"):
        yield


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def beside(ws, label: str, column: int = 1, offset: int = 1):
    """The cell ``offset`` columns right of the first cell holding ``label`` in ``column`` (1 = A)."""
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == label:
            return ws.cell(row=row[0].row, column=column + offset)
    raise AssertionError(f"no {label!r} in column {column}")


def test_one_sheet_per_official_with_the_form(county, year, tmp_path):
    out = tmp_path / "forms.xlsx"
    assert svc.registration_forms_write(period=year, unit=county.culture, target=str(out)) == 3
    wb = load_workbook(out)
    # In the unit's order: the bureau itself, then its sections (办公室, 旅游发展科).
    assert wb.sheetnames == ["王局长", "赵主任", "李科员"]

    ws = wb["李科员"]
    assert ws["A1"].value == form_title("2026") and "2026" in ws["A1"].value
    assert beside(ws, _("Name")).value == "李科员"
    assert beside(ws, _("Unit")).value == "文化和旅游局 旅游发展科"
    assert beside(ws, _("Rank and level"), column=5, offset=2).value == "一般干部"
    # 个人总结: each section beside its heading; a formula-looking text stays text; the long one over several rows.
    morality = beside(ws, _("Form section: morality"), column=2)
    assert morality.data_type == "s" and morality.value == "'" + STAFF_SECTIONS["morality"]
    assert beside(ws, _("Form section: achievements"), column=2).value == "完成全部任务\n第二段"
    assert sum(text.count("业") for text in texts(ws)) == 1500
    assert all((d.height or 0) <= 409 for d in ws.row_dimensions.values())
    # 评语, the head's proposal and name; the committee; the final grade; the official's opinion and its date.
    comment = beside(ws, _("Comment of the head in charge and proposed grade"))
    assert comment.value == "'" + STAFF_COMMENT
    note = ws.cell(row=comment.row + 1, column=2).value
    assert "称职" in note and "王局长" in note and "年" in note
    assert "称职" in beside(ws, _("Opinion of the appraisal committee")).value
    assert beside(ws, _("Annual appraisal grade")).value == "称职"
    opinion = beside(ws, _("Own opinion"))
    assert opinion.value == f"{_('Opinion: disagree')}\n{DISAGREE}"
    signed = GradeNotice.objects.get(official=county.staff_official).signed_at
    assert ws.cell(row=opinion.row + 1, column=2).value == _("Signed on %(date)s") % {"date": local_date(signed)}

    marked_down = wb["赵主任"]
    committee = beside(marked_down, _("Opinion of the appraisal committee")).value
    assert "基本称职" in committee and OVERRIDE in committee
    assert beside(marked_down, _("Own opinion")).value == _("Unsigned")
    assert beside(wb["王局长"], _("Own opinion")).value == _("Opinion: agree")


def test_a_missing_summary_leaves_the_others_matched(county, year, tmp_path):
    # The summaries are read in the grades' order and matched in one pass: a gap must not shift the rest.
    AnnualSummary.objects.filter(official=county.culture_official).delete()
    out = tmp_path / "forms.xlsx"
    svc.registration_forms_write(period=year, unit=county.culture, target=str(out))
    wb = load_workbook(out)
    assert beside(wb["赵主任"], _("Form section: morality"), column=2).value in (None, "")
    assert _("The summary has not been submitted.") in texts(wb["赵主任"])
    assert beside(wb["李科员"], _("Form section: achievements"), column=2).value == "完成全部任务\n第二段"
    assert beside(wb["王局长"], _("Form section: integrity"), column=2).value == SECTIONS["integrity"]


def test_each_sheet_prints_on_a4_portrait_one_page_wide_with_titles(county, year, tmp_path):
    out = tmp_path / "forms.xlsx"
    svc.registration_forms_write(period=year, unit=county.culture, target=str(out))
    for ws in load_workbook(out).worksheets:
        assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0  # None: the default 1
        assert ws.print_title_rows == "$1:$2"
        assert ws.print_options.horizontalCentered
        assert ws.page_margins.left == 0.6 and ws.page_margins.top == 0.75
        assert ws.oddFooter.center.text == _("Page &P") and ws.oddFooter.left.text == ws.title
        assert ws.page_setup.firstPageNumber in (None, 1) and ws.page_setup.useFirstPageNumber  # restart at 1
        assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}


def test_a_form_not_yet_final_and_a_pending_notice(county, year, tmp_path):
    out = tmp_path / "forms.xlsx"
    svc.registration_forms_write(period=year, unit=county.finance, target=str(out))
    ws = load_workbook(out).worksheets[0]
    assert ws.title == "钱科员"
    assert beside(ws, _("Own opinion")).value in (None, "")  # the notice waits for the signature
    GradeDecision.objects.filter(official=county.finance_official).update(status="notice")
    svc.registration_forms_write(period=year, unit=county.finance, target=str(out))
    ws = load_workbook(out).worksheets[0]
    assert beside(ws, _("Annual appraisal grade")).value == _("Not final yet: under public notice")


def test_the_county_zip_holds_one_workbook_per_top_level_unit(county, year, tmp_path):
    out = tmp_path / "forms.zip"
    assert svc.registration_forms_write(period=year, unit=None, target=str(out)) == 4
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        # By the units' order (CZ before WL).
        assert names == [svc.forms_file_name("财政局", "2026"), svc.forms_file_name("文化和旅游局", "2026")]
        books = [load_workbook(io.BytesIO(archive.read(name))) for name in names]
    assert [b.sheetnames for b in books] == [["钱科员"], ["王局长", "赵主任", "李科员"]]
    # An organization department over the culture bureau only gets its own bureau.
    bureau_org = UserFactory(username="wl-org")
    RoleGrantFactory(user=bureau_org, unit=county.culture, role="org")
    assert svc.registration_forms_write(period=year, unit=None, target=str(out), by=bureau_org) == 3
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [svc.forms_file_name("文化和旅游局", "2026")]


def test_the_export_job_runs_with_progress_and_downloads_as_zip(county, year, client_for, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    monkeypatch.setattr(svc, "PROGRESS_EVERY", 2)
    seen: list[tuple[int, int]] = []
    real_write = exports.registration_job_write

    def watched(job, *, target, progress):
        def spy(done: int, total: int) -> None:
            progress(done, total)
            seen.append(ExportJob.objects.values_list("progress", "rows").get(pk=job.pk))

        return real_write(job, target=target, progress=spy)

    monkeypatch.setattr(exports, "registration_job_write", watched)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = svc.registration_export_start(by=county.orgadmin, period=year)
    assert job.status == ExportJob.Status.QUEUED and job.kind == ExportJob.Kind.FORMS and len(callbacks) == 1
    callbacks[0]()  # the Celery job (eager)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100 and job.rows == 4
    assert seen == [(50, 2), (99, 4), (99, 4)]
    assert job.file.name.endswith(".zip")
    assert exports.export_run(job_id=job.pk) is None  # a second delivery does nothing

    client = client_for(county.orgadmin)
    download = client.get(reverse("appraisal:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert export_filename(job) == _("%(year)s annual appraisal registration forms (all units).zip") % {
        "year": "2026"}
    assert download["Content-Disposition"].startswith("attachment") and ".zip" in download["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert len(archive.namelist()) == 2
    api = client.get(f"/api/v1/export-jobs/{job.pk}/download/")
    assert api.status_code == 200 and api["Content-Type"] == "application/zip"


def test_a_unit_job_from_the_page_and_the_api_gives_a_workbook(county, year, client_for,
                                                                 django_capture_on_commit_callbacks):
    client = client_for(county.orgadmin)
    page = client.get(reverse("appraisal:exports"), {"kind": "forms", "period": "2026", "unit": "WL"})
    form = page.context["form"]
    assert form["kind"].value() == "forms" and form["period"].value() == "2026" and form["unit"].value() == "WL"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appraisal:export_start"), {"kind": "forms", "period": "2026", "unit": "WL"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.kind == ExportJob.Kind.FORMS and job.status == ExportJob.Status.DONE and job.rows == 3
    download = client.get(reverse("appraisal:export_download", args=[job.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert export_filename(job) == svc.forms_file_name("文化和旅游局", "2026")
    assert export_filename(job).startswith("文化和旅游局-2026") and export_filename(job).endswith(".xlsx")
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).sheetnames == ["王局长", "赵主任", "李科员"]
    listed = client.get(reverse("appraisal:exports"))
    assert str(ExportJob.Kind.FORMS.label) in listed.content.decode()

    # A month is refused on the page, and by the service behind the API.
    period("2026-10")
    refused = client.post(reverse("appraisal:export_start"), {"kind": "forms", "period": "2026-10"})
    assert refused.status_code == 200 and refused.context["form"].errors["period"]

    with django_capture_on_commit_callbacks(execute=True):
        api = client.post("/api/v1/export-jobs/", {"kind": "forms", "period": "2026", "unit": "CZ"},
                          content_type="application/json")
    assert api.status_code == 201 and api.json()["kind"] == "forms"
    poll = client.get(f"/api/v1/export-jobs/{api.json()['id']}/").json()
    assert poll["status"] == "done" and poll["rows"] == 1 and poll["unit"] == "CZ"
    month = client.post("/api/v1/export-jobs/", {"kind": "forms", "period": "2026-10"},
                        content_type="application/json")
    assert month.status_code == 400 and month.json()["code"] == "not_a_year"
    head = client_for(county.head).post("/api/v1/export-jobs/", {"kind": "forms", "period": "2026"},
                                        content_type="application/json")
    assert head.status_code == 400 and head.json()["code"] == "forbidden"


def test_only_the_organization_department_in_scope_starts_an_export(county, year):
    with pytest.raises(ApplicationError) as refused:
        svc.registration_export_start(by=county.head, period=year)
    assert refused.value.code == "forbidden"
    bureau_org = UserFactory(username="wl-org")
    RoleGrantFactory(user=bureau_org, unit=county.culture, role="org")
    with pytest.raises(ApplicationError) as refused:
        svc.registration_export_start(by=bureau_org, period=year, unit=county.finance)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        svc.registration_export_start(by=county.orgadmin, period=period("2026-10"))
    assert refused.value.code == "not_a_year"
    with pytest.raises(ApplicationError) as refused:
        svc.registration_export_start(by=county.orgadmin, period=period("2025"))
    assert refused.value.code == "no_grades"
    assert not ExportJob.objects.exists()


def test_the_query_count_does_not_grow_with_the_officials(county, tmp_path):
    staff_in(county.culture_office, county.culture, [80] * 2)
    staff_in(county.finance_office, county.finance, [80] * 8)
    grades_propose(period=period("2026"), by=county.orgadmin)
    finalize_unit(county, county.culture)
    finalize_unit(county, county.finance)
    counts = []
    year = period("2026")
    for unit, n in ((county.culture, 2), (county.finance, 8)):
        with CaptureQueriesContext(connection) as queries:
            assert svc.registration_forms_write(period=year, unit=unit, target=str(tmp_path / "f.xlsx")) == n
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 4  # count, grades, summaries, notices
    with CaptureQueriesContext(connection) as queries:
        assert svc.registration_forms_write(period=year, unit=None, target=str(tmp_path / "f.zip")) == 10
    assert len(queries.captured_queries) == counts[0]


def test_the_print_page_for_the_official_their_head_and_the_organization_department(county, year, client_for):
    grade = GradeDecision.objects.get(official=county.staff_official)
    url = reverse("appraisal:registration_form", args=[grade.pk])
    assert url == f"/appraisal/registration/{grade.pk}/"
    for user in (county.staff, county.head, county.orgadmin):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        page = response.content.decode()
        assert form_title("2026") in page and "李科员" in page and DISAGREE in page
        assert "css/registration_form.css" in page
        assert page.count('data-testid="summary-section"') == 5 and LONG in page
    colleague = GradeDecision.objects.get(official=county.culture_official).official.user
    assert client_for(colleague).get(url).status_code == 404  # another official of the unit
    printed = (Path(settings.BASE_DIR) / "static" / "css" / "registration_form.css").read_text()
    assert "@media print" in printed and "size: A4 portrait" in printed
    assert client_for(county.outsider).get(url).status_code == 404
    assert client_for(county.staff).get(reverse("appraisal:registration_form", args=[999999])).status_code == 404
    unsigned = GradeDecision.objects.get(official=county.culture_official)
    assert GradeNotice.objects.get(grade=unsigned).status == SignStatus.UNSIGNED
    assert _("Unsigned") in client_for(county.orgadmin).get(
        reverse("appraisal:registration_form", args=[unsigned.pk])).content.decode()


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    assert sheet_name("王伟", used) == "王伟"
    assert sheet_name("王伟", used) == "王伟(2)"
    assert sheet_name("a/b[c]:d*e?f\\g", used) == "abcdefg"
    long = "长" * 40
    assert sheet_name(long, used) == "长" * 31
    assert sheet_name(long, used) == "长" * 28 + "(2)"
    assert sheet_name("History", used) == "History(2)"
    assert sheet_name("'", used) == _("Form")


def test_long_texts_are_cut_into_rows_that_fit():
    width = 66
    chunks = wrap_rows("第一段\n" + LONG + "\n末段", width)
    assert len(chunks) > 1 and all(lines <= MAX_LINES for _text, lines in chunks)
    assert "".join(text for text, _n in chunks).replace("\n", "") == "第一段" + LONG + "末段"
    assert wrap_rows("", width) == [("", 1)]
    assert line_count("abc", width) == 1 and line_count("字" * 60, width) == 2 and line_count("字\n字", width) == 2


def test_the_register_prints_landscape_fit_to_width_with_titles_and_page_numbers(county, tmp_path):
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=period("2026-10"))
    out = tmp_path / "r.xlsx"
    register_write(period=period("2026-10"), target=str(out))
    wb = load_workbook(out)
    for ws, titles in zip(wb.worksheets, ("$1:$3", "$1:$1"), strict=True):
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows == titles
        assert ws.page_margins.left > 0
        footer = ws.oddFooter.center.text
        assert footer == _("Page &P of &N") and "&P" in footer and "&N" in footer
