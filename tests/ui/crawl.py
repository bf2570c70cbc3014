"""Walk every page a signed-in user can reach by following links, and read what the user sees on each.

What a user sees: the text of the page (scripts and styles left out) and the attributes a browser shows —
placeholders, tooltips, button labels. Pages of the same shape (``/tasks/12/`` and ``/tasks/13/``, the same
query keys) are visited at most ``PER_SHAPE`` times, so a walk costs what the number of kinds of page costs,
not what the data size does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

from django.test import Client

PER_SHAPE = 2
MAX_PAGES = 600
SKIP = ("/accounts/logout", "/admin/", "/api/", "/static/", "/media/", "/b/", "/healthz")
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


@dataclass
class Page:
    url: str
    status: int
    texts: list[str] = field(default_factory=list)  # what the user reads, node by node
    links: list[str] = field(default_factory=list)
    filename: str | None = None  # a download's name


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0  # inside <script>/<style>
        self._login = 0  # inside an element that shows a login as a login (class "login-name")
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        is_login = "login-name" in (values.get("class") or "").split()
        if tag not in ("br", "img", "input", "meta", "link", "hr", "col", "source"):
            self._stack.append((tag, is_login))
            self._login += is_login
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        while self._stack:
            open_tag, is_login = self._stack.pop()
            self._login -= is_login
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._login and data.strip():
            self.texts.append(data.strip())


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query)} - {"page"})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def walk(client: Client, start: str = "/") -> Iterator[Page]:
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or shapes[shape(url)] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url)
        page = Page(url=url, status=response.status_code)
        disposition = response.headers.get("Content-Disposition", "")
        if "attachment" in disposition or "filename" in disposition:
            page.filename = disposition
        elif response.headers.get("Content-Type", "").startswith("text/html") and not response.streaming:
            reader = _Reader()
            reader.feed(response.content.decode("utf-8", "replace"))
            page.texts, page.links = reader.texts, reader.links
            for href in reader.links:
                target, _ = urldefrag(href)
                parts = urlsplit(target)
                if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(SKIP):
                    continue
                queue.append(target)
        yield page
