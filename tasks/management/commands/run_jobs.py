from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks import jobs

JOBS = {"daily": jobs.daily, "weekly": jobs.weekly, "monthly": jobs.monthly}


class Command(BaseCommand):
    help = (
        "Run a periodic job now, in this process (the same work Celery beat schedules).\n"
        "  daily    on day D: mark open tasks past their deadline overdue, remind responsible officials of\n"
        "           deadlines within DEADLINE_REMINDER_DAYS, notify about supervision letters not replied by\n"
        "           their deadline;\n"
        "  weekly   on day D: notify heads of open tasks without a weekly update for the ISO week before D's\n"
        "           week (run on a Monday, that is the week just ended);\n"
        "  monthly  on day D: flag missing and late monthly reports of the month before D's month, provided\n"
        "           its deadline (MONTHLY_REPORT_DEADLINE_DAY of D's month) is before D; otherwise nothing.\n"
        "D is --date (default today). Re-running a job for the same day changes nothing."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", choices=sorted(JOBS), help="which job to run")
        parser.add_argument("--date", dest="day", metavar="YYYY-MM-DD", help="run as if today were this day")

    def handle(self, *args: Any, job: str, day: str | None = None, **options: Any) -> None:
        if day is not None:
            try:
                date.fromisoformat(day)
            except ValueError as error:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{day}") from error
        result = JOBS[job](day)
        summary = "，".join(f"{key}={value}" for key, value in result.items())
        self.stdout.write(self.style.SUCCESS(f"{job}: {summary}"))
