"""The training app's lines on a head's home page (registered with ``org.home`` in ``TrainingConfig.ready``):
public criticisms to decide, external training to approve, past sessions without attendance. Each count comes
from the selector of the list it links to."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from org.home import TodoItem, home_todo
from org.models import User
from training.models import CriticismFlag
from training.selectors.criticism import flags_for_head
from training.selectors.external import external_to_review
from training.selectors.sessions import sessions_awaiting_attendance


@home_todo("head", order=30)
def head_training(user: User) -> list[TodoItem]:
    """Three counts, one query each."""
    flags = flags_for_head(user).filter(status=CriticismFlag.Status.PENDING).count()
    external = external_to_review(user).count()
    sessions = sessions_awaiting_attendance(user).count()
    return [
        TodoItem(key="criticism", label=_("Public criticisms (通报批评) to decide"),
                 url=reverse("training:criticism_flags"), count=flags),
        TodoItem(key="external", label=_("External training to approve"), url=reverse("training:external_review"),
                 count=external),
        TodoItem(key="attendance", label=_("Past sessions without attendance"),
                 url=reverse("training:calendar") + "?attendance=missing", count=sessions),
    ]
