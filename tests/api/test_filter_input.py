"""Every query parameter of every API list validates its input: a bad value is a 400 with the usual error
body, never a 500 (``?year=0`` used to raise ``ValueError: year 0 is out of range`` in the database layer).

The operations and their parameters are read from the OpenAPI schema, so a new list or filter is covered.
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

BAD_VALUES = ["0", "-1", "abc", "1e400", "99999999999999999999999", "2026-13", "2026-Q9", " ", "%00", "1.5"]


def list_operations() -> list[tuple[str, list[dict]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in sorted(schema["paths"].items()):
        get = operations.get("get")
        if "{" in path or not get:
            continue
        query = [p for p in get.get("parameters", []) if p["in"] == "query"]
        if query:
            found.append((path, query))
    return found


def test_the_schema_states_the_bounds_of_years_and_ids():
    parameters = {(path, p["name"]): p["schema"] for path, query in list_operations() for p in query}
    assert parameters[("/api/v1/cases/", "year")] == {"type": "integer", "minimum": 1949, "maximum": 2100}
    assert parameters[("/api/v1/decisions/", "official")]["minimum"] == 1


def test_a_bad_value_in_any_filter_is_a_400_never_a_500(county):
    client = APIClient(raise_request_exception=False)
    county.orgadmin.is_superuser = True  # sees every list, so every filter reaches the database
    county.orgadmin.save()
    client.force_authenticate(county.orgadmin)
    failures = []
    checked = 0
    for path, query in list_operations():
        for parameter in query:
            for value in BAD_VALUES:
                response = client.get(path, {parameter["name"]: value})
                checked += 1
                if response.status_code >= 500:
                    failures.append((path, parameter["name"], value, response.status_code))
                elif response.status_code == 400:
                    body = response.json()
                    if not isinstance(body, dict) or not body:
                        failures.append((path, parameter["name"], value, "400 without an error body"))
    assert checked > 500
    assert failures == [], "\n".join(map(str, failures))


@pytest.mark.parametrize("path", ["/api/v1/appeals/", "/api/v1/cases/", "/api/v1/decisions/", "/api/v1/talks/",
                                  "/api/v1/tolerance-requests/"])
def test_year_zero_is_refused_with_the_usual_error_body(county, path):
    client = APIClient()
    client.force_authenticate(county.orgadmin)
    response = client.get(path, {"year": "0"})
    assert response.status_code == 400
    assert "year" in str(response.json())
