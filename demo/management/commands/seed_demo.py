"""``manage.py seed_demo [--officials N] [--seed S] [--if-empty]``: build a realistic demo county.

The structure grows with N so units stay a realistic size (sections of roughly 15–60 people). Everything
is drawn from ``random.Random(seed)``, so the same seed on the same day gives the same data. Rows are
written in bulk (no history rows for demo data).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from demo.annual_builder import AnnualBuilder
from demo.appraisal_builder import AppraisalBuilder
from demo.ballots_demo import BallotsBuilder
from demo.category_demo import CategoryBuilder
from demo.discipline_builder import DisciplineBuilder
from demo.leave_demo import LeaveBuilder
from demo.org_builder import OrgBuilder
from demo.org_data import DEFAULT_OFFICIALS, DEMO_PASSWORD, DEMO_USERS, MIN_OFFICIALS
from demo.quarterly_demo import QuarterlyBuilder
from demo.tasks_builder import TasksBuilder
from demo.training_builder import TrainingBuilder
from org.models import Official, OrgUnit, User

LOGINS = [
    ("orgadmin", "组织部门（全县）"),
    ("head", "文化和旅游局负责人"),
    ("staff", "文化和旅游局科室干部"),
    ("inspector", "纪检监察（全县）"),
]


class Command(BaseCommand):
    help = "Build a realistic demo county (units, officials with post histories, demo logins)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--officials", type=int, default=DEFAULT_OFFICIALS,
                            help=f"number of officials to create (default {DEFAULT_OFFICIALS})")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing, successfully, when the database already holds units or officials")
        parser.add_argument("--bench-logins", action="store_true",
                            help="also give every top-level unit's head and nine more organization-department "
                                 "users a login with the demo password (for bench/loadtest.py)")

    def handle(self, *args: Any, officials: int, seed: int, if_empty: bool, bench_logins: bool = False,
               **options: Any) -> None:
        if officials < MIN_OFFICIALS:
            raise CommandError(f"--officials 至少为 {MIN_OFFICIALS}。")
        if Official.objects.exists() or OrgUnit.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有数据，未重新生成演示数据。")
                self._print_logins()
                return
            raise CommandError("数据库中已有单位或干部数据，拒绝生成演示数据；请在全新的数据库上运行"
                               "（或加 --if-empty 在已有数据时跳过）。")
        taken = list(User.objects.filter(username__in=DEMO_USERS).values_list("username", flat=True))
        if taken:
            raise CommandError(f"演示账号已存在：{', '.join(sorted(taken))}；请在全新的数据库上运行。")

        rng = random.Random(seed)
        today = timezone.localdate()
        # Under DEBUG every query is logged, which doubles the time of the bulk inserts; a seed needs no log.
        debug, settings.DEBUG = settings.DEBUG, False
        try:
            self._build(rng, today, officials)
        finally:
            settings.DEBUG = debug
        self._print_logins()
        if bench_logins:
            call_command("bench_logins", stdout=self.stdout)

    def _build(self, rng: random.Random, today: date, officials: int) -> None:
        with transaction.atomic():
            OrgBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build(officials)
            TasksBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build()
            TrainingBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build(officials)
            DisciplineBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build(officials)
            CategoryBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build()
            LeaveBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build(officials)
            AppraisalBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build(officials)
            QuarterlyBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build(officials)
            AnnualBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build()
            BallotsBuilder(rng=rng, today=today, stdout=self.stdout, style=self.style).build()

    def _print_logins(self) -> None:
        existing = set(User.objects.filter(username__in=DEMO_USERS).values_list("username", flat=True))
        if not existing:
            return
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role in LOGINS:
            if username in existing:
                self.stdout.write(f"  {username:<10} {role}")
