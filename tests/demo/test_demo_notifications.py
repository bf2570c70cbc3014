"""Every notification the demo seeds opens a real page for its recipient (one once pointed at /tasks/mine/, a 404)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from common.models import Notification

pytestmark = pytest.mark.django_db


def test_every_seeded_notification_links_to_a_page_its_recipient_can_open():
    call_command("seed_demo", officials=60, stdout=StringIO())
    notifications = list(Notification.objects.select_related("user").exclude(url="").order_by("user_id", "id"))
    assert len(notifications) >= 3 and {n.kind for n in notifications} >= {"task_assigned", "report_submitted"}
    clients: dict[int, Client] = {}
    broken = []
    for notification in notifications:
        client = clients.get(notification.user_id)
        if client is None:
            client = clients[notification.user_id] = Client(raise_request_exception=False)
            client.force_login(notification.user)
        response = client.get(notification.url, follow=True)
        if response.status_code != 200:
            broken.append((notification.user.username, notification.kind, notification.url, response.status_code))
    assert broken == []
