"""Reads of the outcome pages of the annual appraisal: an official's own years (grade, written notices, review,
appeals), the review and appeals beside a written notice, the organization department's reviews and appeals to
decide, and who has signed a unit's notices. Scoped through ``appraisal.selectors.annual``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from appraisal.models import AnnualProcedure, GradeAppeal, GradeNotice, GradeReview, SignStatus
from appraisal.selectors.access import is_org_over
from appraisal.selectors.annual import (
    appeals_visible_to,
    grade_notices_visible_to,
    reviewable_grades,
    reviews_visible_to,
)
from appraisal.selectors.grades import grades_visible_to
from org.models import User
from org.selectors import access_for

REVIEWS, APPEALS = "reviews", "appeals"  # the tabs of the organization department's list


def own_years(user: User, official_id: int) -> tuple[list[dict[str, Any]], list[GradeNotice]]:
    """Return the official's years, newest first — each ``{"grade", "notices", "review", "appeals"}`` — and the
    current notices still waiting for their signature (four queries)."""
    grades = list(grades_visible_to(user, include_own=True).filter(official_id=official_id).order_by("-period__start"))
    notices = list(grade_notices_visible_to(user).filter(official_id=official_id))
    reviews = {r.grade_id: r for r in reviews_visible_to(user).filter(official_id=official_id)}
    appeals: dict[int, list[GradeAppeal]] = {}
    for appeal in appeals_visible_to(user).filter(official_id=official_id):
        appeals.setdefault(appeal.grade_id, []).append(appeal)
    by_grade: dict[int, list[GradeNotice]] = {}
    for notice in notices:
        by_grade.setdefault(notice.grade_id, []).append(notice)
    years = [{"grade": g, "notices": by_grade.get(g.pk, []), "review": reviews.get(g.pk),
              "appeals": appeals.get(g.pk, [])} for g in grades]
    pending = [n for n in notices if n.is_current and n.status in (SignStatus.PENDING, SignStatus.UNSIGNED)]
    return years, pending


def current_notice(grade_id: int) -> GradeNotice | None:
    """Return the grade's current written notice (the one to sign), if it has been notified."""
    return GradeNotice.objects.filter(grade_id=grade_id, is_current=True).first()


@dataclass
class NoticePage:
    """What a written notice's page shows its reader: the grade's review, its appeals (newest first), the newer
    notice when this one was replaced after a review, and what the reader may do."""

    review: GradeReview | None
    appeals: list[GradeAppeal]
    newer: GradeNotice | None
    own: bool  # the reader is the official notified
    is_org: bool  # the organization department over the grade's unit
    can_sign: bool
    can_review: bool  # ask for a 复核: once, by its deadline, for a grade that may be reviewed
    review_closed: bool  # the deadline for a 复核 has passed without one
    can_appeal: bool  # a 申诉: after the review is decided (or without one), none open


def notice_page(user: User, notice: GradeNotice, today: date) -> NoticePage:
    review = GradeReview.objects.filter(grade_id=notice.grade_id).select_related("decided_by__official").first()
    appeals = list(GradeAppeal.objects.filter(grade_id=notice.grade_id).order_by("-filed_on"))
    own = access_for(user).official_id == notice.official_id
    current = notice.is_current
    return NoticePage(
        review=review, appeals=appeals, newer=None if current else current_notice(notice.grade_id), own=own,
        is_org=is_org_over(user, notice.grade.unit),
        can_sign=own and current and notice.status in (SignStatus.PENDING, SignStatus.UNSIGNED),
        can_review=own and current and review is None and today <= notice.review_due
        and notice.grade_value in reviewable_grades(),
        review_closed=own and current and review is None and today > notice.review_due,
        can_appeal=own and (review is None or bool(review.outcome)) and not any(not a.outcome for a in appeals),
    )


def review_rows(user: User | AnonymousUser, *, tab: str, only_open: bool = False, late_on: date | None = None,
                ) -> QuerySet[GradeReview] | QuerySet[GradeAppeal]:
    """Return the reviews (``tab`` ``reviews``: open first, by their due date) or the appeals (``appeals``: with
    their grade's current notice) the user sees; ``only_open``: those still to decide; ``late_on``: the reviews
    due before that day."""
    if tab == APPEALS:
        appeals = appeals_visible_to(user).order_by("outcome", "-filed_on", "-id").prefetch_related(
            Prefetch("grade__notices", queryset=GradeNotice.objects.filter(is_current=True)))
        return appeals.filter(outcome="") if only_open else appeals
    reviews = reviews_visible_to(user).order_by("outcome", "decide_by", "-id")
    if only_open:
        reviews = reviews.filter(outcome="")
        if late_on is not None:
            reviews = reviews.filter(decide_by__lt=late_on)
    return reviews


def signature_rows(user: User | AnonymousUser, procedure: AnnualProcedure,
                   status: str | None = None) -> QuerySet[GradeNotice]:
    """Return the current written notices of the unit's year (in one signature ``status``), unsigned first."""
    notices = grade_notices_visible_to(user).filter(
        grade__period_id=procedure.period_id, grade__unit_id=procedure.unit_id, is_current=True).order_by(
        "status", "official__unit__path", "official__name")
    return notices.filter(status=status) if status in SignStatus.values else notices
