"""The OpenAPI schema says what the API returns: a field over a column that may be empty is nullable (or takes
"" in its enum), numbers are declared as what they are sent as, and drf-spectacular has nothing to warn about
(``check --deploy`` used to list five enum-name collisions, drf_spectacular.W001).

The answers themselves are checked against the schema in tests/api/test_fuzz.py, on the demo's data.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.checks import schema_check
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers

from tests.api.conftest import openapi_schema


def test_drf_spectacular_has_nothing_to_warn_about():
    GENERATOR_STATS.reset()
    assert [message.msg for message in schema_check(None)] == []


def response_serializers() -> list[tuple[str, serializers.Serializer]]:
    """Every serializer an operation answers with, as ``(operation, serializer)``."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = []
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.view, schema.path, schema.path_regex, schema.method = view, path, path_regex, method
        answers = schema.get_response_serializers()
        for answer in (answers.values() if isinstance(answers, dict) else [answers]):
            answer = getattr(answer, "response", answer)
            if isinstance(answer, type) and issubclass(answer, serializers.BaseSerializer):
                answer = answer()
            if isinstance(answer, serializers.ListSerializer):
                answer = answer.child
            if isinstance(answer, serializers.Serializer):
                found.append((f"{method} {path}", answer))
    return found


def column_of(serializer: serializers.Serializer, source: str) -> tuple[models.Field | None, bool]:
    """The model column a dotted ``source`` reads and whether a null can come on the way (a nullable column or
    relation); ``(None, False)`` when the source is no column (a property, a method)."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    column, nullable = None, False
    for part in source.split("."):
        if model is None:
            return None, False
        try:
            column = model._meta.get_field(part)
        except Exception:
            return None, False
        nullable = nullable or bool(getattr(column, "null", False) and not column.many_to_many
                                    and not column.one_to_many)
        model = column.related_model if column.is_relation else None
    return column, nullable


def untruthful_fields() -> list[str]:
    problems: set[str] = set()
    seen: set[type] = set()

    def walk(operation: str, serializer: serializers.Serializer) -> None:
        if type(serializer) in seen:
            return
        seen.add(type(serializer))
        for name, field in serializer.fields.items():
            if field.write_only or field.source == "*" or isinstance(field, serializers.SerializerMethodField):
                continue
            where = f"{type(serializer).__name__}.{name} ({operation})"
            column, nullable = column_of(serializer, field.source)
            many = isinstance(field, (serializers.ListSerializer, serializers.ManyRelatedField))
            if nullable and not many and not field.allow_null:
                problems.add(f"{where}: null is sent, the schema does not allow it (allow_null=True)")
            if (isinstance(field, serializers.ChoiceField) and column is not None and column.blank and column.choices
                    and not field.allow_blank):
                problems.add(f'{where}: "" is sent, the enum does not have it (allow_blank=True)')
            nested = field.child if isinstance(field, serializers.ListSerializer) else field
            if isinstance(nested, serializers.Serializer):
                walk(operation, nested)

    for operation, serializer in response_serializers():
        walk(operation, serializer)
    return sorted(problems)


def test_every_empty_column_is_declared_as_it_is_sent():
    assert len(response_serializers()) > 50
    assert untruthful_fields() == []


def properties(component: str) -> dict[str, Any]:
    return openapi_schema()["components"]["schemas"][component]["properties"]


def test_the_fields_the_issue_found_untrue():
    decimal = {"type": "string", "format": "decimal", "pattern": r"^-?\d{0,4}(?:\.\d{0,2})?$", "readOnly": True,
               "nullable": True}
    scorecard = properties("Scorecard")
    for component in ("work", "timeliness", "evaluation", "training"):  # points as decimals are sent: "12.50"
        assert scorecard[component] == decimal
    assert scorecard["total"]["type"] == "string" and scorecard["total"]["format"] == "decimal"
    for component, field in [("External", "reviewed_by"), ("WeeklyUpdate", "author"), ("Letter", "replied_by"),
                             ("Letter", "issuer_signed_by"), ("Letter", "recipient_signed_by"),
                             ("Letter", "recipient_official"), ("Unit", "parent"), ("Unit", "category"),
                             ("Unit", "category_name")]:
        assert properties(component)[field]["nullable"] is True, (component, field)
    for component, field in [("Report", "rating"), ("Kind", "grade_cap"), ("Kind", "later_cap")]:
        assert {"$ref": "#/components/schemas/BlankEnum"} in properties(component)[field]["oneOf"], (component, field)
