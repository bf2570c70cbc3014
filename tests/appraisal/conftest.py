"""Appraisal fixtures: the culture bureau scored for 2026, the year's 优秀 candidate (the county, the year and the
graded people are in tests/conftest.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from org.models import Official, OrgUnit
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.conftest import County
from tests.factories import OfficialFactory, UserFactory


@pytest.fixture
def culture(county: County) -> OrgUnit:
    """The culture bureau: the staff official, a colleague, and four more, all with 2026 scorecards."""
    for person, total in ((county.staff_official, 96), (county.culture_official, 85), (county.head_official, 88)):
        ScorecardFactory(official=person, unit=county.culture, total=Decimal(total))
    staff_in(county.culture_office, county.culture, [91, 80, 75, 70, 65, 62, 81])
    return county.culture


@pytest.fixture
def candidate(county: County) -> Official:
    """Another official of the culture bureau, with a login: the year's only 优秀 candidate."""
    return OfficialFactory(name="张优秀", unit=county.culture_office, user=UserFactory(username="candidate"),
                           position_title="副主任")
