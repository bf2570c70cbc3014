"""Issue 14, item 9, in the API: every text an operation takes is refused one character over its maximum.

For every operation of the OpenAPI schema that reads a request body, and every text in that body (nested ones
too) whose schema gives a ``maxLength``, the text is sent one character too long — as each demo role, on an
object each role sees — and the API answers 400 with the field and the product's message ("最多 2000 个字（当前
2001 个字）。") under ``fields``; no request is accepted. The list is read from the schema, so a new endpoint is
checked as soon as it is routed; tests/test_text_limits.py checks that every API text has a ``maxLength``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from appraisal.models import GradeAppeal, GradeDecision, NoticeCandidate, Objection, PublicNotice
from common.text_limits import LONG, too_long
from tests.api.conftest import HTTP_METHODS, ROLES, ApiWorld, list_values, openapi_schema

SCHEMA = openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]
Where = tuple[str | int, ...]  # a text's place in the body: names, 0 for an array's first item
# The demo roles, then the superuser, who sees the objects no demo role has in scope (an objection to decide).
WHO = [*ROLES, "superuser"]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _texts(node: dict[str, Any], where: Where = ()) -> list[tuple[Where, int]]:
    """Every writable text with a maximum under ``node``: where it is and its ``maxLength``."""
    node = _resolve(node)
    if node.get("readOnly"):
        return []
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in node:
            return [found for part in node[combined] for found in _texts(part, where)]
    if node.get("type") == "array":
        return _texts(node.get("items", {}), (*where, 0))
    if node.get("type") == "string" and "maxLength" in node and "enum" not in node and "pattern" not in node:
        return [(where, node["maxLength"])]
    return [found for name, child in node.get("properties", {}).items() for found in _texts(child, (*where, name))]


def _cases() -> list[tuple[str, str, str, Where, int]]:
    cases = []
    for path, item in SCHEMA["paths"].items():
        for method in HTTP_METHODS:
            body = item.get(method, {}).get("requestBody", {}).get("content", {})
            kind = next((k for k in ("application/json", "multipart/form-data") if k in body), None)
            if kind is None:
                continue
            for where, limit in _texts(body[kind]["schema"]):
                cases.append((method, path, kind, where, limit))
    return cases


CASES = _cases()


def _body(where: Where, value: str) -> Any:
    for step in reversed(where):
        value = [value] if step == 0 else {step: value}
    return value


def _error_at(fields: Any, where: Where) -> Any:
    """The errors DRF answers for the text at ``where`` (a list's items come as a list or by index)."""
    for step in where:
        if isinstance(fields, list):
            fields = fields[step] if isinstance(step, int) and len(fields) > step else None
        elif isinstance(fields, dict):
            fields = fields.get(step, fields.get(str(step)))
        else:
            return None
    return fields


def _an_objection() -> None:
    notice = PublicNotice.objects.select_related("procedure").first()
    assert notice is not None, "the demo has no public notice"
    grade = GradeDecision.objects.filter(period_id=notice.procedure.period_id).select_related("official").first()
    assert grade is not None
    candidate = NoticeCandidate.objects.create(notice=notice, grade=grade, official=grade.official,
                                               name=grade.official.name, unit_name="文化和旅游局")
    Objection.objects.create(notice=notice, candidate=candidate, filed_by=grade.official, reason="不符合条件")


def _an_appeal() -> None:
    grade = GradeDecision.objects.exclude(final="").select_related("official").first()
    assert grade is not None, "the demo has no final grade"
    GradeAppeal.objects.create(grade=grade, official=grade.official, filed_on=timezone.localdate(), body="县人社局",
                               reason="评定有误")


# What the demo has none of at 30 officials: made in the test's savepoint.
MADE_FOR_THE_TEST = {"/api/v1/objections/": _an_objection, "/api/v1/grade-appeals/": _an_appeal}


def _path_values(world: ApiWorld, path: str) -> tuple[str, list[Any]] | None:
    """For an operation on one object: the path parameter and the first object each role's list shows."""
    if "{" not in path:
        return None
    list_path, rest = path.split("{", 1)
    name = rest.split("}", 1)[0]
    seen = [list_values(world.client(who), list_path, name, pages=1) for who in WHO]
    if not any(seen) and list_path in MADE_FOR_THE_TEST:
        MADE_FOR_THE_TEST[list_path]()
        seen = [list_values(world.client(who), list_path, name, pages=1) for who in WHO]
    return name, list(dict.fromkeys(rows[0] for rows in seen if rows))


def test_the_schema_has_texts_to_check():
    assert len(CASES) > 80
    assert len({(method, path) for method, path, *_rest in CASES}) > 50


@pytest.mark.parametrize(("method", "path", "kind", "where", "limit"), CASES,
                         ids=[f"{m.upper()} {p} {'.'.join(map(str, w))}" for m, p, _k, w, _l in CASES])
def test_a_text_one_character_too_long_is_refused(api_world: ApiWorld, db: None, method: str, path: str, kind: str,
                                                  where: Where, limit: int) -> None:
    text = "长" * (limit + 1)
    expected = [too_long(text, limit)]
    targets: list[str] = [path]
    values = _path_values(api_world, path)
    if values is not None:
        name, found = values
        targets = [path.replace("{" + name + "}", str(value)) for value in found]
    answers = []
    for role in WHO:
        client = api_world.client(role)
        for url in targets:
            body = _body(where, text)
            if kind == "multipart/form-data":
                response = getattr(client, method)(url, body, format="multipart")
            else:
                response = getattr(client, method)(url, body, format="json")
            answers.append(f"{role} {url}: {response.status_code}")
            assert response.status_code < 500 and not 200 <= response.status_code < 300, answers
            if response.status_code == 400 and _error_at(response.json().get("fields"), where) == expected:
                return
    pytest.fail(f"no answer refused the text with the product's message: {answers}")


def test_a_megabyte_is_refused_with_the_field(api_world: ApiWorld, db: None) -> None:
    megabyte = "x" * 1_000_000
    response = api_world.client("org").post("/api/v1/supervision-letters/", {
        "recipient_unit": "WL", "title": "督办", "content": megabyte, "reply_deadline": "2099-01-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["content"] == [too_long(megabyte, LONG)]
