"""The working-day calendar (法定节假日与调休), kept by the organization department: mark a day, unmark it,
import a year from Excel. Reads live in ``org.workdays``; the workbook (template and reading) in ``org.excel``.

A row is stored only where it changes the weekly rhythm: a weekday off (放假) or a weekend worked (上班). A
weekday marked 上班 or a weekend marked 放假 would change nothing, so it is refused with a message saying so
(``org.workdays.mark_refusal``) rather than stored silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.errors import ApplicationError, from_validation_error
from common.excel import CellError
from common.history import delete_as, set_actor
from org.excel import read_calendar
from org.models import CalendarDay, User
from org.selectors import access_for
from org.workdays import mark_refusal


def _require_org(by: User) -> None:
    if not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may change the working-day calendar."),
                               code="forbidden")


@transaction.atomic
def calendar_day_set(*, day: date, is_working_day: bool, name: str = "", note: str = "", by: User) -> CalendarDay:
    """Mark ``day`` as a holiday (a weekday off) or a working day (a weekend worked), creating or updating its
    row. Organization department only."""
    _require_org(by)
    problem = mark_refusal(day, is_working_day)
    if problem:
        raise ApplicationError(problem, code="pointless_day", extra={"fields": {"date": [problem]}})
    row = CalendarDay.objects.select_for_update().filter(date=day).first() or CalendarDay(date=day)
    row.is_working_day = is_working_day
    row.name = (name or "").strip()
    row.note = (note or "").strip()
    row.updated_by = by
    try:
        row.full_clean(validate_unique=False)
    except ValidationError as error:
        raise from_validation_error(row, error) from error
    set_actor(row, by)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # someone marked the same day at the same moment
        raise ApplicationError(_("This day was just marked by someone else; reload and try again."),
                               code="conflict") from None
    return row


@transaction.atomic
def calendar_day_delete(*, day: date, by: User) -> None:
    """Remove the mark on ``day``, so it follows the weekly rhythm again. Organization department only."""
    _require_org(by)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        raise ApplicationError(_("%(date)s is not marked in the calendar.") % {"date": day.isoformat()},
                               code="not_found")
    delete_as(row, by)


@dataclass
class CalendarImportResult:
    errors: list[CellError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def calendar_import(*, file: IO[bytes], by: User) -> CalendarImportResult:
    """Import calendar days from a workbook, all or nothing: every bad row is reported and, if there is any,
    nothing changes. Days are matched by date, so importing the same file again changes nothing.
    File-level problems (not an .xlsx, too large, malformed) raise ``ApplicationError``."""
    _require_org(by)
    rows, errors = read_calendar(file)
    result = CalendarImportResult(errors=errors)
    if not result.ok:
        return result
    existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__in=[r.day for r in rows])}
    now = timezone.now()
    created: list[CalendarDay] = []
    changed: list[CalendarDay] = []
    for row in rows:
        assert row.day is not None and row.is_working_day is not None
        current = existing.get(row.day)
        if current is None:
            created.append(CalendarDay(date=row.day, is_working_day=row.is_working_day, name=row.name,
                                       note=row.note, updated_by=by, updated_at=now))
        elif (current.is_working_day, current.name, current.note) != (row.is_working_day, row.name, row.note):
            current.is_working_day, current.name, current.note = row.is_working_day, row.name, row.note
            current.updated_by, current.updated_at = by, now
            changed.append(current)
    bulk_create_with_history(created, CalendarDay, default_user=by)
    bulk_update_with_history(changed, CalendarDay, ["is_working_day", "name", "note", "updated_by", "updated_at"],
                             default_user=by)
    result.created, result.updated = len(created), len(changed)
    return result
