"""Input pieces the appraisal's API serializers share: a period named by its key, a unit named by its code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from appraisal.models import AppraisalPeriod
from appraisal.scoring.periods import parse_period_key
from appraisal.selectors.periods import period_by_key
from common.errors import ApplicationError
from org.selectors import units_visible_to


def period_from_key(value: str) -> AppraisalPeriod:
    """Return the period a key (``2026``, ``2026-10``…) names, or refuse it as a field error in Chinese."""
    try:
        key = parse_period_key(value).key
    except ApplicationError as error:
        raise serializers.ValidationError(error.message) from error
    period = period_by_key(key)
    if period is None:
        raise serializers.ValidationError(_("There is no appraisal period %(key)s.") % {"key": key})
    return period


class VisibleUnitMixin:
    """Limit a serializer's ``unit`` field to the units the caller may see: any other "does not exist"."""

    fields: Any
    context: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["unit"].queryset = units_visible_to(request.user)
