"""Long leave in the grading (考核规定 2020 第27条): an official on 病假 and 事假 for more than half the appraisal
year takes part in the appraisal, with a 评语 only — 不确定等次.

The days come from the leave records of the org app (``org.selectors.leave.days_away``): each record clipped to
the calendar year, both ends counted. Two settings (shared/rules.md, Defaults item 4):

- ``APPRAISAL_LEAVE_KINDS``: the kinds of leave that count (default ``["sick", "personal"]``, the rule's
  "病、事假"; 产假, 婚假 and the other statutory leave do not count unless a deployment adds them);
- ``APPRAISAL_LEAVE_MAX_DAYS``: more days than this make the grade 不确定等次 (default 182: half of 365,
  rounded down, so 183 days is "more than half the year" and 182 is not).

The reason names the kinds and the day count; heads see it on the 评语 page, so it says nothing else. As with
probation, the 评语 stage asks for the 评语 only (``appraisal.selectors.annual.comment_rule``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import Grade
from org.models import LeaveKind
from org.selectors.leave import days_away

SOURCE = "leave"
DEFAULT_KINDS = (LeaveKind.SICK.value, LeaveKind.PERSONAL.value)
DEFAULT_MAX_DAYS = 182


def leave_kinds() -> list[str]:
    """Return the leave kinds counted toward "more than half the year away" (``APPRAISAL_LEAVE_KINDS``)."""
    configured = getattr(settings, "APPRAISAL_LEAVE_KINDS", None)
    kinds = list(DEFAULT_KINDS if configured is None else configured)
    unknown = set(kinds) - set(LeaveKind.values)
    if unknown:
        raise ValueError(f"APPRAISAL_LEAVE_KINDS holds unknown kinds: {sorted(unknown)}")
    return kinds


def leave_max_days() -> int:
    """Return the days of counted leave a year may hold before the grade is not determined."""
    return int(getattr(settings, "APPRAISAL_LEAVE_MAX_DAYS", DEFAULT_MAX_DAYS))


def leave_reason(days: int, limit: int, kinds: list[str]) -> str:
    """E.g. "本年度病假、事假累计 190 天，超过 182 天，不确定等次"."""
    names = "、".join(str(LeaveKind(k).label) for k in kinds)
    return _("%(kinds)s totalling %(days)s days this year, more than %(limit)s: the grade is not determined") % {
        "kinds": names, "days": days, "limit": limit}


@grade_constraint_provider
def long_leave(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """Yield 不确定等次 for officials with more than ``APPRAISAL_LEAVE_MAX_DAYS`` days of counted leave in ``year``
    (one query)."""
    kinds, limit = leave_kinds(), leave_max_days()
    if not kinds:
        return
    found = days_away(year, kinds=kinds, official_ids=official_ids)
    for official_id, days in sorted(found.items()):
        if days > limit:
            yield GradeConstraint(official_id=official_id, max_grade=Grade.UNDETERMINED, source=SOURCE,
                                  reason=leave_reason(days, limit, kinds))
