"""The shared helpers of issue 16 item 3: a service's refusal on a form, a model's ValidationError as one message."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from common.errors import ApplicationError, from_validation_error
from common.forms import show_error


class _Form(forms.Form):
    name = forms.CharField(required=False)
    file = forms.CharField(required=False)


def _shown(error: ApplicationError, **kwargs: str) -> dict[str, list[str]]:
    form = _Form({})
    form.is_valid()
    show_error(form, error, **kwargs)
    return dict(form.errors)


def test_show_error_puts_the_message_where_the_error_says_else_on_the_fallback_else_on_the_form() -> None:
    assert _shown(ApplicationError("坏", extra={"fields": {"name": ["坏"]}}), field="file") == {"name": ["坏"]}
    assert _shown(ApplicationError("坏", extra={"field": "name"})) == {"name": ["坏"]}
    assert _shown(ApplicationError("坏", extra={"fields": {"other": ["坏"]}}), field="file") == {"file": ["坏"]}
    assert _shown(ApplicationError("坏")) == {"__all__": ["坏"]}


def test_from_validation_error_joins_with_the_chinese_separator() -> None:
    error = from_validation_error(None, ValidationError(["一", "二"]))
    assert (error.message, error.code) == ("一；二", "invalid")
