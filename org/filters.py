"""Filters shared by the officials page and the API, so both answer the same question the same way."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from org.forms.fields import UnitChoiceField
from org.models import Official, OrgUnit, PersonnelCategory, RankLevel, StaffingType, UnitKind
from org.selectors import units_visible_to


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


def _visible_units(request: Any) -> QuerySet[OrgUnit]:
    if request is None:
        return OrgUnit.objects.none()
    return units_visible_to(request.user)


class OfficialFilter(django_filters.FilterSet):
    STATUS_CHOICES = (("active", _("Active")), ("left", _("Left")), ("all", _("All")))

    q = django_filters.CharFilter(label=_("Name or staff number"), method="filter_search")
    unit = UnitSubtreeFilter(label=_("Unit (with sub-units)"), queryset=_visible_units, method="filter_unit",
                             to_field_name="code", empty_label=_("All units"))
    rank_level = django_filters.ChoiceFilter(label=_("Rank level"), choices=RankLevel.choices, empty_label=_("All"))
    staffing_type = django_filters.ChoiceFilter(label=_("Staffing type"), choices=StaffingType.choices,
                                                empty_label=_("All"))
    personnel_category = django_filters.ChoiceFilter(label=_("Personnel category"),
                                                     choices=PersonnelCategory.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status",
                                         empty_label=None)

    class Meta:
        model = Official
        fields = ["q", "unit", "rank_level", "staffing_type", "personnel_category", "status"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Show active officials unless asked otherwise.
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = "active"
        super().__init__(data, *args, **kwargs)
        for name in ("unit", "rank_level", "staffing_type", "personnel_category", "status"):
            self.form.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def filter_search(self, queryset: QuerySet[Official], name: str, value: str) -> QuerySet[Official]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(staff_number__icontains=value))

    def filter_unit(self, queryset: QuerySet[Official], name: str, value: OrgUnit) -> QuerySet[Official]:
        return queryset.filter(value.subtree_q("unit__"))

    def filter_status(self, queryset: QuerySet[Official], name: str, value: str) -> QuerySet[Official]:
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "left":
            return queryset.filter(is_active=False)
        return queryset


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    category = django_filters.CharFilter(label=_("Category code"), field_name="category__code")
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "category", "is_active"]

    def filter_search(self, queryset: QuerySet[OrgUnit], name: str, value: str) -> QuerySet[OrgUnit]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
