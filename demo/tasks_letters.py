"""The demo's supervision letters (督办函) and the few notifications the demo logins find waiting.
A part of ``demo.tasks_builder.TasksBuilder``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from common.models import Notification
from demo.org_data import HEAD_UNIT_CODE
from demo.tasks_common import Team
from org.models import OrgUnit, User
from tasks.models import SupervisionLetter, Task, TaskSource


class LettersAndNotifications:
    """Write the supervision letters (``_letters``) and the notifications (``_notifications``)."""

    rng: random.Random
    today: date
    users: dict[str, User]

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
