"""Hour targets: the annual training hours required per rank level, set by the organization department."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from org.models import RankLevel, User
from org.selectors import access_for
from training.models import HourTarget


@transaction.atomic
def target_set(*, by: User, rank_level: str, hours: Decimal) -> HourTarget:
    """Set a rank level's annual hours (organization department only)."""
    if not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may set hour targets."), code="forbidden")
    if rank_level not in RankLevel.values:
        raise ApplicationError(_("Unknown rank level."), code="invalid")
    if hours < 0 or hours > 1000:
        raise ApplicationError(_("Enter between 0 and 1000 hours."), code="invalid")
    target = HourTarget.objects.select_for_update().filter(rank_level=rank_level).first()
    if target is None:
        target = HourTarget(rank_level=rank_level)
    target.hours_per_year = hours
    target.full_clean()
    target.save()
    return target
