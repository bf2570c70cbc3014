"""Send in-app notifications (and e-mail when an e-mail backend is configured)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet

from common.models import Notification

if TYPE_CHECKING:
    from org.models import User


def notify(
    *, users: Iterable[User], kind: str, title: str, url: str = "", body: str = "", dedupe_key: str = ""
) -> int:
    """Notify each user once; with a ``dedupe_key`` a repeat (a re-run job) adds nothing. Return how many."""
    recipients = [u for u in users if u is not None]
    if not recipients:
        return 0
    existing: set[int] = set()
    if dedupe_key:
        existing = set(Notification.objects.filter(user__in=recipients, dedupe_key=dedupe_key)
                       .values_list("user_id", flat=True))
    new = [
        Notification(user=u, kind=kind, title=title[:200], url=url, body=body, dedupe_key=dedupe_key)
        for u in recipients if u.pk not in existing
    ]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    if settings.NOTIFY_BY_EMAIL:
        addresses = [u.email for u in recipients if u.pk not in existing and u.email]
        if addresses:
            transaction.on_commit(lambda: _send_email(addresses, title, body, url))
    return len(new)


def _send_email(addresses: list[str], title: str, body: str, url: str) -> None:
    link = f"\n\n{settings.SITE_URL}{url}" if url and settings.SITE_URL else ""
    send_mail(title, f"{body}{link}", None, addresses, fail_silently=True)


def unread_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or only ``ids``). Return how many changed."""
    from django.utils import timezone

    qs = unread_for(user)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
