"""``common.dates``: the quarters the training's criticism flags are keyed by are the appraisal's quarter periods
(a confirmed flag's −2 goes into the period of that key)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from appraisal.scoring.periods import QUARTER, parse_period_key, period_key_for
from common.dates import day_or_today, month_end, parse_day, parse_month, previous_month, quarter_of, quarters_between


def test_every_day_falls_in_the_appraisal_quarter_of_the_same_key():
    day = date(2025, 1, 1)
    while day < date(2027, 1, 1):
        key, first, last = quarter_of(day)
        span = parse_period_key(key)
        assert (key, first, last) == (period_key_for(QUARTER, day), span.start, span.end)
        day += timedelta(days=1)


def test_the_quarters_touching_a_window():
    assert [key for key, _first, _last in quarters_between(date(2026, 9, 1), date(2026, 10, 31))] == [
        "2026-Q3", "2026-Q4"]
    assert [key for key, _f, _l in quarters_between(date(2026, 11, 30), date(2027, 1, 1))] == ["2026-Q4", "2027-Q1"]
    assert quarters_between(date(2026, 5, 2), date(2026, 5, 1)) == []


def test_parse_month():
    assert parse_month("2026-03") == date(2026, 3, 1)
    assert [parse_month(bad) for bad in ("2026-3", "26-03", "2026-13", "x", "")] == [None] * 5


def test_parse_day():
    assert parse_day("2026-02-28") == date(2026, 2, 28)
    assert [parse_day(bad) for bad in ("2026-02-30", "2026-2", "x", "")] == [None] * 4


def test_a_job_runs_for_the_day_given_or_today_and_refuses_a_malformed_one():
    assert day_or_today("2026-01-06") == date(2026, 1, 6)
    assert day_or_today(None) == day_or_today("") == timezone.localdate()
    with pytest.raises(ValueError):
        day_or_today("2026-13-01")


def test_month_end_and_previous_month():
    assert [month_end(date(2026, m, 15)) for m in (1, 2, 4, 12)] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30), date(2026, 12, 31)]
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert previous_month(date(2026, 1, 31)) == date(2025, 12, 1)
    assert previous_month(date(2026, 3, 1)) == date(2026, 2, 1)
