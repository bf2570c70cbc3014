"""The training ledger (培训台账) export: rows checked by opening the file; scope."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from openpyxl import load_workbook

from org.models import User
from tests.training.factories import ExternalTrainingFactory
from training.excel import write_ledger
from training.models import AttendanceStatus, ExternalStatus, SessionKind
from training.views.ledger import ledger_export

from .test_feed import attend, make_session


def _data(county) -> None:
    study = make_session(county.culture, date(2026, 3, 6), hours="4", title="=HYPERLINK(\"x\")",
                         lecturer=county.culture_official)
    attend(study, county.staff_official, AttendanceStatus.ABSENT)
    attend(study, county.head_official, AttendanceStatus.PRESENT, hours="4")
    later = make_session(county.culture_tourism, date(2026, 4, 10), kind=SessionKind.PARTY_CLASS, hours="3")
    attend(later, county.staff_official, AttendanceStatus.PRESENT, hours="3")
    ExternalTrainingFactory(official=county.staff_official, title="网络学院", provider="干部网络学院",
                            started_on=date(2026, 5, 1), ended_on=date(2026, 5, 3), hours=Decimal("10"),
                            status=ExternalStatus.APPROVED)
    ExternalTrainingFactory(official=county.staff_official, title="待审", provider="党校",
                            started_on=date(2026, 6, 1), ended_on=date(2026, 6, 2), hours=Decimal("8"))
    make_session(county.finance, date(2026, 3, 6))  # another bureau's session: not in this ledger


def _sheets(content: bytes) -> tuple[list[tuple], list[tuple]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    officials, sessions = workbook.worksheets
    return (list(officials.iter_rows(min_row=4, values_only=True)),
            list(sessions.iter_rows(min_row=4, values_only=True)))


def test_ledger_rows(county, tmp_path):
    _data(county)
    target = tmp_path / "ledger.xlsx"
    assert write_ledger(str(target), unit=county.culture, year=2026, today=date(2026, 12, 31)) == 3
    officials, sessions = _sheets(target.read_bytes())
    by_number = {row[2]: row for row in officials}
    assert set(by_number) == {county.head_official.staff_number, county.staff_official.staff_number,
                              county.culture_official.staff_number}  # not the finance official
    staff = by_number[county.staff_official.staff_number]
    assert staff[1] == "李科员"
    assert staff[4:9] == (3, 10, 13, 90, 90)  # sessions, approved external only, total, target, pro-rata
    assert staff[10:] == (1, 0)  # one unexcused absence, no lecture
    assert by_number[county.culture_official.staff_number][11] == 1  # gave the lecture
    assert [row[2] for row in sessions] == ["'=HYPERLINK(\"x\")", "学习 2026-04-10"]  # escaped, in order
    assert sessions[0][7:10] == (1, 0, 1)  # attended, excused, absent


def _get(user: User | AnonymousUser, **params: str):
    request = RequestFactory().get("/training/ledger/export/", params)
    request.user = user
    return ledger_export(request)


def test_export_view_for_head_and_org_only(county):
    _data(county)
    response = _get(county.head, unit="WL", year="2026")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    officials, _sessions = _sheets(b"".join(response.streaming_content))
    assert len(officials) == 3
    assert _get(county.orgadmin, unit="CZ", year="2026").status_code == 200
    for user, unit, year in ((county.head, "CZ", "2026"), (county.staff, "WL", "2026"),
                             (county.outsider, "WL", "2026"), (county.head, "NOPE", "2026"),
                             (county.head, "WL", "abc")):
        with pytest.raises(Http404):
            _get(user, unit=unit, year=year)
    assert _get(AnonymousUser(), unit="WL").status_code == 302
