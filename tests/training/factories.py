"""factory_boy factories of training's models, and ``make_session``: a session made through the service."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from org.models import OrgUnit, User
from training.models import SessionKind, TrainingSession
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
