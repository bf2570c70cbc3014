"""Sessions (培训/学习) and attendance: create and edit sessions, record attendance one by one or in bulk.

Credited hours when none are given: the session's hours for *present*; half of them (rounded down to 0.1)
for *late* or *left early* — the person attended part of the session; 0 for *excused* and *absent*.
Attendance is editable until the appraisal month that contains the session is closed or published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.errors import ApplicationError, from_validation_error
from org.facts import facts_changed, rest_of_year
from org.models import Official, OrgUnit, User
from org.selectors import access_for
from training.models import Attendance, AttendanceStatus, SessionKind, StudyPlan, TrainingSession
from training.selectors.sessions import (
    ORGANISER_ROLES,
    audience_visible_to,
    can_organise,
    can_record_for,
    check_open,
    session_is_frozen,
)
from training.services.year_hours import year_hours_refresh

PARTIAL_SHARE = Decimal("0.5")


def default_hours(session: TrainingSession, status: str) -> Decimal:
    """The hours credited for a status when none are given (see the module docstring)."""
    if status == AttendanceStatus.PRESENT:
        return Decimal(session.hours)
    if status in (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY):
        return (Decimal(session.hours) * PARTIAL_SHARE).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return Decimal("0")


# --- sessions ----------------------------------------------------------------------------------------


def _check_session(by: User, organiser: OrgUnit, audience_units: Sequence[OrgUnit], lecturer: Official | None,
                   lecturer_name: str, starts_at: datetime, ends_at: datetime) -> None:
    access = access_for(by)
    if not access.covers(organiser.path, ORGANISER_ROLES):
        raise ApplicationError(_("Only a head or the organization department over the organising unit may "
                                 "arrange its sessions."), code="forbidden")
    if not audience_units:
        raise ApplicationError(_("Choose at least one audience unit."), code="invalid")
    if any(not access.covers(u.path, ORGANISER_ROLES) for u in audience_units):
        raise ApplicationError(_("An audience unit is outside your scope."), code="forbidden")
    if lecturer is not None and lecturer_name.strip():
        raise ApplicationError(_("Give the lecturer as an official or as an external name, not both."),
                               code="invalid")
    if ends_at < starts_at:
        raise ApplicationError(_("The session cannot end before it starts."), code="invalid")


@transaction.atomic
def session_create(
    *, by: User, kind: str, title: str, starts_at: datetime, ends_at: datetime, hours: Decimal,
    organiser: OrgUnit, audience_units: Sequence[OrgUnit], include_subunits: bool = True,
    audience_rank_levels: Iterable[str] = (), place: str = "", lecturer: Official | None = None,
    lecturer_name: str = "", is_required: bool = True, plan: StudyPlan | None = None,
) -> TrainingSession:
    """Create a session organised by ``organiser`` for the given audience."""
    _check_session(by, organiser, audience_units, lecturer, lecturer_name, starts_at, ends_at)
    if plan is not None and plan.unit_id != organiser.pk:
        raise ApplicationError(_("The study plan belongs to another unit."), code="invalid")
    session = TrainingSession(
        kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, hours=hours, place=place,
        organiser=organiser, plan=plan, lecturer=lecturer, lecturer_name=lecturer_name.strip(),
        is_required=is_required, include_subunits=include_subunits,
        audience_rank_levels=sorted(set(audience_rank_levels)), created_by=by,
    )
    try:
        session.full_clean()
    except ValidationError as exc:
        raise from_validation_error(session, exc) from exc
    session.save()
    session.audience_units.set(audience_units)
    if session.lecturer_id:
        facts_changed(facts={"lecture_given": [_day(session)]}, officials=[session.lecturer_id])
    return session


def _day(session: TrainingSession) -> date:
    return timezone.localtime(session.starts_at).date()


def _attendance_changed(session: TrainingSession, official_ids: Iterable[int]) -> None:
    """Tell the appraisal: an absence moves the ledger (and a criticism flag), credited hours the training
    component of every period of the year from the session on."""
    day = _day(session)
    facts_changed(facts={"study_absence": [day], "training_hours": [rest_of_year(day)]}, officials=official_ids)


@transaction.atomic
def session_update(
    *, by: User, session: TrainingSession, kind: str, title: str, starts_at: datetime, ends_at: datetime,
    hours: Decimal, organiser: OrgUnit, audience_units: Sequence[OrgUnit], include_subunits: bool = True,
    audience_rank_levels: Iterable[str] = (), place: str = "", lecturer: Official | None = None,
    lecturer_name: str = "", is_required: bool = True, plan: StudyPlan | None = None,
) -> TrainingSession:
    """Edit a session; both the current and the new organising unit must be in the editor's scope."""
    locked = TrainingSession.objects.select_for_update().select_related("organiser").get(pk=session.pk)
    if not can_organise(by, locked.organiser):
        raise ApplicationError(_("Only a head or the organization department over the organising unit may "
                                 "arrange its sessions."), code="forbidden")
    _check_session(by, organiser, audience_units, lecturer, lecturer_name, starts_at, ends_at)
    if plan is not None and plan.unit_id != organiser.pk:
        raise ApplicationError(_("The study plan belongs to another unit."), code="invalid")
    if session_is_frozen(locked, lock=True) and locked.attendance.exists():
        raise ApplicationError(_("The month of this session is closed in the appraisal; it can no longer be "
                                 "changed."), code="period_closed")
    old_day, old_lecturer = _day(locked), locked.lecturer_id
    for name, value in {
        "kind": kind, "title": title, "starts_at": starts_at, "ends_at": ends_at, "hours": hours, "place": place,
        "organiser": organiser, "plan": plan, "lecturer": lecturer, "lecturer_name": lecturer_name.strip(),
        "is_required": is_required, "include_subunits": include_subunits,
        "audience_rank_levels": sorted(set(audience_rank_levels)),
    }.items():
        setattr(locked, name, value)
    try:
        locked.full_clean()
    except ValidationError as exc:
        raise from_validation_error(locked, exc) from exc
    locked.save()
    locked.audience_units.set(audience_units)
    # Its day, kind, requirement, hours or lecturer may have changed: every attendee's facts and the lecturers'.
    attendees = list(locked.attendance.values_list("official_id", flat=True))
    first = min(old_day, _day(locked))
    year_hours_refresh(official_ids=attendees, years=[old_day.year, _day(locked).year])
    facts_changed(facts={"study_absence": [old_day, _day(locked)], "lecture_given": [old_day, _day(locked)],
                         "training_hours": [rest_of_year(first)]},
                  officials=[*attendees, old_lecturer, locked.lecturer_id])
    return locked


# --- attendance --------------------------------------------------------------------------------------


class AttendanceRow(TypedDict, total=False):
    official: Official | int
    status: str
    hours: Decimal | None
    excuse_reason: str
    exam_score: Decimal | None


def _refused(field: str, message: str, code: str) -> ApplicationError:
    """A refused attendance value, naming its field (a form or a sheet shows it at that field)."""
    return ApplicationError(message, code=code, extra={"fields": {field: [message]}})


@dataclass
class _Checked:
    official: Official
    status: str
    hours: Decimal
    excuse_reason: str
    exam_score: Decimal | None


def _check_row(by: User, session: TrainingSession, official: Official | None, status: str,
               hours: Decimal | None, excuse_reason: str, exam_score: Decimal | None) -> _Checked:
    if official is None:
        raise ApplicationError(_("This official is not in the audience of the session."), code="not_in_audience")
    if not can_record_for(by, official):
        raise ApplicationError(_("Only a head over the official's unit may record their attendance."),
                               code="forbidden")
    if status not in AttendanceStatus.values:
        raise _refused("status", _("Unknown attendance status."), "invalid")
    reason = (excuse_reason or "").strip()
    if status == AttendanceStatus.EXCUSED and not reason:
        raise _refused("excuse_reason", _("Give the reason for the leave."), "reason_required")
    credited = default_hours(session, status) if hours is None else Decimal(hours)
    if credited < 0 or credited > Decimal(session.hours):
        raise _refused("hours", _("Credited hours must be between 0 and the session's hours."), "invalid")
    if exam_score is not None and not (Decimal(0) <= Decimal(exam_score) <= Decimal(100)):
        raise _refused("exam_score", _("The exam score must be between 0 and 100."), "invalid")
    return _Checked(official, status, credited,
                    reason if status == AttendanceStatus.EXCUSED else "", exam_score)


def _apply(record: Attendance, row: _Checked, by: User) -> None:
    record.status = row.status
    record.hours = row.hours
    record.excuse_reason = row.excuse_reason
    record.excuse_approved_by = by if row.status == AttendanceStatus.EXCUSED else None
    record.exam_score = row.exam_score
    record.recorded_by = by
    record.recorded_at = timezone.now()


@transaction.atomic
def attendance_record(
    *, by: User, session: TrainingSession, official: Official, status: str, hours: Decimal | None = None,
    excuse_reason: str = "", exam_score: Decimal | None = None,
) -> Attendance:
    """Record (or change) one official's attendance at a session."""
    check_open(session)
    member = audience_visible_to(by, session).filter(pk=official.pk).first()
    row = _check_row(by, session, member, status, hours, excuse_reason, exam_score)
    record = Attendance.objects.select_for_update().filter(session=session, official=official).first()
    if record is None:
        record = Attendance(session=session, official=official)
    _apply(record, row, by)
    try:
        record.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise from_validation_error(record, exc) from exc
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise ApplicationError(_("Someone else recorded this attendance at the same time; reload and retry."),
                               code="conflict") from exc
    _attendance_changed(session, [official.pk])
    record.official = row.official  # with its unit loaded, for the grid row
    return record


class BulkRefused(ApplicationError):
    """A bulk write refused: ``extra["rows"]`` lists each bad row's index, official, field, code and message."""


@transaction.atomic
def attendance_bulk(*, by: User, session: TrainingSession, rows: Sequence[AttendanceRow]) -> list[Attendance]:
    """Record a session's attendance for many officials at once: every row is checked, then all are written
    in a few set-based queries; any bad row refuses the whole list (``extra["rows"]`` lists the errors)."""
    check_open(session)
    members = {o.pk: o for o in audience_visible_to(by, session)}
    errors: list[dict[str, Any]] = []
    checked: list[_Checked] = []
    seen: set[int] = set()
    for index, raw in enumerate(rows):
        ref = raw.get("official")
        official_id = ref.pk if isinstance(ref, Official) else ref
        try:
            if official_id in seen:
                raise ApplicationError(_("The official appears twice."), code="duplicate")
            checked.append(_check_row(by, session, members.get(official_id) if isinstance(official_id, int)
                                      else None, str(raw.get("status", "")), raw.get("hours"),
                                      raw.get("excuse_reason", ""), raw.get("exam_score")))
            if isinstance(official_id, int):
                seen.add(official_id)
        except ApplicationError as exc:
            field = next(iter(exc.extra.get("fields") or {}), "official")
            errors.append({"row": index, "official": official_id, "field": field, "code": exc.code,
                           "message": exc.message})
    if errors:
        first = errors[0]
        raise BulkRefused(
            _("Nothing was saved: %(count)s row(s) have errors (first: %(message)s).")
            % {"count": len(errors), "message": first["message"]},
            code=first["code"] if len(errors) == 1 else "invalid_rows", extra={"rows": errors})
    existing = {a.official_id: a for a in Attendance.objects.select_for_update().filter(
        session=session, official_id__in=[c.official.pk for c in checked])}
    to_create: list[Attendance] = []
    to_update: list[Attendance] = []
    for row in checked:
        record = existing.get(row.official.pk)
        if record is None:
            record = Attendance(session=session, official=row.official)
            to_create.append(record)
        else:
            to_update.append(record)
        _apply(record, row, by)
    try:
        with transaction.atomic():
            if to_create:
                bulk_create_with_history(to_create, Attendance, default_user=by)
    except IntegrityError as exc:
        raise ApplicationError(_("Someone else recorded this attendance at the same time; reload and retry."),
                               code="conflict") from exc
    if to_update:
        bulk_update_with_history(to_update, Attendance, ["status", "hours", "excuse_reason", "excuse_approved_by",
                                                         "exam_score", "recorded_by", "recorded_at"],
                                 default_user=by)
    officials = [row.official.pk for row in checked]
    # The bulk writes send no model signals: the yearly sums are refreshed here, once for the whole list.
    year_hours_refresh(official_ids=officials, years=[_day(session).year])
    _attendance_changed(session, officials)
    return to_create + to_update


__all__ = ["SessionKind", "attendance_bulk", "attendance_record", "session_create", "session_update"]
