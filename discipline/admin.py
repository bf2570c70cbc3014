"""Admin for the discipline app. Lists show no facts; the access log is read-only (it is the audit trail)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from discipline.models import (
    Appeal,
    Case,
    CaseAccess,
    CaseAttachment,
    CaseTransition,
    Decision,
    DecisionKind,
    DisciplineRule,
    Talk,
    ToleranceRequest,
)


@admin.register(DisciplineRule)
class DisciplineRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "category", "text", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "text"]


@admin.register(DecisionKind)
class DecisionKindAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "group", "severity", "months_in_force", "points", "grade_cap", "cap_years",
                    "later_cap", "promotion_bar_months", "is_active"]
    list_filter = ["group", "grade_cap", "is_active"]
    search_fields = ["code", "name"]


class TransitionInline(admin.TabularInline):
    model = CaseTransition
    extra = 0
    fields = ["from_status", "to_status", "by", "at", "comment"]
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = CaseAttachment
    extra = 0
    fields = ["name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["name", "size", "uploaded_by", "uploaded_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "unit", "source", "status", "registered_on", "decided_on", "closed_on",
                    "investigator"]
    list_filter = ["status", "source"]
    search_fields = ["number", "title", "source_reference", "subjects__name"]
    list_select_related = ["unit", "investigator"]
    autocomplete_fields = ["unit", "subjects", "rules", "investigator", "created_by"]
    date_hierarchy = "registered_on"
    inlines = [TransitionInline, AttachmentInline]


@admin.register(CaseTransition)
class CaseTransitionAdmin(admin.ModelAdmin):
    list_display = ["case", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["case__number"]
    list_select_related = ["case", "by"]
    readonly_fields = ["case", "from_status", "to_status", "by", "at", "comment"]


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(admin.ModelAdmin):
    """Names and sizes only: the files are served by the permission-checked case page, never from here."""

    list_display = ["name", "case", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "case__number"]
    list_select_related = ["case", "uploaded_by"]
    fields = ["case", "name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["case", "name", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CaseAccess)
class CaseAccessAdmin(admin.ModelAdmin):
    """The access log of case files: read-only, nobody adds, changes or deletes a row."""

    list_display = ["at", "case", "user", "action"]
    list_filter = ["action"]
    search_fields = ["case__number", "user__username"]
    list_select_related = ["case", "user"]
    date_hierarchy = "at"
    readonly_fields = ["case", "user", "action", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["official", "case", "kind", "effective_date", "in_force_until", "points", "grade_cap",
                    "no_promotion_until", "exempted", "revoked"]
    list_filter = ["kind__group", "kind", "grade_cap", "exempted", "revoked"]
    search_fields = ["official__name", "official__staff_number", "case__number"]
    list_select_related = ["official", "case", "kind"]
    autocomplete_fields = ["case", "official", "kind", "decided_by"]
    date_hierarchy = "effective_date"


@admin.register(ToleranceRequest)
class ToleranceRequestAdmin(SimpleHistoryAdmin):
    list_display = ["case", "official", "status", "by_unit", "review_supports", "rectification_status",
                    "rectification_due", "created_at"]
    list_filter = ["status", "rectification_status", "by_unit"]
    search_fields = ["case__number", "official__name", "official__staff_number"]
    list_select_related = ["case", "official"]
    autocomplete_fields = ["case", "official", "requested_by", "reviewed_by", "decided_by"]


@admin.register(Appeal)
class AppealAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "filed_on", "outcome", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["decision__official__name", "decision__case__number"]
    list_select_related = ["decision__official", "decision__kind"]
    autocomplete_fields = ["decision", "filed_by", "previous_kind", "new_kind", "decided_by"]


@admin.register(Talk)
class TalkAdmin(SimpleHistoryAdmin):
    """Talks are confidential records: the list shows who and when, not the topic."""

    list_display = ["held_on", "official", "kind", "occasion", "talker", "talker_name", "follow_up_done"]
    list_filter = ["kind", "occasion", "follow_up_done"]
    search_fields = ["official__name", "official__staff_number", "talker_name"]
    list_select_related = ["official", "talker"]
    autocomplete_fields = ["official", "talker", "case", "recorded_by"]
    date_hierarchy = "held_on"
