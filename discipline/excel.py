"""The case register (案件台账) as an Excel workbook, written as a stream with xlsxwriter.

One row per case and subject: the case (number, date, unit, source, rules, status, investigator, closing date),
the subject (name, rank level), and what became of them in it (decision kinds, dates, period, points, exempted
or revoked, error tolerance, appeal). The register is a case file: whoever exports it must log the read
(``case_register_export`` does both). It reads everything in a fixed number of queries (one per relation,
however many cases) and writes in xlsxwriter's constant-memory mode, rows strictly in order.

User text goes through ``common.excel.safe_text``, so no cell is ever read as a formula.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.excel import safe_text, streaming_workbook
from discipline.models import (
    Appeal,
    AppealOutcome,
    Case,
    CaseAccess,
    CaseSource,
    CaseStatus,
    Decision,
    DisciplineRule,
    RectificationStatus,
    ToleranceRequest,
    ToleranceStatus,
)
from org.models import Official, RankLevel, User

TITLE_ROWS = 2  # the title, then the time of export
HEADER_ROW = TITLE_ROWS
WIDTHS = [12, 11, 18, 10, 12, 12, 18, 16, 10, 20, 22, 22, 9, 14, 14, 14, 10, 11]


def register_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """``cases`` with everything the register shows loaded (replacing any earlier prefetch): six queries in all,
    whatever the number of cases."""
    return cases.prefetch_related(None).select_related("unit", "investigator").prefetch_related(
        Prefetch("subjects", queryset=Official.objects.order_by("name", "id")),
        Prefetch("rules", queryset=DisciplineRule.objects.order_by("code")),
        Prefetch("decisions", queryset=Decision.objects.select_related("kind").prefetch_related(
            Prefetch("appeals", queryset=Appeal.objects.order_by("filed_on", "id")),
        ).order_by("effective_date", "id")),
        Prefetch("tolerance_requests", queryset=ToleranceRequest.objects.order_by("created_at", "id")),
    )


def _day(value: object) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else ""


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


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
    from discipline.services.cases import record_access

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
    sheet = workbook.add_worksheet(_("Case register"))
    headers = [
        _("Case number"), _("Registered on"), _("Unit"), _("Subject"), _("Rank level"), _("Case source"),
        _("Source reference"), _("Rules broken"), _("Status"), _("Decisions"), _("Effective dates"),
        _("In force until"), _("Points deducted"), _("Exempted or revoked"), _("Error tolerance"),
        _("Appeal outcome"), _("Investigator"), _("Closed on"),
    ]
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    sheet.write_string(0, 0, _("Case register"), title_format)
    sheet.write_string(1, 0, _("Exported at %(time)s") % {
        "time": date_format(timezone.localtime(), "Y-m-d H:i")})
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
            mine = decisions.get(subject.pk, [])
            states = [exempted if d.exempted else revoked if d.revoked else "" for d in mine]
            appeals = [pending if a.is_pending else str(outcome_labels[a.outcome])
                       for d in mine for a in d.appeals.all()]
            texts = [
                case.number, _day(case.registered_on), case.unit.name, subject.name,
                str(rank_labels.get(subject.rank_level, subject.rank_level)),
                str(source_labels.get(case.source, case.source)), case.source_reference, rules,
                str(status_labels.get(case.status, case.status)),
                "；".join(d.kind.name for d in mine),
                "；".join(_day(d.effective_date) for d in mine),
                "；".join(_day(d.in_force_until) or "—" for d in mine) if any(d.in_force_until for d in mine) else "",
            ]
            for column, text in enumerate(texts):
                if text:
                    sheet.write_string(row, column, safe_text(text))
            if mine:
                sheet.write_number(row, 12, float(sum((d.points for d in mine), Decimal(0))), points_format)
            tail = ["；".join(s for s in states if s), _tolerance_text(tolerance.get(subject.pk, [])),
                    "；".join(appeals), _person(case.investigator), _day(case.closed_on)]
            for column, text in enumerate(tail, start=13):
                if text:
                    sheet.write_string(row, column, safe_text(text))
            row += 1
    workbook.close()
