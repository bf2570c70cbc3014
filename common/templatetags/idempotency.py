"""``{% form_token %}``: the one-time token of a create form (a builtin tag: no ``{% load %}`` needed)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from common.idempotency import FORM_FIELD
from common.idempotency import form_token as new_token

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    """Render the hidden field that makes the form's POST go through once (``@idempotent_form`` on the view);
    static/js/form_token.js gives a form brought back by the back button the token it was sent with."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_token())
