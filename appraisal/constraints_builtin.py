"""The default grade constraints of the national rules, registered with the grade-constraint registry.

- Probation (试用期): a newly recruited civil servant's probation lasts one year; an official who joined within
  the year or in the twelve months before it was in probation during the year, so the year's grade is
  不确定等次 ("试用期内") unless the organization department confirms otherwise (an override with a reason).
- Leavers: an official who left during the year (``is_active`` unticked, ``left_on`` in the year or unknown)
  is 不参加考核.
- Absence of more than half the year (病假、事假超过半年) also makes the grade 不确定等次 under the rules, but
  no app records absences yet; the leave records (a later issue) will add a provider here.

Each provider answers for a whole year in one query, whatever the number of officials.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import Grade
from org.models import Official

PROBATION = timedelta(days=365)


@grade_constraint_provider
def probation_and_leavers(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """Yield 不确定等次 for officials in probation during ``year`` and 不参加考核 for those who left in it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    probation_from = date(year - 1, 1, 1)  # joined after this day → still in probation in ``year``
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
                                  reason=_("In probation"), source="probation",
                                  until=joined_on + PROBATION)
