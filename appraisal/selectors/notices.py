"""Reads of the 公示 pages: a unit's notices with their counts, the notices an official sees (the running ones
first), what a notice's page shows its reader — the candidates, whom they may object to, their own objections —
and the list of objections. Scoped through ``appraisal.selectors.annual``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from appraisal.models import AnnualProcedure, NoticeCandidate, Objection, ObjectionStatus, PublicNotice
from appraisal.selectors.access import is_org_over
from appraisal.selectors.annual import is_running, notices_visible_to, objections_visible_to
from org.models import Official, User
from org.selectors import access_for


def procedure_notices(procedure: AnnualProcedure) -> list[PublicNotice]:
    """Return the unit's notices, each with its ``candidate_count`` (not withdrawn) and ``open_objections``."""
    return list(procedure.notices.annotate(
        candidate_count=Count("candidates", filter=Q(candidates__withdrawn_at__isnull=True), distinct=True),
        open_objections=Count("objections", filter=Q(objections__status="open"), distinct=True)))


def notices_running(user: User | AnonymousUser, today: date) -> tuple[list[PublicNotice], QuerySet[PublicNotice]]:
    """Return the notices the user sees that run ``today``, and the others (to page through)."""
    notices = notices_visible_to(user)
    running = list(notices.filter(starts_on__lte=today, ends_on__gte=today))
    return running, notices.exclude(pk__in=[n.pk for n in running])


def notices_with_candidates(user: User | AnonymousUser) -> QuerySet[PublicNotice]:
    """Return the notices the user sees, the newest first, each with its candidates in the notice's order."""
    return notices_visible_to(user).prefetch_related(
        Prefetch("candidates", queryset=NoticeCandidate.objects.order_by("unit_name", "name", "id")),
    ).order_by("-starts_on", "-id")


def notice_candidates(notice: PublicNotice) -> list[NoticeCandidate]:
    return list(notice.candidates.order_by("unit_name", "name", "id"))


def candidate_choices(candidates: Iterable[NoticeCandidate]) -> list[tuple[int, str]]:
    """Return the candidates still on the notice as the objection form's choices, "name（unit）"."""
    return [(c.pk, f"{c.name}（{c.unit_name}）") for c in candidates if c.withdrawn_at is None]


@dataclass
class NoticeReading:
    """What a notice's page shows its reader."""

    candidates: list[NoticeCandidate]
    running: bool
    open_to: list[tuple[int, str]]  # the candidates the reader may object to: not withdrawn, not themself
    is_member: bool  # an active official of the unit: only they may object
    is_org: bool
    mine: list[Objection] = field(default_factory=list)  # the reader's own objections
    objections_open: int = 0  # for the organization department

    @property
    def may_object(self) -> bool:
        return self.running and bool(self.open_to) and self.is_member


def notice_reading(user: User, notice: PublicNotice) -> NoticeReading:
    """Return what the notice's page shows ``user``."""
    candidates = notice_candidates(notice)
    access = access_for(user)
    open_to = [(c.pk, f"{c.name}（{c.unit_name}）") for c in candidates
               if c.withdrawn_at is None and c.official_id != access.official_id]
    is_member = access.official_id is not None and Official.objects.filter(
        notice.procedure.unit.subtree_q("unit__"), pk=access.official_id, is_active=True).exists()
    mine = list(Objection.objects.filter(notice=notice, filed_by_id=access.official_id).select_related("candidate")
                ) if access.official_id else []
    is_org = is_org_over(user, notice.procedure.unit)
    return NoticeReading(
        candidates=candidates, running=is_running(notice), open_to=open_to, is_member=is_member, is_org=is_org,
        mine=mine, objections_open=notice.objections.filter(status=ObjectionStatus.OPEN).count() if is_org else 0)


def objection_rows(user: User | AnonymousUser, *, notice_id: int | None = None,
                   status: str | None = None) -> QuerySet[Objection]:
    """Return the objections the user sees (of one notice, in one status), the open ones first, then the newest."""
    rows = objections_visible_to(user)
    if notice_id is not None:
        rows = rows.filter(notice_id=notice_id)
    if status in ObjectionStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-status", "-filed_at", "-id")  # open, then rejected and upheld
