"""The personnel category of an official (公务员, 参照公务员法管理, 事业单位, 编外): imported from the roster by its
Chinese label (a blank keeps what is known, a new contract hire is 编外), in the roster template's drop-down,
shown on the officials list and page, filtered there and in the API."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from org.excel import CATEGORY_CHOICES, OFFICIAL_COLUMNS, roster_template
from org.models import Official, PersonnelCategory
from org.services import roster_import
from tests.factories import OfficialFactory
from tests.org.roster_files import GOOD_OFFICIALS, workbook

pytestmark = pytest.mark.django_db
CATEGORY_COLUMN = [name for name, _r, _w in OFFICIAL_COLUMNS].index("人员类别")


def with_categories(categories: dict[str, str]) -> list[list[str]]:
    """The good officials' rows with the 人员类别 cell filled in for some staff numbers."""
    rows = []
    for row in GOOD_OFFICIALS:
        row = [*row, *[""] * (len(OFFICIAL_COLUMNS) - len(row))]
        row[CATEGORY_COLUMN] = categories.get(row[0], "")
        rows.append(row)
    return rows


def categories() -> dict[str, str]:
    return dict(Official.objects.values_list("staff_number", "personnel_category"))


def test_the_import_reads_the_chinese_labels_and_defaults_by_staffing_type():
    result = roster_import(file=workbook(officials=with_categories({"A0001": "公务员", "A0002": "事业单位",
                                                                      "A0004": "参公"})), by=None)
    assert result.ok, result.errors
    assert categories() == {"A0001": "civil_servant", "A0002": "institution",
                            "A0003": "non_establishment",  # blank, 编外聘用: 编外
                            "A0004": "managed_as_civil_servant"}


def test_a_blank_keeps_the_category_and_a_label_changes_it():
    roster_import(file=workbook(officials=with_categories({"A0002": "事业单位"})), by=None)
    result = roster_import(file=workbook(), by=None)  # the earlier template, without the column
    assert result.ok and result.officials_updated == 0
    assert categories()["A0002"] == "institution"
    result = roster_import(file=workbook(officials=with_categories({"A0002": "参照公务员法管理", "A0003": "编外"})),
                           by=None)
    assert result.ok and result.officials_updated == 1
    assert categories()["A0002"] == "managed_as_civil_servant"
    assert Official.history.filter(staff_number="A0002").count() == 2  # the change is in the history


def test_an_unknown_category_is_reported_and_nothing_changes():
    result = roster_import(file=workbook(officials=with_categories({"A0002": "合同工"})), by=None)
    assert not result.ok and not Official.objects.exists()
    [error] = result.errors
    assert (error.column, error.row) == ("人员类别", 3) and "合同工" in error.message
    assert all(label in error.message for label in CATEGORY_CHOICES)


def test_the_template_has_the_column_with_its_drop_down():
    wb = load_workbook(BytesIO(roster_template()))
    ws = wb["人员"]
    header = [c.value for c in ws[1]]
    assert header[CATEGORY_COLUMN] == "人员类别"
    lists = [v.formula1 for v in ws.data_validations.dataValidation if "N" in str(v.sqref)]
    assert lists == ['"公务员,参照公务员法管理,事业单位,编外"']
    assert any("人员类别" in (c.value or "") for c in wb["填写说明"]["A"])


def test_the_list_page_shows_and_filters_the_category_and_the_detail_shows_it(county, client_for):
    librarian = OfficialFactory(name="孙馆员", unit=county.culture_office,
                                personnel_category=PersonnelCategory.INSTITUTION)
    client = client_for(county.orgadmin)
    url = reverse("org:official_list")
    response = client.get(url, {"personnel_category": "institution"})
    assert [o.name for o in response.context["page"].object_list] == ["孙馆员"]
    assert str(PersonnelCategory.INSTITUTION.label) in response.content.decode()
    assert len(client.get(url, {"personnel_category": "civil_servant"}).context["page"].object_list) == 4
    detail = client.get(reverse("org:official_detail", args=[librarian.pk])).content.decode()
    assert 'data-testid="personnel-category"' in detail and str(PersonnelCategory.INSTITUTION.label) in detail


def test_the_api_gives_and_filters_the_category(county, client_for):
    OfficialFactory(name="孙馆员", unit=county.culture_office, personnel_category=PersonnelCategory.INSTITUTION)
    client = client_for(county.orgadmin)
    rows = client.get("/api/v1/officials/", {"personnel_category": "institution"}).json()["results"]
    assert [(r["name"], r["personnel_category"]) for r in rows] == [("孙馆员", "institution")]
    everyone = client.get("/api/v1/officials/").json()["results"]
    assert {r["personnel_category"] for r in everyone} == {"civil_servant", "institution"}
    assert client.get("/api/v1/officials/", {"personnel_category": "nonsense"}).status_code == 400
