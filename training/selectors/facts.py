"""The facts the appraisal derives its entries from (``appraisal.services.derive_training``) and the public
criticism flags count (``training.services.criticism``): absences and lectures in a window."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from training.models import Attendance, AttendanceStatus, SessionKind, TrainingSession


def _held_between(start: date, end: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_at__date__gte": start, f"{prefix}starts_at__date__lte": end})


def required_absences(start: date, end: date) -> QuerySet[Attendance]:
    """Unexcused absences from required sessions (any kind) held between ``start`` and ``end``."""
    return Attendance.objects.filter(_held_between(start, end, "session__"), status=AttendanceStatus.ABSENT,
                                     session__is_required=True)


def study_absences(start: date, end: date) -> QuerySet[Attendance]:
    """Unexcused absences from required collective studies held between ``start`` and ``end`` (each one −1)."""
    return required_absences(start, end).filter(session__kind=SessionKind.COLLECTIVE_STUDY)


def lectures_given(start: date, end: date) -> QuerySet[TrainingSession]:
    """Sessions held between ``start`` and ``end`` given by an official lecturer (each one a bonus)."""
    return TrainingSession.objects.filter(_held_between(start, end), lecturer__isnull=False)
