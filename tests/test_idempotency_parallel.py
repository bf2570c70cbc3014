"""The same create sent several times at once makes one record (issue 14, item 7): the requests go over HTTP to the
live server, one thread each, released together, as a double click or an impatient script sends them.

A page form: its one-time token is claimed in the create's transaction under a unique index, so the requests
after the first wait for it (PostgreSQL: on the index; SQLite: for the write lock) and then answer with the page
it led to. The API: the same for an Idempotency-Key, each waiting request answering the first one's response.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from appraisal.models import ScoreEntry
from appraisal.scoring.periods import MONTH, period_key_for
from common.idempotency import FORM_FIELD
from common.models import IdempotencyKey
from tasks.models import SupervisionLetter, Task
from tests.factories import period
from tests.files import pdf_bytes
from training.models import ExternalTraining

AT_ONCE = 5
TODAY = timezone.localdate()
FUTURE = (TODAY + timedelta(days=10)).isoformat()
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"')


@pytest.fixture(autouse=True)
def rule_catalogue(transactional_db: None) -> None:
    """A transactional test's database is flushed after it, migration data included: put the rules back."""
    from appraisal.scoring.defaults import ensure_defaults

    ensure_defaults()


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # answer the 302 itself: where the submission led is what we compare


OPENER = urllib.request.build_opener(_Stay)


def _send(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Browser:
    """One signed-in browser: its session and CSRF cookies, sent by every request of every thread."""

    def __init__(self, live_server: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        self.base = live_server.url
        self.cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def form(self, path: str) -> dict[str, str]:
        """Open the form's page; return its hidden fields (CSRF and the one-time token)."""
        request = urllib.request.Request(self.base + path, headers={"Cookie": self._cookie_header()})
        status, headers, body = _send(request)
        assert status == 200, (path, status)
        for morsel in SimpleCookie(headers.get("Set-Cookie", "")).values():
            self.cookies[morsel.key] = morsel.value
        return dict(HIDDEN.findall(body.decode()))

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
             ) -> tuple[int, dict[str, str]]:
        if files:
            boundary = uuid.uuid4().hex
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                     for k, v in fields.items()]
            parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                      f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
                      for k, (name, content) in files.items()]
            data, kind = b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
        else:
            data, kind = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, method="POST", headers={
            "Cookie": self._cookie_header(), "Content-Type": kind, "Referer": self.base + path})
        status, headers, _body = _send(request)
        return status, headers


def at_once(send: Callable[[], Any]) -> list[Any]:
    """Call ``send`` from AT_ONCE threads released together."""
    start = threading.Barrier(AT_ONCE)

    def one(_n: int) -> Any:
        start.wait(timeout=30)
        return send()

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return list(pool.map(one, range(AT_ONCE)))


def _entry(county: Any) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    period(period_key_for(MONTH, TODAY))
    return {"official": str(county.staff_official.pk), "rule": "innovation", "points": "2",
            "reason": "提出创新建议", "occurred_on": TODAY.isoformat()}, {}


def _letter(county: Any) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    return {"recipient_unit": str(county.culture_tourism.pk), "recipient_official": str(county.staff_official.pk),
            "title": "关于加快项目进度的督办函", "content": "请加快进度。", "reply_deadline": FUTURE, "number": ""}, {}


def _task(county: Any) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    return {"title": "乡村旅游节", "unit": "WL02", "responsible": county.staff_official.staff_number,
            "source": "own_key", "kind": "ad_hoc", "start_date": TODAY.isoformat(), "deadline": FUTURE,
            "weight": "1", "milestones": ""}, {}


def _external(county: Any) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    return {"title": "网络学院专题", "provider": "干部网络学院", "started_on": "2025-05-01",
            "ended_on": "2025-05-02", "hours": "6"}, {"certificate": ("c.pdf", pdf_bytes())}


REPORTED: dict[str, tuple[str, Callable[[Any], Any], type[Model]]] = {
    "appraisal:entry_add": ("head", _entry, ScoreEntry),
    "tasks:letter_create": ("head", _letter, SupervisionLetter),
    "tasks:task_create": ("head", _task, Task),
    "training:mine": ("staff", _external, ExternalTraining),
}


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_several_times_at_once_creates_once(county, live_server):
    for name, (who, make, model) in REPORTED.items():
        browser = Browser(live_server, getattr(county, who))
        path = reverse(name)
        hidden = browser.form(path)
        assert set(hidden) == {"csrfmiddlewaretoken", FORM_FIELD}, (name, hidden)
        fields, files = make(county)
        answers = at_once(lambda: browser.post(path, {**fields, **hidden}, files))  # noqa: B023
        assert [status for status, _headers in answers] == [302] * AT_ONCE, (name, answers)
        assert len({headers["Location"] for _status, headers in answers}) == 1, (name, answers)
        assert model._default_manager.count() == 1, name
    assert IdempotencyKey.objects.count() == len(REPORTED)


def call(url: str, token: str, body: dict[str, Any], key: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json",
        "Idempotency-Key": key})
    return _send(request)


@pytest.mark.django_db(transaction=True)
def test_an_api_create_sent_several_times_at_once_with_one_key_creates_once(county, live_server):
    token = Token.objects.create(user=county.head).key
    key = period_key_for(MONTH, TODAY)
    period(key)
    url = f"{live_server.url}/api/v1/score-entries/"
    body = {"official": county.staff_official.pk, "period": key, "rule": "innovation", "points": "1",
            "reason": "提出创新建议"}

    same = at_once(lambda: call(url, token, body, "same-key"))
    assert [status for status, _h, _b in same] == [201] * AT_ONCE, same
    assert len({content for _s, _h, content in same}) == 1  # every answer is the first one's
    assert sorted(h.get("Idempotent-Replayed", "") for _s, h, _b in same) == [""] + ["true"] * (AT_ONCE - 1)
    assert ScoreEntry.objects.count() == 1

    # One key, different bodies at once: one is created, the others are told the key was used.
    reasons = iter(range(AT_ONCE))
    lock = threading.Lock()

    def another() -> tuple[int, dict[str, str], bytes]:
        with lock:
            n = next(reasons)
        return call(url, token, {**body, "reason": f"提出创新建议（第{n}条）"}, "other-key")

    mixed = sorted(status for status, _h, _b in at_once(another))
    assert mixed == [201] + [422] * (AT_ONCE - 1), mixed
    assert ScoreEntry.objects.count() == 2
