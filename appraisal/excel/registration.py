"""The annual appraisal registration form (公务员年度考核登记表) as an Excel workbook: one sheet per official, laid
out like the paper form and set up to print on A4 portrait (one page wide, title rows repeated, centred).

Each form is a ``RegistrationEntry`` of display texts (``appraisal.display.registration``), the same entry the
print page in the browser shows.

The workbook is written by xlsxwriter in constant-memory mode, like the register (``appraisal.excel.register``):
a row is flushed to the sheet's temporary file as soon as a later row is written, so every sheet is written
strictly top to bottom. Two consequences shape the code below:

- a label spanning several rows (``个人总结`` beside its five sections) is merged with ``merge_range`` *without*
  a format (which writes nothing below the first row), and each covered cell below is written, formatted, when
  its own row is written (``_FormSheet.start_row``);
- a long text is split over several rows (``wrap_rows``): Excel rows are at most 409 points high, and a section
  of the summary may hold 5,000 characters. Row heights are estimated from the text's width (a CJK character is
  about two column-width units at 10.5 pt) because no spreadsheet grows a row for wrapped text written by a
  program until the row is edited.

Every text goes through ``common.excel.safe_text`` and ``write_string``: nothing the officials wrote becomes a
formula.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Iterator
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from appraisal.display.registration import RegistrationEntry, local_date
from common.excel import safe_text, streaming_workbook

# -- layout (column widths in Excel's units: the width of a "0" in the default font) -------------------------
COLUMN_WIDTHS = (12, 6, 16, 11, 11, 12, 16)  # A label · B section · C–G text; 84 units ≈ 16.5 cm
LAST_COLUMN = len(COLUMN_WIDTHS) - 1
FONT = "宋体"  # SimSun, the usual font of the paper forms; LibreOffice falls back to an installed CJK font
FONT_SIZE = 10.5  # 五号
LINE_POINTS = 15.0  # one wrapped line of 10.5-pt CJK text, with the leading LibreOffice's CJK fonts use
ROW_PADDING = 6.0
MAX_LINES = 10  # lines in one row: 156 pt, under Excel's 409-pt limit; small rows fill the pages (a row never splits)
FIELD_ROW_POINTS = 24.0
SHEET_NAME_MAX = 31
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")



# -- text measurement ----------------------------------------------------------------------------------------
def text_width(text: str) -> int:
    """Return the width of a text in column units: 1 for a Latin character, 2 for a CJK or full-width one."""
    narrow = len(text.encode("latin-1", "ignore"))  # C speed: counts the characters below U+0100
    return 2 * len(text) - narrow


def line_count(text: str, width: int) -> int:
    """Estimate the wrapped lines of a text in a cell ``width`` units wide. Measured with LibreOffice (Noto CJK for
    SimSun, Carlito for the default Calibri): a 66-unit cell holds about 34 CJK characters a line, 32 estimated
    here — rows come out a little tall rather than cutting text off."""
    usable = max(width - 1, 4)
    return sum(max(1, math.ceil(text_width(paragraph) / usable)) for paragraph in text.split("\n"))


def _pieces(paragraph: str, width: int, max_lines: int) -> Iterator[str]:
    """Cut a paragraph too long for one row into pieces of at most ``max_lines`` lines (by characters, assuming
    the widest ones: the estimate only has to keep each row under the limit)."""
    if line_count(paragraph, width) <= max_lines:
        yield paragraph
        return
    step = max(1, (width - 1) // 2 * max_lines)
    for start in range(0, len(paragraph), step):
        yield paragraph[start:start + step]


def wrap_rows(text: str, width: int, max_lines: int = MAX_LINES) -> list[tuple[str, int]]:
    """Split a text into row-sized chunks of whole paragraphs where possible; return each with its lines."""
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    lines = 0
    for paragraph in text.split("\n"):
        for piece in _pieces(paragraph, width, max_lines):
            n = line_count(piece, width)
            if current and lines + n > max_lines:
                chunks.append(("\n".join(current), lines))
                current, lines = [], 0
            current.append(piece)
            lines += n
    if current or not chunks:
        chunks.append(("\n".join(current), max(lines, 1)))
    return chunks


def row_height(lines: int) -> float:
    return round(lines * LINE_POINTS + ROW_PADDING, 1)


def sheet_name(name: str, used: set[str]) -> str:
    """Return a valid, unique sheet name for an official: invalid characters removed, at most 31 characters,
    ``(2)``, ``(3)``… added to a repeated name (Excel compares sheet names without case)."""
    base = INVALID_SHEET_CHARS.sub("", name).strip().strip("'").strip() or _("Form")
    base = base[:SHEET_NAME_MAX]
    candidate, n = base, 1
    while candidate.casefold() in used or candidate.casefold() == "history":  # "History" is reserved by Excel
        n += 1
        suffix = f"({n})"
        candidate = base[:SHEET_NAME_MAX - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def footer_text(text: str) -> str:
    """Escape ``&`` (a header/footer control character) in a text put into a footer."""
    return text.replace("&", "&&")


# -- the workbook --------------------------------------------------------------------------------------------
TITLE_POINTS, DATE_POINTS = 36.0, 20.0  # the two rows repeated on every printed page
MARGIN_TOP = MARGIN_BOTTOM = 0.75  # inches
# A4 is 11.69 in tall; the rows fit at 100 % (84 units ≈ 470 pt across, 509 pt between the side margins), so a page
# holds this many points of rows, less a little for the programs' rounding.
PAGE_POINTS = (11.69 - MARGIN_TOP - MARGIN_BOTTOM) * 72 - 12


class _FormSheet:
    """Rows of one sheet written top to bottom, with the cells that vertical merges cover filled in row by row,
    and the printed pages followed, so a box (a label over several rows) is moved whole to the next page rather
    than cut under its label (``keep_together``)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0
        self.covered: dict[int, list[tuple[int, Format]]] = {}
        self.page_used = 0.0
        self.breaks: list[int] = []

    def start_row(self, height: float) -> int:
        r = self.row
        self.ws.set_row(r, height)
        for column, cell_format in self.covered.pop(r, []):
            self.ws.write_blank(r, column, None, cell_format)
        if self.page_used + height > PAGE_POINTS:  # the spreadsheet moves a row that does not fit to a new page
            self.page_used = TITLE_POINTS + DATE_POINTS
        self.page_used += height
        self.row += 1
        return r

    def keep_together(self, height: float) -> None:
        """Start a new page before a box of ``height`` points that would cross the page's end but fits a page."""
        if self.page_used + height > PAGE_POINTS and height <= PAGE_POINTS - TITLE_POINTS - DATE_POINTS:
            self.breaks.append(self.row)
            self.page_used = TITLE_POINTS + DATE_POINTS

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        """Record a merged range, as ``merge_range`` does, without its checks and padding: a form's ranges never
        overlap, and every cell of a range is written, with its format, by the methods below. (``merge_range``
        costs a tenth of the whole export; 8 ranges a form.)"""
        self.ws.merge.append([first_row, first_column, last_row, last_column])

    def text(self, r: int, first: int, last: int, value: str, cell_format: Format, *, pad: bool = True) -> None:
        """Write a text in the cells ``first``…``last`` of row ``r`` (merged when more than one). The other cells
        of the range get the format too, for the borders of the merged area — unless ``pad`` is off (no border)."""
        self.ws.write_string(r, first, safe_text(value), cell_format)
        if last > first:  # horizontal only: every cell of the range is on this row
            if pad:
                for column in range(first + 1, last + 1):
                    self.ws.write_blank(r, column, None, cell_format)
            self.merge(r, first, r, last)

    def down(self, r: int, rows: int, column: int, value: str, cell_format: Format) -> None:
        """Write a label spanning ``rows`` rows from ``r`` down (the cells below are written with their rows)."""
        if rows > 1:
            self.merge(r, column, r + rows - 1, column)
            for below in range(r + 1, r + rows):
                self.covered.setdefault(below, []).append((column, cell_format))
        self.ws.write_string(r, column, safe_text(value), cell_format)

    def finish(self) -> None:
        if self.breaks:
            self.ws.set_h_pagebreaks(self.breaks)


class RegistrationFormWriter:
    """Write one registration form per sheet; ``close()`` finishes the file."""

    def __init__(self, target: str, *, exported_on: date | None = None, tmpdir: str | None = None) -> None:
        self.workbook = streaming_workbook(target, tmpdir=tmpdir or tempfile.gettempdir())
        self.used_names: set[str] = set()
        self.sheets = 0
        self.exported = _("Exported on %(date)s") % {"date": local_date(exported_on or timezone.localdate())}
        # &P is the page number. Each sheet numbers its own pages from 1 (LibreOffice would count on across the
        # sheets, and its &N is the whole workbook's count, so the form's footer says the page only).
        self.page_footer = _("Page &P")
        self.labels = {
            "name": _("Name"), "gender": _("Gender"), "born": _("Year and month of birth"), "unit": _("Unit"),
            "position": _("Position"), "rank": _("Rank and level"), "summary": _("Personal summary"),
            "comment": _("Comment of the head in charge and proposed grade"),
            "committee": _("Opinion of the appraisal committee"), "grade": _("Annual appraisal grade"),
            "opinion": _("Own opinion"),
        }
        wb = self.workbook
        base = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter", "text_wrap": True}
        self.title_format = wb.add_format({**base, "font_size": 16, "bold": True, "align": "center"})
        self.date_format = wb.add_format({**base, "align": "right"})
        self.label = wb.add_format({**base, "align": "center", "border": 1})
        # A label over rows running onto another page stands at their top, beside the start of its text.
        self.label_top = wb.add_format({**base, "align": "center", "border": 1, "valign": "top"})
        self.value = wb.add_format({**base, "align": "left", "border": 1})
        self.grade_format = wb.add_format({**base, "align": "left", "border": 1, "bold": True})
        self._text_formats: dict[tuple[bool, bool, str], Format] = {}

    def _text_format(self, *, top: bool, bottom: bool, align: str = "left") -> Format:
        """A long-text cell inside a box: side borders always, top/bottom only at the box's edges, so the rows of
        one text read as one box."""
        key = (top, bottom, align)
        if key not in self._text_formats:
            self._text_formats[key] = self.workbook.add_format({
                "font_name": FONT, "font_size": FONT_SIZE, "text_wrap": True, "align": align,
                "valign": "top" if align == "left" else "vcenter", "left": 1, "right": 1,
                "top": 1 if top else 0, "bottom": 1 if bottom else 0})
        return self._text_formats[key]

    def _label_for(self, height: float) -> Format:
        return self.label_top if height > PAGE_POINTS - TITLE_POINTS - DATE_POINTS else self.label

    def _setup(self, ws: Worksheet, entry: RegistrationEntry) -> None:
        for column, width in enumerate(COLUMN_WIDTHS):
            ws.set_column(column, column, width)
        ws.set_paper(9)  # A4
        ws.set_portrait()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as the text needs
        ws.set_margins(left=0.6, right=0.6, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
        ws.center_horizontally()
        ws.repeat_rows(0, 1)  # the title and the date line on every printed page
        ws.hide_gridlines(2)
        ws.set_footer(f"&L{footer_text(entry.name)}&C{self.page_footer}", {"margin": 0.3})
        ws.set_start_page(1)

    def _block(self, sheet: _FormSheet, label: str, text: str, note: str = "") -> None:
        """A labelled box: the label on the left over all rows, the text in rows, then a right-aligned note."""
        width = sum(COLUMN_WIDTHS[1:])
        label_lines = line_count(label, COLUMN_WIDTHS[0])
        rows = [(chunk, lines, False) for chunk, lines in wrap_rows(text, width)]
        if note:
            rows.append((note, line_count(note, width), True))
        short = label_lines - sum(lines for _c, lines, _n in rows)
        if short > 0:  # the label needs more lines than the text: the last row grows
            chunk, lines, is_note = rows[-1]
            rows[-1] = (chunk, lines + short, is_note)
        heights = [row_height(lines) for _c, lines, _n in rows]
        sheet.keep_together(sum(heights))
        for index, ((chunk, _lines, is_note), height) in enumerate(zip(rows, heights, strict=True)):
            r = sheet.start_row(height)
            if index == 0:
                sheet.down(r, len(rows), 0, label, self._label_for(sum(heights)))
            last = index == len(rows) - 1
            cell_format = self._text_format(top=False, bottom=True, align="right") if is_note \
                else self._text_format(top=index == 0, bottom=last)
            sheet.text(r, 1, LAST_COLUMN, chunk, cell_format)

    def _summary(self, sheet: _FormSheet, entry: RegistrationEntry) -> None:
        """个人总结: the label over all rows; each section's heading beside its text; the date line last."""
        width = sum(COLUMN_WIDTHS[2:])
        sections = [(heading, [(chunk, row_height(max(lines, 2))) for chunk, lines in wrap_rows(text, width)])
                    for heading, text in entry.sections]
        note_height = row_height(1)
        total_rows = sum(len(rows) for _h, rows in sections) + 1
        total_height = sum(h for _h, rows in sections for _c, h in rows) + note_height
        # The label and the first section start on the same page.
        sheet.keep_together(sum(h for _c, h in sections[0][1]))
        for number, (heading, rows) in enumerate(sections):
            section_height = sum(h for _c, h in rows)
            if number:
                sheet.keep_together(section_height + (note_height if number == len(sections) - 1 else 0))
            for index, (chunk, height) in enumerate(rows):
                r = sheet.start_row(height)
                if number == 0 and index == 0:
                    sheet.down(r, total_rows, 0, self.labels["summary"], self._label_for(total_height))
                if index == 0:
                    sheet.down(r, len(rows), 1, heading, self._label_for(section_height))
                sheet.text(r, 2, LAST_COLUMN, chunk, self._text_format(top=index == 0, bottom=index == len(rows) - 1))
        r = sheet.start_row(note_height)
        sheet.text(r, 1, LAST_COLUMN, entry.summary_note, self._text_format(top=True, bottom=True, align="right"))

    def write(self, entry: RegistrationEntry) -> None:
        """Write one official's form on a sheet of its own."""
        ws = self.workbook.add_worksheet(sheet_name(entry.name, self.used_names))
        self._setup(ws, entry)
        sheet, labels = _FormSheet(ws), self.labels
        r = sheet.start_row(TITLE_POINTS)
        sheet.text(r, 0, LAST_COLUMN, entry.title, self.title_format, pad=False)
        r = sheet.start_row(DATE_POINTS)
        sheet.text(r, 0, LAST_COLUMN, self.exported, self.date_format, pad=False)
        # 姓名 · 性别 · 出生年月
        r = sheet.start_row(FIELD_ROW_POINTS)
        sheet.text(r, 0, 0, labels["name"], self.label)
        sheet.text(r, 1, 2, entry.name, self.value)
        sheet.text(r, 3, 3, labels["gender"], self.label)
        sheet.text(r, 4, 4, entry.gender, self.value)
        sheet.text(r, 5, 5, labels["born"], self.label)
        sheet.text(r, 6, 6, entry.born, self.value)
        # 单位
        lines = line_count(entry.unit, sum(COLUMN_WIDTHS[1:]))
        r = sheet.start_row(max(FIELD_ROW_POINTS, row_height(lines)))
        sheet.text(r, 0, 0, labels["unit"], self.label)
        sheet.text(r, 1, LAST_COLUMN, entry.unit, self.value)
        # 职务 · 职级/层级
        lines = line_count(entry.position, sum(COLUMN_WIDTHS[1:4]))
        r = sheet.start_row(max(FIELD_ROW_POINTS, row_height(lines)))
        sheet.text(r, 0, 0, labels["position"], self.label)
        sheet.text(r, 1, 3, entry.position, self.value)
        sheet.text(r, 4, 5, labels["rank"], self.label)
        sheet.text(r, 6, 6, entry.rank, self.value)
        self._summary(sheet, entry)
        self._block(sheet, labels["comment"], entry.comment, entry.comment_note)
        self._block(sheet, labels["committee"], entry.committee, entry.committee_note)
        r = sheet.start_row(max(FIELD_ROW_POINTS, row_height(line_count(labels["grade"], COLUMN_WIDTHS[0]))))
        sheet.text(r, 0, 0, labels["grade"], self.label)
        sheet.text(r, 1, LAST_COLUMN, entry.grade, self.grade_format)
        self._block(sheet, labels["opinion"], entry.opinion, entry.opinion_note)
        sheet.finish()
        # Close this sheet's row file now (it is reopened when the workbook is assembled): a workbook of a large
        # unit has thousands of sheets, and open temporary files would otherwise grow with them.
        ws._opt_close()
        self.sheets += 1

    def close(self) -> None:
        self.workbook.close()
