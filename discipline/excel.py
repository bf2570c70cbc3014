"""The case register (案件台账) as an Excel workbook, written as a stream with xlsxwriter.

One row per decision (a subject without one: one row): the case (number, date, unit, source, rules, status,
investigator, closing date), the subject (name, rank level), and the decision (kind, date it takes effect, in
force until, points, exempted or revoked, appeal) with the subject's error tolerance. Dates are real Excel dates
(``common.excel.write_date``), so the register sorts and filters by them; hence a row per decision, as one cell
holds one date. The register is a case file: whoever exports it must log the read
(``case_register_export`` does both). It reads everything in a fixed number of queries (one per relation,
however many cases) and writes in xlsxwriter's constant-memory mode, rows strictly in order.

User text goes through ``common.excel.write_text``, so no cell is ever read as a formula.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.excel import date_format, streaming_workbook, write_date, write_text
from discipline.models import (
    AppealOutcome,
    Case,
    CaseAccess,
    CaseSource,
    CaseStatus,
    Decision,
    RectificationStatus,
    ToleranceRequest,
    ToleranceStatus,
)
from discipline.selectors.cases import register_cases
from discipline.services.cases import record_access
from org.models import RankLevel, User

TITLE_ROWS = 2  # the title, then the time of export
HEADER_ROW = TITLE_ROWS
WIDTHS = [12, 11, 18, 10, 12, 12, 18, 16, 10, 16, 11, 11, 9, 14, 14, 14, 10, 11]


def _person(user: User | None) -> str:
    """A person by name: their official's, else the account's full name (the login only when it has neither)."""
    if user is None:
        return ""
    official = getattr(user, "official", None)
    return official.name if official is not None else (user.get_full_name() or user.username)


def _tolerance_text(requests: Iterable[ToleranceRequest]) -> str:
    """The latest request's status, with its rectification when one is required."""
    latest = None
    for request in requests:
        latest = request
    if latest is None:
        return ""
    text = str(ToleranceStatus(latest.status).label)
    if latest.rectification_status:
        text += f"（{RectificationStatus(latest.rectification_status).label}）"
    return text


def write_case_register(cases: QuerySet[Case], stream: BinaryIO) -> None:
    """Write the case register of ``cases`` (already scoped by the caller) to ``stream`` as .xlsx."""
    _write(register_cases(cases), stream)


def case_register_export(*, user: User, cases: QuerySet[Case], stream: BinaryIO) -> None:
    """Log the export as a read of every case file in it, then write the register (the download view's job)."""
    items = list(register_cases(cases))
    record_access(user=user, cases=items, action=CaseAccess.Action.EXPORT)
    _write(items, stream)


def _write(cases: Iterable[Case], stream: BinaryIO) -> None:
    """Write the register of cases loaded by ``register_cases``."""
    workbook = streaming_workbook(stream)
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    header_format = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                                         "border": 1, "text_wrap": True, "valign": "vcenter"})
    points_format = workbook.add_format({"num_format": "0.00"})
    day_format = date_format(workbook)
    sheet = workbook.add_worksheet(_("Case register"))
    headers = [
        _("Case number"), _("Registered on"), _("Unit"), _("Subject"), _("Rank level"), _("Case source"),
        _("Source reference"), _("Rules broken"), _("Status"), _("Decisions"), _("Effective date"),
        _("In force until"), _("Points deducted"), _("Exempted or revoked"), _("Error tolerance"),
        _("Appeal outcome"), _("Investigator"), _("Closed on"),
    ]
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    sheet.write_string(0, 0, _("Case register"), title_format)
    sheet.write_string(1, 0, _("Exported at %(time)s") % {
        "time": formats.date_format(timezone.localtime(), "Y-m-d H:i")})
    for column, header in enumerate(headers):
        sheet.write_string(HEADER_ROW, column, header, header_format)

    rank_labels = dict(RankLevel.choices)
    source_labels = dict(CaseSource.choices)
    status_labels = dict(CaseStatus.choices)
    outcome_labels = dict(AppealOutcome.choices)
    exempted, revoked, pending = _("Exempted"), _("Revoked on appeal"), _("Appeal pending")

    row = HEADER_ROW + 1
    for case in cases:
        rules = "、".join(rule.code for rule in case.rules.all())
        decisions: dict[int, list[Decision]] = defaultdict(list)
        for decision in case.decisions.all():
            decisions[decision.official_id].append(decision)
        tolerance: dict[int, list[ToleranceRequest]] = defaultdict(list)
        for request in case.tolerance_requests.all():
            tolerance[request.official_id].append(request)
        for subject in case.subjects.all():
            tolerance_text = _tolerance_text(tolerance.get(subject.pk, []))
            mine: list[Decision | None] = list(decisions.get(subject.pk, [])) or [None]
            for entry in mine:
                texts = {
                    0: case.number, 2: case.unit.name, 3: subject.name,
                    4: str(rank_labels.get(subject.rank_level, subject.rank_level)),
                    5: str(source_labels.get(case.source, case.source)), 6: case.source_reference, 7: rules,
                    8: str(status_labels.get(case.status, case.status)), 14: tolerance_text,
                    16: _person(case.investigator),
                }
                write_date(sheet, row, 1, case.registered_on, day_format)
                write_date(sheet, row, 17, case.closed_on, day_format)
                if entry is not None:
                    appeals = [pending if a.is_pending else str(outcome_labels[a.outcome])
                               for a in entry.appeals.all()]
                    texts.update({9: entry.kind.name,
                                  13: exempted if entry.exempted else revoked if entry.revoked else "",
                                  15: "；".join(appeals)})
                    write_date(sheet, row, 10, entry.effective_date, day_format)
                    write_date(sheet, row, 11, entry.in_force_until, day_format)
                    sheet.write_number(row, 12, float(entry.points), points_format)
                for column, text in sorted(texts.items()):
                    if text:
                        write_text(sheet, row, column, text)
                row += 1
    workbook.close()
