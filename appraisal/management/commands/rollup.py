from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.models import Scorecard, UnitScorecard
from appraisal.services.periods import period_get_or_create
from appraisal.services.rollup import rollup_period
from common.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Roll up a period now, in this process: derive its ledger entries and compute the scorecards of every "
        "active official and top-level unit, with ranks. PERIOD is 2026-W43 (ISO week), 2026-10 (month), "
        "2026-Q3 (quarter) or 2026 (year); the period is created (open) if needed. An open period's scorecards "
        "are provisional; a closed period's are final and use the scheme frozen at its close. A published "
        "period is refused. Re-running gives the same numbers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="period key: 2026-W43, 2026-10, 2026-Q3 or 2026")
        parser.add_argument("--final", action="store_true",
                            help="require final scorecards: the period must be closed (it then always is final)")

    def handle(self, *args: Any, period: str, final: bool = False, **options: Any) -> None:
        started = time.perf_counter()
        try:
            found = period_get_or_create(key=period)
            run = rollup_period(period=found, final=final)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        elapsed = time.perf_counter() - started
        cards = Scorecard.objects.filter(period=found).count()
        units = UnitScorecard.objects.filter(period=found).count()
        kind = "final" if run.final else "provisional"
        self.stdout.write(self.style.SUCCESS(
            f"{found.key} ({found.start} – {found.end}, {found.get_status_display()}): {kind} rollup, "
            f"{run.officials} officials, {cards} scorecards, {units} unit scorecards in {elapsed:.2f} s"
        ))
