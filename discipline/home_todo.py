"""Discipline inspection's lines on the home page (registered with ``org.home`` in ``DisciplineConfig.ready``):
cases by status with those past their time limit, tolerance requests to review, appeals to decide. Each count
comes from the selector and filter of the list it links to."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from discipline.models import CaseStatus, ToleranceStatus
from discipline.selectors.cases import (
    cases_visible_to,
    cases_with_pending_appeal_q,
    past_time_limit_q,
    with_time_limits,
)
from discipline.selectors.tolerance import tolerance_visible_to
from org.home import TodoItem, home_todo
from org.models import User


def _cases_url(**query: str) -> str:
    return f"{reverse('discipline:case_list')}?{urlencode(query)}"


@home_todo("discipline", order=10)
def cases(user: User) -> list[TodoItem]:
    """Open cases by status (one query) and tolerance requests to review (one query)."""
    late = past_time_limit_q(timezone.localdate())
    registered, investigating = Q(status=CaseStatus.REGISTERED), Q(status=CaseStatus.INVESTIGATING)
    figures = with_time_limits(cases_visible_to(user)).aggregate(
        registered=Count("pk", filter=registered), registered_late=Count("pk", filter=registered & late),
        investigating=Count("pk", filter=investigating), investigating_late=Count("pk", filter=investigating & late),
        decided=Count("pk", filter=Q(status=CaseStatus.DECIDED)),
        appeals=Count("pk", filter=cases_with_pending_appeal_q()))
    tolerance = tolerance_visible_to(user).filter(status=ToleranceStatus.SUBMITTED).count()
    past = _("past the time limit")
    return [
        TodoItem(key="cases-registered", label=_("Registered cases to take up"),
                 url=_cases_url(status=CaseStatus.REGISTERED), count=figures["registered"],
                 late=figures["registered_late"], late_label=past,
                 late_url=_cases_url(status=CaseStatus.REGISTERED, overdue="1")),
        TodoItem(key="cases-investigating", label=_("Cases under investigation"),
                 url=_cases_url(status=CaseStatus.INVESTIGATING), count=figures["investigating"],
                 late=figures["investigating_late"], late_label=past,
                 late_url=_cases_url(status=CaseStatus.INVESTIGATING, overdue="1")),
        TodoItem(key="cases-decided", label=_("Decided cases to close"),
                 url=_cases_url(status=CaseStatus.DECIDED), count=figures["decided"]),
        TodoItem(key="tolerance-review", label=_("Error tolerance requests to review"),
                 url=f"{reverse('discipline:tolerance_list')}?show={ToleranceStatus.SUBMITTED}", count=tolerance),
        TodoItem(key="appeals", label=_("Cases with an appeal to decide"), url=_cases_url(appeal="pending"),
                 count=figures["appeals"]),
    ]


@home_todo("org", order=30)
def tolerance_to_decide(user: User) -> list[TodoItem]:
    """Error tolerance requests reviewed by discipline inspection, for the organization department to decide (one
    query)."""
    count = tolerance_visible_to(user).filter(status=ToleranceStatus.REVIEWED).count()
    return [TodoItem(key="tolerance-decide", label=_("Error tolerance requests to decide"),
                     url=f"{reverse('discipline:tolerance_list')}?show={ToleranceStatus.REVIEWED}", count=count)]
