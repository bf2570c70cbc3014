"""Reads of the 个人总结 pages: an official's own summaries, a unit's summaries for the heads who review them (with
the officials who changed units during the year), and what the reviewer may do with one. Scoped through
``appraisal.selectors.annual``."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from appraisal.models import AnnualProcedure, AnnualSummary, Stage, SummaryStatus
from appraisal.selectors.annual import can_review_summary, procedure_transfers, summaries_visible_to
from org.models import RankLevel, User
from org.selectors import access_for

ORAL_RANKS = (RankLevel.LEADERSHIP, RankLevel.MIDDLE)  # 班子成员 and 中层 may give their 述职 orally at a meeting


def own_summaries(user: User | AnonymousUser, official_id: int) -> QuerySet[AnnualSummary]:
    """Return the official's own summaries, the latest year first."""
    return summaries_visible_to(user).filter(official_id=official_id).order_by("-procedure__period__start")


def summary_rows(user: User | AnonymousUser, procedure: AnnualProcedure,
                 status: str | None = None) -> QuerySet[AnnualSummary]:
    """Return the unit's summaries a head reviews — never their own — in one ``status``: the drafts first, then
    the returned and the submitted."""
    rows = summaries_visible_to(user).filter(procedure=procedure)
    own = access_for(user).official_id
    if own is not None:
        rows = rows.exclude(official_id=own)
    if status in SummaryStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("status", "official__unit__path", "official__name")


def attach_moves(summaries: Iterable[AnnualSummary], procedure: AnnualProcedure) -> None:
    """Give each summary of a page the ``move`` of its official during the year (第26条) for the template."""
    moves = procedure_transfers(procedure)
    for summary in summaries:
        summary.move = moves.get(summary.official_id)


def review_actions(user: User, summary: AnnualSummary) -> tuple[bool, bool]:
    """Return whether the user may return the summary (submitted, in the summaries stage) and record an oral report
    (for 班子成员 and 中层, until the comments are done)."""
    can_review = can_review_summary(user, summary)
    stage = summary.procedure.stage
    can_return = can_review and stage == Stage.SUMMARIES and summary.status == SummaryStatus.SUBMITTED
    can_oral = (can_review and stage in (Stage.SUMMARIES, Stage.COMMENTS)
                and summary.official.rank_level in ORAL_RANKS)
    return can_return, can_oral
