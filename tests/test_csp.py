"""The Content-Security-Policy forbids inline script and inline style (issue 14, item 9).

The header is checked on pages, the API, errors and the public ballot page; the templates are checked for
what the policy would refuse, so a new inline handler fails here rather than silently in a user's browser.
The browser tests (tests/e2e) fail on any violation the pages actually cause.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/", "/does-not-exist/", "/b/", "/api/docs/",
                                  "/api/docs/?script="])
def test_every_answer_carries_a_policy_without_inline_script_or_style(client, county, path):
    client.force_login(county.head)
    policy = _policy(client.get(path))
    assert policy["script-src"] == ["'self'"]
    # The API browser (Swagger UI) adds <style> elements as it renders: only there are inline styles allowed.
    assert policy["style-src"] == (["'self'", "'unsafe-inline'"] if path.startswith("/api/docs/") else ["'self'"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for directive, sources in policy.items() for source in sources
                   if directive != "style-src")


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


INLINE = {
    "an inline <script> block": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"),
    "a <style> block": re.compile(r"<style\b"),
    "a style= attribute": re.compile(r"\sstyle=[\"']"),
    "an on…= event handler": re.compile(r"\son[a-z]+=[\"']"),
    "an hx-on attribute": re.compile(r"\shx-on"),
    "htmx code to evaluate (js: or javascript:)": re.compile(r"hx-(vals|vars)=[\"'][^\"']*\bjs(cript)?:"),
    "a javascript: URL": re.compile(r"href=[\"']javascript:"),
}


@pytest.mark.parametrize("what", sorted(INLINE))
def test_no_template_holds_what_the_policy_refuses(what):
    found = [f"{path.relative_to(TEMPLATES)}:{text[:match.start()].count(chr(10)) + 1}"
             for path in _templates() for text in [path.read_text(encoding="utf-8")]
             for match in INLINE[what].finditer(text)]
    assert not found, f"{what} in {found}"


def test_the_template_scan_finds_what_it_looks_for():
    # The patterns are only useful if they match what they are meant to refuse.
    samples = {
        "an inline <script> block": "<script>alert(1)</script>",
        "a <style> block": "<style>p{}</style>",
        "a style= attribute": '<p style="color: red">',
        "an on…= event handler": '<select onchange="this.form.submit()">',
        "an hx-on attribute": '<form hx-on::after-request="x()">',
        "htmx code to evaluate (js: or javascript:)": "<div hx-vals='js:{a: 1}'>",
        "a javascript: URL": '<a href="javascript:void(0)">',
    }
    for what, sample in samples.items():
        assert INLINE[what].search(sample), what
    assert not INLINE["an inline <script> block"].search('<script src="/static/js/ui.js" defer></script>')


TRIGGER = re.compile(r"hx-trigger=\"([^\"]*)\"")


def _has_trigger_filter(trigger: str) -> bool:
    """An htmx trigger filter is ``[…]`` right after the event (``click[ctrlKey]``, ``every 20s [dirty]``);
    brackets inside a ``from:`` selector (``from:input[type=checkbox]``) are CSS, not code."""
    for spec in trigger.split(","):
        words = spec.split()
        event = words[:2] if words[:1] == ["every"] else words[:1]
        rest = words[len(event):]
        if any("[" in word for word in event) or (rest and rest[0].startswith("[")):
            return True
    return False


def test_no_htmx_trigger_needs_eval():
    assert _has_trigger_filter("every 20s [window.dirty]") and _has_trigger_filter("click[ctrlKey]")
    assert not _has_trigger_filter("change from:input[type=checkbox], input changed delay:400ms from:input[name=q]")
    found = [str(path.relative_to(TEMPLATES)) for path in _templates()
             for trigger in TRIGGER.findall(path.read_text(encoding="utf-8")) if _has_trigger_filter(trigger)]
    assert not found, f"htmx trigger filters need eval, which the policy forbids: {found}"


def test_no_browser_test_waits_on_code_the_policy_refuses():
    # Playwright's wait_for_function evaluates its text in the page, which the policy refuses (no eval):
    # browser tests wait with locators and expect() instead.
    e2e = Path(settings.BASE_DIR) / "tests" / "e2e"
    found = [path.name for path in e2e.glob("*.py") if "wait_for_function(" in path.read_text(encoding="utf-8")]
    assert not found, found
