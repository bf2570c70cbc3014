"""What every page does with a form and a service: put the service's refusal on the form, keeping what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import fields as model_fields
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.errors import ApplicationError

# The first line of a drop-down where nothing is chosen yet, everywhere (Django's own is "---------").
EMPTY_LABEL = _("Please choose")


def install_empty_label() -> None:
    """Make ``EMPTY_LABEL`` the default empty choice of every model choice field and model field's form field.

    Called once from ``CommonConfig.ready()``: the one place, so no form needs to repeat it (a form may still
    give its own, such as "All units" on a filter)."""
    kwdefaults = forms.ModelChoiceField.__init__.__kwdefaults__
    assert kwdefaults is not None and "empty_label" in kwdefaults
    kwdefaults["empty_label"] = EMPTY_LABEL
    # Model fields with choices default to this list object (``Field.get_choices(blank_choice=...)``).
    model_fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_LABEL)]  # type: ignore[list-item]  # lazy: translated late


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
