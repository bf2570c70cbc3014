"""``manage.py annual_jobs [--date YYYY-MM-DD]``: run the annual procedure's daily job now, in this process."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.jobs import annual_daily


class Command(BaseCommand):
    help = ("Remind officials of written notices due within three days and record the notices not signed by "
            "their due date as 未签署 (the job Celery beat runs daily). Re-running it changes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", metavar="YYYY-MM-DD", help="run as if today were this day")

    def handle(self, *args: Any, day: str | None = None, **options: Any) -> None:
        if day is not None:
            try:
                date.fromisoformat(day)
            except ValueError as error:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{day}") from error
        result = annual_daily(day)
        self.stdout.write(self.style.SUCCESS(f"提醒 {result['reminded']} 人，记为未签署 {result['unsigned']} 份。"))
