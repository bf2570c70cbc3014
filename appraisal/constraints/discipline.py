"""Discipline in the grading: decisions in force cap the annual grade, an open case holds it.

The appraisal reads the discipline app's facts (DESIGN §3: appraisal → discipline, never the reverse):

- a decision with effect (not exempted under error tolerance, not revoked on appeal) and a grade cap limits the
  grade of ``Decision.cap_years`` appraisal years counted from the year it takes effect (1 = that year only,
  whatever its period in force), with ``Decision.later_cap`` for the years after the first when set (留党察看:
  不称职 that year, then 不确定等次);
- a subject of a case still registered or under investigation has the year's grade held as 不确定等次 until
  the case closes (for the years from the case's registration on).

The reasons say what the effect is and until when — never the kind, the case or its facts, because heads see
them on the grading page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from django.db.models import F
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.display.grade_labels import grade_label
from appraisal.models import Grade
from discipline.models import OPEN_CASE_STATUSES, Case, Decision


def cap_reason(max_grade: str, years: int = 1, first_year: int | None = None, category: str | None = None) -> str:
    """E.g. "Discipline decision: grade at most 称职 this year" (合格 for 事业单位 staff, by ``category``), or, for a
    cap over several appraisal years, "Discipline decision: grade 不确定等次 for 2 appraisal years from 2025"."""
    grade = grade_label(max_grade, category)
    values = {"grade": grade, "n": years, "year": first_year}
    at_most = max_grade in (Grade.COMPETENT, Grade.BASIC)
    if years > 1 and first_year is not None:
        if at_most:
            return _("Discipline decision: grade at most %(grade)s for %(n)s appraisal years from %(year)s") % values
        return _("Discipline decision: grade %(grade)s for %(n)s appraisal years from %(year)s") % values
    if at_most:
        return _("Discipline decision: grade at most %(grade)s this year") % values
    return _("Discipline decision: grade %(grade)s this year") % values


def cap_for_year(year: int, effective_year: int, cap: str, years: int, later: str) -> tuple[str, int, int]:
    """The cap on ``year`` and the run of years it belongs to: (cap, number of years, first year)."""
    if later and later != cap and years > 1:
        if year == effective_year:
            return cap, 1, effective_year
        return later, years - 1, effective_year + 1
    return cap, years, effective_year


@grade_constraint_provider
def discipline_constraints(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """Yield the caps of decisions with effect in ``year`` and the holds of open cases (two queries).

    A decision that takes effect in year E caps the years E ≤ ``year`` < E + ``cap_years``."""
    decisions = (Decision.objects.effective().exclude(grade_cap="")
                 .filter(effective_date__lte=date(year, 12, 31))
                 .alias(cap_end=ExtractYear("effective_date") + F("cap_years"))
                 .filter(cap_end__gt=year))
    # The subjects of open cases, read from the case–subject table (one row per case and subject).
    held = Case.subjects.through.objects.filter(
        case__status__in=OPEN_CASE_STATUSES, case__registered_on__lte=date(year, 12, 31))
    if official_ids is not None:
        ids = list(official_ids)
        decisions = decisions.filter(official_id__in=ids)
        held = held.filter(official_id__in=ids)
    rows = decisions.order_by("official_id", "effective_date").values_list(
        "official_id", "grade_cap", "cap_years", "later_cap", "effective_date", "in_force_until",
        "official__personnel_category")
    for official_id, grade_cap, years, later, effective, until, category in rows:
        max_grade, run, first = cap_for_year(year, effective.year, grade_cap, years, later)
        yield GradeConstraint(official_id=official_id, max_grade=max_grade,
                              reason=cap_reason(max_grade, run, first, category), source="discipline", until=until)
    for official_id in sorted(set(held.values_list("official_id", flat=True))):
        # The source "investigation" tells the 评语 stage to write neither 评语 nor grade (考核规定 第28条).
        yield GradeConstraint(official_id=official_id, max_grade=Grade.UNDETERMINED, source="investigation",
                              reason=_("Under investigation: the grade is held until the case closes"))
