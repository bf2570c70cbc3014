"""Selects rendered in Python.

Django renders every ``<option>`` through two templates (the option, then its attributes): a select of a county's
383 units took 30 ms to render, a filter form of four menus 15 ms, and a page of them spent more time on its menus
than on its list. ``FormRenderer`` (the project's ``FORM_RENDERER``) builds the same HTML for every select from the
context of ``Select.get_context`` — so attributes, groups, the selected values and ``required`` are Django's — with
``format_html``, in about a tenth of the time. Menus a template builds itself use the ``{% options %}`` tag
(``common/templatetags/menus.py``).
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """As Django's ``attrs.html``: in order, ``True`` as a bare name, ``False`` left out."""
    return format_html_join("", "{}", ((format_html(" {}", name) if value is True
                                        else format_html(' {}="{}"', name, value),)
                                       for name, value in attrs.items() if value is not False))


def _options(options: list[dict[str, Any]]) -> SafeString:
    return format_html_join("", "<option value=\"{}\"{}>{}</option>",
                            ((str(option["value"]), _attrs(option["attrs"]), option["label"]) for option in options))


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"  # a widget with its own option template keeps it


def render_select(widget: dict[str, Any]) -> SafeString:
    """The HTML of Django's ``select.html`` for a widget's context (``Select.get_context()["widget"]``)."""
    parts = [format_html("<optgroup label=\"{}\">{}</optgroup>", group, _options(options)) if group
             else _options(options) for group, options, _index in widget["optgroups"]]
    return format_html("<select name=\"{}\"{}>{}</select>", widget["name"], _attrs(widget["attrs"]),
                       mark_safe("".join(parts)))


class FormRenderer(DjangoTemplates):
    """The project's form renderer (``FORM_RENDERER``): Django's, except that every select — ``Select``,
    ``SelectMultiple`` and their subclasses that keep Django's template — is built in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE and all(
                option["template_name"] == OPTION_TEMPLATE for _g, options, _i in context["widget"]["optgroups"]
                for option in options):
            return render_select(context["widget"])
        return super().render(template_name, context, request)

