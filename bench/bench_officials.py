"""Time the main pages and the officials API against a database seeded with ``seed_demo``.

Run from the project root (see bench/README.md):

    DJANGO_SETTINGS_MODULE=cadre_mgmt.settings DEBUG=1 ALLOWED_HOSTS=testserver,127.0.0.1,localhost \\
        DATABASE_URL=sqlite:////tmp/seed10k.sqlite3 .venv/bin/python bench/bench_officials.py [--runs 20]

Signs in as ``orgadmin`` (organization department on the root: sees the whole county) with the test
client's ``force_login``, requests each URL a few times to warm up, then ``--runs`` times, and prints
the median and spread in milliseconds, the number of SQL queries per request and the response size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from org.models import Official, OrgUnit, User  # noqa: E402


def cases() -> list[tuple[str, str]]:
    """(label, URL) pairs; the filters use the seeded county's codes and most common surname."""
    culture = OrgUnit.objects.filter(code="WL").first()
    unit_code = culture.code if culture else OrgUnit.objects.order_by("path").values_list("code", flat=True)[1]
    return [
        ("officials, first page", "/officials/"),
        (f"officials, unit={unit_code} subtree", f"/officials/?unit={unit_code}"),
        ("officials, search q=王", "/officials/?q=王"),
        ("officials, search staff no.", "/officials/?q=A0050"),
        ("officials, page 200", "/officials/?page=200"),
        ("home, to do", "/"),
        ("roster statistics", "/statistics/"),
        ("unit tree", "/units/"),
        ("API officials page_size=100", "/api/v1/officials/?page_size=100"),
        (f"API officials unit={unit_code}", f"/api/v1/officials/?unit={unit_code}&page_size=100"),
        ("task board", "/tasks/board/"),
        ("task board, overdue", "/tasks/board/?overdue=on"),
        ("weekly updates missing", "/tasks/weekly-missing/"),
        ("published reports board", "/reports/board/"),
        ("supervision letters", "/letters/"),
        ("API tasks page_size=100", "/api/v1/tasks/?page_size=100"),
        ("API monthly reports page_size=100", "/api/v1/monthly-reports/?page_size=100"),
        ("API weekly updates page_size=100", "/api/v1/weekly-updates/?page_size=100"),
    ]


def measure(client: Client, url: str, runs: int, warmup: int) -> dict[str, float | int]:
    for _ in range(warmup):
        client.get(url)
    timings = []
    queries = 0
    size = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
        timings.append(elapsed * 1000)
        queries = len(captured.captured_queries)
        size = len(response.content)
        status = response.status_code
    return {
        "median": statistics.median(timings),
        "min": min(timings),
        "max": max(timings),
        "queries": queries,
        "kb": size / 1024,
        "status": status,
    }


def pad(text: str, width: int) -> str:
    """Left-justify ``text`` in ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--user", default="orgadmin")
    args = parser.parse_args()

    user = User.objects.filter(username=args.user).first()
    if user is None:
        print(f"No user {args.user!r}: seed the database first (manage.py seed_demo --officials 10000).")
        return 1
    db = connection.settings_dict
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; "
          f"{Official.objects.count()} officials, {OrgUnit.objects.count()} units; "
          f"user {args.user}; {args.runs} runs after {args.warmup} warm-up")

    client = Client()
    client.force_login(user)
    print(f"{pad('request', 36)} {'median ms':>10} {'min':>8} {'max':>8} {'queries':>8} {'KiB':>8} status")
    failed = False
    for label, url in cases():
        r = measure(client, url, args.runs, args.warmup)
        failed |= r["status"] != 200
        print(f"{pad(label, 36)} {r['median']:10.1f} {r['min']:8.1f} {r['max']:8.1f} {r['queries']:8d} "
              f"{r['kb']:8.1f} {r['status']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
