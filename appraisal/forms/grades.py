"""Forms of the grades pages: confirm a unit with per-row overrides, approve a larger quota, start an export (the
register, or the year's registration forms)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.display.grade_labels import grade_choices
from appraisal.models import AppraisalPeriod, ExportJob, GradeDecision, PeriodKind
from appraisal.selectors.exports import export_periods
from common.forms import limit_choices
from common.text_limits import NOTE, SHORT_NOTE, LimitedFormField
from org.forms.fields import UnitChoiceField
from org.models import OrgUnit


class GradeConfirmForm(forms.Form):
    """One grade select and one reason per official on the page; a changed grade needs a reason."""

    def __init__(self, *args: Any, rows: list[GradeDecision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            current = row.final or row.recommended
            self.fields[f"grade_{row.official_id}"] = forms.ChoiceField(
                choices=grade_choices(row.official.personnel_category), initial=current, label=row.official.name,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.fields[f"reason_{row.official_id}"] = LimitedFormField(
                required=False, max_length=SHORT_NOTE, initial=row.override_reason, label=_("Reason"),
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.rows:
            grade = cleaned.get(f"grade_{row.official_id}")
            reason = (cleaned.get(f"reason_{row.official_id}") or "").strip()
            if grade and grade != row.recommended and not reason:
                self.add_error(f"reason_{row.official_id}", _("A changed grade needs a reason."))
        return cleaned

    def overrides(self) -> dict[int, tuple[str, str]]:
        """Return the rows whose grade differs from the proposal, or whose earlier override is kept or changed."""
        result: dict[int, tuple[str, str]] = {}
        for row in self.rows:
            grade = self.cleaned_data[f"grade_{row.official_id}"]
            reason = self.cleaned_data[f"reason_{row.official_id}"].strip()
            if grade != row.recommended or row.override_reason:
                result[row.official_id] = (grade, reason)
        return result

    def pairs(self) -> list[tuple[GradeDecision, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"grade_{row.official_id}"], self[f"reason_{row.official_id}"]) for row in self.rows]


class QuotaApprovalForm(forms.Form):
    share = forms.DecimalField(
        label=gettext_lazy("Approved share of 优秀 (%)"), min_value=Decimal(0), max_value=Decimal(100),
        decimal_places=1, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.1"}))
    reason = LimitedFormField(label=gettext_lazy("Reason and approval reference"), max_length=NOTE,
                             widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}))


class ExportStartForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What to export"), choices=ExportJob.Kind.choices, initial=ExportJob.Kind.REGISTER,
        required=False,  # a form without it (the register's export button) exports the register
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    period = forms.ModelChoiceField(
        label=gettext_lazy("Period"), queryset=AppraisalPeriod.objects.none(), to_field_name="key",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    unit = UnitChoiceField(
        label=gettext_lazy("Unit"), queryset=OrgUnit.objects.none(), to_field_name="code", required=False,
        empty_label=gettext_lazy("All units in my scope"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "period", export_periods())
        limit_choices(self, "unit", units)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["kind"] = cleaned.get("kind") or ExportJob.Kind.REGISTER
        period = cleaned.get("period")
        if cleaned.get("kind") == ExportJob.Kind.FORMS and period is not None and period.kind != PeriodKind.YEAR:
            self.add_error("period", _("Registration forms are made for a year: choose a year."))
        return cleaned
