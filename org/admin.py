from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from org.models import (
    CalendarDay,
    LeaveRecord,
    Official,
    OrgUnit,
    PostAssignment,
    RoleGrant,
    RosterImport,
    UnitCategory,
    User,
)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleGrantInline]


@admin.register(UnitCategory)
class UnitCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    search_fields = ["code", "name"]


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(OrgUnit, exclude=["parent"])
    list_display = ["name", "code", "kind", "category", "is_active"]
    list_filter = ["kind", "category", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["category"]


class PostAssignmentInline(admin.TabularInline):
    model = PostAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Official)
class OfficialAdmin(SimpleHistoryAdmin):
    list_display = ["name", "staff_number", "unit", "position_title", "rank_level", "staffing_type",
                    "personnel_category", "is_active"]
    list_filter = ["rank_level", "staffing_type", "personnel_category", "is_active", "is_party_member"]
    search_fields = ["name", "staff_number"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "user"]
    inlines = [PostAssignmentInline]


@admin.register(PostAssignment)
class PostAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["official", "unit", "position_title", "kind", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["official__name", "official__staff_number"]
    list_select_related = ["official", "unit"]
    autocomplete_fields = ["official", "unit"]


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "filename", "uploaded_by", "succeeded", "error_count", "officials_created",
                    "officials_updated"]
    list_filter = ["succeeded"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RosterImport | None = None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """The working-day calendar; the organization department keeps it on its own page (``/calendar/``)."""

    list_display = ["date", "is_working_day", "name", "note", "updated_by", "updated_at"]
    list_filter = ["is_working_day"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    list_select_related = ["updated_by"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        obj.updated_by = cast(User, request.user)  # the admin opens for signed-in staff only
        super().save_model(request, obj, form, change)


@admin.register(LeaveRecord)
class LeaveRecordAdmin(SimpleHistoryAdmin):
    """Leave records for support staff; heads and the organization department keep them on the official's page.
    Overlapping records are refused here too (``LeaveRecord.clean``)."""

    list_display = ["official", "kind", "start_date", "end_date", "recorded_by", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["official__name", "official__staff_number"]
    date_hierarchy = "start_date"
    list_select_related = ["official", "recorded_by"]
    autocomplete_fields = ["official"]
    readonly_fields = ["recorded_by"]
