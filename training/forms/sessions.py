"""Forms of the session pages: arrange a session, record one attendance, upload a sign-in sheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text_limits import LimitedFormField
from org.forms.fields import OfficialChoiceField, UnitChoiceField, UnitMultipleChoiceField
from org.models import OrgUnit, RankLevel, User
from training.models import AttendanceStatus, SessionKind, StudyPlan, TrainingSession
from training.pickers import LECTURERS, lecturers
from training.selectors.plans import plans_of_units
from training.selectors.sessions import units_organisable_by


def model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field ``name`` (its queryset is set per user)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = LimitedFormField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET)
    hours = forms.DecimalField(label=_("Credited hours"), min_value=0, max_digits=5, decimal_places=1)
    place = LimitedFormField(label=_("Place"), max_length=200, required=False)
    organiser = UnitChoiceField(label=_("Organising unit"), queryset=OrgUnit.objects.none())
    plan = forms.ModelChoiceField(label=_("Study plan"), queryset=StudyPlan.objects.none(), required=False)
    lecturer = OfficialChoiceField(scope=LECTURERS, label=_("Lecturer (an official)"), required=False)
    lecturer_name = LimitedFormField(label=_("Lecturer (external)"), max_length=100, required=False)
    audience_units = UnitMultipleChoiceField(label=_("Audience units"), queryset=OrgUnit.objects.none(),
                                             widget=forms.SelectMultiple(attrs={"size": 8}))
    include_subunits = forms.BooleanField(label=_("Include sub-units"), required=False, initial=True)
    audience_rank_levels = forms.MultipleChoiceField(
        label=_("Rank levels"), choices=RankLevel.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every rank level."))
    is_required = forms.BooleanField(label=_("Required"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_organisable_by(user)
        model_choices(self, "organiser").queryset = units
        model_choices(self, "audience_units").queryset = units
        model_choices(self, "plan").queryset = plans_of_units(units)
        model_choices(self, "lecturer").queryset = lecturers(user)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    @staticmethod
    def initial_for(session: TrainingSession) -> dict[str, Any]:
        return {
            "kind": session.kind, "title": session.title, "starts_at": session.starts_at,
            "ends_at": session.ends_at, "hours": session.hours, "place": session.place,
            "organiser": session.organiser_id, "plan": session.plan_id, "lecturer": session.lecturer_id,
            "lecturer_name": session.lecturer_name, "audience_units": list(session.audience_units.all()),
            "include_subunits": session.include_subunits, "audience_rank_levels": session.audience_rank_levels,
            "is_required": session.is_required,
        }


class AttendanceSetForm(forms.Form):
    """One click on the grid: the official, the status, and for leave its reason."""

    # Labelled: a refusal names the field it is about (common.forms.errors_text).
    official = forms.IntegerField(label=_("Official"))
    status = forms.ChoiceField(label=_("Status"), choices=AttendanceStatus.choices)
    excuse_reason = LimitedFormField(label=_("Reason for leave"), max_length=200, required=False)
    hours = forms.DecimalField(label=_("Credited hours"), min_value=0, max_digits=5, decimal_places=1,
                               required=False)


class SignInSheetForm(forms.Form):
    file = forms.FileField(
        label=_("Sign-in sheet (.xlsx)"),
        help_text=_("Fill in the template; if any row is wrong, nothing is saved."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
