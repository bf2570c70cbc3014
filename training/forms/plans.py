"""The study plan form: a unit the user may organise for, the year, a title and notes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text_limits import NOTE, LimitedFormField
from org.forms.fields import UnitChoiceField
from org.models import OrgUnit, User
from training.forms.sessions import model_choices
from training.selectors.sessions import units_organisable_by
from training.services.plans import MAX_YEAR, MIN_YEAR


class StudyPlanForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    title = LimitedFormField(label=_("Title"), max_length=200)
    notes = LimitedFormField(label=_("Notes"), required=False, max_length=NOTE,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "unit").queryset = units_organisable_by(user)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "unit" else "form-control"
