"""Discipline in the grading: decisions in force cap the annual grade, an open case holds it.

The appraisal reads the discipline app's facts (DESIGN §3: appraisal → discipline, never the reverse):

- a decision with effect (not exempted under error tolerance, not revoked on appeal) and a grade cap limits the
  grade of each year it applies to (``Decision.cap_years``: the year it takes effect, or every year it is in
  force, as its kind says);
- a subject of a case still registered or under investigation has the year's grade held as 不确定等次 until
  the case closes (for the years from the case's registration on).

The reasons say what the effect is and until when — never the kind, the case or its facts, because heads see
them on the grading page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import Grade
from discipline.models import OPEN_CASE_STATUSES, CapScope, Case, Decision


def cap_reason(max_grade: str, until: date | None) -> str:
    """E.g. "Discipline decision: grade at most 称职, in force until 2027-05-31"."""
    grade = Grade(max_grade).label if max_grade in Grade.values else max_grade
    values = {"grade": grade, "date": until.isoformat() if until else ""}
    if max_grade in (Grade.COMPETENT, Grade.BASIC):
        if until:
            return _("Discipline decision: grade at most %(grade)s, in force until %(date)s") % values
        return _("Discipline decision: grade at most %(grade)s this year") % values
    if until:
        return _("Discipline decision: grade %(grade)s, in force until %(date)s") % values
    return _("Discipline decision: grade %(grade)s this year") % values


@grade_constraint_provider
def discipline_constraints(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """Yield the caps of decisions with effect in ``year`` and the holds of open cases (two queries)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    applies = Q(effective_date__year=year) | Q(
        cap_scope=CapScope.IN_FORCE, effective_date__lte=end, in_force_until__gte=start)
    decisions = Decision.objects.effective().exclude(grade_cap="").filter(applies)
    # The subjects of open cases, read from the case–subject table (one row per case and subject).
    held = Case.subjects.through.objects.filter(
        case__status__in=OPEN_CASE_STATUSES, case__registered_on__lte=end)
    if official_ids is not None:
        ids = list(official_ids)
        decisions = decisions.filter(official_id__in=ids)
        held = held.filter(official_id__in=ids)
    for official_id, max_grade, until in decisions.order_by("official_id", "effective_date").values_list(
            "official_id", "grade_cap", "in_force_until"):
        yield GradeConstraint(official_id=official_id, max_grade=max_grade, reason=cap_reason(max_grade, until),
                              source="discipline", until=until)
    for official_id in sorted(set(held.values_list("official_id", flat=True))):
        # The source "investigation" tells the 评语 stage to write neither 评语 nor grade (考核规定 第28条).
        yield GradeConstraint(official_id=official_id, max_grade=Grade.UNDETERMINED, source="investigation",
                              reason=_("Under investigation: the grade is held until the case closes"))
