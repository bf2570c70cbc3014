"""Journey (issue 15 item 7): `orgadmin` uploads a roster with five problems of different stages — a wrong gender
and a date that is not one (format), a staff number twice (duplicate), a unit that does not exist (reference), a
new top-level unit (a rule of the scope) — and sees all five in one upload, nothing imported; the refused upload
is in the history with its problems. The corrected file goes through, and the history shows both uploads."""

from __future__ import annotations

import pytest

from org.models import Official, OrgUnit, RosterImport
from tests.e2e.conftest import sign_in
from tests.org.roster_files import workbook

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSON = ["一般干部", "在编", "否", "", "", "", "在职"]


def _upload(page, name: str, content: bytes) -> None:
    page.locator("input[name=file]").set_input_files(files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()


def test_roster_upload_lists_every_problem_at_once(county, live_server, page, screenshot):
    units = [["QH2", "新县", "", "其他", "", 0, "是"]]
    officials = [
        ["C0001", "周明", "男的", "1980-13-01", "NOPE", "科员", *PERSON],
        ["C0001", "吴芳", "女", "1988-05-01", "WL02", "科员", *PERSON],
    ]
    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/roster/import/")
    _upload(page, "花名册（有误）.xlsx", workbook(units, officials).getvalue())
    summary = page.get_by_test_id("import-errors-summary")
    summary.wait_for()
    assert "5" in summary.inner_text()
    table = page.get_by_test_id("import-errors")
    cells = [[c.strip() for c in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]
    assert [row[:3] for row in cells] == [
        ["单位", "2", "上级单位编码"], ["人员", "2", "性别"], ["人员", "2", "出生日期"], ["人员", "2", "单位编码"],
        ["人员", "3", "工号"]]
    assert "NOPE" in cells[3][3] and "2" in cells[4][3]
    assert not Official.objects.filter(staff_number="C0001").exists()
    assert not OrgUnit.objects.filter(code="QH2").exists()
    history = page.get_by_test_id("import-history")
    history.get_by_test_id("import-history-refused").locator("summary").click()  # open the stored problems
    assert history.get_by_test_id("import-history-refused").locator("li").count() == 5
    screenshot("imports-01-roster-five-problems-in-one-upload")

    # The corrected file goes through; the history keeps both uploads.
    officials = [["C0001", "周明", "男", "1980-03-01", "WL02", "科员", *PERSON],
                 ["C0002", "吴芳", "女", "1988-05-01", "WL02", "科员", *PERSON]]
    _upload(page, "花名册.xlsx", workbook([], officials).getvalue())
    page.get_by_test_id("import-history").wait_for()
    assert page.get_by_test_id("import-errors").count() == 0
    assert Official.objects.filter(staff_number__in=["C0001", "C0002"], unit__code="WL02").count() == 2
    rows = page.get_by_test_id("import-history-row")
    assert rows.count() == 2 and "花名册.xlsx" in rows.first.inner_text()
    assert [r.succeeded for r in RosterImport.objects.order_by("created_at")] == [False, True]
    screenshot("imports-02-roster-corrected-and-history")
