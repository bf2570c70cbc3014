"""Build a year of demo work: tasks (annual → quarterly, monthly, complaints), milestones, weekly updates,
monthly reports in every state with their transitions, supervision letters and a few notifications.

Rows are written in bulk straight from the models, as the workflow services would have left them; the
services themselves are exercised by the tests, not by the demo.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.models import Notification
from demo.org_data import HEAD_UNIT_CODE
from demo.tasks_data import (
    ANNUAL_WORK,
    COMPLAINTS,
    FINDINGS,
    MILESTONES,
    MONTHLY_WORK,
    NEXT_PLANS,
    QUARTER_STEPS,
    REPORT_ITEMS,
    RETURN_REASONS,
    REVIEW_COMMENTS,
    SELF_ASSESSMENTS,
    WEEKLY_DONE,
    WEEKLY_HELP,
    WEEKLY_PROBLEMS,
)
from org.models import Official, OrgUnit, RankLevel, User
from tasks.models import (
    LoopStage,
    Milestone,
    MonthlyReport,
    MonthlyReportItem,
    ReportRating,
    ReportStatus,
    ReportTransition,
    SupervisionLetter,
    Task,
    TaskKind,
    TaskSource,
    TaskStatus,
    WeeklyUpdate,
)
from tasks.selectors.reports import month_start, report_deadline
from tasks.selectors.tasks import week_monday

BATCH = 2000


@dataclass
class Team:
    """The active officials of one top-level unit (a bureau, town or park) and its subtree."""

    unit_id: int
    code: str
    leaders: list[dict[str, Any]] = field(default_factory=list)
    middles: list[dict[str, Any]] = field(default_factory=list)
    everyone: list[dict[str, Any]] = field(default_factory=list)



def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)


class TasksBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        self.rng, self.today, self.stdout, self.style = rng, today, stdout, style
        self.year_start = date(today.year, 1, 1)
        self.users = {u.username: u for u in User.objects.filter(username__in=["orgadmin", "head", "staff"])}
        self.user_of: dict[int, int | None] = {}

    def build(self) -> None:
        teams = self._teams()
        tasks = self._tasks(teams)
        updates = self._weekly_updates(tasks)
        reports = self._reports(teams)
        letters = self._letters(teams, tasks)
        self._notifications()
        self.stdout.write(self.style.SUCCESS(
            f"工作数据已生成：任务 {len(tasks)} 项，每周汇报 {updates} 条，"
            f"月度实绩报告 {reports} 份，督办函 {letters} 件。"
        ))

    # -- people -------------------------------------------------------------------------------------
    def _teams(self) -> dict[int, Team]:
        step = OrgUnit.steplen
        tops = {u["path"]: u for u in OrgUnit.objects.filter(depth=2).values("id", "code", "path")}
        teams = {u["id"]: Team(unit_id=u["id"], code=u["code"]) for u in tops.values()}
        rows = Official.objects.filter(is_active=True).order_by("id").values(
            "id", "unit_id", "unit__path", "rank_level", "user_id")
        for values in rows:
            row: dict[str, Any] = dict(values)
            top = tops.get(row["unit__path"][: 2 * step])
            if top is None:
                continue
            team = teams[top["id"]]
            self.user_of[row["id"]] = row["user_id"]
            team.everyone.append(row)
            if row["rank_level"] == RankLevel.LEADERSHIP:
                team.leaders.append(row)
            elif row["rank_level"] == RankLevel.MIDDLE:
                team.middles.append(row)
        return {k: t for k, t in teams.items() if len(t.everyone) >= 3}

    def _pick(self, *pools: list[dict[str, Any]]) -> dict[str, Any]:
        for pool in pools:
            if pool:
                return self.rng.choice(pool)
        raise ValueError("empty team")

    # -- tasks --------------------------------------------------------------------------------------
    def _task(self, team: Team, **fields: Any) -> Task:
        creator = self.users["head"] if team.code == HEAD_UNIT_CODE else self.users.get("orgadmin")
        return Task(created_by=creator, goal=fields.pop("goal", "按要求完成"), **fields)

    def _status_for(self, start: date, deadline: date, *, late_share: float = 0.08) -> dict[str, Any]:
        """Return status, progress and completion as a task with these dates would stand today."""
        today, rng = self.today, self.rng
        if start > today:
            return {"status": TaskStatus.NOT_STARTED, "progress": 0}
        if deadline < today:
            roll = rng.random()
            if roll < 0.03:
                return {"status": TaskStatus.CANCELLED, "progress": rng.randint(0, 40)}
            if roll < 0.03 + late_share:
                return {"status": TaskStatus.OVERDUE, "progress": rng.randint(50, 90)}
            done = deadline - timedelta(days=rng.randint(0, min(20, (deadline - start).days)))
            return {"status": TaskStatus.COMPLETED, "progress": 100, "completed_on": done}
        elapsed = (today - start).days / max(1, (deadline - start).days)
        progress = max(5, min(95, int(elapsed * 100) + rng.randint(-15, 10)))
        return {"status": TaskStatus.IN_PROGRESS, "progress": progress}

    def _tasks(self, teams: dict[int, Team]) -> list[Task]:
        rng, today = self.rng, self.today
        annual: list[tuple[Task, Team]] = []
        for team in teams.values():
            for title, goal in rng.sample(ANNUAL_WORK, k=max(1, min(4, len(team.everyone) // 25))):
                leader, owner = self._pick(team.leaders, team.everyone), self._pick(team.middles, team.everyone)
                annual.append((self._task(
                    team, title=title, goal=goal, source=TaskSource.OWN_KEY if rng.random() < 0.6 else
                    TaskSource.SUPERIOR, kind=TaskKind.ANNUAL, is_key_project=rng.random() < 0.35,
                    unit_id=team.unit_id, leading_leader_id=leader["id"], responsible_id=owner["id"],
                    start_date=self.year_start, deadline=date(today.year, 12, 31), weight=Decimal(3)), team))
        parents = Task.objects.bulk_create([t for t, _team in annual], batch_size=BATCH)

        children: list[Task] = []
        members: list[Any] = []
        milestones: list[Milestone] = []
        for parent, (_task, team) in zip(parents, annual, strict=True):
            for quarter, step in enumerate(QUARTER_STEPS):
                start = date(today.year, quarter * 3 + 1, 1)
                deadline = month_end(date(today.year, quarter * 3 + 3, 1))
                owner = self._pick(team.middles, team.everyone)
                children.append(self._task(
                    team, title=f"{parent.title}：第{'一二三四'[quarter]}季度{step}", goal=parent.goal,
                    source=parent.source, kind=TaskKind.QUARTERLY, unit_id=team.unit_id, parent=parent,
                    leading_leader_id=parent.leading_leader_id, responsible_id=owner["id"], start_date=start,
                    deadline=deadline, **self._status_for(start, deadline)))
            for member in rng.sample(team.everyone, k=min(3, len(team.everyone))):
                members.append(Task.members.through(task_id=parent.pk, official_id=member["id"]))
            if parent.is_key_project:
                for index, name in enumerate(MILESTONES):
                    due = date(today.year, 2 + index * 3, 15)
                    done = due + timedelta(days=rng.randint(-10, 12)) if due < today - timedelta(days=12) else None
                    milestones.append(Milestone(task=parent, name=name, due_date=due, done_on=done, sort_order=index))

        for team in teams.values():
            per_month = max(1, min(6, len(team.everyone) // 15))
            month = self.year_start
            while month <= add_months(month_start(today), 1):  # next month's work is already planned
                for title in rng.sample(MONTHLY_WORK, k=per_month):
                    start, deadline = month, month_end(month) - timedelta(days=rng.choice([0, 0, 5, 10]))
                    if month == month_start(today) and rng.random() < 0.3:
                        deadline = today + timedelta(days=rng.randint(0, 3))  # due soon: reminders
                    owner = self._pick(team.everyone)
                    children.append(self._task(
                        team, title=f"{month.month}月{title}", source=TaskSource.OWN_KEY, kind=TaskKind.MONTHLY,
                        unit_id=team.unit_id, responsible_id=owner["id"], start_date=start,
                        deadline=max(deadline, start), **self._status_for(start, max(deadline, start))))
                month = add_months(month, 1)
            children.extend(self._loop_tasks(team))
        created = Task.objects.bulk_create(children, batch_size=BATCH)
        Task.members.through.objects.bulk_create(members, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        self._derive_parent_progress(parents, created)
        return [*parents, *created]

    def _loop_tasks(self, team: Team) -> list[Task]:
        """Complaint and supervision-finding tasks, which carry the closed loop."""
        rng, today = self.rng, self.today
        tasks = []
        cases = [(TaskSource.COMPLAINT, c) for c in rng.sample(COMPLAINTS, k=2)]
        cases += [(TaskSource.SUPERVISION, f) for f in rng.sample(FINDINGS, k=1)]
        for number, (source, (channel, problem, fix)) in enumerate(cases, start=1):
            start = today - timedelta(days=rng.randint(5, 200))
            deadline = start + timedelta(days=rng.choice([15, 30, 60]))
            state = self._status_for(start, deadline, late_share=0.15)
            if state["status"] == TaskStatus.COMPLETED:
                stage, note = LoopStage.CLOSED, f"已{fix}，经回访群众满意。"
            elif state["status"] == TaskStatus.CANCELLED:
                stage, note = LoopStage.FOUND, ""
            else:
                stage = rng.choice([LoopStage.ASSIGNED, LoopStage.RECTIFYING, LoopStage.REVIEWED])
                note = f"正在{fix}。" if stage != LoopStage.ASSIGNED else ""
            owner = self._pick(team.middles, team.everyone)
            tasks.append(self._task(
                team, title=f"{channel}：{problem}", goal=fix, source=source,
                source_ref=f"{channel}-{today.year}-{team.code}-{number:03d}", kind=TaskKind.AD_HOC,
                unit_id=team.unit_id, responsible_id=owner["id"], leading_leader_id=self._pick(team.leaders,
                team.everyone)["id"], start_date=start, deadline=deadline, loop_stage=stage,
                rectification_note=note, **state))
        return tasks

    def _derive_parent_progress(self, parents: list[Task], children: list[Task]) -> None:
        by_parent: dict[int, list[Task]] = defaultdict(list)
        for child in children:
            if child.parent_id:
                by_parent[child.parent_id].append(child)
        for parent in parents:
            kids = [k for k in by_parent[parent.pk] if k.status != TaskStatus.CANCELLED]
            total = sum(k.weight for k in kids) or Decimal(1)
            parent.progress = int(sum(k.progress * k.weight for k in kids) / total)
            parent.status = TaskStatus.IN_PROGRESS if parent.progress else TaskStatus.NOT_STARTED
        Task.objects.bulk_update(parents, ["progress", "status"], batch_size=BATCH)

    # -- weekly updates -----------------------------------------------------------------------------
    def _weekly_updates(self, tasks: list[Task]) -> int:
        rng, this_week = self.rng, week_monday(self.today)
        updates = []
        for task in tasks:
            if task.kind == TaskKind.ANNUAL or task.status in (TaskStatus.NOT_STARTED, TaskStatus.CANCELLED):
                continue
            last = min(task.completed_on or task.deadline, self.today)
            weeks = []
            week = week_monday(task.start_date)
            while week <= week_monday(last):
                weeks.append(week)
                week += timedelta(days=7)
            author = self.user_of.get(task.responsible_id)
            for index, week in enumerate(weeks, start=1):
                if rng.random() < (0.4 if week == this_week else 0.12):
                    continue  # missed a week: heads see who has not updated
                progress = min(task.progress, int(task.progress * index / len(weeks)))
                updates.append(WeeklyUpdate(
                    task=task, week=week, author_id=author, progress=progress,
                    done=rng.choice(WEEKLY_DONE).format(p=progress), problems=rng.choice(WEEKLY_PROBLEMS),
                    help_needed=rng.choice(WEEKLY_HELP)))
        WeeklyUpdate.objects.bulk_create(updates, batch_size=BATCH)
        return len(updates)

    # -- monthly reports ----------------------------------------------------------------------------
    def _reports(self, teams: dict[int, Team]) -> int:
        this_month = month_start(self.today)
        head, staff = self.users.get("head"), self.users.get("staff")
        reports: list[MonthlyReport] = []
        items: list[list[tuple[str, str]]] = []
        for team in teams.values():
            reviewer = head if team.code == HEAD_UNIT_CODE else None
            for person in team.everyone:
                month = max(self.year_start, add_months(this_month, -11))
                while month <= this_month:
                    made = self._report(person, month, reviewer, staff)
                    if made is not None:
                        reports.append(made[0])
                        items.append(made[1])
                    month = add_months(month, 1)
        created = MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
        MonthlyReportItem.objects.bulk_create([
            MonthlyReportItem(report=report, content=content, indicator=indicator, sort_order=index)
            for report, rows in zip(created, items, strict=True) for index, (content, indicator) in enumerate(rows)
        ], batch_size=BATCH)
        self._transitions()
        return len(created)

    def _transitions(self) -> None:
        """Write every report's trail with four INSERT … SELECT statements (a Python object per row is slow)."""
        trail = ReportTransition._meta.db_table
        report = MonthlyReport._meta.db_table
        official = Official._meta.db_table
        steps = [
            ("draft", "submitted", f"{official}.user_id", "submitted_at", "''", "submitted_at IS NOT NULL"),
            ("submitted", "returned", "reviewed_by_id", "reviewed_at", "return_reason", "status = 'returned'"),
            ("submitted", "approved", "reviewed_by_id", "reviewed_at", "review_comment",
             "status IN ('approved', 'published')"),
            ("approved", "published", "published_by_id", "published_at", "''", "status = 'published'"),
        ]
        with connection.cursor() as cursor:
            for old, new, by, at, comment, where in steps:
                cursor.execute(
                    f"INSERT INTO {trail} (report_id, from_status, to_status, by_id, at, comment) "
                    f"SELECT {report}.id, %s, %s, {by}, {at}, {comment} FROM {report} "
                    f"JOIN {official} ON {official}.id = {report}.official_id WHERE {where}",
                    [old, new],
                )

    def _report(
        self, person: dict[str, Any], month: date, reviewer: User | None, staff: User | None
    ) -> tuple[MonthlyReport, list[tuple[str, str]]] | None:
        rng, today = self.rng, self.today
        deadline = report_deadline(month)
        own = self.user_of.get(person["id"])
        status: str
        is_staff = staff is not None and own == staff.pk
        if month == month_start(today):
            if is_staff or rng.random() > 0.25:
                return None  # this month's report is still to be written
            status = ReportStatus.DRAFT
        elif deadline >= today or month == add_months(month_start(today), -1):
            status = rng.choices(
                [ReportStatus.PUBLISHED, ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED,
                 ReportStatus.DRAFT, ""], weights=[30, 20, 30, 8, 7, 5])[0]
            if is_staff:
                status = ReportStatus.PUBLISHED
            if not status:
                return None
        else:
            status = ReportStatus.PUBLISHED if rng.random() < 0.97 else ReportStatus.APPROVED

        rows = []
        for template, indicator in rng.sample(REPORT_ITEMS, k=rng.randint(2, 3)):
            n, p = rng.randint(1, 8), rng.choice([60, 80, 100])
            rows.append((template.format(task="重点任务", n=n, p=p), indicator.format(n=n, p=p)))
        report = MonthlyReport(
            official_id=person["id"], month=month, status=status, next_month_plan=rng.choice(NEXT_PLANS),
            self_assessment=rng.choice(SELF_ASSESSMENTS))
        if status == ReportStatus.DRAFT:
            report.is_missing = deadline < today
            return report, rows
        submitted = deadline - timedelta(days=rng.randint(0, 6)) if rng.random() > 0.1 else deadline + timedelta(
            days=rng.randint(1, 4))
        submitted = min(submitted, today)
        at = timezone.make_aware(datetime.combine(submitted, time(9 + rng.randint(0, 8), rng.randint(0, 59))))
        report.submitted_at, report.is_late = at, submitted > deadline
        if status == ReportStatus.RETURNED:
            report.return_reason = rng.choice(RETURN_REASONS)
            report.reviewed_by, report.reviewed_at = reviewer, at + timedelta(days=1)
            return report, rows
        if status == ReportStatus.SUBMITTED:
            return report, rows
        report.rating = rng.choices(list(ReportRating.values), weights=[20, 50, 25, 5])[0]
        report.review_comment = rng.choice(REVIEW_COMMENTS)
        report.reviewed_by, report.reviewed_at = reviewer, at + timedelta(days=2)
        report.reviewed_by, report.reviewed_at = reviewer, at + timedelta(days=2)
        if status == ReportStatus.PUBLISHED:
            report.published_by, report.published_at = reviewer, at + timedelta(days=3)
        return report, rows

    # -- supervision letters ------------------------------------------------------------------------
    def _letters(self, teams: dict[int, Team], tasks: list[Task]) -> int:
        rng, today = self.rng, self.today
        issuer_unit = OrgUnit.objects.filter(code="ORG").first() or OrgUnit.objects.filter(depth=1).first()
        orgadmin, head = self.users.get("orgadmin"), self.users.get("head")
        if issuer_unit is None:
            return 0
        loop_tasks = {t.unit_id: t for t in tasks if t.source == TaskSource.SUPERVISION}
        letters = []
        ordered = sorted(teams.values(), key=lambda t: (t.code != HEAD_UNIT_CODE, t.code))
        for number, team in enumerate(ordered[:12], start=1):
            task = loop_tasks.get(team.unit_id)
            issued = today - timedelta(days=rng.randint(3, 60))
            deadline = issued + timedelta(days=rng.choice([7, 10, 15]))
            letter = SupervisionLetter(
                number=f"督办〔{today.year}〕{number}号", title=task.title if task else "重点工作推进情况督办",
                content="经督查，你单位相关工作进度滞后，请于回复时限前报送整改情况，并由主要负责人签字。",
                issuer_unit=issuer_unit, issued_by=orgadmin, recipient_unit_id=team.unit_id, task=task,
                reply_deadline=deadline)
            stage = rng.choice(["issued", "replied", "closed"]) if team.code != HEAD_UNIT_CODE else "replied"
            if stage != "issued":
                replied = timezone.make_aware(datetime.combine(
                    min(today, issued + timedelta(days=rng.randint(2, 12))), time(15)))
                letter.status, letter.reply = "replied", "已制定整改方案，明确责任人和完成时限，正在逐项落实。"
                letter.replied_at = replied
                letter.replied_by = head if team.code == HEAD_UNIT_CODE else None
            if stage == "closed":
                signed = replied + timedelta(days=2)
                letter.status, letter.closed_at = "closed", signed
                letter.issuer_signed_by, letter.issuer_signed_at = orgadmin, signed
                letter.recipient_signed_at = signed
            letters.append(letter)
        SupervisionLetter.objects.bulk_create(letters)
        return len(letters)

    def _notifications(self) -> None:
        head, staff = self.users.get("head"), self.users.get("staff")
        rows = []
        # Links by URL name, so a moved page cannot leave a notification pointing at a 404 (it once said /tasks/mine/).
        if head is not None:
            rows.append(Notification(user=head, kind="report_submitted", title="有月度实绩报告待您审核",
                                     url=reverse("tasks:report_review_queue")))
            rows.append(Notification(user=head, kind="letter_issued", title="收到新的督办函",
                                     url=reverse("tasks:letter_list")))
        if staff is not None:
            rows.append(Notification(user=staff, kind="task_assigned", title="您有新的工作任务",
                                     url=reverse("tasks:my_tasks")))
        Notification.objects.bulk_create(rows)
