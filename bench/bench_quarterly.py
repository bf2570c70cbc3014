"""Time the proposal of a quarter's grades (平时考核) for every official against a seeded database.

Run from the project root (see bench/README.md), after ``migrate`` and ``seed_demo --officials 10000``:

    DJANGO_SETTINGS_MODULE=cadre_mgmt.settings DEBUG=1 \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench10k .venv/bin/python bench/bench_quarterly.py

For a quarter with scorecards (the latest by default, or ``--quarter 2026-Q3``), inside one transaction that is
rolled back at the end (the database is left as it was), ``--runs`` times each:

- **first**: the quarter's grades are deleted, then ``quarterly_grades_propose`` inserts every official's grade
  and its history row;
- **unchanged**: proposed again with nothing changed (reads, nothing written);
- **all moved**: every scorecard's total is moved by a cent first, so every proposal is rewritten (with history).

On PostgreSQL the tables it reads are ``ANALYZE``d first (a freshly seeded database has no statistics, and the
planner then loops over units instead of hashing: 0.9 s instead of 0.06 s for the scorecards), and the foreign keys
are checked at each statement (``SET CONSTRAINTS ALL IMMEDIATE``) so their cost, paid at commit in real use, is in
the figures although the transaction is rolled back. It prints seconds (median and minimum), SQL statements
(Django's ``CaptureQueriesContext``) and the rows written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from appraisal.models import AppraisalPeriod, PeriodKind, QuarterlyGrade, Scorecard  # noqa: E402
from appraisal.services.quarterly_propose import quarterly_grades_propose  # noqa: E402
from org.models import Official, OrgUnit, User  # noqa: E402


class Rollback(Exception):
    """Raised to roll the benchmark's transaction back."""


def measure(action: Callable[[], Any]) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    return elapsed, len(captured.captured_queries), result


def latest_quarter() -> AppraisalPeriod:
    period = (AppraisalPeriod.objects.filter(kind=PeriodKind.QUARTER, scorecards__isnull=False).distinct()
              .order_by("-start").first())
    if period is None:
        raise SystemExit("No quarter has scorecards: seed the database first (manage.py seed_demo --officials 10000).")
    return period


def report(name: str, runs: list[tuple[float, int, Any]], written: int) -> None:
    seconds = [r[0] for r in runs]
    print(f"{name:10} {statistics.median(seconds):8.2f} {min(seconds):6.2f} {runs[-1][1]:8d} "
          f"{runs[-1][2].proposed:9d} {written:8d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quarter", help="a quarter key such as 2026-Q3 (default: the latest with scorecards)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="orgadmin", help="who proposes (organization department on the root)")
    args = parser.parse_args()

    period = AppraisalPeriod.objects.get(key=args.quarter) if args.quarter else latest_quarter()
    by = User.objects.get(username=args.user)
    db = connection.settings_dict
    cards = Scorecard.objects.filter(period=period).count()
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; quarter {period.key}: {cards} scorecards, "
          f"{Official.objects.filter(is_active=True).count()} active officials; {args.runs} runs each "
          f"(in a transaction rolled back at the end)")
    print(f"{'proposal':10} {'median s':>8} {'min s':>6} {'queries':>8} {'proposed':>9} {'history':>8}")
    history = QuarterlyGrade.history.model.objects  # type: ignore[attr-defined]
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            for table in (Scorecard._meta.db_table, QuarterlyGrade._meta.db_table, history.model._meta.db_table,
                          Official._meta.db_table, OrgUnit._meta.db_table):
                cursor.execute(f"ANALYZE {table}")
    try:
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            first, unchanged, moved = [], [], []
            for _run in range(args.runs):
                with connection.cursor() as cursor:  # no history rows for the set-up (the ORM would write 10,000)
                    cursor.execute(f"DELETE FROM {QuarterlyGrade._meta.db_table} WHERE period_id = %s", [period.pk])
                before = history.count()
                first.append(measure(lambda: quarterly_grades_propose(period=period, by=by)))
                first_written = history.count() - before
            report("first", first, first_written)
            for _run in range(args.runs):
                before = history.count()
                unchanged.append(measure(lambda: quarterly_grades_propose(period=period, by=by)))
            report("unchanged", unchanged, history.count() - before)
            for run in range(args.runs):
                Scorecard.objects.filter(period=period).update(total=F("total") + (1 if run % 2 == 0 else -1) / 100)
                before = history.count()
                moved.append(measure(lambda: quarterly_grades_propose(period=period, by=by)))
                moved_written = history.count() - before
            report("all moved", moved, moved_written)
            raise Rollback
    except Rollback:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
