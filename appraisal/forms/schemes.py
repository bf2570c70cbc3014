"""Forms of the scheme and rule catalogue pages; the services check the rules and give the messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from appraisal.models import DEFAULT_WEIGHTS, Component, Scheme, ScoreRule
from appraisal.selectors.schemes import unit_categories
from common.forms import limit_choices
from common.text_limits import NOTE, LimitedFormField
from org.models import RankLevel, UnitCategory

SMALL_INPUT = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}


class SchemeForm(forms.Form):
    name = LimitedFormField(label=gettext_lazy("Scheme name"), max_length=100,
                           widget=forms.TextInput(attrs=SMALL_INPUT))
    category = forms.ModelChoiceField(
        label=gettext_lazy("Unit category"), queryset=UnitCategory.objects.none(), required=False,
        empty_label=gettext_lazy("Any category"), widget=forms.Select(attrs=SMALL_SELECT))
    rank_level = forms.ChoiceField(
        label=gettext_lazy("Rank level"), required=False,
        choices=[("", gettext_lazy("Any rank level")), *RankLevel.choices],
        widget=forms.Select(attrs=SMALL_SELECT))

    def __init__(self, *args: Any, scheme: Scheme | None = None, **kwargs: Any) -> None:
        if scheme is not None and "initial" not in kwargs:
            weights = {c.component: c.weight for c in scheme.components.all()}
            kwargs["initial"] = {
                "name": scheme.name, "category": scheme.category_id, "rank_level": scheme.rank_level,
                **{f"weight_{c}": weights.get(c, Decimal(0)) for c in Component.values},
            }
        elif "initial" not in kwargs:  # a new scheme starts from the default weights (DESIGN §4)
            kwargs["initial"] = {f"weight_{c}": Decimal(w) for c, w in DEFAULT_WEIGHTS.items()}
        super().__init__(*args, **kwargs)
        limit_choices(self, "category", unit_categories())
        for value, label in Component.choices:
            self.fields[f"weight_{value}"] = forms.DecimalField(
                label=label, min_value=Decimal(0), max_digits=5, decimal_places=2, initial=Decimal(0),
                widget=forms.NumberInput(attrs={**SMALL_INPUT, "step": "0.01", "min": "0"}))

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{c}"] for c in Component.values]

    def weights(self) -> dict[str, Decimal]:
        return {c: self.cleaned_data[f"weight_{c}"] for c in Component.values}


class RuleForm(forms.Form):
    code = LimitedFormField(label=gettext_lazy("Code"), max_length=40, widget=forms.TextInput(attrs=SMALL_INPUT))
    name = LimitedFormField(label=gettext_lazy("Rule name"), max_length=100, widget=forms.TextInput(attrs=SMALL_INPUT))
    description = LimitedFormField(label=gettext_lazy("Rule description"), required=False, max_length=NOTE,
                                  widget=forms.Textarea(attrs={**SMALL_INPUT, "rows": 2}))
    min_points = forms.DecimalField(label=gettext_lazy("Minimum points"), max_digits=6, decimal_places=2,
                                    widget=forms.NumberInput(attrs={**SMALL_INPUT, "step": "0.01"}))
    max_points = forms.DecimalField(label=gettext_lazy("Maximum points"), max_digits=6, decimal_places=2,
                                    widget=forms.NumberInput(attrs={**SMALL_INPUT, "step": "0.01"}))
    cap = forms.DecimalField(
        label=gettext_lazy("Cap per period"), max_digits=6, decimal_places=2, required=False,
        help_text=gettext_lazy("The most this rule can add or take away in one period; empty for no cap."),
        widget=forms.NumberInput(attrs={**SMALL_INPUT, "step": "0.01", "min": "0"}))
    is_manual = forms.BooleanField(
        label=gettext_lazy("Entered by hand"), required=False,
        help_text=gettext_lazy("Heads may record it; otherwise it is derived from facts."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    is_active = forms.BooleanField(label=gettext_lazy("In use"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args: Any, rule: ScoreRule | None = None, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {"is_manual": True, "is_active": True} if rule is None else {
                "code": rule.code, "name": rule.name, "description": rule.description,
                "min_points": rule.min_points, "max_points": rule.max_points, "cap": rule.cap,
                "is_manual": rule.is_manual, "is_active": rule.is_active,
            }
        super().__init__(*args, **kwargs)
