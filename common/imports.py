"""The domain-free steps every Excel import shares (the roster, the task list, the sign-in sheet): read a sheet's
rows by its header, collect every problem of the file in one pass, apply all or nothing, record the upload.

An import checks a file in stages — the cells' format, duplicates within the file, references to units and
officials, business rules — and every stage runs over every row: a stage skips only the cells an earlier stage
could not read (``RowErrors.has``), never the whole file, so one upload lists every problem at once. Each app
keeps its columns, parsers, references and rules (its ``excel.py`` and services); only the plumbing is here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.excel import CellError, Column, cell_text, iter_data_rows

ErrorSink = Callable[[str, str], None]
# A refused upload keeps this many of its problems in the import history (the count keeps them all).
MAX_RECORDED_ERRORS = 500
FILE = "-"  # the sheet, row 0 and column of a problem with the file as a whole


class RowErrors:
    """Every problem of an uploaded workbook, each at its sheet, row and column, in the order found."""

    def __init__(self) -> None:
        self._items: list[CellError] = []
        self._cells: set[tuple[str, int, str]] = set()

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self._items.append(CellError(sheet, row, column, message))
        self._cells.add((sheet, row, column))

    def extend(self, errors: Iterable[CellError]) -> None:
        for error in errors:
            self.add(error.sheet, error.row, error.column, error.message)

    def sink(self, sheet: str, row: int) -> ErrorSink:
        """Return ``error(column, message)`` for one row, as the cell parsers call it."""
        return lambda column, message: self.add(sheet, row, column, message)

    def has(self, sheet: str, row: int, column: str | None = None) -> bool:
        """Whether a problem was found in this cell (or, without ``column``, anywhere in this row)."""
        if column is not None:
            return (sheet, row, column) in self._cells
        return any(s == sheet and r == row for s, r, _c in self._cells)

    def sorted(self, columns: Mapping[str, Sequence[str]] | None = None) -> list[CellError]:
        """Return the problems as a person reads the file: problems with the file first, then sheet by sheet
        (in the order of ``columns``), row by row, and within a row from left to right."""
        columns = columns or {}
        sheets = {sheet: index for index, sheet in enumerate(columns, start=1)}
        positions = {sheet: {name: i for i, name in enumerate(names)} for sheet, names in columns.items()}

        def key(item: tuple[int, CellError]) -> tuple[int, int, int, int]:
            found, error = item
            sheet = 0 if error.sheet == FILE else sheets.get(error.sheet, len(sheets) + 1)
            column = positions.get(error.sheet, {}).get(error.column, len(positions.get(error.sheet, {})))
            return sheet, error.row, column, found

        return [error for _found, error in sorted(enumerate(self._items), key=key)]

    def __iter__(self) -> Iterator[CellError]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


def sheet_rows(ws: Any, title: str, columns: Sequence[Column], errors: RowErrors, *,
               max_rows: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(excel row number, {column name: value})`` for each non-blank row of a sheet, the columns found by
    the header row (in any order; a trailing ``*`` ignored). A required column missing from the header is a
    problem each, and then no row is read (none could be); past ``max_rows`` rows, one problem and the rest unread.
    """
    header = [cell_text(v).rstrip("*").strip() for v in next(ws.iter_rows(max_row=1, values_only=True), ())]
    positions: dict[str, int] = {}
    missing = False
    for name, required, _width in columns:
        if name in header:
            positions[name] = header.index(name)
        elif required:
            errors.add(title, 1, name, _("Required column is missing from the header row."))
            missing = True
    if missing or not positions:
        return
    width = max(positions.values()) + 1
    for count, (number, values) in enumerate(iter_data_rows(ws, width), start=1):
        if count > max_rows:
            errors.add(title, number, FILE, _("Too many rows; the limit is %(n)s.") % {"n": max_rows})
            return
        yield number, {name: values[position] for name, position in positions.items()}


def check_duplicates(keys: Iterable[tuple[int, str]], *, sheet: str, column: str, errors: RowErrors) -> None:
    """Report each row whose key (``(row, key)``) repeats an earlier row's; blank keys and cells that already have
    a problem are skipped."""
    first: dict[str, int] = {}
    for row, key in keys:
        if not key or errors.has(sheet, row, column):
            continue
        if key in first:
            errors.add(sheet, row, column, _("Duplicate of row %(row)s.") % {"row": first[key]})
        else:
            first[key] = row


class _Refused(Exception):
    """Raised inside the import's transaction to roll every write back."""


def apply_all_or_nothing(errors: RowErrors, apply: Callable[[], None]) -> bool:
    """Run ``apply`` in one transaction and keep what it wrote only if the file has no problem at all afterwards;
    return whether it was kept. ``apply`` may add the problems only a write finds (a service's business rules),
    so an import can run it even over a file with problems elsewhere and still report everything in one pass."""
    try:
        with transaction.atomic():
            apply()
            if errors:
                raise _Refused
    except _Refused:
        return False
    return True


def history_fields(errors: Sequence[CellError]) -> dict[str, Any]:
    """Return the outcome fields of an ``ImportRecord`` for an upload with these problems (none: applied)."""
    return {"succeeded": not errors, "error_count": len(errors),
            "errors": [asdict(error) for error in errors[:MAX_RECORDED_ERRORS]]}


def file_error(error: ApplicationError) -> list[CellError]:
    """A problem with the file as a whole (not a workbook, too large), as the one problem of the upload."""
    return [CellError(FILE, 0, FILE, error.message)]
