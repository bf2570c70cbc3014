"""Build a year of demo work: tasks (annual → quarterly, monthly, complaints), milestones, weekly updates,
monthly reports in every state with their transitions (``demo.tasks_reports``), supervision letters and a few
notifications (``demo.tasks_letters``).

Rows are written in bulk straight from the models, as the workflow services would have left them; the
services themselves are exercised by the tests, not by the demo.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from demo.org_data import HEAD_UNIT_CODE
from demo.tasks_common import BATCH, Team, add_months, month_end
from demo.tasks_data import (
    ANNUAL_WORK,
    COMPLAINTS,
    FINDINGS,
    MILESTONES,
    MONTHLY_WORK,
    QUARTER_STEPS,
    WEEKLY_DONE,
    WEEKLY_HELP,
    WEEKLY_PROBLEMS,
)
from demo.tasks_letters import LettersAndNotifications
from demo.tasks_reports import MonthlyReports
from org.models import Official, OrgUnit, RankLevel, User
from tasks.models import LoopStage, Milestone, Task, TaskKind, TaskSource, TaskStatus, WeeklyUpdate
from tasks.selectors.reports import month_start
from tasks.selectors.tasks import week_monday


class TasksBuilder(MonthlyReports, LettersAndNotifications):
    """Build the year of work; the monthly reports and the letters are in modules of their own."""

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
