"""Forms of the working-day calendar: mark one day, import a year from a workbook."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text_limits import LimitedFormField


class CalendarDayForm(forms.Form):
    """Mark one day of the working-day calendar: a weekday off or a weekend worked."""

    KIND_CHOICES = [("off", _("Day off")), ("work", _("Working day"))]

    # ISO in the value, whatever the language's date format: <input type="date"> reads nothing else.
    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    name = LimitedFormField(label=_("Name of the day"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. 春节, 国庆节调休上班")}))
    note = LimitedFormField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "kind" else "form-control"
        if editing:  # the date is the day's key: to move a mark, delete it and add the other day
            self.fields["date"].widget.attrs["readonly"] = True


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Calendar workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
