"""Roster import (花名册导入): all-or-nothing upsert of units and officials from a workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.errors import ApplicationError
from common.excel import CellError
from common.imports import apply_all_or_nothing, file_error, history_fields
from org.excel import (
    OFFICIAL_COLUMNS,
    OFFICIALS_SHEET,
    UNIT_COLUMNS,
    UNITS_SHEET,
    OfficialRow,
    Roster,
    UnitRow,
    read_roster,
)
from org.models import (
    Official,
    OrgUnit,
    PersonnelCategory,
    PostAssignment,
    PostKind,
    RosterImport,
    StaffingType,
    UnitCategory,
    User,
)
from org.selectors import access_for
from org.services.roster_checks import RosterChecks
from org.services.structure import unit_create
from org.signals import officials_moved

OFFICIAL_FIELDS = [
    "name", "gender", "birth_date", "unit_id", "position_title", "rank_level", "staffing_type",
    "personnel_category", "is_party_member", "phone", "joined_on", "post_since", "is_active",
]


@dataclass
class RosterResult:
    errors: list[CellError] = field(default_factory=list)
    units_created: int = 0
    units_updated: int = 0
    officials_created: int = 0
    officials_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# The order problems are listed in: sheet by sheet, left to right.
ERROR_ORDER = {UNITS_SHEET: [c for c, _r, _w in UNIT_COLUMNS], OFFICIALS_SHEET: [c for c, _r, _w in OFFICIAL_COLUMNS]}


def roster_import(*, file: IO[bytes], by: User | None, filename: str = "") -> RosterResult:
    """Import a roster workbook, all or nothing, and record the upload in the import history either way.

    ``by`` is the uploading user (organization department; ``None`` for the management command, which acts for
    the whole organisation). Every problem of the file is reported in one pass — cells, duplicates within the
    file, unknown units, scope — and if there is any, nothing changes. Re-importing updates units by code and
    officials by staff number. File-level problems (not an .xlsx, too large, malformed) are recorded too, then
    raise ``ApplicationError``.
    """
    if by is not None and not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may import the roster."), code="forbidden")
    try:
        roster = read_roster(file)
    except ApplicationError as error:
        RosterImport.objects.create(uploaded_by=by, filename=filename[:255], **history_fields(file_error(error)))
        raise
    result = RosterResult()
    importer = _Importer(roster, by, result)
    importer.validate()
    if roster.errors or not apply_all_or_nothing(roster.errors, importer.apply):
        result.units_created = result.units_updated = result.officials_created = result.officials_updated = 0
    result.errors = roster.errors.sorted(ERROR_ORDER)
    RosterImport.objects.create(
        uploaded_by=by, filename=filename[:255], **history_fields(result.errors),
        units_created=result.units_created, units_updated=result.units_updated,
        officials_created=result.officials_created, officials_updated=result.officials_updated,
    )
    return result


class _Importer(RosterChecks):
    """Apply a checked roster: units parents first, then officials and their posts."""

    def __init__(self, roster: Roster, by: User | None, result: RosterResult) -> None:
        super().__init__(roster, by)
        self.result = result

    def apply(self) -> None:
        self.apply_units()
        self.apply_officials(self.existing_officials)

    # -- applying --------------------------------------------------------------------------------
    def apply_units(self) -> None:
        categories = self._categories()
        for row in self._parents_first():
            category = categories.get(row.category_name) if row.category_name else None
            unit = OrgUnit.objects.filter(code=row.code).first()  # fresh: earlier moves shift paths
            parent = OrgUnit.objects.get(code=row.parent_code) if row.parent_code else None
            if unit is None:
                unit_create(name=row.name, code=row.code, parent=parent, kind=row.kind, category=category,
                            sort_order=row.sort_order, is_active=row.is_active)
                self.result.units_created += 1
                continue
            reposition = unit.parent_id != (parent.pk if parent else None) or unit.sort_order != row.sort_order
            changed = reposition or (unit.name, unit.kind, unit.category_id, unit.is_active) != (
                row.name, row.kind, category.pk if category else None, row.is_active)
            if not changed:
                continue
            unit.name, unit.kind, unit.category, unit.is_active = row.name, row.kind, category, row.is_active
            unit.sort_order = row.sort_order
            unit.save()
            if reposition:
                if parent is not None:
                    unit.move(parent, "sorted-child")
                else:
                    unit.move(OrgUnit.get_first_root_node(), "sorted-sibling")
            self.result.units_updated += 1

    def _categories(self) -> dict[str, UnitCategory]:
        names = {u.category_name for u in self.roster.units if u.category_name}
        found = {c.name: c for c in UnitCategory.objects.filter(name__in=names)}
        missing = sorted(names - set(found))
        taken_codes = set(UnitCategory.objects.values_list("code", flat=True))
        new = []
        for index, name in enumerate(missing, start=1):
            code = f"C{len(taken_codes) + index:03d}"
            while code in taken_codes:
                index += 1000
                code = f"C{len(taken_codes) + index:03d}"
            new.append(UnitCategory(name=name, code=code))
        for category in UnitCategory.objects.bulk_create(new):
            found[category.name] = category
        return found

    def _parents_first(self) -> list[UnitRow]:
        def depth(row: UnitRow) -> int:
            d, code = 0, row.parent_code
            while code in self.file_units:
                d, code = d + 1, self.file_units[code].parent_code
            return d

        return sorted(self.roster.units, key=lambda r: (depth(r), r.sort_order, r.code))

    def apply_officials(self, existing: dict[str, Official]) -> None:
        unit_ids = dict(OrgUnit.objects.filter(
            code__in={r.unit_code for r in self.roster.officials}).values_list("code", "id"))
        today = timezone.localdate()
        created: list[Official] = []
        updated: list[Official] = []
        moved: dict[int, OfficialRow] = {}
        left: list[Official] = []
        for row in self.roster.officials:
            values = {
                "name": row.name, "gender": row.gender, "birth_date": row.birth_date,
                "unit_id": unit_ids[row.unit_code], "position_title": row.position_title,
                "rank_level": row.rank_level, "staffing_type": row.staffing_type,
                "is_party_member": row.is_party_member, "phone": row.phone, "joined_on": row.joined_on,
                "post_since": row.post_since, "is_active": row.is_active,
            }
            official = existing.get(row.staff_number)
            # An empty 人员类别 keeps an official's category; a new one is 编外 when hired outside the establishment.
            if row.personnel_category:
                values["personnel_category"] = row.personnel_category
            elif official is not None:
                values["personnel_category"] = official.personnel_category
            else:
                values["personnel_category"] = (PersonnelCategory.NON_ESTABLISHMENT
                                                if row.staffing_type == StaffingType.CONTRACT
                                                else PersonnelCategory.CIVIL_SERVANT)
            if official is None:
                created.append(Official(staff_number=row.staff_number, **values))
                continue
            if all(getattr(official, name) == value for name, value in values.items()):
                continue
            if (official.unit_id, official.position_title) != (values["unit_id"], values["position_title"]):
                moved[official.pk] = row
            was_active = official.is_active
            for name, value in values.items():
                setattr(official, name, value)
            if was_active and not row.is_active:
                official.left_on = official.left_on or today
                left.append(official)
            official.updated_at = timezone.now()
            updated.append(official)

        created = bulk_create_with_history(created, Official, batch_size=1000)
        if not all(o.pk for o in created):  # backends that do not return keys from bulk inserts
            ids = dict(Official.objects.filter(staff_number__in=[o.staff_number for o in created])
                       .values_list("staff_number", "id"))
            for o in created:
                o.pk = ids[o.staff_number]
        bulk_update_with_history(updated, Official, [*OFFICIAL_FIELDS, "left_on", "updated_at"], batch_size=1000)
        self.result.officials_created = len(created)
        self.result.officials_updated = len(updated)
        self._record_posts(created, [o for o in updated if o.pk in moved], left, today)
        if moved:  # ``bulk_update`` sends no model signal
            officials_moved.send(sender=Official, official_ids=list(moved))

    def _record_posts(self, created: list[Official], moved: list[Official], left: list[Official], today: date) -> None:
        """Open a post for each new official; close and reopen the post of each one who moved; close the
        post of each one who left (an official who has left holds no open post)."""
        open_posts = {p.official_id: p for p in PostAssignment.objects.filter(
            official_id__in=[o.pk for o in (*moved, *left)], end_date__isnull=True)}
        new_posts = []
        closed = []
        for official in left:
            current = open_posts.pop(official.pk, None)
            if current is not None:
                current.end_date = max(official.left_on or today, current.start_date)
                closed.append(current)
        moved = [o for o in moved if o.is_active]
        for official in moved:
            start = official.post_since or today
            current = open_posts.get(official.pk)
            if current is not None:
                start = max(start, current.start_date)
                current.end_date = start
                closed.append(current)
            new_posts.append(PostAssignment(official_id=official.pk, unit_id=official.unit_id,
                                            position_title=official.position_title,
                                            kind=PostKind.APPOINTMENT, start_date=start, note="花名册导入"))
        for official in created:
            start = official.post_since or official.joined_on or today
            new_posts.append(PostAssignment(
                official_id=official.pk, unit_id=official.unit_id, position_title=official.position_title,
                kind=PostKind.APPOINTMENT, start_date=start, end_date=None if official.is_active else today,
                note="花名册导入"))
        PostAssignment.objects.bulk_update(closed, ["end_date"], batch_size=1000)
        PostAssignment.objects.bulk_create(new_posts, batch_size=1000)
