"""The appraisal's panels on the home page (registered with ``org.home`` in ``AppraisalConfig.ready``)."""

from __future__ import annotations

from django.utils import timezone

from appraisal.models import GradeNotice, SignStatus
from appraisal.selectors_annual import grade_notices_visible_to, notices_visible_to
from org.home import Panel, home_panel
from org.models import User
from org.selectors import access_for


@home_panel
def running_public_notices(user: User) -> Panel | None:
    """The 公示 running in the user's unit (or units they manage), while it runs."""
    today = timezone.localdate()
    running = list(notices_visible_to(user).filter(starts_on__lte=today, ends_on__gte=today)[:5])
    if not running:
        return None
    return "appraisal/annual/_home_notices.html", {"notices": running}


@home_panel
def notices_to_sign(user: User) -> Panel | None:
    """The user's written notices waiting for their signature."""
    official_id = access_for(user).official_id
    if official_id is None:
        return None
    waiting: list[GradeNotice] = list(grade_notices_visible_to(user).filter(
        official_id=official_id, is_current=True, status__in=[SignStatus.PENDING, SignStatus.UNSIGNED]))
    if not waiting:
        return None
    return "appraisal/annual/_home_sign.html", {"notices": waiting}
