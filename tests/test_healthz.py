"""/healthz: the database's and the broker's state."""

from __future__ import annotations

import pytest
import redis
from django.db import OperationalError

from tests.conftest import require_service

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "mode": "eager"}


def test_healthz_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.base import base

    def refuse(self):
        raise OperationalError("connection refused")

    # The database going away looks like this to Django: every new cursor fails.
    monkeypatch.setattr(base.BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}
    assert response.json()["status"] == "down"


def test_healthz_reports_an_unreachable_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"]["ok"] is False
    assert response.json()["status"] == "degraded"


def test_healthz_with_real_redis(client, settings):
    import os

    url = os.environ.get("REDIS_URL", "")
    require_service(bool(url), "REDIS_URL is not set; start Redis and set it to run this test")
    settings.REDIS_URL = url
    assert redis.Redis.from_url(url).ping()
    body = client.get("/healthz").json()
    assert body["broker"] == {"ok": True, "mode": "redis"}
