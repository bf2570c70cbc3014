"""The rollup against its SQL floor, in the same run on the same PostgreSQL database: how far the product's rollup
is from one statement doing the same work, and where its time goes.

Run from the project root on a seeded demo (``seed_demo --officials 10000`` on PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadre_bench .venv/bin/python bench/bench_rollup_floor.py \\
        [--month 2026-11 --quarter 2026-Q3 --year 2026] [--runs 5] [--jit both] [--json out.json]

For a month, a quarter and a year (by default the last complete month, the last complete quarter and the year; they
must be open: a published period refuses a rollup) it:

1. runs the real rollup (``rollup_period``, as the page and the job run it) once to warm up and ``--runs`` times,
   and prints the median seconds and the SQL statements; once more with every statement timed
   (``connection.execute_wrapper``), to say per phase of the rollup (derive the ledger, the component providers,
   the scores and ranks, the upsert) how much is SQL and how much Python between statements, and which statements
   cost most; and the median of the rollup without the derivation (``derive=False``: the work the floor does);
2. runs the floor: ONE ``INSERT … SELECT … ON CONFLICT DO UPDATE`` statement (``FLOOR_SQL``) that computes from
   the same facts and ledger everything the scores are made of — the officials' top-level unit for the period
   (from their posts, as ``appraisal.selectors.transfers``), the four component ratios (work, timeliness, evaluation,
   training: the providers' arithmetic and rounding), the scheme weights scaled to the present components, each
   ledger rule's sum clamped to its cap, the bonus, deduction and total, and both competition ranks (in the
   top-level unit; among the same unit category and rank level) — and upserts the scorecards, ``--runs`` times;
3. checks the floor against the rollup: unit, component total, bonus, deduction, total and both ranks equal for
   every official (it stops with the differences otherwise: then it is not the floor of the same work).

The floor writes into a scratch copy of the scorecard table (``bench_floor_scorecard``: ``LIKE
appraisal_scorecard INCLUDING ALL``, so the same unique index and defaults, no foreign keys), created and dropped
by the script; the real table is never touched by the floor. It is timed twice: into the empty copy (every row
inserted), and into the copy holding the rollup's scorecards of the period (the rollup's own situation on a
re-run: the upsert finds every row and, like ``_upsert``, rewrites only rows that changed — none when the figures
agree). The configuration the statement reads as parameters (the scheme weights resolved per unit category and rank
level, the rules' caps, the component constants, the hour targets) is read before the clock starts: a handful of
tiny queries, timed separately.

Not in the floor: the ``components`` JSON with each component's inputs (the floor stores each component's points
only), the deletion of scorecards of officials who left, the unit scorecards, the run's progress rows and the
derivation of the ledger from the facts (compare it with the rollup's ``derive=False`` figure, or subtract the
derive phase). ``--jit both`` times the rollup and the floor with PostgreSQL's JIT on and off (``SET jit``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402
from floor_sql import COMPARED, FLOOR_SQL, SCRATCH, floor_parameters  # noqa: E402

from appraisal.models import AppraisalPeriod, PeriodStatus  # noqa: E402
from appraisal.scoring.periods import period_key_for  # noqa: E402
from appraisal.services.periods import period_get_or_create  # noqa: E402
from appraisal.services.rollup import rollup_period  # noqa: E402
from tasks.models import MonthlyReport  # noqa: E402


class Recorder:
    """Record every statement's start, end and text (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float, str, Any]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append((started, time.perf_counter(), sql, params))


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        yield recorder


def set_jit(on: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {'on' if on else 'off'}")


def timed(action: Callable[[], Any], runs: int) -> tuple[list[float], int]:
    """Run ``action`` once to warm up, then ``runs`` times; return the seconds and the statements of the last."""
    action()
    seconds: list[float] = []
    statements = 0
    for _ in range(runs):
        with recording() as recorder:
            started = time.perf_counter()
            action()
            seconds.append(time.perf_counter() - started)
        statements = len(recorder.calls)
    return seconds, statements


PHASES = {5: "derive ledger", 30: "components", 55: "scores and ranks", 75: "save", 100: "done"}


def _label(sql: str) -> str:
    """A statement's short name: its verb and main table (the first one named outside parentheses)."""
    text = re.sub(r"\s+", " ", sql).strip()
    verb = text.split(" ", 1)[0].upper()
    depth, outer = 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        outer.append(char if depth == 0 and char != ")" else " ")
    table = re.search(r'(?:FROM|INTO|UPDATE) "?([a-z_]+)"?', "".join(outer), re.IGNORECASE)
    return f"{verb} {table.group(1) if table else '?'}"


def profile(period: AppraisalPeriod) -> dict[str, Any]:
    """One more rollup with every statement timed: per phase, SQL and Python seconds; the costliest statements."""
    with recording() as recorder:
        started = time.perf_counter()
        rollup_period(period=period)
        finished = time.perf_counter()
    phase, marks = "start", []
    per_phase: dict[str, dict[str, float]] = defaultdict(lambda: {"sql": 0.0, "statements": 0, "from": 0.0})
    statements: list[dict[str, Any]] = []
    for begin, end, sql, params in recorder.calls:
        if sql.startswith('UPDATE "appraisal_rolluprun"') and params:
            progress = next((p for p in params if isinstance(p, int) and p in PHASES), None)
            if progress is not None:
                phase = PHASES[progress]
                marks.append((phase, begin))
        per_phase[phase]["sql"] += end - begin
        per_phase[phase]["statements"] += 1
        statements.append({"phase": phase, "ms": (end - begin) * 1000, "what": _label(sql), "sql": sql[:300]})
    bounds = [("start", started), *marks, ("end", finished)]
    phases = []
    for (name, begin), (_next, end) in itertools.pairwise(bounds):
        if name == "end":
            continue
        sql = per_phase[name]["sql"]
        phases.append({"phase": name, "seconds": end - begin, "sql": sql, "python": end - begin - sql,
                       "statements": int(per_phase[name]["statements"])})
    statements.sort(key=lambda s: -s["ms"])
    return {"seconds": finished - started, "statements": len(recorder.calls), "phases": phases,
            "costliest": statements[:12]}


# -- the floor -------------------------------------------------------------------------------------------------------
def scratch_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} (LIKE appraisal_scorecard INCLUDING ALL)")


def scratch_fill(period: AppraisalPeriod, *, from_rollup: bool) -> None:
    """Empty the scratch table, or give it the rollup's scorecards of the period (its state on a re-run)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {SCRATCH}")
        if from_rollup:
            cursor.execute(f"INSERT INTO {SCRATCH} SELECT * FROM appraisal_scorecard WHERE period_id = %s",
                           [period.pk])
        cursor.execute(f"ANALYZE {SCRATCH}")


def floor_sql(parameters: dict[str, Any]) -> str:
    """The statement with the scheme weights and the pro-rata training targets written in."""
    return FLOOR_SQL.replace("__WEIGHTS__", parameters["__weights__"]).replace("__PRORATA__",
                                                                              parameters["__prorata__"])


def floor_run(parameters: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(floor_sql(parameters), parameters)
        return cursor.rowcount


def floor_check(period: AppraisalPeriod) -> int:
    """Compare the floor's scorecards (in the scratch table) with the rollup's; return how many were compared."""
    columns = ", ".join(["official_id", *COMPARED])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM appraisal_scorecard WHERE period_id = %s ORDER BY official_id",
                       [period.pk])
        real = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(f"SELECT {columns} FROM {SCRATCH} WHERE period_id = %s ORDER BY official_id", [period.pk])
        floor = {row[0]: row[1:] for row in cursor.fetchall()}
    differing = [(pk, real.get(pk), floor.get(pk)) for pk in sorted(real.keys() | floor.keys())
                 if real.get(pk) != floor.get(pk)]
    if differing:
        print(f"\nThe floor differs from the rollup for {len(differing)} of {len(real)} officials "
              f"({', '.join(COMPARED)}):", file=sys.stderr)
        for pk, a, b in differing[:15]:
            print(f"  official {pk}:\n    rollup {a}\n    floor  {b}", file=sys.stderr)
        raise SystemExit(2)
    return len(real)


# -- the run ---------------------------------------------------------------------------------------------------------
def default_keys() -> list[str]:
    """The last complete month with monthly reports, the last complete quarter, and the year."""
    latest = MonthlyReport.objects.aggregate(m=Max("month"))["m"] or timezone.localdate()
    month = min(latest, timezone.localdate().replace(day=1) - timedelta(days=1))
    quarter_end = date(month.year, (month.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)
    if (month.month % 3) == 0:
        quarter_end = month
    return [period_key_for("month", month), period_key_for("quarter", quarter_end), str(month.year)]


def bench_period(key: str, runs: int, jit_modes: list[bool | None]) -> dict[str, Any]:
    period = period_get_or_create(key=key)
    if period.status == PeriodStatus.PUBLISHED:
        raise SystemExit(f"{key} is published: a rollup is refused. Choose an open or closed period.")
    result: dict[str, Any] = {"period": key, "kind": period.kind}
    for jit in jit_modes:
        tag = "default" if jit is None else ("jit_on" if jit else "jit_off")
        if jit is not None:
            set_jit(jit)
        real, real_statements = timed(lambda: rollup_period(period=period), runs)
        bare, bare_statements = timed(lambda: rollup_period(period=period, derive=False), runs)
        period.refresh_from_db()
        config_started = time.perf_counter()
        parameters = floor_parameters(period)
        config = time.perf_counter() - config_started
        scratch_fill(period, from_rollup=False)
        empty: list[float] = []
        for _ in range(runs):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {SCRATCH}")
            started = time.perf_counter()
            written = floor_run(parameters)
            empty.append(time.perf_counter() - started)
        officials = floor_check(period)
        scratch_fill(period, from_rollup=True)
        rerun: list[float] = []
        changed = 0
        for _ in range(runs):
            started = time.perf_counter()
            changed = floor_run(parameters)
            rerun.append(time.perf_counter() - started)
        floor_check(period)
        result[tag] = {
            "rollup": statistics.median(real), "rollup_min": min(real), "rollup_statements": real_statements,
            "rollup_no_derive": statistics.median(bare), "rollup_no_derive_statements": bare_statements,
            "floor_empty": statistics.median(empty), "floor_rerun": statistics.median(rerun),
            "floor_rows_inserted": written, "floor_rows_changed_on_rerun": changed, "floor_config": config,
            "officials": officials,
        }
    if jit_modes != [None]:
        set_jit(True)
    result["profile"] = profile(period)
    return result


def print_result(result: dict[str, Any]) -> None:
    for tag in ("default", "jit_on", "jit_off"):
        if tag not in result:
            continue
        r = result[tag]
        print(f"{result['period']:8} {tag:8} rollup {r['rollup']:.3f} s ({r['rollup_statements']} statements; "
              f"min {r['rollup_min']:.3f}) | without derive {r['rollup_no_derive']:.3f} s "
              f"({r['rollup_no_derive_statements']}) | floor {r['floor_empty']:.3f} s into an empty table, "
              f"{r['floor_rerun']:.3f} s as a re-run ({r['floor_rows_changed_on_rerun']} rows changed) | "
              f"ratio {r['rollup'] / r['floor_rerun']:.1f}× (re-run), {r['rollup'] / r['floor_empty']:.1f}× (empty); "
              f"without derive {r['rollup_no_derive'] / r['floor_rerun']:.1f}× | {r['officials']} officials, "
              f"equal; configuration read in {r['floor_config'] * 1000:.0f} ms")
    p = result["profile"]
    print(f"  where the rollup's {p['seconds']:.3f} s go ({p['statements']} statements):")
    for phase in p["phases"]:
        print(f"    {phase['phase']:18} {phase['seconds']:.3f} s: SQL {phase['sql']:.3f} s in {phase['statements']} "
              f"statements, Python {phase['python']:.3f} s")
    print("  costliest statements:")
    for s in p["costliest"][:8]:
        print(f"    {s['ms']:7.1f} ms  {s['phase']:18} {s['what']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--month")
    parser.add_argument("--quarter")
    parser.add_argument("--year")
    parser.add_argument("--only", help="comma-separated period keys instead of the three")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jit", choices=["default", "both"], default="default")
    parser.add_argument("--json")
    parser.add_argument("--keep-scratch", action="store_true", help="leave bench_floor_scorecard for inspection")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The floor is a PostgreSQL statement: point DATABASE_URL at PostgreSQL.")
    month, quarter, year = default_keys()
    keys = args.only.split(",") if args.only else [args.month or month, args.quarter or quarter, args.year or year]
    jit_modes: list[bool | None] = [True, False] if args.jit == "both" else [None]
    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit_setting = cursor.fetchone()[0]
    print(f"database {db['NAME']}; periods {', '.join(keys)}; median of {args.runs} runs after one to warm up; "
          f"server jit = {jit_setting}")
    scratch_create()
    results = []
    try:
        for key in keys:
            results.append(bench_period(key, args.runs, jit_modes))
            print_result(results[-1])
    finally:
        if not args.keep_scratch:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
