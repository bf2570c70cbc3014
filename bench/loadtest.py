"""Load-test a running server as its users would: N users signed in through the login form, each following the
links of their home page in turn with a think time, for a fixed duration.

    .venv/bin/python bench/loadtest.py --url http://127.0.0.1:8001 --users 20 --duration 120 --think 1

Each user signs in through the real login form (the CSRF token read from it), opens the home page, collects its
links (same origin, GET; not the logout, files, the admin or static files — ``bench/pagelinks.py``) and follows
them in turn, starting at a different one for each user, waiting ``--think`` seconds ± half between requests,
until ``--duration`` has passed. It prints per page (ids and period keys replaced by ``<id>``/``<period>``) the
requests, errors and the 50th/95th/99th percentiles in milliseconds (nearest rank; measured from sending the
request to the last byte of the answer, redirects followed), then the totals, and exits 1 if any request failed:
an answer of 400 or more, a redirect to the login page (the session lost), a time-out or a broken connection.

The users are the demo's heads and organization-department logins, in turn (head, orgadmin, head_<unit>, org02,
…): ``--logins a,b,c`` or ``--logins @file`` (one per line) names them; without it they are read from the database
of ``DATABASE_URL`` (``demo.bench_logins``: ``manage.py bench_logins`` creates them on a seeded demo).

The server is taken to sit behind a TLS proxy, as in production: every request carries ``X-Forwarded-Proto:
https`` (so the secure session cookie and CSRF checks work over plain HTTP on localhost) and the cookies are kept
here, not by httpx, whose jar would not send a ``Secure`` cookie over ``http://``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The project first on the path, before the standard library's probe for Jython (``from org.python.core import``
# in ``copy``) can import an ``org`` package from elsewhere (an editable install of another checkout).
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import httpx  # noqa: E402
from pagelinks import page_links, page_name, percentile  # noqa: E402

LOGIN_PATH = "/accounts/login/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEMO_PASSWORD = "demo-pass-2026"


@dataclass
class Sample:
    page: str
    ms: float
    status: int
    error: str = ""


@dataclass
class User:
    username: str
    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "cadre-loadtest/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra)
        return headers

    def keep(self, response: httpx.Response) -> None:
        """Keep the cookies every answer of a chain set (or deleted)."""
        for answer in [*response.history, response]:
            for header in answer.headers.get_list("set-cookie"):
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value


def read_logins(spec: str | None, users: int) -> list[str]:
    """Return ``users`` usernames: heads and organization-department users in turn."""
    if spec:
        text = Path(spec[1:]).read_text() if spec.startswith("@") else spec
        names = [n.strip() for n in re.split(r"[,\s]+", text) if n.strip()]
    else:
        names = _logins_from_database()
    if len(names) < users:
        raise SystemExit(f"{users} users wanted but only {len(names)} logins: run `manage.py bench_logins` on the "
                         "demo database (or pass --logins).")
    return names[:users]


def _logins_from_database() -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
    os.environ.setdefault("DEBUG", "1")  # only to read the user names
    import django

    django.setup()
    from demo.bench_logins import bench_logins

    logins = bench_logins()
    names: list[str] = []
    for index in range(max(len(logins.heads), len(logins.orgs))):
        names += [pool[index] for pool in (logins.heads, logins.orgs) if index < len(pool)]
    return names


async def sign_in(client: httpx.AsyncClient, user: User, password: str) -> float:
    """Sign in through the login form; return the seconds it took (the form and the post)."""
    started = time.perf_counter()
    form = await client.get(user.base + LOGIN_PATH, headers=user.headers())
    user.keep(form)
    found = CSRF_INPUT.search(form.text)
    if form.status_code != 200 or found is None:
        raise RuntimeError(f"{user.username}: the login form answered {form.status_code} without a CSRF token")
    origin = "https://" + urlsplit(user.base).netloc
    answer = await client.post(
        user.base + LOGIN_PATH, headers=user.headers(Origin=origin, Referer=origin + LOGIN_PATH),
        data={"username": user.username, "password": password, "csrfmiddlewaretoken": found.group(1)},
        follow_redirects=False)
    user.keep(answer)
    if answer.status_code != 302 or "sessionid" not in user.cookies:
        raise RuntimeError(f"{user.username}: signing in answered {answer.status_code} (wrong password? locked?)")
    return time.perf_counter() - started


async def fetch(client: httpx.AsyncClient, user: User, path: str, timeout: float) -> Sample:
    started = time.perf_counter()
    try:
        response = await client.get(user.base + path, headers=user.headers(), follow_redirects=True,
                                    timeout=timeout)
        ms = (time.perf_counter() - started) * 1000
    except httpx.HTTPError as error:
        return Sample(page_name(path), (time.perf_counter() - started) * 1000, 0, type(error).__name__)
    user.keep(response)
    error = ""
    if response.status_code >= 400:
        error = f"HTTP {response.status_code}"
    elif urlsplit(str(response.url)).path == LOGIN_PATH:
        error = "signed out"
    return Sample(page_name(path), ms, response.status_code, error)


async def browse(client: httpx.AsyncClient, user: User, offset: int, until: float, think: float,
                 timeout: float, samples: list[Sample], rng: random.Random) -> None:
    """Follow the user's links in turn, from ``offset``, until ``until`` (a ``time.monotonic`` moment)."""
    index = offset
    while time.monotonic() < until:
        sample = await fetch(client, user, user.links[index % len(user.links)], timeout)
        samples.append(sample)
        if sample.error:
            print(f"  error: {user.username} {user.links[index % len(user.links)]}: {sample.error}", file=sys.stderr)
        index += 1
        await asyncio.sleep(max(0.0, think * rng.uniform(0.5, 1.5)))


async def run(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    base = args.url.rstrip("/")
    rng = random.Random(args.seed)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(limits=limits, timeout=args.timeout) for _name in names]
    users = [User(name, base) for name in names]
    try:
        logins = await asyncio.gather(*(sign_in(c, u, args.password) for c, u in zip(clients, users, strict=True)))
        pages: set[str] = set()
        for client, user in zip(clients, users, strict=True):
            home = await client.get(base + "/", headers=user.headers(), follow_redirects=True)
            user.keep(home)
            if home.status_code != 200:
                raise RuntimeError(f"{user.username}: the home page answered {home.status_code}")
            user.links = page_links(home.text, str(home.url))
            if "/" not in user.links:
                user.links.insert(0, "/")
            pages.update(page_name(link) for link in user.links)
        print(f"{len(users)} users signed in (median {statistics.median(logins) * 1000:.0f} ms each); "
              f"{len(pages)} distinct pages linked from their home pages; browsing for {args.duration:g} s "
              f"with {args.think:g} s ± half think time", file=sys.stderr)
        samples: list[Sample] = []
        started = time.monotonic()
        until = started + args.duration
        await asyncio.gather(*(
            browse(c, u, i * 7 % len(u.links), until, args.think, args.timeout, samples, random.Random(rng.random()))
            for i, (c, u) in enumerate(zip(clients, users, strict=True))))
        elapsed = time.monotonic() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return summarize(samples, elapsed, args, users)


def summarize(samples: list[Sample], elapsed: float, args: argparse.Namespace, users: list[User]) -> dict[str, Any]:
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    rows = []
    for page, found in by_page.items():
        ms = sorted(s.ms for s in found)
        rows.append({"page": page, "requests": len(found), "errors": sum(1 for s in found if s.error),
                     "p50": percentile(ms, 0.50), "p95": percentile(ms, 0.95), "p99": percentile(ms, 0.99),
                     "max": ms[-1]})
    rows.sort(key=lambda r: -r["p95"])
    every = sorted(s.ms for s in samples)
    totals = {"requests": len(samples), "errors": sum(1 for s in samples if s.error),
              "seconds": round(elapsed, 1), "per_second": round(len(samples) / elapsed, 1) if elapsed else 0.0,
              "p50": percentile(every, 0.50), "p95": percentile(every, 0.95), "p99": percentile(every, 0.99)}
    return {"url": args.url, "users": [u.username for u in users], "duration": args.duration,
            "think": args.think, "budget_ms": args.budget, "pages": rows, "totals": totals}


def print_table(result: dict[str, Any]) -> None:
    budget = result["budget_ms"]
    width = max([len("page"), *(len(r["page"]) for r in result["pages"])])
    print(f"| {'page':<{width}} | requests | errors | p50 ms | p95 ms | p99 ms |")
    print(f"| {'-' * width} | ---: | ---: | ---: | ---: | ---: |")
    for row in result["pages"]:
        over = " **" if row["p95"] > budget else ""
        print(f"| {row['page']:<{width}} | {row['requests']} | {row['errors']} | {row['p50']:.0f} | "
              f"{row['p95']:.0f}{over} | {row['p99']:.0f} |")
    t = result["totals"]
    print(f"| {'all pages':<{width}} | {t['requests']} | {t['errors']} | {t['p50']:.0f} | {t['p95']:.0f} | "
          f"{t['p99']:.0f} |")
    over = sum(1 for r in result["pages"] if r["p95"] > budget)
    print(f"\n{t['requests']} requests in {t['seconds']} s ({t['per_second']} a second), {t['errors']} errors; "
          f"{len(result['users'])} users; {over} of {len(result['pages'])} pages over {budget:g} ms at the 95th "
          "percentile (marked **).")


def main() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Django's logging set-up would log every request
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="the server (default %(default)s)")
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default %(default)s)")
    parser.add_argument("--duration", type=float, default=120, help="seconds of browsing (default %(default)s)")
    parser.add_argument("--think", type=float, default=1.0, help="think time in seconds, ± half (default 1)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request fails")
    parser.add_argument("--logins", help="usernames: a,b,c or @file; default: from the database (DATABASE_URL)")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--budget", type=float, default=150.0, help="p95 budget in ms, marked in the table")
    parser.add_argument("--seed", type=int, default=17, help="random seed of the think times")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    names = read_logins(args.logins, args.users)  # before the event loop: Django's ORM is synchronous
    result = asyncio.run(run(args, names))
    print_table(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if result["totals"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
