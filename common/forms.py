"""What every page does with a form and a service: put the service's refusal on the form, keeping what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from common.errors import ApplicationError


def show_error(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's refusal on the form: on the fields it names, else on the whole form."""
    fields = (error.extra or {}).get("fields") or {}
    placed = False
    for name in fields:
        if name in form.fields:
            form.add_error(name, error.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def errors_text(form: forms.Form) -> str:
    """A bound form's errors as one line, each after its field's label ("德：最多 10000 个字（当前 10001 个字）。"):
    for a status line that has no room for the form, such as an autosave's."""
    parts: list[str] = []
    for name, field_errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}：{error}" if label else str(error) for error in field_errors)
    return "；".join(parts)


def form_submit(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any], done: str) -> bool:
    """Call the service ``action(cleaned_data)`` when the form is valid and say ``done``; on a refusal put the
    service's message on the form. Return whether the action went through."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ApplicationError as error:
        show_error(form, error)
        return False
    messages.success(request, done)
    return True
