"""Models of the tasks app, one module per topic; every model is re-exported here (``from tasks.models import X``)."""

from tasks.models.letters import LetterStatus, SupervisionLetter
from tasks.models.reports import MonthlyReport, MonthlyReportItem, ReportRating, ReportStatus, ReportTransition
from tasks.models.tasks import (
    LOOP_SOURCES,
    MAX_MILESTONES,
    OPEN_STATUSES,
    LoopStage,
    Milestone,
    Task,
    TaskImport,
    TaskKind,
    TaskSource,
    TaskStatus,
    WeeklyUpdate,
)

__all__ = [
    "LOOP_SOURCES",
    "MAX_MILESTONES",
    "OPEN_STATUSES",
    "LetterStatus",
    "LoopStage",
    "Milestone",
    "MonthlyReport",
    "MonthlyReportItem",
    "ReportRating",
    "ReportStatus",
    "ReportTransition",
    "SupervisionLetter",
    "Task",
    "TaskImport",
    "TaskKind",
    "TaskSource",
    "TaskStatus",
    "WeeklyUpdate",
]
