"""Every list page, API list and Celery job has its query count pinned to an exact number (issue 16, item 4).

The registries below name, for each, the test that pins it. This module reads those tests (it does not run them)
and fails when:
- a list page of the URL conf (a view that cuts its rows with ``common.pagination``, or one named like a list),
  an API list of the router, or a job of an app's ``jobs.py`` is in no registry (a new one needs its pin, or, for a
  page, a reason in ``NOT_LISTS``), or a registry names one that no longer exists;
- the named test does not exist, does not mention the endpoint (its url name or path, its API path, the job's
  name), or has no ``django_assert_num_queries(N)`` with N written in the source: a number, a module constant, a
  table of them, per vendor (``A if connection.vendor == "postgresql" else B``) — never a count measured at run
  time such as ``len(small.captured_queries)`` alone.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# -- the registries: endpoint → the test (path from the repository root :: function) that pins it ----------------
_HOME = "tests/org/test_home.py::test_the_home_page_costs_a_pinned_number_of_queries"
_ORG_LISTS = "tests/org/test_pages.py::test_list_pages_cost_the_same_queries_for_10_and_100_officials"
_TASK_PAGES = "tests/tasks/test_tasks_pages.py::test_list_pages_cost_a_constant_number_of_queries"
_ANNUAL_LISTS = "tests/appraisal/test_annual_pages.py::test_list_pages_cost_the_same_queries_for_more_data"
_PROCEDURE_LISTS = "tests/appraisal/test_annual_pages.py::test_procedure_list_pages_cost_the_same_queries"
_QUARTERLY = "tests/appraisal/test_quarterly_pages.py::test_pages_cost_the_same_queries_for_more_data"
_APPRAISAL = "tests/appraisal/test_query_counts.py::test_each_list_costs_the_same_pinned_queries_for_few_and_many_rows"
_TRAINING = "tests/training/test_query_counts.py::test_each_list_costs_the_same_pinned_queries_for_few_and_many_rows"
_PLANS = "tests/training/test_plans.py::test_list_and_detail_cost_a_constant_number_of_queries"
_CATALOGUE = ("tests/discipline/test_pages_talks_catalogue.py::"
              "test_the_catalogue_pages_cost_the_same_pinned_queries_for_more_rows")

PAGES = {
    "home": _HOME,
    "org:official_list": "tests/org/test_pages.py::test_officials_list_query_count_is_pinned",
    "org:statistics": _ORG_LISTS,
    "org:unit_tree": _ORG_LISTS,
    "org:calendar": "tests/org/test_calendar_pages.py::test_the_page_query_count_does_not_grow_with_the_days",
    "org:official_search": "tests/org/test_official_picker.py::test_the_search_costs_a_constant_number_of_queries",
    "org:leave_list": "tests/org/test_leave_pages.py::test_the_list_paginates_with_a_constant_query_count",
    "tasks:my_tasks": _TASK_PAGES,
    "tasks:task_board": _TASK_PAGES,
    "tasks:weekly_missing": _TASK_PAGES,
    "tasks:report_mine": "tests/tasks/test_reports_pages.py::test_my_reports_query_count_is_constant",
    "tasks:report_review_queue": "tests/tasks/test_lists.py::test_the_queue_costs_a_fixed_number_of_queries",
    "tasks:report_board": "tests/tasks/test_reports_pages.py::test_board_paginates_and_query_count_is_constant",
    "tasks:letter_list": "tests/tasks/test_letters_pages.py::"
                         "test_the_list_costs_the_same_queries_for_10_and_100_letters",
    "appraisal:my_score": "tests/appraisal/test_score_pages.py::test_my_score_query_count_is_constant",
    "appraisal:official_score": "tests/appraisal/test_score_explain.py::"
                                "test_the_page_costs_the_same_queries_however_many_records",
    "appraisal:ranking": "tests/appraisal/test_score_explain.py::test_the_ranking_board_query_count_is_pinned",
    "appraisal:unit_score": "tests/appraisal/test_score_pages.py::"
                            "test_ranking_pages_paginate_with_a_constant_query_count",
    "appraisal:readiness": _APPRAISAL,
    "appraisal:period_list": "tests/appraisal/test_score_pages.py::test_period_list_query_count_is_constant",
    "appraisal:period_open_items": "tests/appraisal/test_period_close.py::"
                                   "test_an_open_item_list_costs_the_same_for_more_rows",
    "appraisal:procedure_list": _ANNUAL_LISTS,
    "appraisal:notice_list": _ANNUAL_LISTS,
    "appraisal:objection_list": _ANNUAL_LISTS,
    "appraisal:review_list": _ANNUAL_LISTS,
    "appraisal:procedure_summaries": _PROCEDURE_LISTS,
    "appraisal:procedure_comments": _PROCEDURE_LISTS,
    "appraisal:procedure_signatures": _PROCEDURE_LISTS,
    "appraisal:procedure_events": _PROCEDURE_LISTS,
    "appraisal:annual_mine": _APPRAISAL,
    "appraisal:results": "tests/appraisal/test_results.py::"
                         "test_each_list_page_and_export_cost_a_constant_number_of_queries",
    "appraisal:checkup_round_list": _APPRAISAL,
    "appraisal:checkup_mine": "tests/appraisal/test_checkup_pages.py::"
                              "test_the_my_ratings_page_costs_the_same_queries_for_10_and_60_assignments",
    "appraisal:checkup_my_results": _APPRAISAL,
    "appraisal:checkup_results": "tests/appraisal/test_checkup_pages.py::"
                                 "test_the_results_page_costs_the_same_queries_for_10_and_60_officials",
    "appraisal:ballot_batches": "tests/appraisal/test_ballots_pages.py::"
                                "test_the_batches_page_shows_the_response_rate_in_constant_queries",
    "appraisal:grades": "tests/appraisal/test_grades_pages.py::test_grades_page_query_count_is_constant",
    "appraisal:exports": _APPRAISAL,
    "appraisal:quarterly_unit": _QUARTERLY,
    "appraisal:quarterly_mine": _QUARTERLY,
    "appraisal:quarterly_requests": _QUARTERLY,
    "appraisal:quarterly_distribution": _QUARTERLY,
    "appraisal:schemes": "tests/appraisal/test_schemes.py::test_the_list_costs_the_same_queries_for_10_or_100_rows",
    "training:calendar": "tests/training/test_sessions.py::test_calendar_constant_queries",
    "training:mine": _TRAINING,
    "training:external_review": "tests/training/test_external.py::test_review_queue_constant_queries",
    "training:unit_report": "tests/training/test_progress.py::test_unit_report_constant_queries",
    "training:lecturers": _TRAINING,
    "training:targets": _TRAINING,
    "training:plans": _PLANS,
    "training:plan_detail": _PLANS,
    "training:criticism_flags": "tests/training/test_criticism_pages.py::test_list_costs_a_constant_number_of_queries",
    "discipline:case_list": "tests/discipline/test_pages_cases.py::test_list_costs_a_constant_number_of_queries",
    "discipline:my_record": "tests/discipline/test_pages_record.py::test_my_record_costs_a_constant_number_of_queries",
    "discipline:effects": "tests/discipline/test_pages_record.py::test_effects_cost_a_constant_number_of_queries",
    "discipline:tolerance_list": "tests/discipline/test_pages_tolerance.py::"
                                 "test_queue_costs_a_constant_number_of_queries",
    "discipline:talk_list": "tests/discipline/test_pages_talks_catalogue.py::"
                            "test_talk_list_filters_and_constant_queries",
    "discipline:rule_list": _CATALOGUE,
    "discipline:kind_list": _CATALOGUE,
    "common:notification_list": "tests/test_notifications.py::test_the_page_costs_the_same_queries_for_10_and_100",
}

# Views that look like lists (they paginate, or are named like one) but are not a list page of their own.
NOT_LISTS = {
    "appraisal:ballot_batch_issue": "a POST that issues a batch and answers with its slips; the batches are listed "
                                    "by appraisal:ballot_batches",
    "appraisal:export_start": "a POST that queues an export and answers with the exports list (appraisal:exports)",
    "appraisal:grades_confirm": "a POST that confirms grades and answers with the grades page (appraisal:grades)",
    "appraisal:grades_quota": "a POST that approves a quota and answers with the grades page (appraisal:grades)",
    "appraisal:quarterly_answer": "a POST that answers a request and shows the requests list "
                                  "(appraisal:quarterly_requests)",
    "appraisal:summary_mine": "a form: the official's own summary of one year",
    "common:notification_read": "a POST that marks one read; the list is common:notification_list",
    "common:notification_read_all": "a POST that marks all read; the list is common:notification_list",
}

_ANNUAL_API = "tests/appraisal/test_annual_api.py::test_every_list_costs_the_same_queries_for_few_and_many_rows"
_DISCIPLINE_API = "tests/discipline/test_api.py::test_every_list_costs_a_constant_number_of_queries"
_TASKS_API = "tests/tasks/test_tasks_api.py::test_lists_cost_a_constant_number_of_queries"
_SCORES_API = "tests/appraisal/test_scores_api.py::test_list_query_count_is_constant"

# The router's prefix (/api/v1/<prefix>/) → the test that pins its list.
API_LISTS = {
    "units": _ORG_LISTS,
    "officials": _ORG_LISTS,
    "calendar-days": "tests/org/test_calendar_pages.py::test_api_list_costs_the_same_queries_for_few_and_many_days",
    "leave-records": "tests/org/test_leave_api.py::test_the_list_costs_the_same_queries_for_few_and_many_rows",
    "tasks": _TASKS_API,
    "weekly-updates": _TASKS_API,
    "monthly-reports": "tests/tasks/test_reports_api.py::test_list_query_count_is_constant",
    "supervision-letters": "tests/tasks/test_letters_api.py::"
                           "test_the_list_costs_the_same_queries_for_10_and_100_letters",
    "periods": _APPRAISAL,
    "score-rules": _APPRAISAL,
    "scorecards": _SCORES_API,
    "score-entries": _SCORES_API,
    "checkup-rounds": _APPRAISAL,
    "checkup-assignments": _APPRAISAL,
    "checkup-results": _APPRAISAL,
    "grades": _ANNUAL_API,
    "export-jobs": _APPRAISAL,
    "annual-procedures": _ANNUAL_API,
    "annual-summaries": _ANNUAL_API,
    "public-notices": _ANNUAL_API,
    "objections": _ANNUAL_API,
    "grade-notices": _ANNUAL_API,
    "grade-reviews": _ANNUAL_API,
    "grade-appeals": _ANNUAL_API,
    "quarterly-grades": "tests/appraisal/test_quarterly_api.py::test_the_list_costs_the_same_queries_for_few_and_many",
    "training-sessions": _TRAINING,
    "attendance": _TRAINING,
    "external-training": _TRAINING,
    "training-progress": "tests/training/test_progress.py::test_progress_api",
    "discipline-rules": _DISCIPLINE_API,
    "decision-kinds": _DISCIPLINE_API,
    "cases": _DISCIPLINE_API,
    "decisions": _DISCIPLINE_API,
    "tolerance-requests": _DISCIPLINE_API,
    "appeals": _DISCIPLINE_API,
    "talks": _DISCIPLINE_API,
}

_TASK_JOBS = "tests/tasks/test_jobs.py::test_each_job_costs_a_pinned_number_of_queries"
JOBS = {
    "tasks.jobs.daily": _TASK_JOBS,
    "tasks.jobs.weekly": _TASK_JOBS,
    "tasks.jobs.monthly": _TASK_JOBS,
    "training.jobs.remind_required_sessions": "tests/training/test_query_counts.py::"
                                              "test_the_reminder_job_costs_a_pinned_number_of_queries",
    "appraisal.jobs.rollup_job": "tests/appraisal/test_job_queries.py::test_the_queued_rollup",
    "appraisal.jobs.rollup_due": "tests/appraisal/test_job_queries.py::test_the_beat_rollup_of_the_month_just_ended",
    "appraisal.jobs.scorecards_refresh_job": "tests/appraisal/test_job_queries.py::"
                                             "test_the_refresh_of_officials_whose_facts_changed",
    "appraisal.jobs.monthly_feed": "tests/appraisal/test_job_queries.py::test_the_monthly_training_feed",
    "appraisal.jobs.annual_daily": "tests/appraisal/test_job_queries.py::"
                                   "test_the_annual_daily_reminders_and_unsigned_notices",
    "appraisal.jobs.register_export_job": "tests/appraisal/test_job_queries.py::test_the_register_export",
}

# -- what the project has ---------------------------------------------------------------------------------------
APPS = ("common", "org", "tasks", "training", "discipline", "appraisal")
API_ROOT = "/api/v1/"
# A page named like a list is one whatever its code (the name part after the namespace).
LIST_NAME = re.compile(r"^(home|.*_list|.*_board|.*_queue|ranking|.*register.*|targets|.*report|.*_tree|calendar"
                       r"|.*search|grades|.*results|.*flags|lecturers|plans|schemes|effects|.*mine|.*kinds?)$")
PAGINATES = re.compile(r"\b(paginate|page_of)\(")


def _pages(resolver: URLResolver | None = None, namespace: str = "", prefix: str = "") -> Iterator[
        tuple[str, str, Callable[..., Any]]]:
    """Every page of the URL conf as (name, route, view); the API, the admin and the schema are not pages."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("api/", "admin/")):
            continue
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n) if entry.namespace else namespace
            yield from _pages(entry, inner, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), route, entry.callback


def _paginates(function: Callable[..., Any], depth: int = 2) -> bool:
    """Whether a view (or a helper of its module it calls, two calls deep) cuts its rows into pages."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return False
    if PAGINATES.search(source):
        return True
    module = sys.modules[function.__module__]
    for node in ast.walk(ast.parse(source)):
        if depth and isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = getattr(module, node.func.id, None)
            if (inspect.isfunction(helper) and helper is not function and helper.__module__ == module.__name__
                    and _paginates(helper, depth - 1)):
                return True
    return False


def list_pages() -> set[str]:
    found = set()
    for name, _route, view in _pages():
        if view.__module__.startswith("django."):
            continue
        if _paginates(inspect.unwrap(view)) or LIST_NAME.match(name.rpartition(":")[2]):
            found.add(name)
    return found


def api_lists() -> dict[str, str]:
    """The router's prefixes that answer a list, with their list route's name."""
    from cadre_mgmt.urls import router

    return {prefix: f"{basename}-list" for prefix, viewset, basename in router.registry if hasattr(viewset, "list")}


def jobs() -> dict[str, str]:
    """Every Celery job of the apps' ``jobs.py``: its task name → its function's name."""
    found = {}
    for app in APPS:
        if importlib.util.find_spec(f"{app}.jobs") is None:
            continue
        module = importlib.import_module(f"{app}.jobs")
        for attribute, value in vars(module).items():
            name = getattr(value, "name", None)
            if callable(getattr(value, "delay", None)) and isinstance(name, str) and name.startswith(f"{app}.jobs."):
                found[name] = attribute
    return found


# -- reading the pinning tests ----------------------------------------------------------------------------------
class Pinning:
    """A test function read from its module: the strings and names it uses, and its pinned counts."""

    def __init__(self, node_id: str, root: Path = ROOT) -> None:
        path, _, function = node_id.partition("::")
        self.node_id = node_id
        self.path = root / path
        assert self.path.exists(), f"{node_id}: no such file"
        self.tree = ast.parse(self.path.read_text(encoding="utf-8"))
        self.module = {}  # module-level name → the node assigned or defined
        for node in self.tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for leaf in ast.walk(target):
                        if isinstance(leaf, ast.Name) and node.value is not None:
                            self.module[leaf.id] = node.value
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                self.module[node.name] = node
        found = self.module.get(function)
        assert isinstance(found, ast.FunctionDef), f"{node_id}: no such test function"
        self.function = found

    def _reached(self) -> list[ast.AST]:
        """The function with its decorators, and what it reaches by name in the module (three steps)."""
        seen: list[ast.AST] = [self.function]
        frontier: list[ast.AST] = [self.function]
        names_seen: set[str] = set()
        for _step in range(3):
            following = []
            for node in frontier:
                for leaf in ast.walk(node):
                    if isinstance(leaf, ast.Name) and leaf.id in self.module and leaf.id not in names_seen:
                        names_seen.add(leaf.id)
                        following.append(self.module[leaf.id])
            seen.extend(following)
            frontier = following
        return seen

    @property
    def strings(self) -> set[str]:
        return {leaf.value for node in self._reached() for leaf in ast.walk(node)
                if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)}

    @property
    def names(self) -> set[str]:
        found = set()
        for leaf in ast.walk(self.function):
            if isinstance(leaf, ast.Name):
                found.add(leaf.id)
            elif isinstance(leaf, ast.Attribute):
                found.add(leaf.attr)
        return found

    def _local(self, name: str) -> list[ast.expr]:
        """What a name of the function is assigned (directly or unpacked) in its body."""
        values = []
        for node in ast.walk(self.function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if any(isinstance(leaf, ast.Name) and leaf.id == name for leaf in ast.walk(target)):
                        values.append(node.value)
        return values

    def written(self, node: ast.expr, depth: int = 0) -> bool:
        """Whether an expression is a count written in the source (not measured while the test runs)."""
        if depth > 6:
            return False
        if isinstance(node, ast.Constant):
            return isinstance(node.value, int | str)
        if isinstance(node, ast.JoinedStr):  # a query string beside the count in a table row
            return True
        if isinstance(node, ast.Name):
            if node.id in {arg.arg for arg in self.function.args.args}:
                return False  # a fixture or a parameter: not a number in the source
            local = self._local(node.id)
            if local:
                return all(self.written(value, depth + 1) for value in local)
            value = self.module.get(node.id)
            if isinstance(value, ast.expr):
                return self.written(value, depth + 1)
            return node.id in self._imported_constants()
        if isinstance(node, ast.BinOp):
            return self.written(node.left, depth + 1) and self.written(node.right, depth + 1)
        if isinstance(node, ast.IfExp):  # per vendor, or per case
            return self.written(node.body, depth + 1) and self.written(node.orelse, depth + 1)
        if isinstance(node, ast.Subscript):  # a row of a table of counts
            return self.written(node.value, depth + 1)
        if isinstance(node, ast.Dict):
            return all(v is not None and self.written(v, depth + 1) for v in node.values)
        if isinstance(node, ast.Tuple | ast.List):
            return all(self.written(v, depth + 1) for v in node.elts)
        return False

    def _imported_constants(self) -> set[str]:
        """Upper-case names imported from the application (a count the code itself declares)."""
        return {alias.asname or alias.name for node in self.tree.body if isinstance(node, ast.ImportFrom)
                for alias in node.names if (alias.asname or alias.name).isupper()}

    def pins(self) -> list[ast.expr]:
        """The arguments of ``django_assert_num_queries(...)`` in the test."""
        return [call.args[0] for call in ast.walk(self.function) if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name) and call.func.id == "django_assert_num_queries" and call.args]

    def pinned_exactly(self) -> bool:
        return any(self.written(pin) for pin in self.pins())


@cache
def pinning(node_id: str) -> Pinning:
    return Pinning(node_id)


def _page_path(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None  # it takes arguments: the test names it


def _mentions_page(test: Pinning, name: str) -> bool:
    path = _page_path(name)
    return any(s == name or s.startswith(name + "?") or (path is not None and (s == path or s.startswith(path + "?")))
               for s in test.strings)


def _mentions_api(test: Pinning, prefix: str, route_name: str) -> bool:
    path = f"{API_ROOT}{prefix}/"
    strings = test.strings
    return (any(s in (path, route_name) or s.startswith(path + "?") for s in strings)
            or (prefix in strings and any(API_ROOT.rstrip("/") in s for s in strings)))


# -- the tests --------------------------------------------------------------------------------------------------
def test_every_list_page_is_pinned_or_says_why_not():
    pages = {name for name, _route, _view in _pages()}
    found = list_pages()
    assert len(found) > 50
    missing = found - set(PAGES) - set(NOT_LISTS)
    assert not missing, f"pin the query count of these list pages (or say in NOT_LISTS why not): {sorted(missing)}"
    assert not set(PAGES) & set(NOT_LISTS)
    stale = (set(PAGES) | set(NOT_LISTS)) - pages
    assert not stale, f"no longer in the URL conf: {sorted(stale)}"
    assert set(NOT_LISTS) <= found, sorted(set(NOT_LISTS) - found)  # a reason only for what looks like a list


def test_every_api_list_is_pinned():
    lists = api_lists()
    assert len(lists) > 30
    assert set(lists) == set(API_LISTS), (
        f"pin the query count of: {sorted(set(lists) - set(API_LISTS))}; "
        f"no longer on the router: {sorted(set(API_LISTS) - set(lists))}")


def test_every_job_is_pinned():
    found = jobs()
    assert len(found) >= 10
    assert set(found) == set(JOBS), (
        f"pin the query count of: {sorted(set(found) - set(JOBS))}; no longer a job: {sorted(set(JOBS) - set(found))}")


PINNED = [*(("page", k, v) for k, v in PAGES.items()), *(("api", k, v) for k, v in API_LISTS.items()),
          *(("job", k, v) for k, v in JOBS.items())]


@pytest.mark.parametrize(("kind", "endpoint", "node_id"), PINNED, ids=[f"{k}:{e}" for k, e, _n in PINNED])
def test_each_pin_is_an_exact_count_in_a_test_that_names_its_endpoint(kind, endpoint, node_id):
    test = pinning(node_id)
    assert test.pins(), f"{node_id}: no django_assert_num_queries(...)"
    assert test.pinned_exactly(), f"{node_id}: the count must be written in the source, not measured"
    if kind == "page":
        assert _mentions_page(test, endpoint), f"{node_id} does not name {endpoint}"
    elif kind == "api":
        assert _mentions_api(test, endpoint, api_lists()[endpoint]), f"{node_id} does not name {API_ROOT}{endpoint}/"
    else:
        function = jobs()[endpoint]
        assert function in test.names or function in test.strings, f"{node_id} does not call {endpoint}"


def test_the_reader_tells_a_written_count_from_a_measured_one(tmp_path):
    """The check above is only as good as ``Pinning.written``: a measured count must not pass for a pin."""
    module = tmp_path / "sample.py"
    module.write_text(textwrap.dedent('''
        COUNTS = {"a": 3, "b": 4 + 1}

        def test_measured(django_assert_num_queries, name):
            with CaptureQueriesContext(connection) as small:
                pass
            with django_assert_num_queries(len(small.captured_queries)):
                pass
            with django_assert_num_queries(name):
                pass

        def test_written(django_assert_num_queries, name):
            expected = 6 if name else 5
            with django_assert_num_queries(COUNTS[name]):
                pass
            with django_assert_num_queries(9 if connection.vendor == "postgresql" else 10):
                pass
            with django_assert_num_queries(expected):
                pass
    '''), encoding="utf-8")
    measured = Pinning("sample.py::test_measured", root=tmp_path)
    written = Pinning("sample.py::test_written", root=tmp_path)
    assert len(measured.pins()) == 2 and not measured.pinned_exactly()
    assert len(written.pins()) == 3 and all(written.written(pin) for pin in written.pins())


def test_the_registries_name_files_under_tests():
    for node_id in {*PAGES.values(), *API_LISTS.values(), *JOBS.values()}:
        assert node_id.startswith("tests/") and "::" in node_id, node_id
    assert settings.ROOT_URLCONF == "cadre_mgmt.urls"
