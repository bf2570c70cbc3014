"""The case register (案件台账): one row per decision (or subject without one), real Excel dates, safe text, a
constant number of queries."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from discipline.excel import HEADER_ROW, case_register_export, write_case_register
from discipline.models import (
    AppealOutcome,
    Case,
    CaseAccess,
    CaseSource,
    CaseStatus,
    DisciplineRule,
    RectificationStatus,
    ToleranceStatus,
)
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from discipline.services.tolerance import tolerance_decide, tolerance_review
from org.models import RankLevel
from tests.discipline.factories import AppealFactory, ToleranceRequestFactory
from tests.discipline.test_api import build_cases
from tests.factories import OfficialFactory


def read(cases) -> list[list[object]]:
    stream = BytesIO()
    write_case_register(cases, stream)
    stream.seek(0)
    sheet = load_workbook(stream, read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def day(value: dt.date) -> dt.datetime:
    """A date as openpyxl reads back a cell holding a real Excel date (a number shown with a date format)."""
    return dt.datetime(value.year, value.month, value.day)


def test_register_rows_per_decision_with_excel_dates(county, kinds, open_case):
    case = case_register(by=county.inspector, unit=county.culture_office, title="=HYPERLINK(\"x\")",
                         subjects=[county.culture_official, county.head_official], source="complaint",
                         source_reference="=1+1", facts="事实", registered_on=dt.date(2026, 1, 5),
                         rules=DisciplineRule.objects.filter(code__in=["BZ-1", "BZ-2"]))
    case = case_transition(by=county.inspector, case=case, to="investigating")
    warning = decision_record(by=county.inspector, case=case, official=county.culture_official,
                              kind=kinds["gov_warning"], effective_date=dt.date(2026, 2, 1))
    decision_record(by=county.inspector, case=case, official=county.culture_official,
                    kind=kinds["party_warning"], effective_date=dt.date(2026, 2, 1))
    decision_record(by=county.inspector, case=case, official=county.head_official, kind=kinds["admonishment"],
                    effective_date=dt.date(2026, 2, 3))
    AppealFactory(decision=warning, filed_on=dt.date(2026, 2, 10), grounds="不服", outcome="upheld")
    request = ToleranceRequestFactory(case=case, official=county.head_official, requested_by=county.head,
                                      statement="为公", for_public_good=True)
    request = tolerance_review(by=county.inspector, request=request, supports=True, opinion="同意")
    tolerance_decide(by=county.orgadmin, request=request, approve=True, note="免责", rectification="整改",
                     rectification_due=dt.date(2026, 6, 30))
    case_transition(by=county.inspector, case=case, to="decided")
    case_transition(by=county.inspector, case=case, to="closed")
    case.refresh_from_db()

    rows = read(Case.objects.order_by("registered_on"))
    assert rows[0][0] == _("Case register")
    assert rows[HEADER_ROW] == [_(h) for h in (
        "Case number", "Registered on", "Unit", "Subject", "Rank level", "Case source", "Source reference",
        "Rules broken", "Status", "Decisions", "Effective date", "In force until", "Points deducted",
        "Exempted or revoked", "Error tolerance", "Appeal outcome", "Investigator", "Closed on")]
    body = rows[HEADER_ROW + 1:]
    assert len(body) == 4  # the first case: one subject's decision, the other's two; the open case: its subject
    wang, zhao_1, zhao_2, li = body  # subjects by name, decisions by date
    assert zhao_1[:9] == [case.number, day(dt.date(2026, 1, 5)), "文旅局办公室", "赵主任", RankLevel.MIDDLE.label,
                          CaseSource.COMPLAINT.label, "'=1+1", "BZ-1、BZ-2", CaseStatus.CLOSED.label]
    assert zhao_1[9:13] == ["警告", day(dt.date(2026, 2, 1)), day(dt.date(2026, 7, 31)), 5]
    assert zhao_2[:9] == zhao_1[:9]
    assert zhao_2[9:13] == ["党内警告", day(dt.date(2026, 2, 1)), day(dt.date(2027, 1, 31)), 5]
    assert zhao_1[13] is None and zhao_1[14] is None and zhao_1[15] == AppealOutcome.UPHELD.label
    assert zhao_2[15] is None  # the appeal was against the warning only
    assert zhao_1[16] == "inspector" and zhao_1[17] == day(case.closed_on)
    assert wang[3] == "王局长" and wang[9] == "诫勉" and wang[12] == 5
    assert wang[13] == _("Exempted") and wang[15] is None
    assert wang[14] == f"{ToleranceStatus.APPROVED.label}（{RectificationStatus.PENDING.label}）"
    assert li[0] == open_case.number and li[3] == "李科员" and li[8] == CaseStatus.INVESTIGATING.label
    assert li[1] == day(open_case.registered_on)
    assert li[9] is None and li[10] is None and li[12] is None and li[17] is None
    # Nothing written is a formula, and the case title (with its facts) is not in the register at all.
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in rows for v in row)


def test_register_costs_a_constant_number_of_queries(county, kinds):
    build_cases(county, kinds, 1)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = read(Case.objects.order_by("id"))
        return len(captured.captured_queries), len(rows)

    small, small_rows = queries()
    more = build_cases(county, kinds, 5)
    more[0].subjects.add(*[OfficialFactory(unit=county.culture_office) for _ in range(3)])
    large, large_rows = queries()
    assert large == small == 6
    assert large_rows == small_rows + 5 * 2 + 3


def test_the_export_is_logged_as_a_read_of_every_case(county, kinds):
    cases = build_cases(county, kinds, 3)
    stream = BytesIO()
    with CaptureQueriesContext(connection) as captured:
        # A list view's queryset may come with its own prefetch: the register replaces it.
        case_register_export(user=county.inspector, cases=Case.objects.prefetch_related("subjects").order_by("id"),
                             stream=stream)
    assert len(captured.captured_queries) == 7  # six reads, one insert into the access log
    assert sorted(CaseAccess.objects.filter(action="export").values_list("case_id", flat=True)) == sorted(
        c.pk for c in cases)
    stream.seek(0)
    assert load_workbook(stream, read_only=True).worksheets[0].max_row == HEADER_ROW + 1 + 6
