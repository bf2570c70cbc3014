"""Forms of error tolerance, appeals, talks and the catalogue. They parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.text_limits import LONG, NOTE, LimitedFormField
from discipline.forms.cases import SELECT, SMALL, date_input
from discipline.models import GradeCap, RuleCategory, TalkKind, TalkOccasion
from discipline.pickers import TALK_OFFICIALS
from org.forms.fields import OfficialChoiceField, OfficialPicker, UnitChoiceField
from org.models import Official, OrgUnit

CHECK = {"class": "form-check-input"}


class ToleranceForm(forms.Form):
    for_public_good = forms.BooleanField(label=_("Acted for the public good, not for personal gain"),
                                         required=False, widget=forms.CheckboxInput(attrs=CHECK))
    followed_procedure = forms.BooleanField(label=_("Followed procedure and decided collectively"), required=False,
                                            widget=forms.CheckboxInput(attrs=CHECK))
    no_personal_gain = forms.BooleanField(label=_("Sought no personal or improper gain"), required=False,
                                          widget=forms.CheckboxInput(attrs=CHECK))
    corrected_promptly = forms.BooleanField(label=_("Corrected the error promptly"), required=False,
                                            widget=forms.CheckboxInput(attrs=CHECK))
    statement = LimitedFormField(label=_("Statement of grounds"), max_length=LONG,
                                widget=forms.Textarea(attrs={**SMALL, "rows": 4}))


class ToleranceReviewForm(forms.Form):
    supports = forms.TypedChoiceField(label=_("Review opinion"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Supports exemption")), ("no", _("Does not support"))],
                                      widget=forms.RadioSelect(attrs=CHECK))
    opinion = LimitedFormField(label=_("Opinion"), max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))


class ToleranceDecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve the exemption")), ("no", _("Reject"))],
                                     widget=forms.RadioSelect(attrs=CHECK))
    note = LimitedFormField(label=_("Reasons"), max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))
    rectification = LimitedFormField(label=_("Rectification required (optional)"), required=False, max_length=NOTE,
                                    widget=forms.Textarea(attrs={**SMALL, "rows": 2}))
    rectification_due = forms.DateField(label=_("Rectify by"), required=False, widget=date_input())


class RectificationForm(forms.Form):
    done_on = forms.DateField(label=_("Rectified on"), widget=date_input())
    note = LimitedFormField(label=_("What was rectified"), max_length=NOTE,
                           widget=forms.Textarea(attrs={**SMALL, "rows": 2}))


class AppealForm(forms.Form):
    grounds = LimitedFormField(label=_("Grounds of the appeal"), max_length=LONG,
                              widget=forms.Textarea(attrs={**SMALL, "rows": 5}))


class TalkForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False,
                                  widget=forms.Select(attrs=SELECT))
    official = OfficialChoiceField(scope=TALK_OFFICIALS, unit_field="id_unit", label=_("Talked to"),
                                   widget=OfficialPicker(attrs=SELECT))
    kind = forms.ChoiceField(label=_("Kind"), choices=TalkKind.choices, widget=forms.Select(attrs=SELECT))
    occasion = forms.ChoiceField(label=_("Occasion"), choices=TalkOccasion.choices, initial=TalkOccasion.OTHER,
                                 widget=forms.Select(attrs=SELECT))
    held_on = forms.DateField(label=_("Date"), widget=date_input())
    talker_name = LimitedFormField(label=_("Talked by (name and post)"), max_length=100,
                                  widget=forms.TextInput(attrs=SMALL))
    topic = LimitedFormField(label=_("Topic"), max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))
    follow_up = LimitedFormField(label=_("Follow-up"), required=False, max_length=NOTE,
                                widget=forms.Textarea(attrs={**SMALL, "rows": 2}))
    case_number = LimitedFormField(label=_("Case number (if the talk belongs to a case)"), required=False,
                                  max_length=20, widget=forms.TextInput(attrs=SMALL))

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], officials: QuerySet[Official], **kwargs: Any) -> None:
        """``officials``: whom the talk may be with, ``discipline.pickers.talk_officials(user)`` (what the picker
        searches). The unit only narrows the picker's search."""
        super().__init__(*args, **kwargs)
        unit_field, official_field = self.fields["unit"], self.fields["official"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(official_field, forms.ModelChoiceField)
        unit_field.queryset = units
        official_field.queryset = officials


class FollowUpForm(forms.Form):
    follow_up = LimitedFormField(label=_("Follow-up"), required=False, max_length=NOTE,
                                widget=forms.Textarea(attrs={**SMALL, "rows": 3}))
    done = forms.BooleanField(label=_("Follow-up done"), required=False, widget=forms.CheckboxInput(attrs=CHECK))


class RuleForm(forms.Form):
    code = LimitedFormField(label=_("Code"), max_length=20, widget=forms.TextInput(attrs=SMALL))
    category = forms.ChoiceField(label=_("Category"), choices=RuleCategory.choices, widget=forms.Select(attrs=SELECT))
    text = LimitedFormField(label=_("Text"), max_length=300, widget=forms.TextInput(attrs=SMALL))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True,
                                   widget=forms.CheckboxInput(attrs=CHECK))


class KindForm(forms.Form):
    months_in_force = forms.IntegerField(label=_("Months in force"), required=False, min_value=0, max_value=600,
                                         widget=forms.NumberInput(attrs=SMALL))
    points = forms.DecimalField(label=_("Points deducted"), min_value=Decimal(0), max_digits=5, decimal_places=2,
                                widget=forms.NumberInput(attrs={**SMALL, "step": "0.5"}))
    grade_cap = forms.ChoiceField(label=_("Grade cap"), required=False, choices=[("", _("No grade cap")),
                                                                                *GradeCap.choices],
                                  widget=forms.Select(attrs=SELECT))
    cap_years = forms.IntegerField(label=_("Grade cap for (appraisal years)"), min_value=1, max_value=10,
                                   initial=1, widget=forms.NumberInput(attrs=SMALL),
                                   help_text=_("Counted from the year the decision takes effect; 1 = that year "
                                               "only."))
    later_cap = forms.ChoiceField(label=_("Grade cap in the later years"), required=False,
                                  choices=[("", _("The same cap")), *GradeCap.choices],
                                  widget=forms.Select(attrs=SELECT))
    cap_in_force = forms.BooleanField(label=_("Cap every appraisal year of the period in force"), required=False,
                                      widget=forms.CheckboxInput(attrs=CHECK),
                                      help_text=_("For caps “during the period” (事业单位 记过, 降低岗位等级): a "
                                                  "period across the turn of a year caps both years."))
    promotion_bar_months = forms.IntegerField(label=_("No promotion for (months)"), required=False, min_value=0,
                                              max_value=600, widget=forms.NumberInput(attrs=SMALL))
    is_active = forms.BooleanField(label=_("In use"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
