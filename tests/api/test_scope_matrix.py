"""The scope matrix: for every list of the API (read from the OpenAPI schema, so a new endpoint is covered) and
every demo role, an object outside the role's scope answers exactly like one that does not exist — the same 404
with the same body, on its detail and on every action under it — and every object the role's list shows opens.
Without signing in, every operation answers 401 or 403 and reveals nothing.

"Outside the role's scope" is what a superuser's or another role's list shows and the role's list does not:
objects of the neighbouring county (outside every demo role), and, for the head and the staff member, those of
the other bureaus and people.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import HTTP_METHODS, ROLES, ApiWorld, list_values, openapi_schema

SCHEMA = openapi_schema()
PATHS: dict[str, dict[str, Any]] = SCHEMA["paths"]
OUTSIDE_PER_ROLE = 2  # out-of-scope objects tried per list and role
WHO = [*ROLES, "outsider"]  # the four demo roles and a signed-in user with no role


def operations() -> list[tuple[str, str]]:
    return [(method, path) for path, item in PATHS.items() for method in HTTP_METHODS if method in item]


def lists_with_details() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Every list path, the name of its objects' key (``id``, ``key``, ``code``, ``date``) and the operations on
    one object: ``{key}/`` and the actions under it (``{key}/approve/``…)."""
    found = []
    for path, item in PATHS.items():
        if "{" in path or "get" not in item:
            continue
        under = [(method, sub) for sub, sub_item in PATHS.items() for method in HTTP_METHODS
                 if method in sub_item and re.fullmatch(re.escape(path) + r"\{\w+\}/(?:[\w-]+/)?", sub)]
        keys = {re.search(r"\{(\w+)\}", sub).group(1) for _, sub in under}
        if len(keys) == 1:
            found.append((path, keys.pop(), under))
    return found


def value_like(schema: dict[str, Any], year: int) -> Any:
    """A value the path parameter's schema takes (an id, a period key, a date), in a given year."""
    if schema.get("type") == "integer":
        return year
    candidates = [str(year), f"{year}-Q4", f"{year}-12-31", f"{year}-12", f"code{year}"]
    return next((c for c in candidates if re.fullmatch(schema.get("pattern", ".*").strip("^$"), c)), str(year))


def missing_value(values: list[Any], schema: dict[str, Any]) -> Any:
    """A value of the right shape that names no object: past the largest id, or a year no row has."""
    numbers = [v for v in values if isinstance(v, int)]
    value = value_like(schema, max(numbers) + 1_000_000 if numbers else 2999)
    assert value not in values
    return value


def url(path: str, key: str, value: Any) -> str:
    return path.replace("{" + key + "}", str(value))


def answer(response: Any) -> tuple[int, Any]:
    try:
        body = response.json()
    except ValueError:
        body = response.content
    return response.status_code, body


def test_every_list_has_been_found():
    found = {path for path, _key, _under in lists_with_details()}
    assert {"/api/v1/units/", "/api/v1/officials/", "/api/v1/tasks/", "/api/v1/cases/",
            "/api/v1/periods/", "/api/v1/calendar-days/"} <= found
    assert len(found) >= 30


@pytest.mark.parametrize(("path", "key", "under"), lists_with_details(), ids=lambda v: v if isinstance(v, str) else "")
def test_outside_the_scope_reads_as_does_not_exist(api_world: ApiWorld, db: None, path: str, key: str,
                                                   under: list[tuple[str, str]]) -> None:
    visible = {who: list_values(api_world.client(who), path, key) for who in WHO}
    # A superuser sees every object of most lists; some show only one's own (a rater's assignments).
    everything = list(dict.fromkeys(list_values(api_world.client("superuser"), path, key)
                                    + [v for values in visible.values() for v in values]))
    detail = next((sub for method, sub in under if method == "get" and sub.endswith("}/")), None)
    key_schema = next(p["schema"] for method, sub in under for p in PATHS[sub][method].get("parameters", [])
                      if p["name"] == key and p["in"] == "path")
    missing = missing_value(everything, key_schema)
    problems: list[str] = []
    for who in WHO:
        client = api_world.client(who)
        outside = [v for v in everything if v not in set(visible[who])][:OUTSIDE_PER_ROLE]
        if detail is not None:
            for value in visible[who][:1]:  # what the list shows opens
                response = client.get(url(detail, key, value))
                if response.status_code != 200:
                    problems.append(f"{who}: GET {url(detail, key, value)} is listed but answers "
                                    f"{response.status_code}")
        for method, sub in under:
            send = getattr(client, method)
            expected = answer(send(url(sub, key, missing), {}, format="json"))
            if method == "get" and expected[0] != 404:
                problems.append(f"{who}: {method.upper()} {url(sub, key, missing)} (missing) answers {expected}")
            for value in outside:
                got = answer(send(url(sub, key, value), {}, format="json"))
                if got != expected:
                    problems.append(f"{who}: {method.upper()} {url(sub, key, value)} (outside the scope) answers "
                                    f"{got}, a missing one {expected}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/api/v1/officials/", "/api/v1/tasks/", "/api/v1/monthly-reports/",
                                  "/api/v1/scorecards/", "/api/v1/attendance/"])
def test_every_role_has_objects_outside_its_scope(api_world: ApiWorld, db: None, path: str) -> None:
    """The matrix checks something: the neighbouring county's objects are outside even the county-wide roles."""
    everything = set(list_values(api_world.client("superuser"), path, "id"))
    for who in WHO:
        assert set(list_values(api_world.client(who), path, "id")) < everything, who


@pytest.mark.parametrize(("method", "path"), operations(), ids=lambda v: v)
def test_without_signing_in_every_operation_is_refused(api_world: ApiWorld, db: None, method: str,
                                                         path: str) -> None:
    client = api_world.client(None)
    concrete = path
    for parameter in PATHS[path][method].get("parameters", []):
        if parameter["in"] == "path":
            concrete = url(concrete, parameter["name"], value_like(parameter["schema"], 2026))
    response = getattr(client, method)(concrete, {}, format="json")
    assert response.status_code in (401, 403), (method, path, response.status_code)
    body = response.json()
    assert set(body) == {"code", "message"} and body["code"] == "not_authenticated", body
