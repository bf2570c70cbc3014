"""The annual appraisal registration form (公务员年度考核登记表) as an Excel workbook: one sheet per official, laid
out like the paper form and set up to print on A4 portrait (one page wide, title rows repeated, centred).

The rows come from ``appraisal.selectors.registration`` as plain mappings (``values()``), turned into a
``RegistrationEntry`` of display texts by ``entry_from`` — the same entry the print page in the browser shows.

The workbook is written by xlsxwriter in constant-memory mode, like the register (``appraisal.excel``): a row is
flushed to the sheet's temporary file as soon as a later row is written, so every sheet is written strictly top
to bottom. Two consequences shape the code below:

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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from appraisal.grade_labels import grade_label, uses_qualified_grades
from appraisal.models import SUMMARY_SECTIONS, Grade, GradeStatus, SignStatus, SummaryStatus
from common.excel import safe_text, streaming_workbook
from org.models import Gender, PersonnelCategory, RankLevel

# The grade's fields a form shows (one joined query; the head's name through the user's official record).
GRADE_FIELDS = (
    "id", "official_id", "unit_id", "period_id", "period__key", "unit__path", "unit__name", "official__name",
    "official__gender", "official__birth_date", "official__unit__path", "official__unit__name",
    "official__position_title", "official__rank_level", "official__personnel_category", "proposed", "head_grade",
    "final", "status", "comment", "commented_at", "commented_by__official__name", "commented_by__last_name",
    "commented_by__first_name", "override_reason", "confirmed_at",
)
# The order of the forms, in a key that compares the same in Python as in the database (ASCII paths and codes,
# then the id), so the summaries and notices read in the same order can be matched to their grade in one pass.
GRADE_ORDER = ("unit__path", "official__unit__path", "official__rank_level", "official_id")
SUMMARY_FIELDS = ("official_id", *SUMMARY_SECTIONS, "status", "submitted_at", "oral_at", "oral_place")
NOTICE_FIELDS = ("grade_id", "status", "opinion", "signed_at")

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


@dataclass(frozen=True)
class RegistrationEntry:
    """One official's form, as display texts (translated, dates formatted, labels resolved)."""

    grade_id: int
    unit_id: int  # the top-level unit (GradeDecision.unit): the county-wide zip has one workbook per unit
    unit_name: str
    year: str
    title: str
    name: str
    gender: str
    born: str
    unit: str
    position: str
    rank: str
    sections: tuple[tuple[str, str], ...]  # (heading, text) × 5: 德、能、勤、绩、廉
    summary_note: str
    comment: str
    comment_note: str
    committee: str
    committee_note: str
    grade: str
    opinion: str
    opinion_note: str


def section_headings() -> tuple[str, ...]:
    return (_("Form section: morality"), _("Form section: ability"), _("Form section: diligence"),
            _("Form section: achievements"), _("Form section: integrity"))


def form_title(year: str, category: str | None = None) -> str:
    """The form's title: 公务员 (参公 use the same form), 事业单位工作人员, or plain 工作人员 for 编外."""
    if category == PersonnelCategory.INSTITUTION:
        return _("Annual appraisal registration form of public institution staff (%(year)s)") % {"year": year}
    if category == PersonnelCategory.NON_ESTABLISHMENT:
        return _("Annual appraisal registration form of staff (%(year)s)") % {"year": year}
    return _("Annual appraisal registration form of civil servants (%(year)s)") % {"year": year}


def local_date(value: datetime | date | None) -> str:
    """Return a date as the interface writes it (2025年12月20日), a time converted to local time first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class FormLabels:
    """The labels every entry uses, translated once per export rather than once per official."""

    grades: dict[str, str]
    ranks: dict[str, str]
    genders: dict[str, str]
    headings: tuple[str, ...]
    qualified_grades: dict[str, str]  # the names for 事业单位 (and 编外) staff: 合格, 基本合格, 不合格

    @classmethod
    def current(cls) -> FormLabels:
        return cls(grades={v: grade_label(v) for v in Grade.values},
                   ranks={v: str(label) for v, label in RankLevel.choices},
                   genders={v: str(label) for v, label in Gender.choices},
                   headings=section_headings(),
                   qualified_grades={v: grade_label(v, PersonnelCategory.INSTITUTION) for v in Grade.values})

    def grade(self, code: str, category: str | None) -> str:
        """The name of a grade for an official of ``category``."""
        names = self.qualified_grades if uses_qualified_grades(category) else self.grades
        return names.get(code, code)


def _head_name(grade: Mapping[str, Any]) -> str:
    """The head's name from their official record, else the account's full name (never the login)."""
    if grade.get("commented_by__official__name"):
        return str(grade["commented_by__official__name"])
    return f"{grade.get('commented_by__last_name') or ''}{grade.get('commented_by__first_name') or ''}".strip()


def _status_text(status: str) -> str:
    if status == GradeStatus.CONFIRMED:
        return _("Not final yet: confirmed, waiting for the public notice")
    if status == GradeStatus.NOTICE:
        return _("Not final yet: under public notice")
    return _("Not final yet: waiting for confirmation")


def entry_from(grade: Mapping[str, Any], summary: Mapping[str, Any] | None, notice: Mapping[str, Any] | None,
               labels: FormLabels) -> RegistrationEntry:
    """Build one official's form from a grade row (``GRADE_FIELDS``), the summary row (``SUMMARY_FIELDS``) of the
    same year and unit, and the current written notice (``NOTICE_FIELDS``); either may be missing."""
    year = str(grade["period__key"])
    category = grade.get("official__personnel_category")
    unit = str(grade["official__unit__name"])
    if grade["official__unit__path"] != grade["unit__path"]:
        unit = f"{grade['unit__name']} {unit}"
    birth = grade["official__birth_date"]

    # 个人总结: only a submitted summary is shown (a draft is the official's own until they submit it).
    submitted = summary is not None and summary["status"] == SummaryStatus.SUBMITTED
    texts = [str(summary[name] or "") if submitted and summary else "" for name in SUMMARY_SECTIONS]
    notes: list[str] = []
    if submitted and summary:
        notes.append(_("Submitted on %(date)s") % {"date": local_date(summary["submitted_at"])})
    else:
        notes.append(_("The summary has not been submitted."))
    if summary and summary.get("oral_at"):
        notes.append(_("Oral report: %(date)s, %(place)s") % {"date": local_date(summary["oral_at"]),
                                                               "place": summary.get("oral_place") or ""})

    # 主管领导评语及考核等次建议
    recommended = grade["head_grade"] or grade["proposed"]
    comment_parts: list[str] = []
    if grade["comment"]:
        comment_parts.append(_("Proposed grade: %(grade)s") % {"grade": labels.grade(recommended, category)})
        head = _head_name(grade)
        if head:
            comment_parts.append(_("Head in charge: %(name)s") % {"name": head})
        comment_parts.append(local_date(grade["commented_at"]))
    comment = str(grade["comment"] or "") or _("No comment written yet.")

    # 考核委员会意见
    if grade["confirmed_at"] and grade["final"]:
        lines = [_("Confirmed grade: %(grade)s") % {"grade": labels.grade(grade["final"], category)}]
        if grade["override_reason"]:
            lines.append(_("Reason for the change: %(reason)s") % {"reason": grade["override_reason"]})
        committee, committee_note = "\n".join(lines), local_date(grade["confirmed_at"])
    else:
        committee, committee_note = _("Not confirmed yet."), ""

    # 考核等次
    if grade["status"] == GradeStatus.FINAL and grade["final"]:
        final = labels.grade(grade["final"], category)
    else:
        final = _status_text(grade["status"])

    # 本人意见: blank while the notice waits for a signature (or before there is one).
    opinion, opinion_note = "", ""
    if notice is not None:
        if notice["status"] in (SignStatus.AGREED, SignStatus.DISAGREED):
            word = _("Opinion: agree") if notice["status"] == SignStatus.AGREED else _("Opinion: disagree")
            opinion = f"{word}\n{notice['opinion']}" if notice["opinion"] else word
            opinion_note = _("Signed on %(date)s") % {"date": local_date(notice["signed_at"])}
        elif notice["status"] == SignStatus.UNSIGNED:
            opinion = _("Unsigned")

    return RegistrationEntry(
        grade_id=int(grade["id"]), unit_id=int(grade["unit_id"]), unit_name=str(grade["unit__name"]), year=year,
        title=form_title(year, category), name=str(grade["official__name"]),
        gender=labels.genders.get(grade["official__gender"], grade["official__gender"] or ""),
        born=f"{birth.year}.{birth.month:02d}" if birth else "", unit=unit,
        position=str(grade["official__position_title"] or ""),
        rank=labels.ranks.get(grade["official__rank_level"], grade["official__rank_level"] or ""),
        sections=tuple(zip(labels.headings, texts, strict=True)), summary_note="；".join(notes),
        comment=comment, comment_note="　　".join(comment_parts), committee=committee,
        committee_note=committee_note, grade=final, opinion=opinion, opinion_note=opinion_note,
    )


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
