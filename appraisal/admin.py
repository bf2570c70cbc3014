"""Admin for support staff: every appraisal model, read-mostly where the app's services own the writes."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from appraisal.models import (
    AppraisalPeriod,
    CheckupResult,
    CheckupRound,
    ExportJob,
    GradeDecision,
    PeriodEvent,
    QuotaApproval,
    RaterAssignment,
    RollupRun,
    Scheme,
    SchemeComponent,
    Scorecard,
    ScoreEntry,
    ScoreRule,
    UnitScorecard,
)


class SchemeComponentInline(admin.TabularInline):
    model = SchemeComponent
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category", "rank_level"]
    list_filter = ["category", "rank_level"]
    list_select_related = ["category"]
    inlines = [SchemeComponentInline]


@admin.register(SchemeComponent)
class SchemeComponentAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "component", "weight"]
    list_select_related = ["scheme"]


@admin.register(ScoreRule)
class ScoreRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "min_points", "max_points", "cap", "is_manual", "is_active"]
    list_filter = ["is_manual", "is_active"]
    search_fields = ["code", "name"]


class PeriodEventInline(admin.TabularInline):
    model = PeriodEvent
    extra = 0
    readonly_fields = ["action", "by", "at", "reason"]
    can_delete = False


@admin.register(AppraisalPeriod)
class AppraisalPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["key", "kind", "start", "end", "status", "closed_at", "published_at", "last_rollup_at"]
    list_filter = ["kind", "status"]
    search_fields = ["key"]
    # Status changes go through the services (close / publish / re-open), which freeze and audit.
    readonly_fields = ["status", "scheme_snapshot", "closed_at", "published_at", "last_rollup_at"]
    inlines = [PeriodEventInline]


@admin.register(PeriodEvent)
class PeriodEventAdmin(admin.ModelAdmin):
    list_display = ["period", "action", "by", "at"]
    list_filter = ["action"]
    list_select_related = ["period", "by"]


@admin.register(RollupRun)
class RollupRunAdmin(admin.ModelAdmin):
    list_display = ["period", "final", "status", "progress", "step", "officials", "created_at", "finished_at"]
    list_filter = ["status", "final"]
    list_select_related = ["period"]
    readonly_fields = ["error"]


@admin.register(ScoreEntry)
class ScoreEntryAdmin(SimpleHistoryAdmin):
    list_display = ["official", "occurred_on", "rule", "points", "origin", "reason", "created_by"]
    list_filter = ["origin", "rule"]
    search_fields = ["official__name", "official__staff_number", "reason"]
    list_select_related = ["official", "rule", "created_by"]
    autocomplete_fields = ["official"]
    date_hierarchy = "occurred_on"
    raw_id_fields = ["created_by"]


@admin.register(CheckupRound)
class CheckupRoundAdmin(SimpleHistoryAdmin):
    list_display = ["period", "status", "min_responses", "problem_threshold", "created_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["period"]


@admin.register(RaterAssignment)
class RaterAssignmentAdmin(admin.ModelAdmin):
    list_display = ["round", "official", "rater", "group", "status"]
    list_filter = ["group", "status"]
    list_select_related = ["round__period", "official", "rater"]
    autocomplete_fields = ["official"]
    raw_id_fields = ["rater"]


@admin.register(CheckupResult)
class CheckupResultAdmin(admin.ModelAdmin):
    list_display = ["round", "official", "score", "is_incomplete", "computed_at"]
    list_filter = ["is_incomplete"]
    list_select_related = ["round__period", "official"]
    autocomplete_fields = ["official"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["period", "official", "unit", "rank_level", "component_total", "ledger_total", "total",
                    "rank_in_unit", "rank_in_category", "is_provisional", "computed_at"]
    list_filter = ["period", "is_provisional", "rank_level"]
    search_fields = ["official__name", "official__staff_number"]
    list_select_related = ["period", "official", "unit"]
    raw_id_fields = ["official", "unit"]


@admin.register(UnitScorecard)
class UnitScorecardAdmin(admin.ModelAdmin):
    list_display = ["period", "unit", "category", "headcount", "average_total", "rank_in_category",
                    "is_provisional"]
    list_filter = ["period", "category", "is_provisional"]
    list_select_related = ["period", "unit", "category"]


@admin.register(GradeDecision)
class GradeDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["period", "official", "unit", "score", "proposed", "final", "confirmed_by", "confirmed_at"]
    list_filter = ["period", "proposed", "final"]
    search_fields = ["official__name", "official__staff_number"]
    list_select_related = ["period", "official", "unit", "confirmed_by"]
    raw_id_fields = ["official", "unit", "confirmed_by"]


@admin.register(QuotaApproval)
class QuotaApprovalAdmin(SimpleHistoryAdmin):
    list_display = ["period", "unit", "share", "approved_by", "approved_at"]
    list_select_related = ["period", "unit", "approved_by"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["period", "unit", "status", "progress", "rows", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["period", "unit", "created_by"]
