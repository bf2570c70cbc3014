"""Checking a roster file (花名册导入) before it is applied: the references and the scope of every row.

Part of ``org.services.roster``, which runs these checks and applies a file only when none fails. They read the
units and officials the file names once, through the scoped lookups of ``org.selectors``, so a unit or an official
outside the uploader's scope reads exactly like one that does not exist.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from org.excel import OFFICIALS_SHEET, UNITS_SHEET, Roster, UnitRow
from org.models import Official, OrgUnit, User
from org.selectors import access_for, officials_by_staff_number, units_by_code


class RosterChecks:
    """The checks of a roster file against the database, in the uploader's scope: parents and units that exist
    (in scope), codes and staff numbers taken outside it, loops, and where each unit ends up. Each problem is
    added to the roster's errors; ``roster_import``'s importer then applies a file without any."""

    def __init__(self, roster: Roster, by: User | None) -> None:
        self.roster = roster
        self.by = by
        access = access_for(by) if by is not None else None
        # None means unrestricted (command line or superuser).
        self.scope: list[str] | None = None if access is None or access.is_superuser else access.paths(["org"])
        self.file_units = {u.code: u for u in roster.units if u.code}
        codes = set(self.file_units) | {u.parent_code for u in roster.units if u.parent_code} | {
            o.unit_code for o in roster.officials}
        # Units are found only inside the importer's scope: a parent or unit code outside it reads exactly like
        # one that does not exist. A code of the file's own units that is taken outside the scope cannot be
        # created again (codes are unique), so those are told apart — but never where or whose.
        self.existing = units_by_code(by, codes, roles=["org"])
        self.taken = set(OrgUnit.objects.filter(code__in=set(self.file_units) - set(self.existing))
                         .values_list("code", flat=True))
        numbers = [r.staff_number for r in roster.officials]
        self.existing_officials = officials_by_staff_number(by, numbers, roles=["org"], include_self=False,
                                                            active=None)
        self.taken_numbers = set(Official.objects.filter(
            staff_number__in=set(numbers) - set(self.existing_officials)).values_list("staff_number", flat=True))

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.roster.errors.add(sheet, row, column, message)

    def readable(self, sheet: str, row: int, column: str, value: str) -> bool:
        """Whether a cell holds a value the earlier checks could read (otherwise it is reported already)."""
        return bool(value) and not self.roster.errors.has(sheet, row, column)

    def validate(self) -> None:
        """Check every row's references and scope, whatever else is wrong with the file."""
        self.validate_units()
        self.validate_officials()


    def in_scope(self, path: str) -> bool:
        return self.scope is None or any(path.startswith(p) for p in self.scope)


    # -- validation ------------------------------------------------------------------------------
    def unit_in_scope_after_import(self, code: str, seen: frozenset[str] = frozenset()) -> bool:
        """Whether ``code`` will sit inside the importer's scope once the file is applied."""
        if self.scope is None:
            return True
        existing = self.existing.get(code)
        if code in self.file_units and code not in seen:
            if code in self.taken:
                return False
            parent = self.file_units[code].parent_code
            if not parent:  # stays a top-level unit: only if it already is one, in scope
                return existing is not None and existing.parent_id is None
            return self.unit_in_scope_after_import(parent, seen | {code})
        return existing is not None and self.in_scope(existing.path)

    def placed(self, code: str) -> bool:
        """Whether the place of ``code`` in the tree after the import is known: every unit of the file on its way
        up has a readable code and parent that is in the file or in scope. Where it is not, the problem is
        reported on that unit's row, and checks that depend on the place are skipped rather than reported twice."""
        seen: set[str] = set()
        while code in self.file_units and code not in seen:
            seen.add(code)
            row = self.file_units[code]
            if any(self.roster.errors.has(UNITS_SHEET, row.row, c) for c in ("单位编码", "上级单位编码")):
                return False
            if not row.parent_code:
                return True
            code = row.parent_code
        return code in seen or code in self.existing

    def validate_units(self) -> None:
        for row in self.roster.units:
            if self.roster.errors.has(UNITS_SHEET, row.row, "上级单位编码"):
                continue  # the parent cell is unreadable (reported): nothing below can be checked
            if row.parent_code and row.parent_code not in self.file_units and row.parent_code not in self.existing:
                # Only this, even when the code is taken outside the scope too: a row placed outside the scope
                # reads exactly like one placed under a unit that does not exist (issue 14).
                self.error(UNITS_SHEET, row.row, "上级单位编码",
                           _("Parent unit “%(code)s” is neither in this file nor in your scope.")
                           % {"code": row.parent_code})
                continue
            if not self.readable(UNITS_SHEET, row.row, "单位编码", row.code):
                continue
            if row.code in self.taken:
                self.error(UNITS_SHEET, row.row, "单位编码", _("This unit code is already used outside your scope."))
                continue
            if self._cycles(row):
                self.error(UNITS_SHEET, row.row, "上级单位编码", _("The parent chain loops back to this unit."))
                continue
            existing = self.existing.get(row.code)
            becomes_top_level = not row.parent_code and (existing is None or existing.parent_id is not None)
            if becomes_top_level and self.scope is not None:
                self.error(UNITS_SHEET, row.row, "上级单位编码",
                           _("Only the system administrator may add or move top-level units."))
            elif (not row.parent_code or self.placed(row.parent_code)) and not self.unit_in_scope_after_import(
                    row.code):
                self.error(UNITS_SHEET, row.row, "上级单位编码", _("The parent unit is outside your scope."))

    def _cycles(self, row: UnitRow) -> bool:
        seen = {row.code}
        code = row.parent_code
        while code:
            if code in seen:
                return True
            seen.add(code)
            if code in self.file_units:
                code = self.file_units[code].parent_code
                continue
            # An existing parent outside the file: a loop if it sits under the unit being moved.
            parent = self.existing.get(code)
            moved = self.existing.get(row.code)
            return parent is not None and moved is not None and parent.path.startswith(moved.path)
        return False

    def validate_officials(self) -> None:
        for row in self.roster.officials:
            if self.readable(OFFICIALS_SHEET, row.row, "工号", row.staff_number) and (
                    row.staff_number in self.taken_numbers):
                self.error(OFFICIALS_SHEET, row.row, "工号", _("This staff number is already used outside your scope."))
            if not self.readable(OFFICIALS_SHEET, row.row, "单位编码", row.unit_code):
                continue
            if row.unit_code not in self.file_units and row.unit_code not in self.existing:
                self.error(OFFICIALS_SHEET, row.row, "单位编码",
                           _("Unit “%(code)s” is neither in this file nor in your scope.") % {"code": row.unit_code})
            elif self.placed(row.unit_code) and not self.unit_in_scope_after_import(row.unit_code):
                self.error(OFFICIALS_SHEET, row.row, "单位编码", _("The unit is outside your scope."))
