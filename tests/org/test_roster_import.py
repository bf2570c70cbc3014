"""Roster import: good, bad and re-imported files; through the service, the page and the command."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from common.errors import ApplicationError
from org.models import Official, OrgUnit, PostAssignment, RosterImport, UnitCategory
from org.services import roster_import
from tests.org.roster_files import GOOD_OFFICIALS, GOOD_UNITS, OFFICIAL_HEADER, UNIT_HEADER, workbook

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(OrgUnit.objects.values_list("code", "name", "path")),
        sorted(Official.objects.values_list("staff_number", "name", "unit__code", "position_title")),
        PostAssignment.objects.count(),
    )


def test_good_file_creates_units_tree_officials_and_posts():
    result = roster_import(file=workbook(), by=None, filename="roster.xlsx")
    assert result.ok, result.errors
    assert (result.units_created, result.officials_created) == (5, 4)
    root = OrgUnit.objects.get(code="QH")
    culture = OrgUnit.objects.get(code="WL")
    section = OrgUnit.objects.get(code="WL02")
    assert culture.parent == root and section.parent == culture
    assert section.path.startswith(culture.path) and culture.path.startswith(root.path)
    assert culture.category == UnitCategory.objects.get(name="政府部门")
    wang = Official.objects.get(staff_number="A0001")
    assert (wang.name, wang.unit, wang.rank_level, wang.post_since) == ("王建国", culture, "leadership",
                                                                       dt.date(2019, 4, 1))
    zhao = Official.objects.get(staff_number="A0003")
    assert zhao.staffing_type == "contract" and zhao.is_party_member and zhao.is_active
    assert PostAssignment.objects.filter(official=wang, end_date__isnull=True, unit=culture).exists()
    assert RosterImport.objects.get().succeeded


def test_reimporting_the_same_file_updates_instead_of_duplicating():
    roster_import(file=workbook(), by=None)
    before = snapshot()
    result = roster_import(file=workbook(), by=None)
    assert result.ok
    assert (result.units_created, result.officials_created) == (0, 0)
    assert (result.units_updated, result.officials_updated) == (0, 0)
    assert snapshot() == before


def test_reimport_with_changes_updates_and_records_a_new_post():
    roster_import(file=workbook(), by=None)
    officials = [row[:] for row in GOOD_OFFICIALS]
    officials[1][4] = "WL02"  # 李娜 moves to another section
    officials[1][11] = "2024-03-01"
    units = [row[:] for row in GOOD_UNITS]
    units[3][1] = "旅游发展和推广科"  # renamed
    units[4][2] = "WL"  # the town is moved under the bureau (odd, but a move)
    result = roster_import(file=workbook(units, officials), by=None)
    assert result.ok, result.errors
    assert (result.units_updated, result.officials_updated) == (2, 1)
    li = Official.objects.get(staff_number="A0002")
    assert li.unit.code == "WL02" and li.post_since == dt.date(2024, 3, 1)
    posts = list(PostAssignment.objects.filter(official=li).order_by("start_date"))
    assert [(p.unit.code, p.end_date) for p in posts] == [("WL01", dt.date(2024, 3, 1)), ("WL02", None)]
    town = OrgUnit.objects.get(code="DH")
    assert town.parent.code == "WL" and town.path.startswith(OrgUnit.objects.get(code="WL").path)
    assert OrgUnit.objects.get(code="WL02").name == "旅游发展和推广科"


def test_bad_rows_are_all_reported_and_nothing_changes():
    roster_import(file=workbook(), by=None)
    before = snapshot()
    officials = [row[:] for row in GOOD_OFFICIALS] + [
        ["A0005", "", "男", "1980-01-01", "WL", "", "一般干部", "在编", "", "", "", "", ""],  # no name
        ["A0006", "孙丽", "女", "1980-13-01", "NOPE", "", "处级", "在编", "也许", "", "", "", ""],
        ["A0001", "重复", "男", "", "WL", "", "一般干部", "在编", "", "", "", "", ""],  # duplicate staff number
    ]
    officials[0][1] = "王建国（改）"  # a valid change that must not be applied
    units = [*GOOD_UNITS, ["XX", "新科室", "MISSING", "科室", "", "", ""]]
    result = roster_import(file=workbook(units, officials), by=None)
    assert not result.ok
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("人员", 6, "姓名") in found
    assert ("人员", 7, "出生日期") in found
    assert ("人员", 7, "职级层次") in found
    assert ("人员", 7, "是否党员") in found
    assert ("人员", 8, "工号") in found
    assert all(e.message for e in result.errors)
    # Unit-level problems are found once the file parses; they are reported too when alone.
    assert snapshot() == before
    assert Official.objects.get(staff_number="A0001").name == "王建国"
    assert not RosterImport.objects.latest("created_at").succeeded


def test_unknown_parent_and_unknown_unit_are_reported():
    units = [*GOOD_UNITS, ["XX", "新科室", "MISSING", "科室", "", "", ""]]
    officials = [*GOOD_OFFICIALS, ["A0009", "周明", "男", "", "NOPE", "", "一般干部", "在编", "", "", "", "", ""]]
    result = roster_import(file=workbook(units, officials), by=None)
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("单位", 7, "上级单位编码") in found
    assert ("人员", 6, "单位编码") in found
    assert not OrgUnit.objects.exists()


def test_a_parent_loop_is_refused():
    units = [["A", "甲", "B", "局", "", "", ""], ["B", "乙", "A", "局", "", "", ""]]
    result = roster_import(file=workbook(units, []), by=None)
    assert not result.ok
    assert any("循环" in e.message or "loop" in e.message for e in result.errors)


def test_missing_required_column_is_reported():
    header = [h for h in OFFICIAL_HEADER if h != "职级层次"]
    result = roster_import(file=workbook(GOOD_UNITS, [], official_header=header), by=None)
    assert [(e.sheet, e.column) for e in result.errors] == [("人员", "职级层次")]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"name,staff\n\xe5\xbc\xa0\xe4\xb8\x89,1\n", "not_xlsx"),
        (b"PK\x03\x04" + b"\x00" * 200, "malformed_xlsx"),
    ],
)
def test_files_that_are_not_xlsx_are_refused(content, code):
    with pytest.raises(ApplicationError) as caught:
        roster_import(file=BytesIO(content), by=None)
    assert caught.value.code in {code, "not_xlsx", "malformed_xlsx"}
    assert not OrgUnit.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是表格")
    with pytest.raises(ApplicationError) as caught:
        roster_import(file=buffer, by=None)
    assert caught.value.code == "malformed_xlsx"


def test_too_large_file_is_refused(settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ApplicationError) as caught:
        roster_import(file=workbook(), by=None)
    assert caught.value.code == "file_too_large"
    assert "MB" in caught.value.message


# -- through the browser page -----------------------------------------------------------------------
def upload(client, buffer, name="roster.xlsx"):
    data = buffer.getvalue() if hasattr(buffer, "getvalue") else buffer
    return client.post(reverse("org:roster_upload"), {"file": SimpleUploadedFile(name, data)})


def test_page_imports_a_good_file(county, client_for):
    client = client_for(county.orgadmin)
    units = [["QH", "清河县", "", "其他", "", 0, "是"], *GOOD_UNITS[1:]]
    response = upload(client, workbook(units, GOOD_OFFICIALS))
    assert response.status_code == 302
    assert Official.objects.filter(staff_number="A0004", unit__code="DH").exists()
    page = client.get(response["Location"]).content.decode()
    assert "导入完成" in page or "已导入" in page


def test_page_lists_every_bad_row_in_chinese(county, client_for):
    client = client_for(county.orgadmin)
    officials = [["B1", "", "男", "", "WL", "", "一般干部", "在编", "", "", "", "", ""]]
    response = upload(client, workbook(GOOD_UNITS[1:2], officials))
    body = response.content.decode()
    assert response.status_code == 200
    assert "人员" in body and "姓名" in body and "必填" in body
    assert not Official.objects.filter(staff_number="B1").exists()


def test_page_refuses_a_non_xlsx_file_with_a_message(county, client_for):
    response = upload(client_for(county.orgadmin), b"%PDF-1.4 not a workbook", name="roster.pdf")
    body = response.content.decode()
    assert response.status_code == 200 and "xlsx" in body


def test_org_department_below_root_cannot_touch_units_outside_scope(county, client_for):
    from tests.factories import RoleGrantFactory

    RoleGrantFactory(user=county.outsider, unit=county.finance, role="org")
    # WL exists outside the finance subtree; the top-level QH row cannot be touched either.
    response = upload(client_for(county.outsider), workbook(GOOD_UNITS[1:2], []))
    # The parent QH is outside the scope: it reads like a parent that does not exist, and the row says nothing
    # about WL being taken (issue 14).
    [error] = response.context["result"].errors
    assert (error.row, error.column) == (2, "上级单位编码") and "QH" in error.message
    assert OrgUnit.objects.get(code="WL").name == "文化和旅游局"


def test_template_downloads_with_the_expected_columns(county, client_for):
    response = client_for(county.orgadmin).get(reverse("org:roster_template"))
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert [c.value.rstrip("*") for c in wb["单位"][1]] == UNIT_HEADER
    assert [c.value.rstrip("*") for c in wb["人员"][1]] == OFFICIAL_HEADER


def test_the_template_itself_imports_cleanly_as_empty(county):
    from org.excel import roster_template

    result = roster_import(file=BytesIO(roster_template()), by=county.orgadmin)
    assert result.ok and result.officials_created == 0


# -- through the management command -----------------------------------------------------------------
def test_command_imports_and_exits_non_zero_on_errors(tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook().getvalue())
    call_command("import_roster", str(good))
    assert Official.objects.count() == 4

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(GOOD_UNITS, [["A9", "", "男", "", "WL", "", "", "", "", "", "", "", ""]]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_roster", str(bad))
    assert Official.objects.count() == 4

    with pytest.raises(CommandError):
        call_command("import_roster", str(tmp_path / "missing.xlsx"))


def test_an_official_who_leaves_has_their_post_closed():
    roster_import(file=workbook(), by=None)
    officials = [row[:] for row in GOOD_OFFICIALS]
    officials[1][12] = "离职"
    assert roster_import(file=workbook(GOOD_UNITS, officials), by=None).ok
    li = Official.objects.get(staff_number="A0002")
    assert not li.is_active and li.left_on is not None
    assert not PostAssignment.objects.filter(official=li, end_date__isnull=True).exists()
    assert "A0002" not in {o.staff_number for o in Official.objects.filter(is_active=True)}
