"""Forms of the score pages: the manual entry form, the ranking filter and the period actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import AppraisalPeriod, ScoreRule
from appraisal.pickers import SCORE_ENTRY_OFFICIALS
from appraisal.selectors.schemes import unit_categories
from common.forms import limit_choices, set_choices
from common.text_limits import NOTE, LimitedFormField
from org.forms.fields import OfficialChoiceField
from org.models import Official, RankLevel, UnitCategory


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ScoreRule) -> str:
        low, high = (format(v.normalize(), "f") for v in (obj.min_points, obj.max_points))
        return f"{obj.name}（{low} ~ {high}）"


class EntryForm(forms.Form):
    """A manual bonus or deduction. The official is picked with the official picker (officials_for_entries)."""

    official = OfficialChoiceField(scope=SCORE_ENTRY_OFFICIALS, label=_("Official"),
                                   error_messages={"required": _("Search for the official and pick one.")})
    rule = RuleChoiceField(label=_("Rule"), queryset=ScoreRule.objects.none(), to_field_name="code",
                           empty_label=None)
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.5"}))
    reason = LimitedFormField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("The entry counts in the week, month, quarter and year of this date."))

    def __init__(self, *args: Any, officials: QuerySet[Official], rules: QuerySet[ScoreRule],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "official", officials)
        limit_choices(self, "rule", rules)
        self.fields["occurred_on"].initial = timezone.localdate()
        _style(self)


class EntryDeleteForm(forms.Form):
    reason = LimitedFormField(label=_("Reason for removal"), max_length=300)


class RankingFilterForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Period"), queryset=AppraisalPeriod.objects.none(), to_field_name="key",
                                    required=False, empty_label=None)
    category = forms.ModelChoiceField(label=_("Unit category"), queryset=UnitCategory.objects.none(),
                                      required=False, empty_label=_("All categories"))
    rank_level = forms.ChoiceField(label=_("Rank level"), required=False,
                                   choices=[("", _("All rank levels")), *RankLevel.choices])
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, periods: QuerySet[AppraisalPeriod], units: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "period", periods)
        limit_choices(self, "category", unit_categories())
        set_choices(self, "unit", [("", _("All units")), *units])
        _style(self)


class PeriodCreateForm(forms.Form):
    key = LimitedFormField(label=_("Period"), max_length=10,
                          help_text=_("2026-W43 (week), 2026-10 (month), 2026-Q3 (quarter) or 2026 (year)."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReopenForm(forms.Form):
    reason = LimitedFormField(label=_("Reason for re-opening"), max_length=NOTE,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
