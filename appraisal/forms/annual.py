"""Forms of the annual procedure's pages. They only parse; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.display.grade_labels import grade_choices
from appraisal.models import GRADE_ORDER, Grade, ReviewOutcome
from common.forms import set_choices
from common.text_limits import LONG, NOTE, LimitedFormField

TEXTAREA = {"class": "form-control", "rows": 5}
SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
REVIEW_GRADES = [g.value for g in Grade if g != Grade.NOT_APPRAISED]
REVIEW_GRADE_CHOICES = [(g.value, g.label) for g in Grade if g != Grade.NOT_APPRAISED]


class SummaryForm(forms.Form):
    morality = LimitedFormField(label=_("Morality (德)"), required=False, max_length=LONG,
                               help_text=_("Political stance, ideals, professional ethics."),
                               widget=forms.Textarea(attrs=TEXTAREA))
    ability = LimitedFormField(label=_("Ability (能)"), required=False, max_length=LONG,
                              help_text=_("Professional competence and how it grew this year."),
                              widget=forms.Textarea(attrs=TEXTAREA))
    diligence = LimitedFormField(label=_("Diligence (勤)"), required=False, max_length=LONG,
                                help_text=_("Attendance, attitude, commitment."),
                                widget=forms.Textarea(attrs=TEXTAREA))
    achievement = LimitedFormField(label=_("Achievements (绩)"), required=False, max_length=LONG,
                                  help_text=_("The year's results, with numbers where they can be counted."),
                                  widget=forms.Textarea(attrs={**TEXTAREA, "rows": 8}))
    integrity = LimitedFormField(label=_("Integrity (廉)"), required=False, max_length=LONG,
                                help_text=_("Clean government and self-discipline."),
                                widget=forms.Textarea(attrs=TEXTAREA))


class ReasonForm(forms.Form):
    reason = LimitedFormField(label=_("Reason"), max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))


class OralForm(forms.Form):
    at = forms.DateTimeField(label=_("Meeting time"), required=False,
                             widget=forms.DateTimeInput(attrs={**SMALL, "type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M"),
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = LimitedFormField(label=_("Place"), required=False, max_length=200, widget=forms.TextInput(attrs=SMALL))


class CommentForm(forms.Form):
    comment = LimitedFormField(label=_("Comment (评语)"), required=False, max_length=NOTE,
                              widget=forms.Textarea(attrs={**TEXTAREA, "rows": 6}))
    head_grade = forms.ChoiceField(label=_("Proposed grade"), required=False,
                                   choices=[("", "—")] + [(g.value, g.label) for g in GRADE_ORDER],
                                   widget=forms.Select(attrs=SELECT))
    head_reason = LimitedFormField(label=_("Reason when it differs from the scores"), required=False,
                                  max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 2}))

    def __init__(self, *args: Any, category: str | None = None, **kwargs: Any) -> None:
        """``category``: the official's personnel category, which names the grades (合格 for 事业单位)."""
        super().__init__(*args, **kwargs)
        set_choices(self, "head_grade", [("", "—"), *grade_choices(category, [g.value for g in GRADE_ORDER])])


class NoticeOpenForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"),
                                widget=forms.DateInput(attrs={**SMALL, "type": "date"}, format="%Y-%m-%d"))


class ObjectionForm(forms.Form):
    candidate = forms.TypedChoiceField(label=_("Candidate"), coerce=int, widget=forms.Select(attrs=SELECT))
    reason = LimitedFormField(label=_("Reasons"), max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 4}))
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False,
                                 widget=forms.ClearableFileInput(attrs=SMALL))

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "candidate", candidates)


class ObjectionDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("Finding"), coerce=lambda v: v == "1",
                                    choices=[("0", _("Unfounded (不成立)")), ("1", _("Upheld (成立)"))],
                                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    note = LimitedFormField(label=_("Note"), max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))


class SignForm(forms.Form):
    agree = forms.TypedChoiceField(label=_("Own opinion"), coerce=lambda v: v == "1",
                                   choices=[("1", _("Agree (同意)")), ("0", _("Disagree (不同意)"))],
                                   widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    opinion = LimitedFormField(label=_("In your own words"), required=False, max_length=NOTE,
                              widget=forms.Textarea(attrs={**SMALL, "rows": 3}))


class ReviewDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=ReviewOutcome.choices,
                                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    grade = forms.ChoiceField(label=_("New grade"), required=False, choices=[("", "—"), *REVIEW_GRADE_CHOICES],
                              widget=forms.Select(attrs=SELECT))
    reason = LimitedFormField(label=_("Reasons"), max_length=NOTE, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))

    def __init__(self, *args: Any, category: str | None = None, **kwargs: Any) -> None:
        """``category``: the official's personnel category, which names the grades (合格 for 事业单位)."""
        super().__init__(*args, **kwargs)
        set_choices(self, "grade", [("", "—"), *grade_choices(category, REVIEW_GRADES)])


class AppealForm(forms.Form):
    body = LimitedFormField(label=_("Appealed to"), max_length=200, widget=forms.TextInput(attrs=SMALL),
                           help_text=_("The civil-service authority at the same level, or the organ above."))
    reason = LimitedFormField(label=_("Reasons"), max_length=LONG, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))


class AppealRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("upheld", _("Upheld")), ("changed", _("Changed")),
                                                             ("withdrawn", _("Withdrawn"))],
                                widget=forms.Select(attrs=SELECT))
    outcome_text = LimitedFormField(label=_("Decision"), max_length=NOTE,
                                   widget=forms.Textarea(attrs={**SMALL, "rows": 3}))
    document_number = LimitedFormField(label=_("Document number"), required=False, max_length=100,
                                      widget=forms.TextInput(attrs=SMALL))
    decided_on = forms.DateField(label=_("Decided on"), required=False,
                                 widget=forms.DateInput(attrs={**SMALL, "type": "date"}, format="%Y-%m-%d"))
