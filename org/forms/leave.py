"""Forms of the leave records (请假): one record, and the filters of the unit list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text_limits import LimitedFormField
from org.models import LeaveKind

ISO = "%Y-%m-%d"  # <input type="date"> reads nothing else, whatever the language's date format


class LeaveRecordForm(forms.Form):
    """Record or change one leave; the service checks the dates against each other and the official's other
    records."""

    kind = forms.ChoiceField(label=_("Kind of leave"), choices=LeaveKind.choices)
    start_date = forms.DateField(label=_("First day"), widget=forms.DateInput({"type": "date"}, format=ISO))
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput({"type": "date"}, format=ISO))
    note = LimitedFormField(label=_("Note"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. hospitalised, approved by …")}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select form-select-sm" if name == "kind" else \
                "form-control form-control-sm"
