"""What the training lists and the reminder job cost, pinned exactly: the pages and API lists whose other tests do
not pin them (the calendar, plans, criticism flags, review queue, unit report and progress API are pinned next to
their tests). Each is measured on a few rows, then on many, with the same count."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OfficialFactory
from tests.training.factories import AttendanceFactory, ExternalTrainingFactory, make_session
from training.jobs import remind_required_sessions
from training.models import AttendanceStatus

YEAR = 2026

# url name or API path: who asks, the query string, the exact count (session, user, role grants and own official
# included).
LISTS = {
    "training:mine": ("staff", f"year={YEAR}", 12),
    "training:lecturers": ("head", f"year={YEAR}", 8),
    "training:targets": ("orgadmin", "", 6),
    "/api/v1/training-sessions/": ("head", "page_size=100", 8),
    "/api/v1/attendance/": ("head", "page_size=100", 6),
    "/api/v1/external-training/": ("head", "page_size=100", 6),
}


def add_training(county, n: int, first: int = 0) -> None:
    """``n`` required sessions of the culture bureau, each with its own lecturer, attended by ``staff`` and a
    new colleague, and ``n`` external records of ``staff``, every other one approved."""
    for i in range(first, first + n):
        when = timezone.make_aware(datetime(YEAR, 3, 2, 9, 0)) + timedelta(days=i)
        session = make_session(county.head, county.culture, when=when, title=f"学习{i}",
                               lecturer=OfficialFactory(unit=county.culture_office))
        for official in (county.staff_official, OfficialFactory(unit=county.culture_tourism)):
            AttendanceFactory(session=session, official=official, status=AttendanceStatus.PRESENT)
        ExternalTrainingFactory(official=county.staff_official, title=f"外训{i}",
                                status="approved" if i % 2 else "submitted")


def _url(name: str, query: str) -> str:
    path = name if name.startswith("/") else reverse(name)
    return f"{path}?{query}" if query else path


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_list_costs_the_same_pinned_queries_for_few_and_many_rows(county, client_for, django_assert_num_queries,
                                                                        name):
    who, query, queries = LISTS[name]
    client = client_for(getattr(county, who))
    url = _url(name, query)
    add_training(county, 2)
    client.get(url)  # the session is warm
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_training(county, 30, first=2)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# The reminder job: its first run with two required sessions two days ahead, then a re-run with nothing new.
REMIND_QUERIES = (5, 4)


def test_the_reminder_job_costs_a_pinned_number_of_queries(county, django_assert_num_queries):
    day = timezone.make_aware(datetime(YEAR, 10, 16, 9, 0))
    for hour in (9, 14):
        make_session(county.head, county.culture, when=day.replace(hour=hour), title=f"必修{hour}")
    with django_assert_num_queries(REMIND_QUERIES[0]):
        assert remind_required_sessions("2026-10-14")["sessions"] == 2
    with django_assert_num_queries(REMIND_QUERIES[1]):
        assert remind_required_sessions("2026-10-14")["notified"] == 0
