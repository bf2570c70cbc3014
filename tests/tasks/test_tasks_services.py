"""Task services: scope checks, progress and completion, parent roll-up, the closed loop, weekly updates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from common.errors import ApplicationError
from common.models import Notification
from tasks.models import LoopStage, Task, TaskSource, TaskStatus, WeeklyUpdate
from tasks.services.progress import milestone_mark_done, task_advance_loop, task_set_progress, weekly_update_post
from tasks.services.tasks import task_cancel, task_create, task_update
from tests.factories import UserFactory

TODAY = dt.date(2026, 3, 11)  # a Wednesday
DEADLINE = dt.date(2026, 6, 30)


def make(county, **overrides) -> Task:
    values = {"by": county.head, "unit": county.culture_tourism, "title": "景区提升", "goal": "6月底前完成",
              "responsible": county.staff_official, "deadline": DEADLINE, "start_date": dt.date(2026, 3, 1)}
    values.update(overrides)
    return task_create(**values)


def refused(code: str, fn, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        fn(**kwargs)
    assert info.value.code == code, info.value.message
    return info.value


# -- create ---------------------------------------------------------------------------------------------
def test_head_creates_a_task_and_the_responsible_official_is_notified(county):
    task = make(county, leading_leader=county.head_official, members=[county.culture_official],
                milestones=[{"name": "开工", "due_date": dt.date(2026, 4, 1)},
                            {"name": "竣工", "due_date": dt.date(2026, 6, 1)}])
    assert task.status == TaskStatus.NOT_STARTED and task.progress == 0 and task.loop_stage == ""
    assert task.created_by == county.head
    assert list(task.members.all()) == [county.culture_official]
    assert [m.name for m in task.milestones.all()] == ["开工", "竣工"]
    note = Notification.objects.get(user=county.staff)
    assert note.kind == "assignment" and note.url == f"/tasks/{task.pk}/"
    assert task.history.count() == 1


def test_create_is_refused_outside_scope(county):
    refused("forbidden", make, county=county, by=county.staff)
    refused("forbidden", make, county=county, unit=county.finance_office)
    refused("official_out_of_scope", make, county=county, responsible=county.finance_official)
    refused("official_out_of_scope", make, county=county, leading_leader=county.finance_official)
    other = make(county, by=county.orgadmin, unit=county.finance_office, responsible=county.finance_official)
    refused("parent_out_of_scope", make, county=county, parent=other)
    refused("deadline_before_start", make, county=county, deadline=dt.date(2026, 2, 1))
    assert Task.objects.count() == 1


def test_an_official_who_left_cannot_be_made_responsible(county):
    county.culture_official.is_active = False
    county.culture_official.save()
    refused("official_out_of_scope", make, county=county, responsible=county.culture_official)


def test_loop_tasks_start_at_assigned(county):
    assert make(county, source=TaskSource.COMPLAINT, source_ref="民心网-0091").loop_stage == LoopStage.ASSIGNED
    assert make(county, source=TaskSource.SUPERIOR).loop_stage == ""


# -- progress -------------------------------------------------------------------------------------------
def test_responsible_official_updates_progress_and_100_completes(county):
    task = make(county)
    task = task_set_progress(task=task, by=county.staff, progress=40, today=TODAY)
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40)
    task = task_set_progress(task=task, by=county.staff, progress=100, today=TODAY)
    assert (task.status, task.completed_on) == (TaskStatus.COMPLETED, TODAY)
    refused("conflict", task_set_progress, task=task, by=county.head, progress=50)


def test_others_cannot_update_progress(county):
    task = make(county)
    colleague = UserFactory(username="colleague")
    county.culture_official.user = colleague
    county.culture_official.save()
    for user in (colleague, county.outsider, county.inspector):
        refused("forbidden", task_set_progress, task=task, by=user, progress=10)
    assert task_set_progress(task=task, by=county.orgadmin, progress=10).progress == 10
    refused("invalid", task_set_progress, task=task, by=county.head, progress=101)


def test_parent_progress_is_the_weighted_mean_of_its_children(county):
    parent = make(county, title="年度任务")
    first = make(county, title="一季度", parent=parent, weight=Decimal(1))
    second = make(county, title="二季度", parent=parent, weight=Decimal(3))
    task_set_progress(task=first, by=county.staff, progress=100, today=TODAY)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (25, TaskStatus.IN_PROGRESS)
    refused("derived", task_set_progress, task=parent, by=county.head, progress=90)
    task_set_progress(task=second, by=county.staff, progress=50, today=TODAY)
    parent.refresh_from_db()
    assert parent.progress == 63  # (100×1 + 50×3) / 4 = 62.5, rounded half up
    task_cancel(task=second, by=county.head)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (100, TaskStatus.COMPLETED)


def test_grandparent_follows_too(county):
    year = make(county, title="年度")
    quarter = make(county, title="季度", parent=year)
    month = make(county, title="月度", parent=quarter)
    task_set_progress(task=month, by=county.staff, progress=30)
    assert Task.objects.get(pk=year.pk).progress == 30


# -- closed loop -----------------------------------------------------------------------------------------
def test_closed_loop_moves_forward_one_step_and_needs_a_rectification_note(county):
    task = make(county, source=TaskSource.SUPERVISION, source_ref="督查-3")
    refused("rectification_note_required", task_set_progress, task=task, by=county.staff, progress=100)
    task = task_set_progress(task=task, by=county.staff, progress=100, rectification_note="已整改路灯")
    assert (task.status, task.loop_stage, task.progress) == (TaskStatus.IN_PROGRESS, LoopStage.RECTIFYING, 100)
    refused("forbidden", task_advance_loop, task=task, by=county.staff, stage=LoopStage.REVIEWED)
    refused("conflict", task_advance_loop, task=task, by=county.head, stage=LoopStage.CLOSED)
    task = task_advance_loop(task=task, by=county.head, stage=LoopStage.REVIEWED, note="")
    task = task_advance_loop(task=task, by=county.head, stage=LoopStage.CLOSED, today=TODAY)
    assert (task.status, task.completed_on, task.loop_stage) == (TaskStatus.COMPLETED, TODAY, LoopStage.CLOSED)
    refused("conflict", task_advance_loop, task=task, by=county.head, stage=LoopStage.CLOSED)


def test_closing_without_a_note_is_refused(county):
    task = make(county, source=TaskSource.COMPLAINT)
    for stage in (LoopStage.RECTIFYING, LoopStage.REVIEWED):
        task = task_advance_loop(task=task, by=county.head, stage=stage)
    refused("rectification_note_required", task_advance_loop, task=task, by=county.head, stage=LoopStage.CLOSED)
    assert Task.objects.get(pk=task.pk).loop_stage == LoopStage.REVIEWED


def test_two_heads_advancing_the_same_step_one_wins(county):
    task = make(county, source=TaskSource.COMPLAINT)
    stale = Task.objects.get(pk=task.pk)
    task_advance_loop(task=task, by=county.head, stage=LoopStage.RECTIFYING)
    refused("conflict", task_advance_loop, task=stale, by=county.orgadmin, stage=LoopStage.RECTIFYING)
    assert Task.objects.get(pk=task.pk).history.filter(loop_stage=LoopStage.RECTIFYING).count() == 1


def test_ordinary_tasks_have_no_loop(county):
    refused("no_loop", task_advance_loop, task=make(county), by=county.head, stage=LoopStage.RECTIFYING)


# -- update, cancel, milestones ---------------------------------------------------------------------------
def test_update_changes_fields_and_notifies_a_new_responsible(county):
    task = make(county)
    colleague = UserFactory(username="colleague")
    county.culture_official.user = colleague
    county.culture_official.save()
    task = task_update(task=task, by=county.head, responsible=county.culture_official, title="新名称")
    assert task.title == "新名称" and Notification.objects.filter(user=colleague, kind="assignment").exists()
    refused("forbidden", task_update, task=task, by=county.staff, title="x")
    refused("official_out_of_scope", task_update, task=task, by=county.head, responsible=county.finance_official)
    refused("invalid", task_update, task=task, by=county.head, status="completed")
    child = make(county, parent=task)
    refused("parent_cycle", task_update, task=task, by=county.head, parent=child)
    task = task_update(task=task, by=county.head, source=TaskSource.COMPLAINT)
    assert task.loop_stage == LoopStage.ASSIGNED


def test_cancel_only_open_tasks_by_heads(county):
    task = make(county)
    refused("forbidden", task_cancel, task=task, by=county.staff)
    assert task_cancel(task=task, by=county.head).status == TaskStatus.CANCELLED
    refused("conflict", task_cancel, task=task, by=county.head)


def test_milestone_marked_once(county):
    task = make(county, milestones=[{"name": "交地", "due_date": dt.date(2026, 4, 1)}])
    milestone = task.milestones.get()
    refused("forbidden", milestone_mark_done, milestone=milestone, by=county.outsider)
    assert milestone_mark_done(milestone=milestone, by=county.staff, done_on=TODAY).done_on == TODAY
    refused("conflict", milestone_mark_done, milestone=milestone, by=county.head)


# -- weekly updates --------------------------------------------------------------------------------------
def test_weekly_update_once_a_week_replacing_and_setting_progress(county):
    task = make(county)
    weekly_update_post(task=task, by=county.staff, progress=20, done="完成方案", today=TODAY)
    weekly_update_post(task=task, by=county.staff, progress=30, done="完成方案和招标", problems="资金未到位",
                       today=TODAY + dt.timedelta(days=2))
    update = WeeklyUpdate.objects.get()
    assert (update.week, update.progress, update.problems) == (dt.date(2026, 3, 9), 30, "资金未到位")
    weekly_update_post(task=task, by=county.head, progress=45, done="开工", today=TODAY + dt.timedelta(days=7))
    assert WeeklyUpdate.objects.count() == 2
    task.refresh_from_db()
    assert (task.progress, task.status) == (45, TaskStatus.IN_PROGRESS)


def test_weekly_update_refused_for_others_and_closed_tasks(county):
    task = make(county)
    refused("forbidden", weekly_update_post, task=task, by=county.outsider, progress=10, done="x", today=TODAY)
    refused("invalid", weekly_update_post, task=task, by=county.staff, progress=10, done="  ", today=TODAY)
    task_cancel(task=task, by=county.head)
    refused("closed", weekly_update_post, task=task, by=county.staff, progress=10, done="x", today=TODAY)
    assert not WeeklyUpdate.objects.exists()


def test_weekly_update_of_loop_task_at_100_needs_a_note_and_keeps_nothing_otherwise(county):
    task = make(county, source=TaskSource.COMPLAINT)
    refused("rectification_note_required", weekly_update_post, task=task, by=county.staff, progress=100,
            done="已处理", today=TODAY)
    assert not WeeklyUpdate.objects.exists()
    weekly_update_post(task=task, by=county.staff, progress=100, done="已处理", rectification_note="已回访群众",
                       today=TODAY)
    task.refresh_from_db()
    assert task.rectification_note == "已回访群众" and task.loop_stage == LoopStage.RECTIFYING
