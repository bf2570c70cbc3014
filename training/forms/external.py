"""Forms of external training, its review and the hour targets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text_limits import NOTE, LimitedFormField
from org.models import RankLevel
from training.models import ExternalTraining


class ExternalForm(forms.ModelForm):
    class Meta:
        model = ExternalTraining
        fields = ["title", "provider", "started_on", "ended_on", "hours", "certificate"]
        field_classes = {"title": LimitedFormField, "provider": LimitedFormField}  # the product's message
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"}),
                   "ended_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg"
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end date is before the start date."))
        return data

    def _post_clean(self) -> None:
        # The service validates and saves the record; the form only parses the input.
        pass


class ReturnForm(forms.Form):
    reason = LimitedFormField(label=_("Reason for return"), max_length=NOTE,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


class TargetForm(forms.Form):
    rank_level = forms.ChoiceField(label=_("Rank level"), choices=RankLevel.choices)
    hours = forms.DecimalField(label=_("Hours per year"), min_value=0, max_value=1000, decimal_places=1,
                               widget=forms.NumberInput(attrs={"class": "form-control form-control-sm",
                                                               "step": "0.5"}))
