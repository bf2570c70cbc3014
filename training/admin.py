"""Admin for the training app (staff only; the product's pages are where heads and officials work).

Sessions, external training, hour targets and criticism flags keep their audit history; attendance is edited on
the session's grid, so the admin shows it read-only beside the session. Sign-in imports are a record of uploads
and cannot be added or changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from training.models import (
    Attendance,
    CriticismFlag,
    ExternalTraining,
    HourTarget,
    SignInImport,
    StudyPlan,
    TrainingSession,
)

ATTENDANCE_FIELDS = ("official", "status", "hours", "excuse_reason", "recorded_by", "recorded_at")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ATTENDANCE_FIELDS
    readonly_fields = ATTENDANCE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StudyPlan)
class StudyPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "unit", "title"]
    list_filter = ["year"]
    search_fields = ["title", "unit__name"]
    raw_id_fields = ["unit"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["starts_at", "title", "kind", "organiser", "hours"]
    list_filter = ["kind"]
    search_fields = ["title", "organiser__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser", "plan", "lecturer", "created_by"]
    inlines = [AttendanceInline]


@admin.register(ExternalTraining)
class ExternalTrainingAdmin(SimpleHistoryAdmin):
    list_display = ["started_on", "official", "title", "provider", "hours", "status"]
    list_filter = ["status"]
    search_fields = ["title", "provider", "official__name"]
    raw_id_fields = ["official", "reviewed_by"]


@admin.register(HourTarget)
class HourTargetAdmin(SimpleHistoryAdmin):
    list_display = ["rank_level", "hours_per_year"]


@admin.register(CriticismFlag)
class CriticismFlagAdmin(SimpleHistoryAdmin):
    list_display = ["quarter", "official", "status", "decided_by", "decided_at"]
    list_filter = ["status", "quarter"]
    search_fields = ["official__name"]
    raw_id_fields = ["official", "decided_by"]


@admin.register(SignInImport)
class SignInImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "session", "filename", "uploaded_by", "succeeded", "error_count"]
    list_filter = ["succeeded"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SignInImport | None = None) -> bool:
        return False
