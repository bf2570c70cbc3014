"""Helpers for the supervision letter tests: letters in each state, issued through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tasks.models import SupervisionLetter
from tasks.services.letters import letter_issue, letter_reply

TODAY = timezone.localdate()
DEADLINE = TODAY + dt.timedelta(days=18)


def issue(county, *, by=None, unit=None, official=None, **extra) -> SupervisionLetter:
    """Issue a letter through the service (the organization department to culture by default)."""
    fields = {"title": "关于景区安全隐患整改的督办函", "content": "请于期限内完成整改并书面回复。",
              "reply_deadline": DEADLINE, "today": TODAY} | extra
    return letter_issue(by=by or county.orgadmin, recipient_unit=unit or county.culture,
                        recipient_official=official, **fields)


def replied(county, **extra) -> SupervisionLetter:
    letter = issue(county, **extra)
    return letter_reply(letter=letter, by=county.head, reply="已完成整改。")
