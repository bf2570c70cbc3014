"""The links a user follows from the home page, and the name of a page in a table — shared by ``loadtest.py``
(over HTTP) and ``bench_pages.py`` (in-process). Plain Python: the load-test driver does not import Django.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Not pages to browse: leaving, files, the admin, ballots without a login, static and uploaded files.
SKIP_PATHS = re.compile(r"^/(static|media|admin|b)/|logout|download|/export(s)?/[^/]+/|\.(xlsx|xls|csv|zip|pdf|docx?)$",
                        re.IGNORECASE)
ID = re.compile(r"^\d+$")
PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|W?\d{1,2}))?$")  # 2026, 2026-11, 2026-Q3, 2026-W45


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        if href and "download" not in values:
            self.found.append(href)


def page_links(html: str, base: str) -> list[str]:
    """Return the same-origin pages linked from ``html`` (read at ``base``), as paths with their query, in the
    order of first appearance, without fragments, files, the admin or the logout."""
    parser = _Links()
    parser.feed(html)
    origin = urlsplit(base)
    seen: dict[str, None] = {}
    for href in parser.found:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urlsplit(urljoin(base, href))
        if (url.scheme, url.netloc) != (origin.scheme, origin.netloc) or SKIP_PATHS.search(url.path):
            continue
        seen.setdefault(url.path + (f"?{url.query}" if url.query else ""), None)
    return list(seen)


def _value(value: str) -> str:
    if ID.match(value):
        return "<id>"
    if PERIOD.match(value):
        return "<period>"
    return value


def page_name(path: str) -> str:
    """Return a page's name in a table: ids and period keys in the path and the query replaced by ``<id>`` and
    ``<period>`` (``/officials/85/`` → ``/officials/<id>/``, ``/reports/2026-11/edit/`` →
    ``/reports/<period>/edit/``)."""
    url = urlsplit(path)
    parts = "/".join(_value(part) for part in url.path.split("/"))
    query = urlencode([(key, _value(value)) for key, value in parse_qsl(url.query, keep_blank_values=True)],
                      safe="<>")
    return parts + (f"?{query}" if query else "")


def percentile(ordered: list[float], share: float) -> float:
    """Return the nearest-rank percentile of an ascending list (``share`` 0.95 for p95)."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]
