"""The working-day calendar (法定节假日与调休): which days are worked, and deadlines counted in working days.

This module is the single place that answers "is this a working day?" and "what is the Nth working day after
D?". Every deadline the rules count in working days (the appraisal's 公示 period, and any later rule) calls
``add_working_days`` or ``working_days_between`` here, never its own weekday arithmetic.

The rule: weekends are days off unless a ``CalendarDay`` row marks them as working days (调休上班); weekdays are
working days unless a row marks them as holidays. Rows are kept by the organization department
(``org.services.calendar``); the national schedules listed in ``NATIONAL_SCHEDULES`` ship as data migrations.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from org.models import CalendarDay

# The national schedules shipped as data (year → the notice's title); see org/migrations/0003_*.
NATIONAL_SCHEDULES: dict[int, str] = {
    2026: "国务院办公厅关于2026年部分节假日安排的通知",
}

# The years the calendar keeps.
MIN_YEAR, MAX_YEAR = 2000, 2100

# The longest run of days off a calendar can plausibly hold. Past it, ``add_working_days`` gives up rather than
# scanning towards date.max (only possible if someone marked months of weekdays as holidays).
_MAX_WINDOW_DAYS = 5 * 366


def is_weekend(day: date) -> bool:
    """Return whether ``day`` is a Saturday or a Sunday."""
    return day.weekday() >= 5


def mark_refusal(day: date, is_working_day: bool) -> str | None:
    """Return why marking ``day`` as a working day (``is_working_day``) or a day off is refused — a year the
    calendar does not keep, or a mark that would change nothing — or ``None`` when the mark changes something."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return _("%(date)s is outside the years the calendar keeps (%(first)s–%(last)s).") % {
            "date": day.isoformat(), "first": MIN_YEAR, "last": MAX_YEAR}
    if is_working_day and not is_weekend(day):
        return _("%(date)s is a weekday, so it is a working day already; there is no need to mark it as one.") % {
            "date": day.isoformat()}
    if not is_working_day and is_weekend(day):
        return _("%(date)s is a weekend day, so it is a day off already; there is no need to mark it as a "
                 "holiday.") % {"date": day.isoformat()}
    return None


def _overrides(first: date, last: date) -> dict[date, bool]:
    """Return ``{date: is_working_day}`` for the calendar rows from ``first`` to ``last`` (one query)."""
    return dict(CalendarDay.objects.filter(date__range=(first, last)).order_by().values_list("date", "is_working_day"))


def _is_working(day: date, overrides: dict[date, bool]) -> bool:
    return overrides.get(day, not is_weekend(day))


def is_working_day(day: date) -> bool:
    """Return whether ``day`` is a working day (one query)."""
    row = CalendarDay.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    return row if row is not None else not is_weekend(day)


def add_working_days(start: date, n: int) -> date:
    """Return the ``n``-th working day strictly after ``start`` ("the Nth working day after D"), ``n >= 1``.

    One query whatever ``n``: the calendar rows of a window after ``start`` are loaded once and the days are
    walked in Python. The window (``n * 2 + 60`` days) covers any real calendar; it is widened and the query
    retried only if it holds fewer than ``n`` working days.
    """
    if n < 1:
        raise ValueError("n must be 1 or more")
    span = n * 2 + 60
    while True:
        last = start + timedelta(days=span)
        overrides = _overrides(start + timedelta(days=1), last)
        found = 0
        day = start
        while day < last:
            day += timedelta(days=1)
            if _is_working(day, overrides):
                found += 1
                if found == n:
                    return day
        if span > n + _MAX_WINDOW_DAYS:
            raise ApplicationError(
                _("The working-day calendar has no working day in the %(days)s days after %(date)s; check the "
                  "calendar.") % {"days": span, "date": start.isoformat()},
                code="calendar_exhausted",
            )
        span *= 2


def _weekdays_between(start: date, end: date) -> int:
    """Return the number of Mondays to Fridays from ``start`` to ``end`` inclusive (no query)."""
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    first = start.weekday()
    count += sum(1 for offset in range(rest) if (first + offset) % 7 < 5)
    return count


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days from ``start`` to ``end``, both included (0 if ``end < start``).

    One query: the weekdays are counted arithmetically and the calendar rows of the range adjust the count.
    """
    if end < start:
        return 0
    return _count_working(start, end, _overrides(start, end))


def _count_working(start: date, end: date, overrides: dict[date, bool]) -> int:
    """Count the working days from ``start`` to ``end`` inclusive, given the rows of (at least) that range."""
    count = _weekdays_between(start, end)
    for day, working in overrides.items():
        if not start <= day <= end:
            continue
        if working and is_weekend(day):
            count += 1
        elif not working and not is_weekend(day):
            count -= 1  # rows that repeat the weekly rhythm change nothing
    return count


@dataclass(frozen=True)
class CalendarStatus:
    """What the calendar holds for one year, for the calendar page."""

    year: int
    marked_days: int  # rows in the year
    shipped_days: int  # rows written by a shipped national schedule (no ``updated_by``)
    notice: str | None  # title of the shipped national notice for the year, if there is one

    @property
    def has_rows(self) -> bool:
        return self.marked_days > 0

    @property
    def from_national_schedule(self) -> bool:
        """Whether the year's days came (at least partly) from the shipped national schedule."""
        return self.notice is not None and self.shipped_days > 0


def calendar_status(year: int) -> CalendarStatus:
    """Return whether ``year`` has calendar rows and whether they came from the shipped national schedule
    (one query)."""
    counts = CalendarDay.objects.filter(date__year=year).aggregate(
        marked=Count("id"), shipped=Count("id", filter=Q(updated_by__isnull=True)))
    return CalendarStatus(year=year, marked_days=counts["marked"], shipped_days=counts["shipped"],
                          notice=NATIONAL_SCHEDULES.get(year))


def calendar_days() -> QuerySet[CalendarDay]:
    """Return every marked day, by date."""
    return CalendarDay.objects.order_by("date")


def calendar_day_on(day: date) -> CalendarDay | None:
    """Return the mark on ``day``, or ``None`` when the day follows the weekly rhythm."""
    return CalendarDay.objects.filter(date=day).first()


def days_of_year(year: int) -> QuerySet[CalendarDay]:
    """Return the calendar rows of ``year`` by date, with who last changed them."""
    return CalendarDay.objects.filter(date__year=year).select_related("updated_by").order_by("date")


@dataclass
class MonthOfCalendar:
    """One month of the calendar page: its marked days and its number of working days."""

    month: int
    working_days: int
    days: list[CalendarDay] = field(default_factory=list)


def year_by_month(year: int) -> list[MonthOfCalendar]:
    """Return the twelve months of ``year`` with their marked days and working-day counts (one query)."""
    rows = list(days_of_year(year))
    overrides = {row.date: row.is_working_day for row in rows}
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = date(year, month, pycalendar.monthrange(year, month)[1])
        months.append(MonthOfCalendar(month=month, working_days=_count_working(first, last, overrides),
                                      days=[r for r in rows if r.date.month == month]))
    return months
