"""The appraisal's lines on the home page (registered with ``org.home`` in ``AppraisalConfig.ready``).

An official: the latest published score with the rank in the unit, written notices to sign, the 公示 running in
their unit. A head: quarterly grades to write up and confirm, requests to reconsider, 评语 to write. The
organization department: the month's readiness (reports not reviewed or not submitted, the rollup), the units whose
annual grades wait for confirmation, notices running, reviews (复核) to decide. Each count is taken from the
selector and filter of the list it links to.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.display.score_text import rank_text
from appraisal.models import PeriodStatus, QuarterlyStatus, Scorecard, SignStatus, Stage
from appraisal.selectors import readiness as ready
from appraisal.selectors.annual import (
    comment_rows_for,
    grade_notices_visible_to,
    needs_comment_q,
    notices_visible_to,
    procedures_visible_to,
    reviews_visible_to,
)
from appraisal.selectors.quarterly import gradable_q, quarterly_grades_visible_to
from common.queries import row_count
from org.home import STAFF, TodoItem, home_todo
from org.models import User
from org.selectors import access_for
from tasks.selectors.reports import report_deadline

COMMENT_PROCEDURES = 3  # a head over more top-level units than this sees the first ones (constant queries)


def _url(name: str, *args: object, **query: str) -> str:
    return reverse(name, args=args) + (f"?{urlencode(query)}" if query else "")


def _running(user: User) -> int:
    today = timezone.localdate()
    return notices_visible_to(user).filter(starts_on__lte=today, ends_on__gte=today).count()


@home_todo(STAFF, order=40)
def my_appraisal(user: User) -> list[TodoItem]:
    """The latest published score and its rank (one query), notices to sign (one), 公示 running (one)."""
    official_id = access_for(user).official_id
    if official_id is None:
        return []
    peers = Scorecard.objects.filter(period_id=OuterRef("period_id"), unit_id=OuterRef("unit_id"))
    card = (Scorecard.objects.filter(official_id=official_id, period__status=PeriodStatus.PUBLISHED)
            .annotate(peers=row_count(peers, "period_id"))
            .order_by("-period__end", "-period__start").values("period__key", "total", "rank_in_unit", "peers")
            .first())
    items = []
    if card is not None:
        items.append(TodoItem(
            key="score", label=_("Latest published score (%(period)s)") % {"period": card["period__key"]},
            url=_url("appraisal:my_score", period=card["period__key"]),
            note=_("%(total)s points · %(rank)s in the unit") % {
                "total": card["total"], "rank": rank_text(card["rank_in_unit"], card["peers"])}))
    to_sign = list(grade_notices_visible_to(user).filter(
        official_id=official_id, is_current=True, status__in=[SignStatus.PENDING, SignStatus.UNSIGNED])
        .order_by("sign_due", "pk").values_list("pk", "sign_due"))
    items.append(TodoItem(
        key="sign", label=_("Written notices of the annual appraisal to sign"),
        url=(_url("appraisal:grade_notice_detail", to_sign[0][0]) if len(to_sign) == 1
             else _url("appraisal:annual_mine")), count=len(to_sign),
        note=_("sign by %(date)s") % {"date": f"{to_sign[0][1]:%Y-%m-%d}"} if to_sign else ""))
    items.append(TodoItem(key="notices-mine", label=_("Public notices (公示) running in my unit"),
                          url=_url("appraisal:notice_list"), count=_running(user)))
    return items


@home_todo("head", order=40)
def quarterly(user: User) -> list[TodoItem]:
    """Quarterly grades to write up and confirm, by quarter, and requests to reconsider (one query)."""
    waiting_q = Q(reconsider_asked_at__isnull=False, answered_at__isnull=True)
    rows = list(quarterly_grades_visible_to(user, include_own=False).filter(gradable_q(user))
                .filter(Q(status=QuarterlyStatus.PROPOSED) | waiting_q).order_by("-period__start")
                .values("period__key")
                .annotate(to_confirm=Count("id", filter=Q(status=QuarterlyStatus.PROPOSED)),
                          unwritten=Count("id", filter=Q(status=QuarterlyStatus.PROPOSED, comment="")),
                          waiting=Count("id", filter=waiting_q)))
    items = [TodoItem(key=f"quarterly-{r['period__key']}",
                      label=_("Quarterly grades of %(quarter)s to write up and confirm") % {
                          "quarter": r["period__key"]},
                      url=_url("appraisal:quarterly_unit", period=r["period__key"], status="proposed"),
                      count=r["to_confirm"],
                      note=_("%(n)s without a comment") % {"n": r["unwritten"]} if r["unwritten"] else "")
             for r in rows if r["to_confirm"]]
    if not items:
        items.append(TodoItem(key="quarterly", label=_("Quarterly grades to write up and confirm"),
                              url=_url("appraisal:quarterly_unit"), count=0))
    items.append(TodoItem(key="quarterly-requests", label=_("Requests to reconsider a quarterly grade"),
                          url=_url("appraisal:quarterly_requests"), count=sum(r["waiting"] for r in rows)))
    return items


@home_todo("head", order=50)
def comments(user: User) -> list[TodoItem]:
    """评语 still to write in the units at that step of the year (one query, then two a unit, at most three)."""
    procedures = list(procedures_visible_to(user).filter(stage=Stage.COMMENTS)[:COMMENT_PROCEDURES])
    return [TodoItem(key=f"comments-{p.pk}",
                     label=_("Comments (评语) to write: %(unit)s %(year)s") % {"unit": p.unit.name,
                                                                            "year": p.period.key},
                     url=_url("appraisal:procedure_comments", p.pk, missing="1"),
                     count=comment_rows_for(user, p).filter(needs_comment_q(), comment="").count())
            for p in procedures]


@home_todo("org", order=10)
def month_readiness(user: User) -> list[TodoItem]:
    """The month at hand: reports not reviewed and not submitted, and its rollup (four queries)."""
    today = timezone.localdate()
    month = ready.month_at_hand(today)
    figures = ready.readiness(user, month)
    url = _url("appraisal:readiness", month=month.key)
    past_deadline = today > report_deadline(month.start)
    period = month.period
    if period is None or period.last_rollup_at is None:
        rollup_note = _("not rolled up yet")
    elif figures.rollup_stale:
        rollup_note = _("changed since the last rollup (%(at)s)") % {
            "at": f"{timezone.localtime(period.last_rollup_at):%Y-%m-%d %H:%M}"}
    else:
        rollup_note = _("up to date (%(at)s)") % {"at": f"{timezone.localtime(period.last_rollup_at):%Y-%m-%d %H:%M}"}
    return [
        TodoItem(key="readiness-unreviewed", label=_("Reports of %(month)s submitted, not reviewed") % {
            "month": month.key}, url=url, count=figures.unreviewed,
            note=_("%(n)s units") % {"n": sum(1 for u in figures.units if u.unreviewed)} if figures.unreviewed
            else ""),
        TodoItem(key="readiness-missing", label=_("Reports of %(month)s not yet submitted") % {"month": month.key},
                 url=url, count=figures.missing, tone="danger" if past_deadline and figures.missing else "",
                 note=_("of %(n)s officials expected") % {"n": figures.officials}),
        TodoItem(key="readiness-rollup", label=_("Scores of %(month)s") % {"month": month.key},
                 url=_url("appraisal:period_detail", period.key) if period else _url("appraisal:period_list"),
                 note=rollup_note, actionable=figures.rollup_stale,
                 tone="warning" if figures.rollup_stale else "success"),
    ]


@home_todo("org", order=20)
def annual(user: User) -> list[TodoItem]:
    """Units whose annual grades wait for confirmation (one query), notices running (one), reviews (one)."""
    today = timezone.localdate()
    confirming = list(procedures_visible_to(user).filter(stage=Stage.CONFIRMATION).order_by()
                      .values("period__key").annotate(n=Count("pk")).order_by("-period__key"))
    items = [TodoItem(key=f"confirm-{r['period__key']}",
                      label=_("Units whose %(year)s grades wait for confirmation") % {"year": r["period__key"]},
                      url=_url("appraisal:procedure_list", period=r["period__key"], stage=Stage.CONFIRMATION),
                      count=r["n"]) for r in confirming]
    if not items:
        items.append(TodoItem(key="confirm", label=_("Units whose annual grades wait for confirmation"),
                              url=_url("appraisal:procedure_list"), count=0))
    reviews = reviews_visible_to(user).filter(outcome="").aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(decide_by__lt=today)))
    items += [
        TodoItem(key="notices-running", label=_("Public notices (公示) running"), url=_url("appraisal:notice_list"),
                 count=_running(user)),
        TodoItem(key="reviews", label=_("Reviews (复核) of annual grades to decide"),
                 url=_url("appraisal:review_list", tab="reviews", open="1"), count=reviews["n"],
                 late=reviews["late"], late_label=_("past the date to decide by"),
                 late_url=_url("appraisal:review_list", tab="reviews", open="1", late="1")),
    ]
    return items
