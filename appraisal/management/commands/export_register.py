from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.models import AppraisalPeriod
from appraisal.scoring.periods import parse_period_key
from appraisal.services.exports import register_write
from common.errors import ApplicationError
from org.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Write the appraisal register (考核登记表) of a period to an .xlsx file: one row per official with each "
        "component, bonus, deductions, total, ranks, grade (year periods) and remarks, and a summary sheet by "
        "unit. PERIOD is like 2026-W43, 2026-10, 2026-Q3 or 2026; --unit limits it to a unit's subtree."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="period key, e.g. 2026-10")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--unit", help="unit code (default: all units)")

    def handle(self, *args: Any, period: str, out: str, unit: str | None = None, **options: Any) -> None:
        try:
            key = parse_period_key(period).key
        except ApplicationError as error:
            raise CommandError(error.message) from error
        found = AppraisalPeriod.objects.filter(key=key).first()
        if found is None:
            raise CommandError(f"没有考核期 {key}")
        chosen = None
        if unit:
            chosen = OrgUnit.objects.filter(code=unit).first()
            if chosen is None:
                raise CommandError(f"没有单位编码 {unit}")
        rows = register_write(period=found, target=out, unit=chosen)
        self.stdout.write(self.style.SUCCESS(f"{key}: {rows} 行 → {out}"))
