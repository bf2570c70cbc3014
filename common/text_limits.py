"""How long a text may be, in one place: the limits, the one message, and the fields and checks that apply them.

Every free text the product accepts has a maximum, counted in characters (one Chinese character is one):

- ``LINE`` — a line typed in a form or an API body that is no model text: a code, a number, a choice's value;
- ``SHORT_NOTE`` — a short comment written in a table row: the quarterly 写实, the reason beside a changed grade;
- ``NOTE`` — a comment, a reason, an opinion, a note (a long paragraph);
- ``LONG`` — a piece of writing: a monthly plan and self-assessment, a part of the annual summary (德能勤绩廉),
  the facts of a case, a decision's text, a letter and its reply. A whole 述职 report of the kind in the
  product's sample texts (2,000–6,000 characters) fits in one part;
- ``STORED_RESPONSE`` — what the product itself stores (the answer an API create gave, replayed on a repeat).

The limits hold in every way in: a model ``LimitedTextField`` validates in ``full_clean`` and gives forms a
``maxlength``; ``LimitedFormField`` (forms) and ``common.api.LimitedCharField`` (the API) check with the same
message; every save of a product model is checked (``refuse_too_long``, connected in ``common.apps``), so a
service, an import or a job cannot store what a form would refuse. Every limit of a text a person writes fits a
spreadsheet cell (32,767), so an export never has to cut one.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy

from common.errors import ApplicationError

LINE = 200
SHORT_NOTE = 500
NOTE = 2_000
LONG = 10_000
STORED_RESPONSE = 1_000_000

# The apps whose saves are checked: the product's own (third-party models, such as django-axes' log of login
# attempts, clip their own texts).
CHECKED_APPS = ("common", "org", "tasks", "training", "discipline", "appraisal")

# Django's own "Ensure this value has at most …" reads "确保该变量包含不超过 2000 字符 (目前字符数 2345)。" in its
# Chinese catalogue, and DRF's does not say how long the text is; every limit of the product says this instead.
TOO_LONG = gettext_lazy("At most %(limit_value)d characters (this text has %(show_value)d).")


def too_long(text: str, limit: int) -> str | None:
    """The message for ``text`` when it is longer than ``limit``, else None (for imports, which report per cell)."""
    if len(text) <= limit:
        return None
    return str(TOO_LONG) % {"limit_value": limit, "show_value": len(text)}


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """Django's ``MaxLengthValidator`` with the product's message."""

    message = TOO_LONG


class LimitedTextField(models.TextField):
    """A ``TextField`` whose ``max_length`` is enforced: by ``full_clean`` (Django checks it on ``CharField`` only),
    by the form field it makes (a ``maxlength`` in the page) and by the API's serializers. No column changes:
    the database still stores ``text``."""

    # A new limit is no schema change: altering it must not make SQLite rebuild the table.
    non_db_attrs = (*models.TextField.non_db_attrs, "max_length")

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        if max_length is None:
            raise TypeError("LimitedTextField needs a max_length (common.text_limits: NOTE, LONG …)")
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        self.validators.append(TextLengthValidator(max_length))

    def formfield(self, **kwargs: Any) -> Any:
        if self.choices is None:
            kwargs.setdefault("form_class", LimitedFormField)
        return super().formfield(**kwargs)


class LimitedFormField(forms.CharField):
    """A form's text field with a maximum (required) and the product's message. Line breaks are counted as the
    browser counts them for ``maxlength`` (one character, where the browser sends two), so a text the page let
    the user type is never refused for its length."""

    default_error_messages = {"max_length": TOO_LONG}

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


@functools.cache
def bounded_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The model's text columns that have a maximum."""
    return tuple(field for field in model._meta.concrete_fields
                 if isinstance(field, models.CharField | models.TextField) and field.max_length)


def _refuse(values: Iterable[tuple[str, models.Field, Any]]) -> None:
    """Raise ``ApplicationError`` (code ``too_long``) for each ``(key, column, value)`` whose value is longer than
    the column's maximum: the message names the column ("回复：最多 10000 个字（当前 10001 个字）。"), and
    ``extra["fields"]`` holds each message under its key, where forms and the API put field errors."""
    fields: dict[str, list[str]] = {}
    parts: list[str] = []
    for key, column, value in values:
        message = too_long(value, column.max_length or 0) if isinstance(value, str) else None
        if message:
            fields[key] = [message]
            parts.append(f"{column.verbose_name}：{message}")
    if fields:
        raise ApplicationError("；".join(parts), code="too_long", extra={"fields": fields})


def check_values(model: type[models.Model], values: Mapping[str, Any] | None = None, *,
                 names: Mapping[str, str] | None = None, **more: Any) -> None:
    """Refuse values too long for ``model``'s columns before a service writes anything:
    ``check_values(Case, facts=facts, number=number)`` (or the values as a mapping). ``names`` maps a column to
    the name the caller knows the value by (the form's or the API's field), for the error's ``fields``."""
    columns = {field.name: field for field in bounded_fields(model)}
    names = names or {}
    _refuse((names.get(name, name), columns[name], value) for name, value in {**(values or {}), **more}.items())


def check_instance(instance: models.Model, *, fields: Collection[str] | None = None) -> None:
    """Refuse an instance holding a text longer than its column's maximum (only ``fields`` when given)."""
    _refuse((field.name, field, getattr(instance, field.attname)) for field in bounded_fields(type(instance))
            if fields is None or field.name in fields or field.attname in fields)


def refuse_too_long(sender: type[models.Model], instance: models.Model, raw: bool = False,
                    update_fields: Collection[str] | None = None, **_: Any) -> None:
    """``pre_save``: no save of a product model stores a text longer than its column allows, whatever path it
    came by (a service called by the API, an import, a job). Fixtures (``raw``) are loaded as they are."""
    if not raw:
        check_instance(instance, fields=update_fields)


def limit_of(model: type[models.Model], name: str) -> int:
    """The maximum of a model's text column (for imports, which check each cell against it)."""
    field = model._meta.get_field(name)
    limit = field.max_length if isinstance(field, models.Field) else None
    assert limit, f"{model.__name__}.{name} has no max_length"
    return int(limit)
