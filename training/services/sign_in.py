"""The sign-in sheet import (签到表导入): a session's attendance from a workbook, all or nothing, every problem of
the sheet reported in one pass (``common.imports``), each upload recorded in the import history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.excel import CellError
from common.imports import FILE, RowErrors, apply_all_or_nothing, check_duplicates, file_error, history_fields
from org.models import User
from org.selectors import officials_by_staff_number, unknown_official_message
from training.excel import SIGN_IN_COLUMNS, SIGN_IN_SHEET, read_sign_in_sheet
from training.models import Attendance, SignInImport, TrainingSession
from training.selectors.sessions import can_record, check_open
from training.services.sessions import AttendanceRow, BulkRefused, attendance_bulk


@dataclass
class SignInResult:
    errors: list[CellError] = field(default_factory=list)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# Where each field of an attendance row sits in the sign-in sheet.
SIGN_IN_FIELD_COLUMNS = {"official": "工号", "status": "状态", "hours": "学时", "excuse_reason": "请假事由",
                         "exam_score": "考试成绩"}


def attendance_import(*, by: User, session: TrainingSession, file: IO[bytes], filename: str = "") -> SignInResult:
    """Import a sign-in sheet for a session, all or nothing, and record the upload in the import history either
    way. Every problem of the sheet is reported in one pass — its cells, staff numbers repeated within it, staff
    numbers and names, and the rules of ``attendance_bulk`` (the audience, the session's hours) for every good
    row; if there is any, nothing changes. File-level problems are recorded too, then raise ``ApplicationError``."""
    if not can_record(by, session):
        raise ApplicationError(_("Only a head may record attendance."), code="forbidden")
    check_open(session, lock=False)  # early, for a clear message; attendance_bulk checks again under lock
    errors = RowErrors()
    try:
        parsed_rows = read_sign_in_sheet(file, errors)
    except ApplicationError as error:
        SignInImport.objects.create(session=session, uploaded_by=by, filename=filename[:255],
                                    **history_fields(file_error(error)))
        raise
    if not parsed_rows and not errors:
        errors.add(SIGN_IN_SHEET, 0, FILE, _("The sheet has no rows."))
    check_duplicates(((r.row, r.staff_number) for r in parsed_rows), sheet=SIGN_IN_SHEET, column="工号",
                     errors=errors)
    # Only officials the head may see are found: a staff number outside their scope reads exactly like one
    # that does not exist, and its name is never shown.
    officials = officials_by_staff_number(by, [r.staff_number for r in parsed_rows])
    rows: list[AttendanceRow] = []
    row_numbers: list[int] = []
    for parsed in parsed_rows:
        if not parsed.staff_number or errors.has(SIGN_IN_SHEET, parsed.row, "工号"):
            continue
        official = officials.get(parsed.staff_number)
        if official is None:
            errors.add(SIGN_IN_SHEET, parsed.row, "工号", unknown_official_message())
            continue
        if parsed.name and parsed.name != official.name:
            errors.add(SIGN_IN_SHEET, parsed.row, "姓名", _(
                "The name does not match the staff number (%(name)s).") % {"name": official.name})
        if errors.has(SIGN_IN_SHEET, parsed.row):
            continue
        rows.append({"official": official.pk, "status": parsed.status, "hours": parsed.hours,
                     "excuse_reason": parsed.excuse_reason, "exam_score": parsed.exam_score})
        row_numbers.append(parsed.row)
    saved: list[Attendance] = []

    def apply() -> None:
        """Record the good rows: attendance_bulk checks each against the session (audience, hours) first."""
        if not rows:
            return
        try:
            saved.extend(attendance_bulk(by=by, session=session, rows=rows))
        except BulkRefused as exc:
            for problem in exc.extra["rows"]:
                errors.add(SIGN_IN_SHEET, row_numbers[problem["row"]],
                           SIGN_IN_FIELD_COLUMNS.get(problem["field"], "工号"), problem["message"])

    kept = apply_all_or_nothing(errors, apply)
    result = SignInResult(errors=errors.sorted({SIGN_IN_SHEET: [c for c, _r, _w in SIGN_IN_COLUMNS]}),
                          saved=len(saved) if kept else 0)
    SignInImport.objects.create(session=session, uploaded_by=by, filename=filename[:255], saved=result.saved,
                                **history_fields(result.errors))
    return result
