"""The fields that pick units and officials, used by the forms of every app.

``UnitChoiceField`` lists units indented by depth. The official picker (``OfficialChoiceField``,
``OfficialMultipleChoiceField``) is a <select> that static/js/official_picker.js turns into a search box asking
``org:official_search`` for the officials of the field's scope (org/pickers.py); the page carries the chosen
officials only, never an <option> per official in scope.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.filters import as_id
from common.widgets import LeanSelect, LeanSelectMultiple, lean_select
from org.models import Official, OrgUnit
from org.pickers import chosen_officials, official_label, option_data


class UnitChoiceIterator(ModelChoiceIterator):
    """A unit menu's options read as three columns (value, depth, name) rather than as a model instance per unit: a
    city's tree has thousands of units, and building an instance for each option of the session form's two menus
    of 1,669 units cost about 50 ms. The field still validates a choice against its queryset."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        for value, depth, name in self.queryset.values_list(key, "depth", "name"):
            yield (value, indented(depth, name))


class _UnitMenuMixin(forms.Field):
    """What the two unit fields share (a field mixin: it comes before Django's model choice field): options read as
    columns, rendered by a ``LeanSelect`` — a form's own plain select is swapped for one with its attributes."""

    iterator: type[ModelChoiceIterator] = UnitChoiceIterator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["widget"] = lean_select(kwargs.get("widget") or self.widget)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: OrgUnit) -> str:
        return unit_label(obj)


class UnitChoiceField(_UnitMenuMixin, forms.ModelChoiceField):
    """Units indented by depth, so a flat select reads as a tree."""

    widget = LeanSelect


class UnitMultipleChoiceField(_UnitMenuMixin, forms.ModelMultipleChoiceField):
    """Several units, indented by depth like ``UnitChoiceField``."""

    widget = LeanSelectMultiple


def indented(depth: int, name: str) -> str:
    return "　" * (depth - 1) + name


def unit_menu(units: QuerySet[OrgUnit], key: str = "code") -> list[tuple[Any, str]]:
    """A page's menu of ``units`` as (``key``, name indented by depth) pairs for ``{% options %}``: three columns
    read, not a model instance per unit (a city's tree has thousands)."""
    return [(value, indented(depth, name)) for value, depth, name in units.values_list(key, "depth", "name")]


def unit_label(unit: OrgUnit) -> str:
    return indented(unit.depth, unit.name)


# -- the official picker ------------------------------------------------------------------------------------

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
        key = getattr(field, "to_field_name", None) or "pk"
        chosen = chosen_officials(field.queryset, value, key=key) if field.queryset is not None else []
        for index, official in enumerate(chosen, start=len(options)):
            option = self.create_option(name, field.prepare_value(official), official_label(official), True, index,
                                        attrs=attrs)
            option["attrs"]["data-data"] = json.dumps(option_data(official), ensure_ascii=False)
            options.append(option)
        return [(None, options, 0)]


class OfficialMultiPicker(OfficialPicker):
    allow_multiple_selected = True


class _OfficialFieldMixin(forms.Field):
    """What the two official fields share (a field mixin: it comes before Django's model choice field)."""

    def _setup_picker(self, scope: str, unit_field: str) -> None:
        self.scope = scope  # registered by the form's app (org/pickers.py); a test checks every field's
        self.widget.scope, self.widget.unit_field = scope, unit_field

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
