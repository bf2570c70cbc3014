from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.scoring.periods import parse_period_key
from appraisal.services.derive_training import training_feed
from common.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Feed the training facts of a period into the appraisal ledger now: −1 for each unexcused absence from "
        "a required collective study, the lecture bonus for each session given by an official, and public "
        "criticism flags for three or more unexcused absences in a quarter. PERIOD is 2026-W43, 2026-10, "
        "2026-Q3 or 2026. Re-running changes nothing. Run it before the period's rollup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="period key: 2026-W43, 2026-10, 2026-Q3 or 2026")

    def handle(self, *args: Any, period: str, **options: Any) -> None:
        try:
            span = parse_period_key(period)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        counts = training_feed(start=span.start, end=span.end)
        summary = ", ".join(f"{name} {value}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{span.key} ({span.start} – {span.end}): {summary}"))
