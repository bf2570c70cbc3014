"""Twenty people at once on the embedded default: no request fails with "database is locked".

Requests go over HTTP to the live server (a thread per request), from 20 client threads at once: heads approve
monthly reports (a conditional update inside a transaction that reads first, which used to fail on SQLite when
the read lock could not be upgraded), and people double-submit a create (two identical POSTs at once). Every
answer must be a 2xx or a 4xx with the usual error body — never a 5xx. On PostgreSQL the same test checks
the row locks.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from appraisal.models import ScoreEntry
from tasks.models import MonthlyReport, ReportStatus
from tests.factories import MonthlyReportFactory, OfficialFactory, period

USERS = 20


def call(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_twenty_users_at_once_get_no_server_error(county, live_server):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    token = Token.objects.create(user=county.head).key
    officials = [OfficialFactory(unit=county.culture_office) for _ in range(USERS * 2)]
    reports = [MonthlyReportFactory(official=o, status=ReportStatus.SUBMITTED) for o in officials]
    period("2026-10")
    start = threading.Barrier(USERS)

    def approve(report: MonthlyReport) -> int:
        if report.pk % 2 == 0:
            start.wait(timeout=30)
        return call(f"{live_server.url}/api/v1/monthly-reports/{report.pk}/approve/", token,
                    {"rating": "good", "comment": "同意"})

    def entry(official_id: int) -> int:
        return call(f"{live_server.url}/api/v1/score-entries/", token, {
            "official": official_id, "period": "2026-10", "rule": "innovation", "points": "1",
            "reason": "提出创新建议", "occurred_on": "2026-10-15"})

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        approvals = list(pool.map(approve, reports))
        doubled = list(pool.map(entry, [o.pk for o in officials[:USERS // 2] for _twice in (1, 2)]))

    assert [s for s in approvals + doubled if s >= 500] == []
    assert approvals == [200] * len(reports)
    assert MonthlyReport.objects.filter(status=ReportStatus.APPROVED).count() == len(reports)
    assert all(s in (200, 201, 400, 409) for s in doubled)
    assert ScoreEntry.objects.filter(points=Decimal(1)).count() == sum(1 for s in doubled if s == 201)
