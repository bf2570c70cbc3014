"""Forms of the monthly report pages: the report itself (items as parallel lists), review and sign-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from common.dates import parse_month
from common.forms import limit_choices
from common.text_limits import LINE, LONG, NOTE, LimitedFormField
from org.forms.fields import UnitChoiceField
from org.models import OrgUnit
from tasks.models import MonthlyReportItem, ReportRating


class ReportForm(forms.Form):
    """Plan and self-assessment; the item rows are posted as the lists ``item_content``, ``item_indicator``,
    ``item_task`` (one entry per row, in order), so rows can be added and removed in the browser freely."""

    next_month_plan = LimitedFormField(
        max_length=LONG, label=_("Next month's plan"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control", "data-testid": "next-month-plan"}),
    )
    self_assessment = LimitedFormField(
        max_length=LONG, label=_("Self-assessment"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-testid": "self-assessment"}),
    )


@dataclass
class ItemRow:
    content: str = ""
    indicator: str = ""
    task_id: str = ""

    def as_input(self) -> dict[str, Any]:
        return {"content": self.content, "indicator": self.indicator, "task_id": self.task_id or None}


def item_rows_from_post(data: QueryDict) -> list[ItemRow]:
    """Read the posted item rows exactly as typed (nothing trimmed or dropped: the form shows them back)."""
    contents = data.getlist("item_content")
    indicators = data.getlist("item_indicator")
    tasks = data.getlist("item_task")
    count = max(len(contents), len(indicators), len(tasks))

    def at(values: list[str], i: int) -> str:
        return values[i] if i < len(values) else ""

    return [ItemRow(at(contents, i), at(indicators, i), at(tasks, i)) for i in range(count)]


def item_rows_from_items(items: list[MonthlyReportItem]) -> list[ItemRow]:
    return [ItemRow(i.content, i.indicator, str(i.task_id or "")) for i in items]


class ReturnForm(forms.Form):
    reason = LimitedFormField(
        max_length=NOTE, label=_("Reason for return"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-testid": "return-reason-input"}),
    )


class ApproveForm(forms.Form):
    # No rating is ticked in advance: the head decides each one (a preselected 良好 was approved unread).
    rating = forms.ChoiceField(
        label=_("Quality rating"), choices=ReportRating.choices,
        error_messages={"required": _("Choose a rating: excellent, good, fair or poor.")},
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = LimitedFormField(
        max_length=NOTE, label=_("Review comment"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-testid": "review-comment-input"}),
    )


class MonthFilterField(LimitedFormField):
    """An optional month typed in the browser's month input (YYYY-MM); cleans to the month's first day."""

    def __init__(self, *, testid: str) -> None:
        super().__init__(max_length=LINE, label=_("Month"), required=False,
                         widget=forms.DateInput(attrs={"type": "month", "class": "form-control form-control-sm",
                                                       "data-testid": testid}))

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(_("Enter a month such as 2026-03."))
        return month


class BoardFilterForm(forms.Form):
    month = MonthFilterField(testid="board-month")


class ReviewFilterForm(forms.Form):
    """The review queue's filters: a unit (with its sub-units, among those one heads), a month, late only."""

    unit = UnitChoiceField(label=_("Unit (with sub-units)"), queryset=OrgUnit.objects.none(), required=False,
                           to_field_name="code", empty_label=_("All units"),
                           widget=forms.Select(attrs={"class": "form-select form-select-sm",
                                                      "data-testid": "queue-unit"}))
    month = MonthFilterField(testid="queue-month")
    late = forms.BooleanField(label=_("Late only"), required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input",
                                                                "data-testid": "queue-late"}))

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units)
