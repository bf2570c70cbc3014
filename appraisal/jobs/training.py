"""The monthly training feed: the training facts of the month just ended into the ledger, before its rollup.

Thin, like the training app's own jobs; re-running it changes nothing
(``appraisal.services.derive_training.training_feed`` is idempotent).
"""

from __future__ import annotations

from celery import shared_task

from appraisal.services.derive_training import training_feed
from common.dates import day_or_today, month_end, previous_month
from common.jobs import RETRY

__all__ = ["monthly_feed"]


@shared_task(**RETRY)
def monthly_feed(date_iso: str | None = None) -> dict[str, int]:
    """Feed the training facts of the month before ``date_iso`` into the ledger (before the monthly rollup)."""
    start = previous_month(day_or_today(date_iso))
    return training_feed(start=start, end=month_end(start))
