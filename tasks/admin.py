from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tasks.models import (
    Milestone,
    MonthlyReport,
    MonthlyReportItem,
    ReportTransition,
    SupervisionLetter,
    Task,
    TaskImport,
    WeeklyUpdate,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "responsible", "deadline", "status", "progress", "source", "is_key_project"]
    list_filter = ["status", "source", "kind", "is_key_project"]
    search_fields = ["title", "source_ref", "responsible__name"]
    list_select_related = ["unit", "responsible"]
    autocomplete_fields = ["unit", "leading_leader", "responsible", "members", "parent"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["name", "task", "due_date", "done_on"]
    list_select_related = ["task"]
    autocomplete_fields = ["task"]


@admin.register(WeeklyUpdate)
class WeeklyUpdateAdmin(admin.ModelAdmin):
    list_display = ["task", "week", "progress", "author", "updated_at"]
    list_select_related = ["task", "author"]
    autocomplete_fields = ["task"]
    date_hierarchy = "week"


class ItemInline(admin.TabularInline):
    model = MonthlyReportItem
    extra = 0
    autocomplete_fields = ["task"]


class TransitionInline(admin.TabularInline):
    model = ReportTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]
    can_delete = False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["official", "month", "status", "rating", "is_late", "is_missing", "submitted_at"]
    list_filter = ["status", "rating", "is_late", "is_missing"]
    search_fields = ["official__name", "official__staff_number"]
    list_select_related = ["official"]
    autocomplete_fields = ["official"]
    inlines = [ItemInline, TransitionInline]


@admin.register(ReportTransition)
class ReportTransitionAdmin(admin.ModelAdmin):
    list_display = ["report", "from_status", "to_status", "by", "at"]
    list_select_related = ["report", "by"]


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "recipient_unit", "reply_deadline", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    list_select_related = ["recipient_unit"]
    autocomplete_fields = ["issuer_unit", "recipient_unit", "recipient_official", "task"]


@admin.register(TaskImport)
class TaskImportAdmin(admin.ModelAdmin):
    """The record of task-list uploads, applied or refused: read-only."""

    list_display = ["created_at", "filename", "uploaded_by", "succeeded", "error_count"]
    list_filter = ["succeeded"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TaskImport | None = None) -> bool:
        return False
