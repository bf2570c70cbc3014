"""What each list of the annual procedure's API costs: pinned exactly for the organization department, a head and an
official on a fresh session, and the same after a second year of rows (the procedure itself: test_annual_api.py)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appraisal.models import GradeNotice
from appraisal.services.finalize import procedure_finalize
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.notices import notice_open, objection_decide, objection_file
from appraisal.services.procedure import proposals_submit, summaries_close
from appraisal.services.reviews import appeal_file, review_decide, review_request
from org.models import Official, User
from tests.appraisal.annual_helpers import comment_all, open_procedure, scorecards, submit_the_rest
from tests.factories import period

API = "/api/v1"


LISTS = ("grades", "annual-procedures", "annual-summaries", "public-notices", "objections", "grade-notices",
         "grade-reviews", "grade-appeals")


def walk_year(county, candidate: Official, key: str, extra: list[float | str], start: date) -> None:
    """A year of the culture bureau through the services: an objection, a final grade, a review, an appeal."""
    scorecards(county, candidate, key, extra)
    procedure = open_procedure(county, county.culture, key)
    submit_the_rest(procedure)
    procedure = summaries_close(procedure=procedure, by=county.orgadmin)
    comment_all(procedure, county.orgadmin)
    procedure = proposals_submit(procedure=procedure, by=county.orgadmin)
    grade_confirm_unit(period=period(key), unit=county.culture, by=county.orgadmin)
    notice = notice_open(procedure=procedure, by=county.orgadmin, starts_on=start, today=start)
    objection = objection_file(notice=notice, candidate=notice.candidates.get(), by=county.staff, reason="有异议",
                               today=start)
    objection_decide(objection=objection, by=county.orgadmin, upheld=False, note="不成立")
    after = notice.ends_on + timedelta(days=1)
    procedure_finalize(procedure=procedure, by=county.orgadmin, today=after)
    written = GradeNotice.objects.get(official=county.staff_official, grade__period=period(key))
    review = review_request(notice=written, by=county.staff, reason="请求复核", today=after)
    review_decide(review=review, by=county.orgadmin, outcome="upheld", reason="维持")
    appeal_file(grade=written.grade, by=county.staff, body="县公务员主管部门", reason="不服")


def _counts(users: list[User]) -> dict[tuple[str, str], tuple[int, int]]:
    """``{(user, list): (queries, rows)}`` for every list, each user on a fresh session."""
    found = {}
    for user in users:
        client = Client()
        client.force_login(user)
        for name in LISTS:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(f"{API}/{name}/", {"page_size": 200})
            assert response.status_code == 200, (name, response.content)
            found[(user.username, name)] = (len(ctx.captured_queries), response.json()["count"])
    return found


# The exact count of every list for each caller on a fresh session (session, user, role grants and own official
# included), the same with a second year's rows.
LIST_QUERIES = {
    ("orgadmin", "grades"): 6, ("orgadmin", "annual-procedures"): 6, ("orgadmin", "annual-summaries"): 6,
    ("orgadmin", "public-notices"): 7, ("orgadmin", "objections"): 6, ("orgadmin", "grade-notices"): 6,
    ("orgadmin", "grade-reviews"): 6, ("orgadmin", "grade-appeals"): 6,
    ("head", "grades"): 6, ("head", "annual-procedures"): 6, ("head", "annual-summaries"): 6,
    ("head", "public-notices"): 8, ("head", "objections"): 5, ("head", "grade-notices"): 6,
    ("head", "grade-reviews"): 5, ("head", "grade-appeals"): 5,
    ("staff", "grades"): 6, ("staff", "annual-procedures"): 4, ("staff", "annual-summaries"): 6,
    ("staff", "public-notices"): 8, ("staff", "objections"): 6, ("staff", "grade-notices"): 6,
    ("staff", "grade-reviews"): 6, ("staff", "grade-appeals"): 6,
}


def test_every_list_costs_the_same_queries_for_few_and_many_rows(county, candidate, django_assert_num_queries):
    walk_year(county, candidate, "2025", [70], date(2026, 1, 5))
    users = [county.orgadmin, county.head, county.staff]
    few = _counts(users)
    walk_year(county, candidate, "2026", [75, 70, 82, 78, 72, 66], date(2026, 11, 2))
    for user in users:
        client = Client()
        client.force_login(user)
        for name in LISTS:
            queries, rows = few[(user.username, name)]
            assert queries == LIST_QUERIES[(user.username, name)], (user, name, queries)
            with django_assert_num_queries(LIST_QUERIES[(user.username, name)]):
                response = client.get(f"{API}/{name}/", {"page_size": 200})
            more = response.json()["count"]
            if (user.username, name) not in NOT_THEIRS:
                assert more > rows, (user, name, rows, more)  # the second year really adds rows


# Lists that stay empty for a user: a head does not see objections, reviews or appeals (the organization
# department decides them); the staff official sees no procedure.
NOT_THEIRS = {("head", "objections"), ("head", "grade-reviews"), ("head", "grade-appeals"),
              ("staff", "annual-procedures")}
