"""Small Excel helpers shared by every import and export: safe opening, cell parsing, and the one writer every
workbook the product writes goes through — exports and import templates alike (``streaming_workbook`` with
``safe_text``/``write_text`` for text and ``date_format``/``write_date`` for real Excel dates; openpyxl only
reads). Collecting an import's problems is ``common.imports``."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import IO, Any

import xlsxwriter
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as WorkbookType

from common.errors import ApplicationError

# A cell starting with one of these is read as a formula by a spreadsheet once it is edited or re-imported.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The most characters a spreadsheet cell holds; xlsxwriter would cut a longer string and say nothing.
CELL_MAX = 32_767

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook to download under its (Chinese) file name; the header encodes it as RFC 6266 asks."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
# A real roster is a few MB unpacked; refuse "zip bombs" that would unpack to far more.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class CellError:
    """One problem in an uploaded sheet, located as a person would find it in Excel."""

    sheet: str
    row: int
    column: str
    message: str


def open_xlsx(file: IO[bytes], *, max_bytes: int) -> WorkbookType:
    """Open an uploaded .xlsx read-only, or raise ``ApplicationError`` with a message in Chinese."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise ApplicationError(_("The file is empty."), code="empty_file")
    if size > max_bytes:
        raise ApplicationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": round(max_bytes / 1048576, 1)},
            code="file_too_large",
        )
    if not zipfile.is_zipfile(file):
        raise ApplicationError(_("The file is not an Excel .xlsx workbook."), code="not_xlsx")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ApplicationError(_("The workbook unpacks to an unreasonable size."), code="file_too_large")
        file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)
    except ApplicationError:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ApplicationError(
            _("The workbook could not be read; save it again as .xlsx and retry."), code="malformed_xlsx"
        ) from exc


def iter_data_rows(ws: Any, width: int, first_row: int = 2) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield ``(excel_row_number, values)`` for non-blank rows below the header."""
    for number, values in enumerate(ws.iter_rows(min_row=first_row, values_only=True), start=first_row):
        padded = tuple(values[:width]) + (None,) * max(0, width - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in padded):
            continue
        yield number, padded


def cell_text(value: Any) -> str:
    """Return a cell as trimmed text; whole numbers lose Excel's ``.0`` (staff numbers, codes)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def cell_date(value: Any) -> date | None:
    """Return a cell as a date; accept Excel dates and 2024-01-31, 2024/1/31, 2024.1.31, 20240131."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}


def cell_bool(value: Any, *, default: bool) -> bool:
    text = cell_text(value).lower()
    if value is None or text == "":
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(text)


# (header, required, width) — how every import template describes its columns.
Column = tuple[str, bool, int]


def template_workbook(
    guide: list[str], sheets: list[tuple[str, list[Column], dict[int, list[str]]]], *, max_rows: int
) -> bytes:
    """Return an import template: a guide sheet, then one input sheet per ``(title, columns, drop_downs)``, written
    by the one workbook writer (``streaming_workbook``) like every export.

    Required columns are marked with ``*``; ``drop_downs`` maps a 0-based column index to its allowed values.
    """
    buffer = BytesIO()
    wb = streaming_workbook(buffer, in_memory=True)
    header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79"})
    guide_sheet = wb.add_worksheet("填写说明")
    guide_sheet.set_column(0, 0, 100)
    for row, line in enumerate(guide):
        write_text(guide_sheet, row, 0, line)
    for index, (title, columns, drop_downs) in enumerate(sheets):
        ws = wb.add_worksheet(title)
        for column, (name, required, width) in enumerate(columns):
            ws.set_column(column, column, width)
            write_text(ws, 0, column, f"{name}*" if required else name, header)
        ws.freeze_panes(1, 0)
        for column, labels in drop_downs.items():
            ws.data_validation(1, column, max_rows - 1, column,
                               {"validate": "list", "source": labels, "ignore_blank": True})
        if index == 0:
            ws.activate()  # open on the first input sheet, the guide one click away
    wb.close()
    return buffer.getvalue()


# -- writing ------------------------------------------------------------------------------------------------


def safe_text(value: Any) -> str:
    """Return ``value`` as text that no spreadsheet will read as a formula (a leading quote where needed).

    A text too long for a cell stops the export (``ApplicationError``) rather than being cut: every text the
    product stores fits (``common.text_limits``), so only a column joining many texts could get there, and each
    such column bounds what it joins (a task's milestones, for one)."""
    text = "" if value is None else str(value)
    text = "'" + text if text.startswith(FORMULA_STARTS) else text
    if len(text) > CELL_MAX:
        raise ApplicationError(
            _("A cell of this export would hold %(n)s characters, more than the %(max)s a spreadsheet cell holds; "
              "the export was stopped rather than cut the text.") % {"n": len(text), "max": CELL_MAX},
            code="cell_too_long")
    return text


def streaming_workbook(target: Any, **options: Any) -> xlsxwriter.Workbook:
    """Open the workbook every export writes: xlsxwriter in constant-memory mode (rows strictly in order, flat
    memory however many rows), strings never turned into formulas, links or numbers. Write user text with
    ``write_text``."""
    return xlsxwriter.Workbook(target, {
        "constant_memory": True, "tmpdir": tempfile.gettempdir(), "strings_to_formulas": False,
        "strings_to_urls": False, "strings_to_numbers": False, **options,
    })


def write_text(sheet: Any, row: int, column: int, value: Any, cell_format: Any = None) -> None:
    """Write ``value`` as a text cell that is never a formula."""
    sheet.write_string(row, column, safe_text(value), cell_format)


DATE_FORMAT = {"num_format": "yyyy-mm-dd"}


def date_format(workbook: xlsxwriter.Workbook, **properties: Any) -> Any:
    """Return a cell format that shows a date as 2026-01-31 (add it once per workbook, pass it to
    ``write_date``)."""
    return workbook.add_format({**DATE_FORMAT, **properties})


def write_date(sheet: Any, row: int, column: int, value: date | None, cell_format: Any) -> None:
    """Write ``value`` as a real Excel date (a serial number shown through ``cell_format``, see ``date_format``),
    so the column sorts, filters and computes as dates; ``None`` leaves the cell empty."""
    if value is None:
        return
    if isinstance(value, datetime):
        value = value.date()  # a day, never a time: aware datetimes cannot be written at all
    sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), cell_format)
