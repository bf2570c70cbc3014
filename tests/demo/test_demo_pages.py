"""Every page reachable from the home page answers, for every demo login, on the demo county.

A crawl: from ``/`` follow the links of each HTML page (a few variants of each path), as each demo login, and
fail on any server error. It found the task page failing on tasks written in bulk, which no page test had.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from org.models import User

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("logout", "/static/", "/admin/", "export", "download", "certificate", "attachments", "/api/")
PAGES_PER_LOGIN = 150
VARIANTS_PER_PATH = 2


def crawl(client: Client) -> tuple[int, list[tuple[str, int]]]:
    seen: set[str] = set()
    per_path: dict[str, int] = {}
    queue, errors = ["/"], []
    while queue and len(seen) < PAGES_PER_LOGIN:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            errors.append((url, response.status_code))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            path = href.split("?")[0]
            if any(part in href for part in SKIP) or href in seen or per_path.get(path, 0) >= VARIANTS_PER_PATH:
                continue
            per_path[path] = per_path.get(path, 0) + 1
            queue.append(href)
    return len(seen), errors


def test_no_page_reachable_by_a_demo_login_fails():
    call_command("seed_demo", officials=60, stdout=StringIO())
    for username in ("orgadmin", "head", "staff", "inspector"):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        pages, errors = crawl(client)
        assert pages > 20, (username, pages)
        assert errors == [], (username, errors)
