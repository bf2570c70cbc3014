"""External training (个人学习档案): the records a user may see, the heads' review queue, an official's own."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from org.models import Official, User
from org.selectors import access_for, officials_visible_to, subtree_q
from training.models import ExternalStatus, ExternalTraining
from training.selectors.sessions import HEAD


def external_visible_to(user: User | AnonymousUser) -> QuerySet[ExternalTraining]:
    """External records of the officials the user may see (their own included)."""
    return (ExternalTraining.objects.filter(official__in=officials_visible_to(user).values("pk"))
            .select_related("official", "official__unit", "reviewed_by"))


def external_reviewable_by(user: User | AnonymousUser) -> QuerySet[ExternalTraining]:
    """Records a head may approve or return: officials under their head grants, never their own."""
    access = access_for(user)
    qs = ExternalTraining.objects.select_related("official", "official__unit")
    if not access.is_superuser:
        qs = qs.filter(subtree_q(access.paths([HEAD]), "official__unit__"))
    if access.official_id is not None:
        qs = qs.exclude(official_id=access.official_id)
    return qs


def external_to_review(user: User | AnonymousUser) -> QuerySet[ExternalTraining]:
    """The head's queue: submitted records they may review, oldest first."""
    return external_reviewable_by(user).filter(status=ExternalStatus.SUBMITTED).order_by("created_at", "id")


def external_of(official: Official) -> QuerySet[ExternalTraining]:
    """The official's own external records, latest first."""
    return ExternalTraining.objects.filter(official=official).order_by("-started_on", "-id")


def is_head_for(user: User | AnonymousUser, official: Official) -> bool:
    """Whether the user heads the official's unit or one above it (who records and reviews for them)."""
    return access_for(user).covers(official.unit.path, [HEAD])
