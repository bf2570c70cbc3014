"""What the appraisal lists cost, pinned exactly: the pages and API lists whose other tests do not pin them (the
score, annual, quarterly, grades, results, schemes and check-up results pages and their APIs are pinned next to
their tests). Each is measured on a few rows, then on many, with the same count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from appraisal.services.checkup import round_close
from tasks.models import ReportStatus
from tests.appraisal.factories import ExportJobFactory, FinalGradeFactory, ScoreRuleFactory
from tests.appraisal.test_checkup_services import assign, give, open_round
from tests.factories import MonthlyReportFactory, OfficialFactory, period

OCTOBER = dt.date(2026, 10, 1)

# url name or API path with its query string: who asks, the exact count (session, user, role grants and own official
# included).
LISTS = {
    "appraisal:readiness?month=2026-10": ("orgadmin", 8),
    "appraisal:readiness?month=2026-10&unit=WL&show=unreviewed": ("orgadmin", 10),  # the officials behind a figure
    "appraisal:checkup_round_list": ("orgadmin", 7),
    "appraisal:checkup_my_results": ("staff", 7),
    "appraisal:exports": ("orgadmin", 9),
    "appraisal:annual_mine": ("staff", 14),
    "/api/v1/periods/?page_size=100": ("orgadmin", 4),
    "/api/v1/score-rules/?page_size=100": ("orgadmin", 4),
    "/api/v1/checkup-rounds/?page_size=100": ("orgadmin", 6),
    "/api/v1/checkup-assignments/?page_size=100": ("head", 4),
    "/api/v1/checkup-results/?page_size=100": ("orgadmin", 6),
    "/api/v1/export-jobs/?page_size=100": ("orgadmin", 6),
}


def add_rows(county, n: int, first: int = 0) -> None:
    """``n`` quarters (from 2020-Q1 on), each with a check-up round in which the head rated ``staff`` and a new
    colleague, closed, and an export of the quarter's register; a final grade of ``staff`` for each new year; a
    score rule; and a submitted October report of a new official of the culture bureau for each."""
    for i in range(first, first + n):
        year, quarter = 2020 + i // 4, i % 4 + 1
        checkup = open_round(county, key=f"{year}-Q{quarter}")
        for person in (county.staff_official, OfficialFactory(unit=county.culture_office)):
            [rating] = assign(county, checkup, person, "principal", [county.head])
            give(rating, 80)
        round_close(by=county.orgadmin, round=checkup)
        ExportJobFactory(period=checkup.period, created_by=county.orgadmin)
        if quarter == 1:
            FinalGradeFactory(period=period(str(year)), official=county.staff_official, unit=county.culture)
        ScoreRuleFactory()
        MonthlyReportFactory(official=OfficialFactory(unit=county.culture_office), month=OCTOBER,
                             status=ReportStatus.SUBMITTED)


def _url(target: str) -> str:
    name, _, query = target.partition("?")
    path = name if name.startswith("/") else reverse(name)
    return f"{path}?{query}" if query else path


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_list_costs_the_same_pinned_queries_for_few_and_many_rows(county, client_for, django_assert_num_queries,
                                                                        name):
    who, queries = LISTS[name]
    client = client_for(getattr(county, who))
    url = _url(name)
    add_rows(county, 2)
    client.get(url)  # the session is warm
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_rows(county, 10, first=2)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
