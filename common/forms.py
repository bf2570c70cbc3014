"""What every page does with a form and a service: put the service's refusal on the form, keeping what was typed;
answer a background save (htmx) with its small status."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.db.models import fields as model_fields
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ApplicationError

# The first line of a drop-down where nothing is chosen yet, everywhere (Django's own is "---------").
EMPTY_LABEL = gettext_lazy("Please choose")


def install_empty_label() -> None:
    """Make ``EMPTY_LABEL`` the default empty choice of every model choice field and model field's form field.

    Called once from ``CommonConfig.ready()``: the one place, so no form needs to repeat it (a form may still
    give its own, such as "All units" on a filter)."""
    kwdefaults = forms.ModelChoiceField.__init__.__kwdefaults__
    assert kwdefaults is not None and "empty_label" in kwdefaults
    kwdefaults["empty_label"] = EMPTY_LABEL
    # Model fields with choices default to this list object (``Field.get_choices(blank_choice=...)``).
    model_fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_LABEL)]  # type: ignore[list-item]  # lazy: translated late


def show_error(form: forms.BaseForm, error: ApplicationError, *, field: str | None = None) -> None:
    """Put a service's refusal on the form: on the fields it names (``extra["fields"]``, or one ``extra["field"]``),
    else on ``field`` (an upload's file, say), else on the whole form. The one place every page does this."""
    extra = error.extra or {}
    named = [*(extra.get("fields") or {}), *([extra["field"]] if extra.get("field") else [])]
    placed = [name for name in named if name in form.fields]
    for name in placed:
        form.add_error(name, error.message)
    if not placed:
        form.add_error(field if field in form.fields else None, error.message)


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Set what the model choice field ``name`` of ``form`` offers and accepts (the user's scope, say)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name!r} is not a model choice field")
    field.queryset = queryset


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """Set the choices the choice field ``name`` of ``form`` offers and accepts, when the form computes them."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name!r} is not a choice field")
    field.choices = choices


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


def errors_text(form: forms.Form) -> str:
    """The form's errors as one line for a small status (an autosave, a row of a grid): each field's message after
    its label, the form's own messages as they are."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            parts.append(_("%(name)s: %(error)s") % {"name": field.label, "error": error}
                         if field is not None and field.label else str(error))
    return " ".join(parts)


def autosave_status(request: HttpRequest, error: str = "") -> HttpResponse:
    """The answer of a background save (htmx): "saved at HH:MM", or "not saved: why" as a 422, so that
    static/js/htmx_setup.js also takes away an earlier green message that would no longer be true."""
    context = {"error": error, "saved_at": None if error else timezone.localtime()}
    return render(request, "common/_autosave_status.html", context, status=422 if error else 200)


def autosave(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any]) -> HttpResponse:
    """Save in the background: call the service ``action(cleaned_data)`` when the form is valid and answer with the
    status; a refusal (the form's or the service's) says why, with the field's label."""
    if not form.is_valid():
        return autosave_status(request, errors_text(form))
    try:
        action(form.cleaned_data)
    except ApplicationError as error:
        return autosave_status(request, error.message)
    return autosave_status(request)
