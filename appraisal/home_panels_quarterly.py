"""The quarterly grades' panels on the home page (registered with ``org.home`` in ``AppraisalConfig.ready``): a
head's grades to write and confirm and requests to answer; an official's newly confirmed grade."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from appraisal.models import QuarterlyGrade, QuarterlyStatus
from appraisal.selectors_quarterly import gradable_q, quarterly_grades_visible_to
from org.home import Panel, home_panel
from org.models import User
from org.selectors import access_for

NEW_GRADE_DAYS = 14  # a confirmed grade is "new" on the home page for two weeks, or until asked about


@home_panel
def quarterly_to_do(user: User) -> Panel | None:
    """A head's quarterly grades still to confirm (by quarter) and the requests to reconsider waiting (one query)."""
    if not access_for(user).has_role("head"):
        return None
    rows = list(quarterly_grades_visible_to(user, roles=("head",), include_own=False).filter(gradable_q(user))
                .filter(Q(status=QuarterlyStatus.PROPOSED) | Q(reconsider_asked_at__isnull=False,
                                                               answered_at__isnull=True))
                .order_by("-period__start").values("period__key")
                .annotate(to_confirm=Count("id", filter=Q(status=QuarterlyStatus.PROPOSED)),
                          unwritten=Count("id", filter=Q(status=QuarterlyStatus.PROPOSED, comment="")),
                          waiting=Count("id", filter=Q(reconsider_asked_at__isnull=False,
                                                       answered_at__isnull=True))))
    if not rows:
        return None
    return "appraisal/quarterly/_home_head.html", {
        "quarters": [r for r in rows if r["to_confirm"]], "waiting": sum(r["waiting"] for r in rows)}


@home_panel
def quarterly_new_grade(user: User) -> Panel | None:
    """The official's quarterly grades confirmed (or answered) in the last two weeks."""
    official_id = access_for(user).official_id
    if official_id is None:
        return None
    since = timezone.now() - timedelta(days=NEW_GRADE_DAYS)
    grades: list[QuarterlyGrade] = list(
        quarterly_grades_visible_to(user).filter(official_id=official_id)
        .filter(Q(confirmed_at__gte=since) | Q(answered_at__gte=since)).order_by("-period__start")[:4])
    if not grades:
        return None
    return "appraisal/quarterly/_home_mine.html", {"grades": grades}
