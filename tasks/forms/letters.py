"""Forms of the supervision letter pages: issue a letter, reply to one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import limit_choices
from common.text_limits import LONG, LimitedFormField
from org.forms.fields import OfficialChoiceField, UnitChoiceField
from org.models import OrgUnit, User
from tasks.models import Task
from tasks.pickers import LETTER_RECIPIENTS, letter_recipients
from tasks.selectors.letters import letter_task_choices, units_issuable_by


class LetterIssueForm(forms.Form):
    """Issue a letter. The official and task choices follow the chosen recipient unit (its subtree)."""

    recipient_unit = UnitChoiceField(label=_("Recipient unit"), queryset=OrgUnit.objects.none())
    recipient_official = OfficialChoiceField(
        scope=LETTER_RECIPIENTS, unit_field="id_recipient_unit", label=_("Recipient official"), required=False,
        help_text=_("Optional: an official of the recipient unit who must also reply."),
    )
    task = forms.ModelChoiceField(label=_("About the task"), queryset=Task.objects.none(), required=False)
    title = LimitedFormField(label=_("Title"), max_length=200)
    content = LimitedFormField(label=_("Content"), max_length=LONG, widget=forms.Textarea(attrs={"rows": 6}))
    reply_deadline = forms.DateField(label=_("Reply deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    number = LimitedFormField(
        label=_("Letter number"), max_length=40, required=False,
        help_text=_("Leave empty to number it automatically, e.g. 督办〔2026〕12号."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_issuable_by(user)
        limit_choices(self, "recipient_unit", units)
        unit = self._chosen_unit(units)
        if unit is not None:
            limit_choices(self, "recipient_official", letter_recipients(user).filter(unit.subtree_q("unit__")))
            limit_choices(self, "task", letter_task_choices(user, unit))
        self.fields["reply_deadline"].widget.attrs["min"] = timezone.localdate().isoformat()
        for name, field in self.fields.items():
            selects = ("recipient_unit", "recipient_official", "task")
            field.widget.attrs["class"] = "form-select" if name in selects else "form-control"
            field.widget.attrs["data-testid"] = f"letter-{name.replace('_', '-')}"
        # Choosing the unit reloads the official and task choices for it (the page picks out that part).
        self.fields["recipient_unit"].widget.attrs.update({
            "hx-get": reverse("tasks:letter_create"), "hx-trigger": "change", "hx-include": "this",
            "hx-select": "#letter-dependent", "hx-target": "#letter-dependent", "hx-swap": "outerHTML",
        })

    def _chosen_unit(self, units: QuerySet[OrgUnit]) -> OrgUnit | None:
        value = self.data.get("recipient_unit") if self.is_bound else self.initial.get("recipient_unit")
        if isinstance(value, OrgUnit):
            value = value.pk
        try:
            return units.get(pk=int(str(value)))
        except (TypeError, ValueError, OrgUnit.DoesNotExist):
            return None


class LetterReplyForm(forms.Form):
    reply = LimitedFormField(
        label=_("Reply"), max_length=LONG,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control", "data-testid": "letter-reply-text"}),
    )
