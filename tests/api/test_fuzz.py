"""Fuzz every operation of the OpenAPI schema as each of the four demo roles (schemathesis + hypothesis).

For each operation (read from the schema, so a new endpoint is fuzzed as soon as it is routed), hypothesis draws
requests from the schema — ones that fit it and ones that break it — with the path's object either drawn at
random or one that exists (one each role sees, one outside every role), and each request is sent as the staff
member, the head, the organization department and discipline inspection. Nothing may answer 5xx, and every
answer the schema documents must conform to it (``not_a_server_error``, ``response_schema_conformance``).

Writes are fuzzed too; each operation runs in its own savepoint of the demo world, rolled back afterwards.
The run is deterministic (``derandomize``) so CI is repeatable; ``FUZZ_EXAMPLES=200 FUZZ_RANDOM=1`` runs a deeper,
different search locally.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import HTTP_METHODS, ROLES, ApiWorld, list_values, openapi_schema


class InProcessHandler(WSGIHandler):
    """Django's WSGI handler, run in the test's transaction: a real server closes the database connection around
    each request (``close_old_connections``), which here would end the transaction the demo world lives in; the
    test client skips it the same way."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request_started.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
        close = response.close

        def close_keeping_the_connection() -> None:
            request_finished.disconnect(close_old_connections)
            try:
                close()
            finally:
                request_finished.connect(close_old_connections)

        response.close = close_keeping_the_connection
        return response


SCHEMA_DICT = openapi_schema()
SCHEMA = schemathesis.openapi.from_dict(SCHEMA_DICT)
SCHEMA.app = InProcessHandler()  # requests go through the whole Django stack, in-process
OPERATIONS = [(method, path) for path, item in SCHEMA_DICT["paths"].items() for method in HTTP_METHODS
              if method in item]
# Examples per operation (each sent as all four roles): ~150 operations x 8 x 4 requests stay within 5 minutes.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def server_errors() -> Iterator[list[str]]:
    """The tracebacks of the exceptions behind 5xx answers, for the report."""
    errors: list[str] = []

    def keep(**_: Any) -> None:
        errors.append(traceback.format_exc())

    got_request_exception.connect(keep)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(keep)


def existing_values(world: ApiWorld, path: str) -> tuple[str, list[Any]] | None:
    """For an operation on one object (``/tasks/{id}/…``): the path parameter and a few values naming objects that
    exist — the first each role's list shows, and one outside every role."""
    if "{" not in path:
        return None
    list_path, rest = path.split("{", 1)
    name = rest.split("}", 1)[0]
    if "get" not in SCHEMA_DICT["paths"].get(list_path, {}):
        return None
    seen = {who: list_values(world.client(who), list_path, name, pages=1) for who in ROLES}
    values = [rows[0] for rows in seen.values() if rows]
    everyone = {v for rows in seen.values() for v in rows}
    values += [v for v in list_values(world.client("superuser"), list_path, name, pages=1) if v not in everyone][:1]
    return name, list(dict.fromkeys(values))


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=lambda v: v)
def test_fuzz(api_world: ApiWorld, db: None, server_errors: list[str], method: str, path: str) -> None:
    operation = SCHEMA[path][method.upper()]
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    strategies = [operation.as_strategy(mode) for mode in modes]
    existing = existing_values(api_world, path)
    if existing:
        name, values = existing
        strategies += [operation.as_strategy(mode, path_parameters={name: value}) for value in values
                       for mode in modes]
    headers = {role: {"Authorization": f"Token {token}"} for role, token in api_world.tokens.items()}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize="FUZZ_RANDOM" not in os.environ,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=st.one_of(strategies))
    def send(case: schemathesis.Case) -> None:
        for role in ROLES:
            server_errors.clear()
            response = case.call(headers=headers[role])
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as error:
                error.add_note(f"as {role} ({ROLES[role]})")
                for trace in server_errors:
                    error.add_note(trace)
                raise

    send()


# --- what the fuzzing found ------------------------------------------------------------------------------


def get(world: ApiWorld, role: str, url: str) -> Any:
    from werkzeug.test import Client

    return Client(SCHEMA.app).get(url, headers={"Authorization": f"Token {world.tokens[role]}"})


@pytest.mark.parametrize("role", ROLES)
def test_every_list_and_detail_answers_as_the_schema_says(api_world: ApiWorld, db: None, role: str) -> None:
    """Every list, and the first object of each, on the demo's data (the schema used to declare numbers where
    "12.50" or null came, strings and objects where null came, enums without the "" that came)."""
    problems, checked = [], 0
    for path, item in SCHEMA_DICT["paths"].items():
        if "{" in path or "get" not in item:
            continue
        response = get(api_world, role, f"{path}?page_size=500")
        checked += 1
        if not SCHEMA[path]["GET"].is_valid_response(response):
            problems.append(f"GET {path}")
        rows = response.json.get("results", []) if isinstance(response.json, dict) else []
        detail = next((p for p, ops in SCHEMA_DICT["paths"].items() if "get" in ops and p.startswith(path + "{")
                       and p.count("/") == path.count("/") + 1), None)
        if detail and rows:
            name = detail[len(path) + 1:-2]
            url = detail.replace("{" + name + "}", str(rows[0][name]))
            checked += 1
            if not SCHEMA[detail]["GET"].is_valid_response(get(api_world, role, url)):
                problems.append(f"GET {url}")
    assert checked > 40
    assert problems == [], problems


def test_an_oral_report_in_the_year_380_is_refused(api_world: ApiWorld, db: None) -> None:
    """``POST /annual-summaries/{id}/oral/`` took ``at=0380-03-07T21:44:46Z`` and answered it back as
    ``0380-03-08T05:50:29+08:05:43`` (Beijing's local mean time before 1901), which is no valid date-time."""
    client = api_world.client("head")
    summary = list_values(client, "/api/v1/annual-summaries/", "id")[0]
    response = client.post(f"/api/v1/annual-summaries/{summary}/oral/",
                           {"at": "0380-03-07T21:44:46Z", "place": "三楼会议室"}, format="json")
    assert response.status_code == 400
    with translation.override(django_settings.LANGUAGE_CODE):  # 请输入 1949 年至 2100 年之间的日期和时间。
        expected = translation.gettext("Enter a date and time between the years %(low)s and %(high)s.")
    assert response.json()["fields"] == {"at": [expected % {"low": 1949, "high": 2100}]}


def test_a_training_session_in_the_year_380_is_refused(api_world: ApiWorld, db: None) -> None:
    response = api_world.client("org").post("/api/v1/training-sessions/", {
        "kind": "collective_study", "title": "学习", "starts_at": "0380-03-07T09:00:00Z",
        "ends_at": "2026-03-07T11:00:00+08:00", "hours": "2.0", "organiser": 1, "audience_units": [1]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["starts_at"]


def test_an_id_too_large_for_the_database_is_a_400(api_world: ApiWorld, db: None) -> None:
    """``PATCH /cases/{id}/`` with ``subjects: [2**70]`` reached the database and answered 500 (SQLite: "Python
    int too large to convert to SQLite INTEGER"); every id in a request body is now 1 … 2⁶³−1, as the schema says."""
    client = api_world.client("discipline")
    case = list_values(client, "/api/v1/cases/", "id")[0]
    for field in ("subjects", "rules"):
        response = client.patch(f"/api/v1/cases/{case}/", {field: [2**70]}, format="json")
        assert response.status_code == 400, response.content
        assert list(response.json()["fields"]) == [field]
    subjects = SCHEMA_DICT["components"]["schemas"]["PatchedCaseEdit"]["properties"]["subjects"]["items"]
    assert (subjects["minimum"], subjects["maximum"]) == (1, 2**63 - 1)


def test_a_nul_character_in_the_query_string_is_a_400(api_world: ApiWorld, db: None) -> None:
    """On PostgreSQL ``/api/v1/annual-summaries/?unit=%00`` answered 500 ("A string literal cannot contain NUL");
    a NUL in a query string is refused before any view, in the API with its usual body."""
    response = api_world.client("staff").get("/api/v1/annual-summaries/?year=2026&unit=W%00L")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert api_world.client("staff").get("/api/v1/annual-summaries/?year=2026&unit=WL").status_code == 200
    assert api_world.client(None).get("/tasks/?q=%00").status_code == 400
