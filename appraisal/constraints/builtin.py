"""The default grade constraints of the national rules, registered with the grade-constraint registry.

- Probation (试用期, 公务员法 第34条: one year from joining; 考核规定 2020 第25条): an official still in probation when
  the year is appraised — at the end of the appraisal year, ``APPRAISAL_PROBATION_MONTHS`` (12) after joining not
  yet reached — takes part with a 评语 only: 不确定等次 ("试用期内"). One whose probation ended during the year (in
  January, say) is graded like everyone else. The organization department may still confirm otherwise with a
  reason.
- Leavers: an official who left during the year (``is_active`` unticked, ``left_on`` in the year or unknown)
  is 不参加考核.
- Absence of more than half the year (病假、事假超过半年, 第27条) also makes the grade 不确定等次: that provider
  reads the leave records of the org app and lives in ``appraisal.constraints.leave``.

Each provider answers for a whole year in one query, whatever the number of officials.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterator
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import Grade
from org.models import Official


def probation_months() -> int:
    return int(getattr(settings, "APPRAISAL_PROBATION_MONTHS", 12))


def shift_months(day: date, months: int) -> date:
    """Return the same day ``months`` later (earlier when negative); the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def probation_end(joined_on: date) -> date:
    """Return the day the probation of an official who joined on ``joined_on`` ends."""
    return shift_months(joined_on, probation_months())


@grade_constraint_provider
def probation_and_leavers(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """Yield 不确定等次 for officials still in probation at the end of ``year`` and 不参加考核 for those who left
    in it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    # Joined after this day → the probation has not ended by the end of the year.
    probation_from = shift_months(end, -probation_months())
    in_probation = Q(joined_on__gt=probation_from, joined_on__lte=end)
    left = Q(is_active=False) & (Q(left_on__isnull=True) | Q(left_on__range=(start, end)))
    qs = Official.objects.filter(in_probation | left)
    if official_ids is not None:
        qs = qs.filter(pk__in=list(official_ids))
    for official_id, joined_on, is_active, left_on in qs.values_list("id", "joined_on", "is_active", "left_on"):
        if not is_active and (left_on is None or start <= left_on <= end):
            yield GradeConstraint(official_id=official_id, max_grade=Grade.NOT_APPRAISED,
                                  reason=_("Left during the year"), source="left")
        elif joined_on is not None and probation_from < joined_on <= end:
            yield GradeConstraint(official_id=official_id, max_grade=Grade.UNDETERMINED,
                                  reason=_("In probation"), source="probation", until=probation_end(joined_on))
