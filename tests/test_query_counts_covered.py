"""Every list page, API list and Celery job has its query count pinned to an exact number (issue 16, item 4).

The registries in tests/query_count_pins.py name, for each, the test that pins it. This module reads those tests (it
does not run them) and fails when:
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

from tests.query_count_pins import API_LISTS, JOBS, NOT_LISTS, PAGES

ROOT = Path(__file__).resolve().parent.parent  # node ids are paths from the repository root

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
