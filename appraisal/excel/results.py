"""The use-of-results lists (结果运用) as Excel workbooks: title rows, a frozen header, landscape A4 fitted to the
page width with the header repeated on every page. Written by xlsxwriter in constant-memory mode; every text goes
through ``common.excel.safe_text``. The rows come from ``appraisal.selectors.results``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod
from appraisal.selectors.results import FILE_NAMES, ResultList, ResultRow
from common.excel import safe_text, streaming_workbook
from org.models import RankLevel, User
from org.selectors import access_for

TITLE_ROWS = 2  # the title, then the scope and the time of export
HEADER_ROW = TITLE_ROWS


def result_file_name(period: AppraisalPeriod, kind: str) -> str:
    return f"{period.key}年度考核结果运用-{FILE_NAMES[ResultList(kind)]}.xlsx"


def result_scope_label(user: User) -> str:
    """Name the units a user's lists cover (their organization-department grants), without a query."""
    access = access_for(user)
    if access.is_superuser:
        return _("all units")
    paths = set(access.paths(("org",)))
    return "、".join(g.unit_name for g in access.grants if g.role == "org" and g.unit_path in paths)


def result_workbook_write(
    *, target: str | IO[bytes], rows: Sequence[ResultRow], period: AppraisalPeriod, kind: str, scope: str,
) -> None:
    """Write a list as an .xlsx to ``target`` (a path or a binary file)."""
    workbook = streaming_workbook(target)
    try:
        title_format = workbook.add_format({"bold": True, "font_size": 14})
        header_format = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                                             "border": 1, "text_wrap": True, "valign": "vcenter"})
        cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        number = workbook.add_format({"border": 1, "valign": "top", "num_format": "0"})
        label = ResultList(kind).label
        ws = workbook.add_worksheet(str(label)[:31])
        headers = [_("No."), _("Name"), _("Unit"), _("Post"), _("Rank level"),
                   _("%(year)s grade") % {"year": period.key}, _("Grades that put the official on the list"),
                   _("Earlier final grades"), _("Note")]
        widths = [6, 10, 22, 18, 12, 10, 26, 22, 48]
        for column, width in enumerate(widths):
            ws.set_column(column, column, width)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.center_horizontally()
        ws.set_footer("&C" + _("Page &P of &N"))
        ws.freeze_panes(HEADER_ROW + 1, 0)
        ws.write_string(0, 0, safe_text(_("%(year)s annual appraisal results: %(list)s")
                                        % {"year": period.key, "list": label}), title_format)
        ws.write_string(1, 0, safe_text(_("Scope: %(scope)s · %(count)s officials · exported %(time)s")
                                        % {"scope": scope, "count": len(rows),
                                           "time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}))
        for column, header in enumerate(headers):
            ws.write_string(HEADER_ROW, column, header, header_format)
        ranks = {value: str(text) for value, text in RankLevel.choices}
        for index, row in enumerate(rows, start=1):
            r = HEADER_ROW + index
            official = row.official
            ws.write_number(r, 0, index, number)
            ws.write_string(r, 1, safe_text(official.name), cell)
            ws.write_string(r, 2, safe_text(official.unit.name), cell)
            ws.write_string(r, 3, safe_text(official.position_title), cell)
            ws.write_string(r, 4, ranks.get(official.rank_level, official.rank_level), cell)
            ws.write_string(r, 5, safe_text(row.years[-1].label), cell)
            ws.write_string(r, 6, safe_text("；".join(f"{y.year} {y.label}" for y in row.triggering)), cell)
            ws.write_string(r, 7, safe_text("；".join(f"{y.year} {y.label}" for y in row.earlier)), cell)
            ws.write_string(r, 8, safe_text(" ".join(row.notes)), cell)
    finally:
        workbook.close()
