"""Forms of the roster: the upload of a roster workbook, and an official's new post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.forms import limit_choices
from common.text_limits import LimitedFormField
from org.forms.fields import UnitChoiceField
from org.models import OrgUnit, PostKind


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class PostChangeForm(forms.Form):
    """Record a new post for an official (appointment, rotation, exchange, secondment)."""

    unit = UnitChoiceField(label=_("New unit"), queryset=OrgUnit.objects.none(), to_field_name="code")
    position_title = LimitedFormField(label=_("New position"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = LimitedFormField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units)
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("unit", "kind") else "form-control form-control-sm"
            field.widget.attrs["class"] = css
