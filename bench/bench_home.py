"""Time the home page of things to do (待办) for each demo role, and each of its blocks, against a seeded database.

Run from the project root (see bench/README.md, "Home page"):

    DJANGO_SETTINGS_MODULE=cadre_mgmt.settings DEBUG=1 ALLOWED_HOSTS=testserver \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadre_home .venv/bin/python bench/bench_home.py [--runs 20]

For each of ``staff``, ``head``, ``orgadmin`` and ``inspector`` (the demo logins) it requests ``/`` with the test
client's ``force_login`` a few times to warm up, then ``--runs`` times, and prints the median, minimum and maximum
in milliseconds and the SQL queries per request; then the time of each to-do provider alone (median of the same
runs), to show which block costs what; then the month's readiness page and the page the first to-do line opens.
It exits non-zero when an answer is not 200 or a home page's median is over ``--budget`` milliseconds (150).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
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

from org import home  # noqa: E402
from org.models import Official, User  # noqa: E402

USERS = ("staff", "head", "orgadmin", "inspector")


def timed(call: Callable[[], object], runs: int, warmup: int) -> tuple[list[float], int, object]:
    """Run ``call`` ``warmup`` then ``runs`` times; return the timings (ms), the queries of the last run and its
    result."""
    for _ in range(warmup):
        call()
    timings: list[float] = []
    queries, result = 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = call()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    return timings, queries, result


def row(label: str, timings: list[float], queries: int, extra: str = "") -> None:
    print(f"{label:<44} {statistics.median(timings):>8.1f} {min(timings):>8.1f} {max(timings):>8.1f} "
          f"{queries:>8} {extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget", type=float, default=150.0, help="the home page's median budget in ms")
    args = parser.parse_args()
    print(f"{Official.objects.filter(is_active=True).count()} active officials; {connection.vendor}; "
          f"{args.runs} runs after {args.warmup} warm-up\n")
    print(f"{'request':<44} {'median':>8} {'min':>8} {'max':>8} {'queries':>8}")
    failures = 0
    first_links: dict[str, str] = {}
    for username in USERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        timings, queries, response = timed(lambda c=client: c.get("/"), args.runs, args.warmup)
        status = response.status_code  # type: ignore[attr-defined]
        over = statistics.median(timings) > args.budget
        failures += status != 200 or over
        row(f"GET / as {username}", timings, queries, f"{status}{'  OVER BUDGET' if over else ''}")
        blocks = home.todos_for(User.objects.get(pk=user.pk))
        first = next((i.url for b in blocks for i in b.items if i.to_do and i.url), "")
        if first:
            first_links[username] = first
    print("\nEach to-do provider alone (a fresh user object each run, so the access is loaded too):")
    for username in USERS:
        user = User.objects.get(username=username)
        roles = home.roles_on_home(user)
        for role, provider in home.todo_providers():
            if role not in roles:
                continue
            timings, queries, _items = timed(lambda p=provider, pk=user.pk: p(User.objects.get(pk=pk)),
                                             args.runs, args.warmup)
            row(f"  {username}: {provider.__module__}.{provider.__name__}", timings, queries - 3)
    print("\nThe first to-do line's page, and the readiness page:")
    pages = [(username, url) for username, url in first_links.items()]
    pages.append(("orgadmin", "/appraisal/readiness/"))
    for username, url in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        timings, queries, response = timed(lambda c=client, u=url: c.get(u), args.runs, args.warmup)
        status = response.status_code  # type: ignore[attr-defined]
        failures += status != 200
        row(f"{username}: {url}"[:44], timings, queries, str(status))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
