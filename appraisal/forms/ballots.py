"""Forms of the ballot codes: issue a batch, revoke one (the organization department), and the ballot itself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from appraisal.forms.checkup import style_fields
from appraisal.models import BallotChoice, RaterGroup
from appraisal.selectors.checkup import units_managed_by
from common.forms import limit_choices
from common.text_limits import LimitedFormField
from org.forms.fields import UnitChoiceField
from org.models import Official, OrgUnit, RankLevel, User

# Groups whose raters usually have no login come first; any group may use codes.
BALLOT_GROUPS = [RaterGroup.RECIPIENTS, RaterGroup.COLLEAGUES, RaterGroup.FUNCTIONAL, RaterGroup.PRINCIPAL,
                 RaterGroup.ORGANIZATION]


class BatchIssueForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Rater group"), choices=[(g.value, g.label) for g in BALLOT_GROUPS],
        help_text=_("Service recipients (服务对象); the public and grass-roots cadres (群众, 基层干部) rate as "
                    "colleagues and public."))
    audience = LimitedFormField(label=_("Who the slips are for"), max_length=100, required=False,
                               help_text=_("For example: people served at the bureau's service window."))
    unit = UnitChoiceField(label=_("Unit whose officials are rated"), queryset=OrgUnit.objects.none())
    rank_levels = forms.MultipleChoiceField(
        label=_("Rank levels"), choices=RankLevel.choices, initial=[RankLevel.LEADERSHIP, RankLevel.MIDDLE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The active officials at these levels of the unit and the units below it are on the ballot."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units_managed_by(user))
        limit = settings.APPRAISAL_BALLOT_MAX_CODES  # read per form, so the setting may change at run time
        self.fields["size"] = forms.IntegerField(
            label=_("Number of codes"), min_value=1, max_value=limit, initial=100,
            help_text=_("At most %(limit)d in one batch.") % {"limit": limit})
        style_fields(self, "issue")
        self.fields["rank_levels"].widget.attrs["class"] = "form-check-input"


class BatchRevokeForm(forms.Form):
    reason = LimitedFormField(label=_("Reason for revoking"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, "revoke")


class BallotForm(forms.Form):
    """One radio choice per official of the batch, named ``o<official id>``."""

    def __init__(self, *args: Any, officials: list[Official], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officials = officials
        for official in officials:
            self.fields[f"o{official.pk}"] = forms.ChoiceField(
                label=official.name, choices=BallotChoice.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose a rating.")})

    def rows(self) -> list[tuple[Official, forms.BoundField]]:
        return [(official, self[f"o{official.pk}"]) for official in self.officials]

    def ratings(self) -> dict[int, str]:
        return {official.pk: self.cleaned_data[f"o{official.pk}"] for official in self.officials}
