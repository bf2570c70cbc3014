"""Leave records (请假): recorded, changed and removed by the head over the official or the organization
department; the official sees their own (``org.selectors.leave``) and never records it themself.

Two records of one official never overlap: the official's row is locked while the dates are checked, so two
people recording at the same moment cannot slip overlapping records past each other. Every change is kept in
the record's history with who made it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ApplicationError, from_validation_error
from common.history import delete_as, save_as
from org.models import LeaveKind, LeaveRecord, Official, User
from org.selectors import access_for
from org.selectors.leave import can_manage_leave

MIN_YEAR, MAX_YEAR = 2000, 2100


def _require(by: User, official: Official) -> None:
    if access_for(by).official_id == official.pk:
        raise ApplicationError(
            _("You may not record your own leave: the head over you or the organization department records it."),
            code="forbidden")
    if not can_manage_leave(by, official):
        raise ApplicationError(_("Only the head over this official or the organization department may record "
                                 "their leave."), code="forbidden")


def _field_error(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, extra={"fields": {field: [message]}})


def _check(official: Official, kind: str, start_date: date, end_date: date, exclude: int | None = None) -> None:
    """Refuse a bad kind, reversed or implausible dates, and an overlap with another record of the official."""
    if kind not in LeaveKind.values:
        raise _field_error("kind", _("Choose the kind of leave."))
    for field, day in (("start_date", start_date), ("end_date", end_date)):
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise _field_error(field, _("%(date)s is outside the years kept (%(first)s–%(last)s).")
                               % {"date": day.isoformat(), "first": MIN_YEAR, "last": MAX_YEAR})
    if end_date < start_date:
        raise _field_error("end_date", _("The last day (%(end)s) is before the first day (%(start)s).")
                           % {"end": end_date.isoformat(), "start": start_date.isoformat()}, code="dates")
    clash = (LeaveRecord.objects.filter(official=official, start_date__lte=end_date, end_date__gte=start_date)
             .exclude(pk=exclude or 0).order_by("start_date").first())
    if clash is not None:
        message = _("%(name)s already has %(kind)s from %(start)s to %(end)s, which overlaps these dates; "
                    "change that record instead.") % {
            "name": official.name, "kind": clash.get_kind_display(), "start": clash.start_date.isoformat(),
            "end": clash.end_date.isoformat()}
        raise ApplicationError(message, code="overlap", extra={"overlaps": clash.pk})


def _lock_official(official: Official) -> Official:
    """Lock the official's row: records of one official are checked for overlaps one writer at a time."""
    return Official.objects.select_for_update().select_related("unit").get(pk=official.pk)


def _save(record: LeaveRecord, by: User) -> None:
    try:
        record.full_clean(exclude=["official", "recorded_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise from_validation_error(record, error) from error
    save_as(record, by)


@transaction.atomic
def leave_record_create(
    *, official: Official, kind: str, start_date: date, end_date: date, note: str = "", by: User,
) -> LeaveRecord:
    """Record a leave of ``official`` (the head over them or the organization department)."""
    official = _lock_official(official)
    _require(by, official)
    _check(official, kind, start_date, end_date)
    record = LeaveRecord(official=official, kind=kind, start_date=start_date, end_date=end_date,
                         note=(note or "").strip(), recorded_by=by)
    _save(record, by)
    return record


@transaction.atomic
def leave_record_update(
    *, record: LeaveRecord, kind: str, start_date: date, end_date: date, note: str = "", by: User,
) -> LeaveRecord:
    """Change the kind, dates or note of a leave record (the same people who may record it)."""
    official = _lock_official(record.official)
    _require(by, official)
    record = LeaveRecord.objects.select_for_update().get(pk=record.pk)
    _check(official, kind, start_date, end_date, exclude=record.pk)
    record.official = official
    record.kind, record.start_date, record.end_date, record.note = kind, start_date, end_date, (note or "").strip()
    _save(record, by)
    return record


@transaction.atomic
def leave_record_delete(*, record: LeaveRecord, by: User) -> None:
    """Remove a leave record recorded in error (the same people who may record it); its history stays."""
    official = _lock_official(record.official)
    _require(by, official)
    locked = LeaveRecord.objects.select_for_update().filter(pk=record.pk).first()
    if locked is None:
        raise ApplicationError(_("This leave record was already removed."), code="not_found")
    delete_as(locked, by)
