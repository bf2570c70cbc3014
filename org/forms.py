import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.filters import as_id
from common.text_limits import LimitedFormField
from org.models import Official, OrgUnit, PostKind
from org.pickers import official_label, option_data


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth, so a flat select reads as a tree."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "　" * (obj.depth - 1) + obj.name


# -- the official picker ------------------------------------------------------------------------------------
# Every form that picks officials uses these two fields: a <select> that static/js/official_picker.js turns into
# a search box asking ``org:official_search`` for the officials of the field's scope (org/pickers.py). The page
# carries the chosen officials only, never an <option> per official in scope.

NOT_IN_SCOPE = _("No such official in your scope: type part of a name and choose from the list.")


class OfficialPicker(forms.Select):
    """A select rendering only its chosen officials, with what the picker script needs in data- attributes."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, scope: str = "", unit_field: str = "") -> None:
        super().__init__(attrs)
        self.scope = scope
        self.unit_field = unit_field  # id of a unit input whose value narrows the search to its subtree

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        field = getattr(self.choices, "field", None)
        picker = {
            "data-official-picker": "", "data-search-url": f"{reverse('org:official_search')}?scope={self.scope}",
            "data-value-field": getattr(field, "to_field_name", None) or "id",
            "data-placeholder": _("Type a name or staff number"), "data-no-results": _("No official in your scope "
                                                                                       "matches."),
            "data-loading": _("Searching…"), "data-more": _("Only the first matches are listed; type more of the "
                                                          "name."),
            "data-remove": _("Remove this official"), "data-clear": _("Clear the choice"),
        }
        if self.unit_field:
            picker["data-unit-field"] = self.unit_field
        context["widget"]["attrs"] = {**picker, **context["widget"]["attrs"]}
        return context

    def use_required_attribute(self, initial: Any) -> bool:
        # Django would read the first choice, running the scope's query; the server validates anyway.
        return False

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        """The chosen officials only (one query for them; none when nothing is chosen)."""
        field = getattr(self.choices, "field", None)
        if field is None:  # not bound to a model choice field: nothing to look up
            return [(None, [], 0)]
        options = []
        if not self.allow_multiple_selected and field.empty_label is not None:
            options.append(self.create_option(name, "", field.empty_label, False, 0, attrs=attrs))
        for index, official in enumerate(self._chosen(field, value), start=len(options)):
            option = self.create_option(name, field.prepare_value(official), official_label(official), True, index,
                                        attrs=attrs)
            option["attrs"]["data-data"] = json.dumps(option_data(official), ensure_ascii=False)
            options.append(option)
        return [(None, options, 0)]

    @staticmethod
    def _chosen(field: Any, value: Iterable[str]) -> list[Official]:
        key = getattr(field, "to_field_name", None) or "pk"
        wanted = [str(v) for v in value if v not in (None, "")]
        if key == "pk":  # whatever was typed into the query string or posted: only real ids reach the query
            wanted = [v for v in wanted if as_id(v) is not None and str(as_id(v)) == v]
        if field is None or field.queryset is None or not wanted:
            return []
        found = {str(getattr(o, key)): o for o in field.queryset.filter(**{f"{key}__in": wanted})
                 .select_related("unit")}
        return [found[v] for v in dict.fromkeys(wanted) if v in found]  # in the order chosen


class OfficialMultiPicker(OfficialPicker):
    allow_multiple_selected = True


class _OfficialFieldMixin:
    def _setup_picker(self, scope: str, unit_field: str) -> None:
        self.scope = scope  # registered by the form's app (org/pickers.py); a test checks every field's
        widget = self.widget  # type: ignore[attr-defined]
        widget.scope, widget.unit_field = scope, unit_field

    def label_from_instance(self, obj: Official) -> str:
        return official_label(obj)

    def _refuse_non_ids(self, values: Iterable[Any]) -> None:
        """A value that cannot be an id (``²``, 10²²) reads as not found, before it reaches the database."""
        if getattr(self, "to_field_name", None):
            return
        for value in values:
            if value not in (None, "") and as_id(value) is None:
                raise forms.ValidationError(NOT_IN_SCOPE, code="invalid_choice")


class OfficialChoiceField(_OfficialFieldMixin, forms.ModelChoiceField):
    """Pick one official of ``scope`` with the searchable picker. The form sets ``queryset`` (from
    ``official_scope(scope, user)``), which validates the choice: anything else reads as not found."""

    widget = OfficialPicker
    default_error_messages = {"invalid_choice": NOT_IN_SCOPE}

    def __init__(self, *, scope: str, unit_field: str = "", queryset: QuerySet[Official] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(queryset=queryset if queryset is not None else Official.objects.none(), **kwargs)
        self._setup_picker(scope, unit_field)

    def to_python(self, value: Any) -> Any:
        self._refuse_non_ids([value])
        return super().to_python(value)


class OfficialMultipleChoiceField(_OfficialFieldMixin, forms.ModelMultipleChoiceField):
    """Pick several officials of ``scope`` with the searchable picker (see ``OfficialChoiceField``)."""

    widget = OfficialMultiPicker
    default_error_messages = {"invalid_choice": NOT_IN_SCOPE, "invalid_pk_value": NOT_IN_SCOPE}

    def __init__(self, *, scope: str, unit_field: str = "", queryset: QuerySet[Official] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(queryset=queryset if queryset is not None else Official.objects.none(), **kwargs)
        self._setup_picker(scope, unit_field)

    def _check_values(self, value: Any) -> Any:
        self._refuse_non_ids(value)
        return super()._check_values(value)  # type: ignore[misc]  # Django's, missing from the stubs


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class PostChangeForm(forms.Form):
    """Record a new post for an official (appointment, rotation, exchange, secondment)."""

    unit = UnitChoiceField(label=_("New unit"), queryset=OrgUnit.objects.none(), to_field_name="code")
    position_title = LimitedFormField(label=_("New position"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = LimitedFormField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("unit", "kind") else "form-control form-control-sm"
            field.widget.attrs["class"] = css


class CalendarDayForm(forms.Form):
    """Mark one day of the working-day calendar: a weekday off or a weekend worked."""

    KIND_CHOICES = [("off", _("Day off")), ("work", _("Working day"))]

    # ISO in the value, whatever the language's date format: <input type="date"> reads nothing else.
    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    name = LimitedFormField(label=_("Name of the day"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. 春节, 国庆节调休上班")}))
    note = LimitedFormField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "kind" else "form-control"
        if editing:  # the date is the day's key: to move a mark, delete it and add the other day
            self.fields["date"].widget.attrs["readonly"] = True


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Calendar workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
