"""The serializers of the org app's API; ``UnitBriefSerializer`` names a unit in the other apps' answers too."""

from __future__ import annotations

from rest_framework import serializers

from common.api import LimitedCharField, ModelSerializer
from org.models import CalendarDay, LeaveKind, LeaveRecord, Official, OrgUnit, UnitCategory


class UnitSerializer(ModelSerializer):
    # Declared fields are collected by DRF's metaclass, so ``parent`` does not clash with Field.parent.
    # null for the root (no parent) and for a unit without a category.
    parent = serializers.SlugRelatedField[OrgUnit](  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True)
    category = serializers.SlugRelatedField[UnitCategory](slug_field="code", read_only=True, allow_null=True)
    category_name = LimitedCharField(source="category.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "category", "category_name", "depth", "sort_order",
                  "is_active"]


class UnitBriefSerializer(ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class OfficialSerializer(ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    rotation_due = serializers.BooleanField(read_only=True)

    class Meta:
        model = Official
        fields = ["id", "staff_number", "name", "gender", "birth_date", "unit", "position_title", "rank_level",
                  "staffing_type", "personnel_category", "is_party_member", "phone", "joined_on", "post_since",
                  "is_active", "left_on", "rotation_due"]


class CalendarDaySerializer(ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working_day", "name", "note", "updated_at"]


class CalendarDayChangeSerializer(serializers.Serializer):
    """The input of ``PUT``/``PATCH /api/v1/calendar-days/<date>/``: the date is in the URL."""

    is_working_day = serializers.BooleanField(help_text="true: a weekend day worked (调休上班); false: a weekday off.")
    name = LimitedCharField(max_length=50, required=False, allow_blank=True, default="")
    note = LimitedCharField(max_length=200, required=False, allow_blank=True, default="")


class CalendarDayInputSerializer(CalendarDayChangeSerializer):
    """The input of ``POST /api/v1/calendar-days/``: mark a day, or change its mark if it has one."""

    date = serializers.DateField()


# -- leave records -------------------------------------------------------------------------------------------


class LeaveOfficialSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = LimitedCharField(read_only=True)
    staff_number = LimitedCharField(read_only=True)
    unit = UnitBriefSerializer(read_only=True)


class LeaveRecordSerializer(ModelSerializer):
    official = LeaveOfficialSerializer(read_only=True)
    kind_display = LimitedCharField(source="get_kind_display", read_only=True)
    days = serializers.IntegerField(read_only=True, help_text="Calendar days, both ends included.")
    recorded_by_name = LimitedCharField(read_only=True, help_text="Who recorded it, by name.")

    class Meta:
        model = LeaveRecord
        fields = ["id", "official", "kind", "kind_display", "start_date", "end_date", "days", "note",
                  "recorded_by_name", "created_at", "updated_at"]


class LeaveRecordChangeSerializer(serializers.Serializer):
    """The input of ``PUT``/``PATCH /api/v1/leave-records/<id>/``."""

    kind = serializers.ChoiceField(choices=LeaveKind.choices)
    start_date = serializers.DateField(help_text="First day of the leave.")
    end_date = serializers.DateField(help_text="Last day of the leave (included).")
    note = LimitedCharField(max_length=200, required=False, allow_blank=True, default="")


class LeaveRecordInputSerializer(LeaveRecordChangeSerializer):
    """The input of ``POST /api/v1/leave-records/``."""

    official = serializers.IntegerField(help_text="The official's id.")
