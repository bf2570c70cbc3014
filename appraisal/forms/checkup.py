"""Forms of the check-up pages: open a round, assign raters, rate, declare a conflict of interest."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import DEFAULT_GROUP_WEIGHTS, Dimension, RaterGroup
from appraisal.scoring.periods import QUARTER, period_key_for
from appraisal.selectors.checkup import ORG, quarters_with_rounds, units_managed_by, users_named
from appraisal.services.checkup_raters import DEFAULT_COLLEAGUES
from common.forms import limit_choices, set_choices
from common.text_limits import NOTE, LimitedFormField
from org.forms.fields import UnitChoiceField
from org.models import Official, OrgUnit, User
from org.selectors import officials_by_staff_number, unknown_official_message

SEPARATORS = re.compile(r"[\s,，;；、]+")


def style_fields(form: forms.Form, prefix: str) -> None:
    """Give every field of a check-up form its Bootstrap class and a ``data-testid`` of ``prefix``."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
        widget.attrs["data-testid"] = f"{prefix}-{name.replace('_', '-')}"


def recent_quarters(today: date | None = None, *, back: int = 4, ahead: int = 1) -> list[str]:
    """Return quarter keys around today's, latest first (the next one to the ``back``-th before)."""
    today = today or timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    index = year * 4 + quarter - 1
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index + ahead, index - back - 1, -1)]


class RoundOpenForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))
    min_responses = forms.IntegerField(
        label=_("Minimum responses per group"), min_value=1, max_value=50, initial=1,
        help_text=_("A result is marked incomplete when a group with raters has fewer ratings than this."))
    problem_threshold = forms.IntegerField(
        label=_("Problem threshold"), min_value=0, max_value=100, initial=70,
        help_text=_("Dimensions scored under this go on the official's problem list."))

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = quarters_with_rounds()
        choices = [(key, key) for key in recent_quarters(today) if key not in taken]
        set_choices(self, "quarter", choices)
        current = period_key_for(QUARTER, today or timezone.localdate())
        self.fields["quarter"].initial = current if (current, current) in choices else None
        for value, label in RaterGroup.choices:
            self.fields[f"weight_{value}"] = forms.DecimalField(
                label=label, min_value=0, max_value=1000, decimal_places=2,
                initial=DEFAULT_GROUP_WEIGHTS[RaterGroup(value)])
        for value, label in RaterGroup.choices:
            self.fields[f"trim_{value}"] = forms.BooleanField(label=label, required=False, initial=True)
        style_fields(self, "round")
        for value in RaterGroup.values:
            self.fields[f"trim_{value}"].widget.attrs["class"] = "form-check-input"

    def group_weights(self) -> dict[str, Any]:
        return {value: self.cleaned_data[f"weight_{value}"] for value in RaterGroup.values}

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{value}"] for value in RaterGroup.values]

    def group_trim(self) -> dict[str, bool]:
        return {value: bool(self.cleaned_data.get(f"trim_{value}")) for value in RaterGroup.values}

    def trim_fields(self) -> list[forms.BoundField]:
        return [self[f"trim_{value}"] for value in RaterGroup.values]


class AssignDefaultsForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    colleagues = forms.IntegerField(label=_("Colleagues per official"), min_value=0, max_value=30,
                                    initial=DEFAULT_COLLEAGUES)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units_managed_by(user))
        style_fields(self, "defaults")


class AssignRaterForm(forms.Form):
    """Add raters for one official: the official by staff number, the raters by user name."""

    official = LimitedFormField(label=_("Official's staff number"), max_length=32)
    group = forms.ChoiceField(label=_("Rater group"), choices=RaterGroup.choices)
    raters = LimitedFormField(label=_("Raters' user names"), max_length=2000,
                             help_text=_("Separate several user names with spaces or commas."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        style_fields(self, "assign")

    def clean_official(self) -> Official:
        number = self.cleaned_data["official"].strip()
        official = officials_by_staff_number(self.user, [number], roles=(ORG,), include_self=False).get(number)
        if official is None:
            raise forms.ValidationError(unknown_official_message())
        return official

    def clean_raters(self) -> list[User]:
        names = [n for n in SEPARATORS.split(self.cleaned_data["raters"]) if n]
        found = users_named(names)
        missing = [n for n in names if n not in found]
        if missing:
            raise forms.ValidationError(_("Unknown user names: %(names)s") % {"names": "、".join(missing)})
        if not names:
            raise forms.ValidationError(_("Name at least one rater."))
        return list(found.values())


class RatingForm(forms.Form):
    political = forms.IntegerField(label=Dimension.POLITICAL.label, min_value=0, max_value=100)
    moral = forms.IntegerField(label=Dimension.MORAL.label, min_value=0, max_value=100)
    discipline = forms.IntegerField(label=Dimension.DISCIPLINE.label, min_value=0, max_value=100)
    law = forms.IntegerField(label=Dimension.LAW.label, min_value=0, max_value=100)
    style = forms.IntegerField(label=Dimension.STYLE.label, min_value=0, max_value=100)
    comment = LimitedFormField(
        label=_("Comment"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Comments on low scores go, without your name, on the official's problem list."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in Dimension.values:
            self.fields[name].widget.attrs.update({"min": 0, "max": 100, "step": 1, "inputmode": "numeric"})
        style_fields(self, "rating")


class ExcuseForm(forms.Form):
    reason = LimitedFormField(label=_("Conflict of interest"), max_length=200,
                             help_text=_("For example: a close relative, or a direct business interest."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, "excuse")
