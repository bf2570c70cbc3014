"""Time the training progress of every active official for a year against the current database.

Run from the project root (see bench/README.md), after ``migrate`` and ``seed_demo``:

    DJANGO_SETTINGS_MODULE=cadre_mgmt.settings DEBUG=1 .venv/bin/python bench/bench_training.py [--year 2026]

It prints the seconds and the SQL statements of ``training_progress`` (it must be one or two queries).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from training.selectors.progress import training_progress  # noqa: E402


def bench_progress(year: int | None = None) -> tuple[float, int, int]:
    """Time ``training_progress`` for all active officials; print and return seconds, queries, officials."""
    year = year or timezone.localdate().year
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = training_progress(year=year)
        seconds = time.perf_counter() - started
    queries = len(captured.captured_queries)
    behind = sum(1 for p in result.values() if p.behind)
    print(f"training_progress {year}: {len(result)} officials ({behind} behind) in {seconds:.3f} s, "
          f"{queries} SQL statement(s)")
    if not 1 <= queries <= 2:
        raise SystemExit(f"expected 1-2 queries, got {queries}")
    return seconds, queries, len(result)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None)
    bench_progress(parser.parse_args().year)
