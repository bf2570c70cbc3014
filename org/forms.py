from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.text_limits import LimitedFormField
from org.models import OrgUnit, PostKind


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth, so a flat select reads as a tree."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "　" * (obj.depth - 1) + obj.name


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
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("unit", "kind") else "form-control form-control-sm"
            field.widget.attrs["class"] = css


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
