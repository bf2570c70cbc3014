"""``manage.py bench_logins [--orgs N]``: add the load test's logins to a seeded demo (``demo.bench_logins``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.bench_logins import bench_logins_create
from demo.org_data import DEMO_PASSWORD
from org.models import OrgUnit


class Command(BaseCommand):
    help = "Give every top-level unit's head and several organization-department users a demo login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=10,
                            help="organization-department logins in all, orgadmin included (default 10)")

    def handle(self, *args: Any, orgs: int, **options: Any) -> None:
        if not OrgUnit.objects.filter(depth=1).exists():
            raise CommandError("数据库中没有演示数据；请先运行 seed_demo。")
        logins = bench_logins_create(orgs=orgs)
        self.stdout.write(self.style.SUCCESS(
            f"压力测试账号（密码均为 {DEMO_PASSWORD}）：单位负责人 {len(logins.heads)} 个"
            f"（{', '.join(logins.heads[:3])}…），组织部门 {len(logins.orgs)} 个（{', '.join(logins.orgs[:3])}…）。"))
