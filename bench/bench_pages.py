"""Time, one request at a time and in-process, every page the load test browses: the server's own time per page.

Run from the project root against the database the load test uses (see bench/README.md, section 2):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadre_bench .venv/bin/python bench/bench_pages.py \\
        [--users head,orgadmin] [--runs 10] [--jit both] [--pages 'training|ranking'] [--json out.json]

For each user (default ``head``, the culture bureau's head, and ``orgadmin``, the county's organization
department) it signs in with the test client (``force_login``), opens the home page, collects its links as
``loadtest.py`` does (``bench/pagelinks.py``), and requests each page 2 times to warm up and then ``--runs``
times, one after the other. It prints per page and user the median, minimum and maximum milliseconds of the whole
Django request cycle (middleware, view, queries, template rendering — no network, no WSGI server), the SQL queries
and the size of the answer, slowest first. ``--jit off`` runs every query with ``SET jit = off`` (PostgreSQL);
``--jit both`` times each page with JIT on and off, alternating. It exits 1 if an answer is not 200.

It runs with ``DEBUG`` off, as gunicorn does in ``bench/serve.sh`` (a throw-away ``SECRET_KEY`` unless one is set):
``DEBUG=1`` adds query logging and template debugging to every request.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pagelinks import page_links, page_name  # noqa: E402

from org.models import User  # noqa: E402


def set_jit(mode: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET jit = {'on' if mode == 'on' else 'off'}")


def time_page(client: Client, path: str, runs: int, warmup: int) -> dict[str, Any]:
    """Request ``path`` ``warmup`` then ``runs`` times; return the timings and what the last answer was."""
    for _ in range(warmup):
        client.get(path)
    timings: list[float] = []
    status, queries, size = 0, 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        status, queries, size = response.status_code, len(captured.captured_queries), len(response.content)
    return {"median": statistics.median(timings), "min": min(timings), "max": max(timings), "status": status,
            "queries": queries, "kib": size / 1024}


def jit_explain(client: Client, path: str) -> list[dict[str, Any]]:
    """EXPLAIN ANALYZE, with JIT on then off, the page's SELECTs whose cost reaches ``jit_above_cost``."""
    if connection.vendor != "postgresql":
        return []
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit_above_cost')::float")
        threshold = cursor.fetchone()[0]
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            cost = cursor.fetchone()[0][0]["Plan"]["Total Cost"]
            if cost < threshold:
                continue
            figures: dict[str, Any] = {"sql": sql, "cost": cost}
            for mode in ("on", "off"):
                cursor.execute(f"SET jit = {mode}")
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0][0]
                figures[f"{mode}_ms"] = plan["Planning Time"] + plan["Execution Time"]
                if mode == "on":
                    jit = plan.get("JIT") or {}
                    figures["functions"] = jit.get("Functions", 0)
                    figures["jit_ms"] = (jit.get("Timing") or {}).get("Total", 0.0)
                    if isinstance(figures["jit_ms"], dict):  # PostgreSQL 16+ gives each part with its duration
                        figures["jit_ms"] = figures["jit_ms"].get("Duration", 0.0)
            cursor.execute("RESET jit")
            found.append(figures)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", default="head,orgadmin", help="comma-separated logins (default %(default)s)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--jit", choices=["default", "on", "off", "both"], default="default",
                        help="PostgreSQL JIT: the server's setting, on, off, or each page with both")
    parser.add_argument("--pages", help="only the pages whose name matches this regular expression")
    parser.add_argument("--jit-explain", action="store_true",
                        help="also EXPLAIN ANALYZE, JIT on and off, each SELECT of the page that PostgreSQL would "
                             "JIT-compile (planned cost over jit_above_cost)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    modes = ["on", "off"] if args.jit == "both" else [args.jit]
    rows: list[dict[str, Any]] = []
    failed = False
    for username in [u.strip() for u in args.users.split(",") if u.strip()]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        home = client.get("/")
        if home.status_code != 200:
            print(f"{username}: / answered {home.status_code}", file=sys.stderr)
            return 1
        links = page_links(home.content.decode(), "http://testserver/")
        if "/" not in links:
            links.insert(0, "/")
        seen: set[str] = set()
        for path in links:
            name = page_name(path)
            if name in seen or (args.pages and not re.search(args.pages, name)):
                continue
            seen.add(name)
            row: dict[str, Any] = {"page": name, "path": path, "user": username}
            for mode in modes:
                if mode != "default":
                    set_jit(mode)
                row[mode] = time_page(client, path, args.runs, args.warmup)
                failed |= row[mode]["status"] != 200
            if args.jit_explain:
                row["jit_explain"] = jit_explain(client, path)
            rows.append(row)
    if args.jit != "default":
        set_jit("on")

    first = modes[0]
    rows.sort(key=lambda r: -r[first]["median"])
    head = " | ".join(f"{m} median | min | max" if len(modes) > 1 else "median ms | min | max" for m in modes)
    print(f"| page | user | {head} | queries | KiB | status |")
    print("| --- | --- | " + " | ".join("---: | ---: | ---:" for _m in modes) + " | ---: | ---: | ---: |")
    for row in rows:
        figures = " | ".join(f"{row[m]['median']:.0f} | {row[m]['min']:.0f} | {row[m]['max']:.0f}" for m in modes)
        last = row[modes[-1]]
        print(f"| {row['page']} | {row['user']} | {figures} | {last['queries']} | {last['kib']:.0f} | "
              f"{last['status']} |")
    db = connection.settings_dict
    print(f"\n{len(rows)} pages; database {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; {args.runs} runs each "
          f"after {args.warmup} to warm up; JIT {args.jit}.")
    for row in rows:
        for found in row.get("jit_explain", []):
            print(f"  {row['page']} ({row['user']}): a SELECT of cost {found['cost']:.0f} — JIT on "
                  f"{found['on_ms']:.0f} ms ({found['functions']} functions compiled in {found['jit_ms']:.0f} ms), "
                  f"off {found['off_ms']:.0f} ms: {found['sql'][:100]}…")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
