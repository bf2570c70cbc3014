"""Tasks with the five clarities, their milestones and weekly updates, and the record of task-list uploads."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from common.models import ImportRecord, TimeStampedModel
from common.text_limits import LONG, NOTE, LimitedTextField
from org.models import Official, OrgUnit


class TaskSource(models.TextChoices):
    SUPERIOR = "superior", _("Assigned by superiors")
    OWN_KEY = "own_key", _("Own key work")
    SUPERVISION = "supervision", _("Supervision finding")
    COMPLAINT = "complaint", _("Citizen complaint")
    OTHER = "other", _("Other")


# Sources whose tasks carry the closed loop (found → assigned → rectifying → reviewed → closed).
LOOP_SOURCES = frozenset({TaskSource.SUPERVISION, TaskSource.COMPLAINT})


class TaskKind(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")
    AD_HOC = "ad_hoc", _("Ad hoc")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.OVERDUE)


class LoopStage(models.TextChoices):
    FOUND = "found", _("Found")
    ASSIGNED = "assigned", _("Assigned")
    RECTIFYING = "rectifying", _("Rectifying")
    REVIEWED = "reviewed", _("Reviewed")
    CLOSED = "closed", _("Closed")


class Task(TimeStampedModel):
    """A work task (工作任务) with the five clarities: task, standard, deadline, leading leader, responsible."""

    title = models.CharField(_("task"), max_length=200)
    description = LimitedTextField(_("description"), blank=True, max_length=LONG)
    goal = LimitedTextField(_("goal and standard"), blank=True, max_length=LONG)
    source = models.CharField(_("source"), max_length=16, choices=TaskSource.choices, default=TaskSource.OWN_KEY)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.AD_HOC)
    is_key_project = models.BooleanField(_("key project"), default=False)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tasks")
    leading_leader = models.ForeignKey(
        Official, verbose_name=_("leading leader"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    responsible = models.ForeignKey(
        Official, verbose_name=_("responsible official"), on_delete=models.PROTECT, related_name="responsible_tasks"
    )
    members = models.ManyToManyField(Official, verbose_name=_("task group"), blank=True, related_name="member_tasks")
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress %"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent task"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )
    loop_stage = models.CharField(_("closed-loop stage"), max_length=16, choices=LoopStage.choices, blank=True)
    rectification_note = LimitedTextField(_("rectification note"), blank=True, max_length=NOTE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["unit", "status", "deadline"], name="task_unit_status_idx"),
            models.Index(fields=["responsible", "status"], name="task_responsible_idx"),
            models.Index(fields=["status", "deadline"], name="task_status_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("start_date")), name="task_deadline_after_start"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False), name="task_completed_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_loop(self) -> bool:
        return self.source in LOOP_SOURCES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_left(self, today: date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days


# A task's milestones, written one after the other, always fit one cell of the exported ledger (Excel holds 32,767
# characters): 100 milestones of 100 characters with their dates take about 13,000.
MAX_MILESTONES = 100


class Milestone(models.Model):
    """A dated step of a task, such as 交地, 施工许可, 开工, 竣工 for a key project."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=100)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["task", "sort_order", "due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name


class WeeklyUpdate(TimeStampedModel):
    """Progress on one task in one ISO week (每周汇报); posting again in the same week replaces it."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="weekly_updates")
    week = models.DateField(_("week (Monday)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(
        _("progress %"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done = LimitedTextField(_("what was done"), max_length=NOTE)
    problems = LimitedTextField(_("problems"), blank=True, max_length=NOTE)
    help_needed = LimitedTextField(_("help needed"), blank=True, max_length=NOTE)

    class Meta:
        ordering = ["task", "-week"]
        verbose_name = _("weekly update")
        verbose_name_plural = _("weekly updates")
        constraints = [
            models.UniqueConstraint(fields=["task", "week"], name="weeklyupdate_one_per_task_week"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="weeklyupdate_progress_max_100"),
        ]
        indexes = [models.Index(fields=["week", "task"], name="weeklyupdate_week_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.week}"

    @property
    def iso_week(self) -> str:
        year, week, _day = self.week.isocalendar()
        return f"{year}-W{week:02d}"


class TaskImport(ImportRecord):
    """A record of each task-list upload (工作任务清单导入), kept whether it was applied or refused."""

    created = models.PositiveIntegerField(_("tasks created"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("task import")
        verbose_name_plural = _("task imports")

    def __str__(self) -> str:
        return f"{self.filename} {self.created_at:%Y-%m-%d %H:%M}"

    def summary(self) -> str:
        return ngettext("%(n)s task created", "%(n)s tasks created", self.created) % {"n": self.created}
