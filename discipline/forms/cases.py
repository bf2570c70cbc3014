"""Forms of the case file: register and edit a case, move it, attach a file, record a decision, decide an
appeal. They only parse input; the services validate the business rules and save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.filters import as_id
from common.text_limits import LINE, LONG, NOTE, LimitedFormField
from discipline.models import AppealOutcome, CaseSource, DecisionKind, GradeCap
from discipline.pickers import CASE_SUBJECTS
from discipline.selectors.cases import active_rules
from discipline.selectors.decisions import active_kinds
from org.forms.fields import OfficialMultiPicker, OfficialMultipleChoiceField, UnitChoiceField
from org.models import Official, OrgUnit, User

SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
DATE = {"type": "date", "class": "form-control form-control-sm"}


def date_input() -> forms.DateInput:
    """A browser date picker: its value must be ISO (YYYY-MM-DD), whatever the locale's date format."""
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")

# The grade-cap override: empty keeps the kind's cap, "none" sets no cap at all.
NO_CAP = "none"


def kind_label(kind: DecisionKind) -> str:
    """A kind with its defaults, so the inspector sees what choosing it does."""
    parts = [kind.name]
    if kind.months_in_force:
        parts.append(str(_("%(n)s months") % {"n": kind.months_in_force}))
    if kind.points:
        parts.append(str(_("−%(p)s points") % {"p": f"{kind.points:g}"}))
    if kind.grade_cap:
        parts.append(kind.grade_cap_label)
    if kind.promotion_bar_months:
        parts.append(str(_("no promotion for %(n)s months") % {"n": kind.promotion_bar_months}))
    return " · ".join(parts)


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return kind_label(obj)


class CaseForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(),
                                  widget=forms.Select(attrs=SELECT))
    title = LimitedFormField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=SMALL))
    subjects = OfficialMultipleChoiceField(scope=CASE_SUBJECTS, unit_field="id_unit", label=_("Officials concerned"),
                                           widget=OfficialMultiPicker(attrs=SELECT))
    source = forms.ChoiceField(label=_("Case source"), choices=CaseSource.choices, widget=forms.Select(attrs=SELECT))
    source_reference = LimitedFormField(label=_("Source reference"), max_length=200, required=False,
                                       widget=forms.TextInput(attrs=SMALL))
    rules = forms.ModelMultipleChoiceField(label=_("Rules broken"), required=False,
                                           queryset=active_rules())
    facts = LimitedFormField(label=_("Facts"), max_length=LONG, widget=forms.Textarea(attrs={**SMALL, "rows": 5}))
    investigator = forms.ModelChoiceField(label=_("Investigator"), required=False, queryset=User.objects.none(),
                                          widget=forms.Select(attrs=SELECT))
    registered_on = forms.DateField(label=_("Registered on"), required=False, widget=date_input())

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], officials: QuerySet[Official],
                 investigators: QuerySet[User], editing: bool = False, **kwargs: Any) -> None:
        """``officials``: everyone discipline inspection may name (``discipline.pickers.case_subjects`` is the
        active ones of them, what the picker searches); a case names officials of its unit's subtree."""
        super().__init__(*args, **kwargs)
        self.officials = officials
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        investigator_field = self.fields["investigator"]
        assert isinstance(investigator_field, forms.ModelChoiceField)
        investigator_field.queryset = investigators
        if editing:  # the unit a case is filed under does not change; nor its registration date
            del self.fields["unit"]
            del self.fields["registered_on"]
        self._limit_subjects()

    def selected_unit(self) -> OrgUnit | None:
        """The unit chosen (bound data first, then the initial), for the subjects' options."""
        if "unit" not in self.fields:
            unit = self.initial.get("case_unit")
            return unit if isinstance(unit, OrgUnit) else None
        raw = self.data.get("unit") if self.is_bound else self.initial.get("unit")
        if isinstance(raw, OrgUnit):
            return raw
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        units = unit_field.queryset
        unit_id = as_id(raw)
        return units.filter(pk=unit_id).first() if units is not None and unit_id is not None else None

    def _limit_subjects(self) -> None:
        """Accept the active officials in the chosen unit's subtree (plus those the case already names)."""
        unit = self.selected_unit()
        field = self.fields["subjects"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if unit is None:
            field.queryset = self.officials.none()
            return
        # Subjects already named on a case stay choosable (the service allows any official in scope).
        chosen = [getattr(o, "pk", o) for o in self.initial.get("subjects", [])]
        in_unit = self.officials.filter(unit.subtree_q("unit__"), is_active=True)
        field.queryset = (in_unit | self.officials.filter(pk__in=chosen)).distinct()


class TransitionForm(forms.Form):
    to = LimitedFormField(max_length=LINE, widget=forms.HiddenInput)
    comment = LimitedFormField(label=_("Comment"), required=False, max_length=NOTE,
                              widget=forms.TextInput(attrs=SMALL))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={
        **SMALL, "accept": ".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx"}))


class DecisionForm(forms.Form):
    official = forms.ModelChoiceField(label=_("Official"), queryset=Official.objects.none(),
                                      widget=forms.Select(attrs=SELECT))
    kind = KindChoiceField(label=_("Kind of decision"), queryset=active_kinds(),
                           widget=forms.Select(attrs=SELECT))
    effective_date = forms.DateField(label=_("Effective date"), widget=date_input())
    summary = LimitedFormField(label=_("Decision text"), required=False, max_length=LONG, widget=forms.Textarea(attrs={
        **SMALL, "rows": 2}))
    points = forms.DecimalField(label=_("Points deducted"), required=False, min_value=Decimal(0), max_digits=5,
                                decimal_places=2, widget=forms.NumberInput(attrs={**SMALL, "step": "0.5"}))
    grade_cap = forms.ChoiceField(label=_("Grade cap"), required=False,
                                  choices=[("", _("The kind's default")), (NO_CAP, _("No grade cap")),
                                           *GradeCap.choices], widget=forms.Select(attrs=SELECT))
    in_force_until = forms.DateField(label=_("In force until"), required=False, widget=date_input())
    no_promotion_until = forms.DateField(label=_("No promotion until"), required=False,
                                         widget=date_input())

    def __init__(self, *args: Any, subjects: QuerySet[Official], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["official"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = subjects

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        cap = data.pop("grade_cap")
        data["grade_cap"] = "" if cap == NO_CAP else (cap or None)
        data["summary"] = data.get("summary") or ""
        return data


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AppealOutcome.choices, widget=forms.Select(attrs=SELECT))
    new_kind = KindChoiceField(label=_("Changed to"), required=False,
                               queryset=active_kinds(), widget=forms.Select(attrs=SELECT))
    note = LimitedFormField(label=_("Reasons for the outcome"), max_length=NOTE,
                           widget=forms.Textarea(attrs={**SMALL, "rows": 2}))
