"""``{% options items "code" "name" chosen %}``: the ``<option>``s of a menu of many objects, rendered in Python.

A template loop costs about 50 µs an option (the tags, the lookups, the escaping); the organization department's
unit menus list the county's 383 units, 20 ms a menu (``common.widgets`` says the same of form widgets).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from common.widgets import option_tag

register = template.Library()


@register.simple_tag
def options(items: Iterable[Any], value: str = "", label: str = "", chosen: Any = None) -> SafeString:
    """One ``<option value="{item.value}">{item.label}</option>`` per item — or per ``(value, label)`` pair when
    no attribute names are given — ``selected`` where the value is ``chosen`` (compared as text, as a submitted
    value is)."""
    chosen_text = "" if chosen is None else str(chosen)
    pairs = ((str(getattr(item, value)), getattr(item, label)) if value else (str(item[0]), item[1])
             for item in items)
    return mark_safe("".join(option_tag(v, text, " selected" if chosen_text and v == chosen_text else "")
                             for v, text in pairs))
