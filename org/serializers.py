from rest_framework import serializers

from org.models import Official, OrgUnit, UnitCategory


class UnitSerializer(serializers.ModelSerializer):
    # Declared fields are collected by DRF's metaclass, so ``parent`` does not clash with Field.parent.
    parent = serializers.SlugRelatedField[OrgUnit](slug_field="code", read_only=True)  # type: ignore[assignment]
    category = serializers.SlugRelatedField[UnitCategory](slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default=None)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "category", "category_name", "depth", "sort_order",
                  "is_active"]


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class OfficialSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    rotation_due = serializers.BooleanField(read_only=True)

    class Meta:
        model = Official
        fields = ["id", "staff_number", "name", "gender", "birth_date", "unit", "position_title", "rank_level",
                  "staffing_type", "is_party_member", "phone", "joined_on", "post_since", "is_active", "left_on",
                  "rotation_due"]
