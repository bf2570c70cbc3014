"""factory_boy factories of training's models, and ``make_session``: a session made through the service."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from org.models import OrgUnit, User
from tests.factories import OfficialFactory, OrgUnitFactory
from training.models import (
    Attendance,
    AttendanceStatus,
    CriticismFlag,
    ExternalStatus,
    ExternalTraining,
    SessionKind,
    StudyPlan,
    TrainingSession,
)
from training.services.sessions import session_create


def make_session(by: User, organiser: OrgUnit, audience: list[OrgUnit] | None = None, *,
                 when: datetime | None = None, **kwargs: Any) -> TrainingSession:
    starts = when or timezone.make_aware(datetime(2026, 10, 16, 9, 0))
    values: dict[str, Any] = {
        "kind": SessionKind.COLLECTIVE_STUDY, "title": "周五集中学习", "starts_at": starts,
        "ends_at": starts + timedelta(hours=2), "hours": Decimal("2"), "organiser": organiser,
        "audience_units": audience or [organiser],
    }
    values.update(kwargs)
    return session_create(by=by, **values)


class TrainingSessionFactory(DjangoModelFactory):
    """A session written straight to the table (no audience, no attendance rows): for tests that only read
    sessions. Tests of the scheduling rules use ``make_session``."""

    class Meta:
        model = TrainingSession

    kind = SessionKind.COLLECTIVE_STUDY
    title = factory.Sequence(lambda n: f"集中学习{n}")
    starts_at = factory.LazyFunction(lambda: timezone.make_aware(datetime(2026, 10, 16, 9, 0)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    hours = Decimal("2")
    organiser = factory.SubFactory(OrgUnitFactory)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(TrainingSessionFactory)
    official = factory.SubFactory(OfficialFactory)
    status = AttendanceStatus.PRESENT
    hours = factory.LazyAttribute(lambda o: o.session.hours)


class ExternalTrainingFactory(DjangoModelFactory):
    class Meta:
        model = ExternalTraining

    official = factory.SubFactory(OfficialFactory)
    title = "党校培训"
    provider = "县委党校"
    started_on = date(2026, 5, 1)
    ended_on = factory.SelfAttribute("started_on")
    hours = Decimal("10")
    status = ExternalStatus.SUBMITTED  # as filed; approving is the head's step


class CriticismFlagFactory(DjangoModelFactory):
    class Meta:
        model = CriticismFlag

    official = factory.SubFactory(OfficialFactory)
    quarter = "2026-Q3"
    absences = 3


class StudyPlanFactory(DjangoModelFactory):
    class Meta:
        model = StudyPlan

    unit = factory.SubFactory(OrgUnitFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"年度学习计划{n}")
