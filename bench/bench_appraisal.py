"""Time the appraisal rollups and the register export against a seeded database.

Run from the project root (see bench/README.md), after ``migrate`` and ``seed_demo --officials 10000``:

    DJANGO_SETTINGS_MODULE=cadre_mgmt.settings DEBUG=1 \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench10k .venv/bin/python bench/bench_appraisal.py

For a month, a quarter and the year of the seeded history (the latest complete ones by default, or
``--month 2026-10 --quarter 2026-Q3 --year 2026``) it runs ``rollup_period`` ``--runs`` times and prints
the seconds and SQL statements (Django's ``CaptureQueriesContext``; a bulk insert split in batches counts
once per batch here) of the first run (which derives the period's ledger entries) and the median and
minimum of the others (which re-derive and find nothing to change), then the peak Python memory of one
more run under ``tracemalloc`` (not timed: tracing slows Python down several times). The
periods are left open (provisional scorecards); nothing else is changed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from appraisal.models import AppraisalPeriod, RollupRun, Scorecard, ScoreEntry, UnitScorecard  # noqa: E402
from appraisal.scoring.periods import parse_period_key, period_key_for  # noqa: E402
from appraisal.services.exports import register_write  # noqa: E402
from appraisal.services.periods import period_get_or_create  # noqa: E402
from appraisal.services.rollup import rollup_period  # noqa: E402
from org.models import Official, OrgUnit  # noqa: E402
from tasks.models import MonthlyReport  # noqa: E402


def measure(action: Callable[[], Any], *, trace: bool = False) -> tuple[float, int, float, Any]:
    """Run ``action`` once; return seconds, SQL statements, peak MiB allocated by Python (when ``trace``:
    tracemalloc slows Python down several times, so timed runs are not traced), and its result."""
    reset_queries()
    if trace:
        tracemalloc.start()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, len(captured.captured_queries), peak / 2**20, result


def default_keys() -> tuple[str, str, str]:
    """The last complete month with monthly reports, its quarter and its year."""
    latest = MonthlyReport.objects.aggregate(m=Max("month"))["m"]
    if latest is None:
        raise SystemExit("No monthly reports: seed the database first (manage.py seed_demo --officials 10000).")
    last_complete = timezone.localdate().replace(day=1) - timedelta(days=1)
    month = min(latest, last_complete)
    return period_key_for("month", month), period_key_for("quarter", month), period_key_for("year", month)


def bench_rollup(keys: list[str], runs: int) -> None:
    print(f"{'rollup':8} {'first s':>8} {'queries':>8} {'median s':>9} {'min s':>6} {'queries':>8} "
          f"{'peak MiB':>9} {'officials':>9} {'units':>6} {'entries':>8}")
    for key in keys:
        period = period_get_or_create(key=key)

        def action(period: AppraisalPeriod = period) -> RollupRun:
            return rollup_period(period=period)

        first = measure(action)  # derives the period's ledger entries (inserts them on a fresh database)
        timed = [measure(action) for _ in range(max(runs - 1, 1))]
        traced = measure(action, trace=True)
        run = first[3]
        entries = ScoreEntry.objects.filter(occurred_on__gte=period.start, occurred_on__lte=period.end).count()
        print(f"{key:8} {first[0]:8.2f} {first[1]:8d} {statistics.median(t[0] for t in timed):9.2f} "
              f"{min(t[0] for t in timed):6.2f} {timed[-1][1]:8d} {traced[2]:9.1f} {run.officials:9d} "
              f"{UnitScorecard.objects.filter(period=period).count():6d} {entries:8d}")
        assert Scorecard.objects.filter(period=period).count() == run.officials
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory so far: {rss:.0f} MiB")


def export_register(period_key: str) -> dict[str, Any]:
    """Export the whole register of a period to a temporary file and return the time, queries and memory.

    The first run is timed (no tracing); a second run under ``tracemalloc`` gives the peak of Python
    allocations. ``ru_maxrss`` is the process's peak resident size so far (Django and the data included).
    """
    period = AppraisalPeriod.objects.get(key=parse_period_key(period_key).key)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            rows = register_write(period=period, target=path)
            seconds = time.perf_counter() - started
        size = os.path.getsize(path)
        tracemalloc.start()
        register_write(period=period, target=path)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        os.unlink(path)
    return {
        "rows": rows, "seconds": round(seconds, 2), "queries": len(queries.captured_queries),
        "peak_traced_mb": round(peak / 1048576, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "file_kb": size // 1024, "at": timezone.now().isoformat(timespec="seconds"),
    }


def bench_export(keys: list[str]) -> None:
    """Time the register export of each rolled-up period (``appraisal.services.exports.register_write``)."""
    for key in keys:
        result = export_register(key)
        print(f"export {key:7} " + ", ".join(f"{name}={value}" for name, value in result.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5,
                        help="timed rollups per period (the first derives the ledger); one more traced for memory")
    parser.add_argument("--month")
    parser.add_argument("--quarter")
    parser.add_argument("--year")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()

    month, quarter, year = default_keys()
    keys = [args.month or month, args.quarter or quarter, args.year or year]
    db = connection.settings_dict
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; "
          f"{Official.objects.filter(is_active=True).count()} active officials, {OrgUnit.objects.count()} units, "
          f"{MonthlyReport.objects.count()} monthly reports; {args.runs} runs per period")
    bench_rollup(keys, args.runs)
    if not args.skip_export:
        bench_export(keys)
    return 0


if __name__ == "__main__":
    sys.exit(main())
