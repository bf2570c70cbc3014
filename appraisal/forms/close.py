"""The form of the close page: the reason for closing a period with work still open (issue 15 item 3)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text_limits import NOTE, LimitedFormField


class CloseForm(forms.Form):
    reason = LimitedFormField(
        label=_("Reason for closing with work still open"), required=False, max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-sm"}),
        help_text=_("Required while anything above is still open; it is recorded with the period."),
    )
