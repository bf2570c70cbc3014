"""The quarterly grades' panel on the home page (registered with ``org.home`` in ``AppraisalConfig.ready``): an
official's newly confirmed grade. A head's grades to confirm are to-do lines (``appraisal.home_todo``)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from appraisal.models import QuarterlyGrade, QuarterlyStatus
from org.home import Panel, home_panel
from org.models import User
from org.selectors import access_for

NEW_GRADE_DAYS = 14  # a confirmed grade is "new" on the home page for two weeks, or until asked about


@home_panel
def quarterly_new_grade(user: User) -> Panel | None:
    """The official's quarterly grades confirmed (or answered) in the last two weeks."""
    official_id = access_for(user).official_id
    if official_id is None:
        return None
    since = timezone.now() - timedelta(days=NEW_GRADE_DAYS)
    # One's own grades are visible once confirmed (``quarterly_grades_visible_to``); the panel shows the grade
    # and its quarter only, so it reads those rather than the seven tables of the grade pages.
    grades: list[QuarterlyGrade] = list(
        QuarterlyGrade.objects.filter(official_id=official_id, status=QuarterlyStatus.CONFIRMED)
        .filter(Q(confirmed_at__gte=since) | Q(answered_at__gte=since))
        .select_related("period").order_by("-period__start")[:4])
    if not grades:
        return None
    return "appraisal/quarterly/_home_mine.html", {"grades": grades}
