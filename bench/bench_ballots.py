"""Time issuing ballot codes and printing their slips (the target: 5,000 codes and their slips in under 10 s).

Run from the project root against a seeded database (see bench/README.md; ``seed_demo`` opens the current
quarter's check-up round and issues the demo's ballot codes):

    DJANGO_SETTINGS_MODULE=cadre_mgmt.settings DEBUG=1 ALLOWED_HOSTS=testserver \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench10k .venv/bin/python bench/bench_ballots.py

It signs in as ``orgadmin`` with Django's test ``Client`` and, ``--runs`` times, POSTs the issue form for
``--codes`` codes (the culture bureau's 班子 and 中层, service recipients) and times the whole request — the
codes drawn and hashed, ``bulk_create``, a QR code per code, the page of slips rendered — with its SQL
statements and the size of the page. Then it times the parts on their own: ``batch_issue``, the QR codes
(segno's encoding with its default mask choice and with a fixed mask, its SVG writer, and our ``QrFamily``
with its compact SVG path) and the template. Every run is rolled back: the database is left as
it was.
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

import segno  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from appraisal.display.ballot_slips import MASK, QrFamily, qr_svg, slips  # noqa: E402
from appraisal.models import CheckupRound  # noqa: E402
from appraisal.scoring.periods import QUARTER, period_key_for  # noqa: E402
from appraisal.selectors.ballots import ballot_officials  # noqa: E402
from appraisal.services.ballots import batch_issue, code_new  # noqa: E402
from demo.org_data import HEAD_UNIT_CODE  # noqa: E402
from org.models import OrgUnit, RankLevel, User  # noqa: E402

BASE = "http://127.0.0.1:8000"


class Rollback(Exception):
    pass


def rolled_back(action: Callable[[], Any]) -> tuple[float, int, Any]:
    """Run ``action`` in a transaction that is rolled back; return seconds, SQL statements and its result."""
    result: Any = None
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = action()
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
    return elapsed, len(captured.captured_queries), result


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings.APPRAISAL_BALLOT_MAX_CODES = max(settings.APPRAISAL_BALLOT_MAX_CODES, args.codes)

    key = period_key_for(QUARTER, timezone.localdate())
    checkup = CheckupRound.objects.filter(period__key=key, status="open").first()
    if checkup is None:
        raise SystemExit(f"No open check-up round for {key}: seed the database first (manage.py seed_demo).")
    orgadmin = User.objects.get(username="orgadmin")
    bureau = OrgUnit.objects.get(code=HEAD_UNIT_CODE)
    levels = [RankLevel.LEADERSHIP, RankLevel.MIDDLE]
    n = args.codes
    print(f"database: {connection.vendor}; {n} codes; round {key}; {bureau.name} 班子和中层; {args.runs} runs")

    # 1. The whole request: issue + QR codes + the page of slips.
    client = Client()
    client.force_login(orgadmin)
    url = reverse("appraisal:ballot_batch_issue", args=[key])
    form = {"group": "recipients", "audience": "bench", "unit": bureau.pk, "rank_levels": levels, "size": n}
    whole = []
    for _i in range(args.runs):
        seconds, queries, response = rolled_back(lambda: client.post(url, form))
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'data-testid="slip"') == n
        whole.append(seconds)
    print(f"issue + print {n} slips (whole request): median {statistics.median(whole):.2f} s, "
          f"min {min(whole):.2f} s, max {max(whole):.2f} s; {queries} SQL statements; "
          f"page {len(response.content) / 2**20:.1f} MiB")

    # 2. The parts.
    issue_s = []
    for _i in range(args.runs):
        seconds, queries, issued = rolled_back(lambda: batch_issue(
            by=orgadmin, round=checkup, group="recipients", unit=bureau, rank_levels=levels, size=n))
        issue_s.append(seconds)
    print(f"  batch_issue (codes, HMAC, bulk_create): median {statistics.median(issue_s):.2f} s; {queries} statements")
    codes = issued.codes
    urls = [f"{BASE}/b/{code}" for code in codes]
    seconds, made = timed(lambda: slips(codes, BASE))
    print(f"  slips (QR + SVG): {seconds:.2f} s = {seconds / n * 1000:.2f} ms per code; "
          f"SVG {sum(len(s.svg) for s in made) / n:.0f} bytes per code")
    sample = urls[: min(n, 1000)]
    m = len(sample)
    enc_auto, qrs = timed(lambda: [segno.make(u, error="m", micro=False, boost_error=False) for u in sample])
    enc_fixed, _ = timed(lambda: [segno.make(u, error="m", micro=False, boost_error=False, mask=MASK) for u in sample])
    svg_segno, svgs = timed(lambda: [q.svg_inline(omitsize=True, svgclass=None, lineclass=None, border=2) for q in qrs])
    one_by_one, _ = timed(lambda: [qr_svg(u) for u in sample])
    setup, family = timed(lambda: QrFamily(f"{BASE}/b/"))
    family_s, ours = timed(lambda: [family.svg(code) for code in codes[:m]])
    print(f"  per code ({m} codes, version {qrs[0].version}-{qrs[0].error}): segno encoding with its mask choice "
          f"{enc_auto / m * 1000:.2f} ms, with a fixed mask {enc_fixed / m * 1000:.2f} ms; segno's SVG writer "
          f"{svg_segno / m * 1000:.2f} ms ({sum(map(len, svgs)) / m:.0f} bytes); segno + our path "
          f"{one_by_one / m * 1000:.2f} ms; the family (XOR of differences) + our path {family_s / m * 1000:.3f} ms "
          f"({sum(map(len, ours)) / m:.0f} bytes) after {setup:.2f} s of setup per batch")
    context = {"round": checkup, "batch": issued.batch, "slips": made, "officials": ballot_officials(issued.batch),
               "entry_url": f"{BASE}/b/"}
    seconds, page = timed(lambda: render_to_string("appraisal/ballots/slips.html", context))
    print(f"  slips template: {seconds:.2f} s, {len(page) / 2**20:.1f} MiB")
    print(f"  code_new ×{n}: {timed(lambda: [code_new() for _i in range(n)])[0]:.3f} s")


if __name__ == "__main__":
    main()
