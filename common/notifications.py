"""Send in-app notifications (and e-mail when an e-mail backend is configured)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.db.models import QuerySet

from common.models import Notification

BATCH = 500

if TYPE_CHECKING:
    # Typed as ``settings.AUTH_USER_MODEL`` without importing it: ``common`` imports no app.
    from django.contrib.auth.models import _User as User  # django-stubs: resolves to AUTH_USER_MODEL


def notify(
    *, users: Iterable[User | None], kind: str, title: str, url: str = "", body: str = "", dedupe_key: str = ""
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


def notifications_of(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """Return the user's notifications (only the unread ones with ``unread_only``), the latest first."""
    notifications = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def unread_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or only ``ids``). Return how many changed."""
    from django.utils import timezone

    qs = unread_for(user)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@dataclass(frozen=True)
class Notice:
    user_id: int
    kind: str
    title: str
    dedupe_key: str
    url: str = ""
    body: str = ""


def notify_many(notices: Iterable[Notice]) -> int:
    """Write many notices at once, skipping those a user already has (same ``dedupe_key``).

    The set-based sibling of ``common.notifications.notify``, which sends one message to several
    users: here each user gets their own message in a few queries. Return how many were written.
    """
    wanted: dict[tuple[int, str], Notice] = {}
    for notice in notices:
        wanted.setdefault((notice.user_id, notice.dedupe_key), notice)
    if not wanted:
        return 0
    keys = sorted({key for _user, key in wanted})
    existing: set[tuple[int, str]] = set()
    for start in range(0, len(keys), BATCH):
        existing.update(
            Notification.objects.filter(dedupe_key__in=keys[start:start + BATCH]).values_list("user_id", "dedupe_key")
        )
    new = [n for pair, n in wanted.items() if pair not in existing]
    Notification.objects.bulk_create(
        [Notification(user_id=n.user_id, kind=n.kind, title=n.title[:200], url=n.url, body=n.body,
                      dedupe_key=n.dedupe_key) for n in new],
        ignore_conflicts=True, batch_size=BATCH,
    )
    if new and settings.NOTIFY_BY_EMAIL:
        _email(new)
    return len(new)


def _email(notices: list[Notice]) -> None:
    user_ids = sorted({n.user_id for n in notices})
    addresses: dict[int, str] = {}
    for start in range(0, len(user_ids), BATCH):
        addresses.update(
            get_user_model().objects.filter(pk__in=user_ids[start:start + BATCH])
            .exclude(email="").values_list("pk", "email")
        )
    site = settings.SITE_URL
    messages = [
        (n.title, f"{n.body}\n\n{site}{n.url}".strip() if site and n.url else n.body, None, [addresses[n.user_id]])
        for n in notices if n.user_id in addresses
    ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(tuple(messages), fail_silently=True))
