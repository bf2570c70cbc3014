"""Selects rendered in Python.

Django renders every ``<option>`` through two templates (the option, then its attributes): a select of a county's
383 units took 30 ms to render, a filter form of four menus 15 ms, and a page of them spent more time on its menus
than on its list. ``FormRenderer`` (the project's ``FORM_RENDERER``) builds the same HTML for every select from the
context of ``Select.get_context`` — so attributes, groups, the selected values and ``required`` are Django's — with
plain string joins, in about a hundredth of the time. Menus a template builds itself use the ``{% options %}`` tag
(``common/templatetags/menus.py``). ``LeanSelect`` skips even the context, for menus of thousands of plain choices.

The text is escaped by ``html_text``, as ``conditional_escape`` does but without its per-call checks:
``format_html`` cost 7 µs an option, 7 ms for the task board's menu of the county's 1,000 leaders.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString, mark_safe


def html_text(value: Any) -> str:
    """``value`` as HTML text: escaped (``& < > " '``, as Django's ``escape``), unless it is already HTML."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def option_tag(value: Any, label: Any, attrs: str = "") -> str:
    """One ``<option>``: ``attrs`` is HTML already (`` selected``)."""
    return f'<option value="{html_text(value)}"{attrs}>{html_text(label)}</option>'


def _attrs(attrs: dict[str, Any]) -> str:
    """As Django's ``attrs.html``: in order, ``True`` as a bare name, ``False`` left out."""
    return "".join(f" {html_text(name)}" if value is True else f' {html_text(name)}="{html_text(value)}"'
                   for name, value in attrs.items() if value is not False)


def _options(options: list[dict[str, Any]]) -> str:
    return "".join(option_tag(option["value"], option["label"], _attrs(option["attrs"])) for option in options)


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"  # a widget with its own option template keeps it


def render_select(widget: dict[str, Any]) -> SafeString:
    """The HTML of Django's ``select.html`` for a widget's context (``Select.get_context()["widget"]``)."""
    parts = "".join(f'<optgroup label="{html_text(group)}">{_options(options)}</optgroup>' if group
                    else _options(options) for group, options, _index in widget["optgroups"])
    return mark_safe(f'<select name="{html_text(widget["name"])}"{_attrs(widget["attrs"])}>{parts}</select>')


class LeanSelect(forms.Select):
    """A select rendered straight from its (value, label) choices: no option dictionary per choice, as Django's
    ``optgroups`` builds. For menus of thousands of plain choices (a city's unit tree: two menus of 1,669 units
    cost the session form 30 ms through ``optgroups``); choices without groups or per-option attributes."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = "".join(option_tag(v, label, " selected" if str(v) in chosen else "") for v, label in self.choices)
        return mark_safe(f'<select name="{html_text(name)}"{_attrs(final)}>{options}</select>')


class LeanSelectMultiple(LeanSelect, forms.SelectMultiple):
    allow_multiple_selected = True


def lean_select(widget: forms.Widget | type[forms.Widget]) -> forms.Widget:
    """``widget`` (a class or an instance) as a ``LeanSelect`` or ``LeanSelectMultiple`` with its attributes when it
    is a plain select; anything else as it is."""
    if isinstance(widget, type):
        widget = widget()
    leaner: dict[type[forms.Widget], type[LeanSelect]] = {forms.Select: LeanSelect,
                                                           forms.SelectMultiple: LeanSelectMultiple}
    lean = leaner.get(type(widget))
    return lean(attrs=widget.attrs) if lean else widget


class FormRenderer(DjangoTemplates):
    """The project's form renderer (``FORM_RENDERER``): Django's, except that every select — ``Select``,
    ``SelectMultiple`` and their subclasses that keep Django's template — is built in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE and all(
                option["template_name"] == OPTION_TEMPLATE for _g, options, _i in context["widget"]["optgroups"]
                for option in options):
            return render_select(context["widget"])
        return super().render(template_name, context, request)

