"""Forms of the quarterly grades' pages. They only parse; the rules live in ``appraisal.services.quarterly``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.models import QuarterGrade, ReconsiderOutcome
from common.text_limits import NOTE, SHORT_NOTE, LimitedFormField

SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}


class QuarterlyRowForm(forms.Form):
    """One official's row on the head's page: the grade and the 写实 comment."""

    grade = forms.ChoiceField(label=_("Grade"), choices=QuarterGrade.choices, widget=forms.Select(attrs=SELECT))
    comment = LimitedFormField(label=_("Comment (写实)"), required=False, max_length=SHORT_NOTE,
                              widget=forms.Textarea(attrs={**SMALL, "rows": 2}))


class ReconsiderForm(forms.Form):
    reason = LimitedFormField(label=_("Why the grade should be reconsidered"), required=False, max_length=NOTE,
                             widget=forms.Textarea(attrs={**SMALL, "rows": 3}))


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=ReconsiderOutcome.choices,
                                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    grade = forms.ChoiceField(label=_("New grade"), required=False, choices=[("", "—"), *QuarterGrade.choices],
                              widget=forms.Select(attrs=SELECT))
    text = LimitedFormField(label=_("Answer"), required=False, max_length=NOTE,
                           widget=forms.Textarea(attrs={**SMALL, "rows": 3}))
