"""What every Celery job of the apps shares: the retry policy."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError

# A locked or briefly unreachable database is worth another try; anything else is a bug to look at.
# Use as ``@shared_task(**RETRY)``.
RETRY: dict[str, Any] = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 3}
