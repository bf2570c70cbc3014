"""Recompute the yearly training sums (``YearHours``) from the attendance and external-training records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from training.services.year_hours import training_years, year_hours_rebuild


class Command(BaseCommand):
    help = "Recompute every official's yearly training hours (the training report's sums) from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="only this year (repeatable); default all")

    def handle(self, *args: Any, **options: Any) -> None:
        for year in options["year"] or training_years():
            count = year_hours_rebuild(year=year)
            self.stdout.write(f"{year}: {count} 名干部有学时记录")
