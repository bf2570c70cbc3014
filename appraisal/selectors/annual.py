"""Reads of the annual procedure, each scoped to what the user may see (DESIGN §5); single objects are fetched
through them, so anything outside one's scope is a 404, exactly like a missing object.

- procedures: the organization department and heads over the unit, or over a part of it;
- summaries, written notices: the official themself, and heads and the organization department over them;
- public notices: every official of the unit, and those who see its procedure;
- objections: the organization department over the unit, and the objector their own — never the candidate;
- reviews and appeals: the official themself and the organization department over them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    AppraisalPeriod,
    Grade,
    GradeAppeal,
    GradeDecision,
    GradeNotice,
    GradeReview,
    GradeStatus,
    Objection,
    ProcedureEvent,
    PublicNotice,
    SignStatus,
    Stage,
)
from appraisal.selectors.access import is_head_over
from appraisal.selectors.grades import REPLACING, apply_constraints
from appraisal.selectors.transfers import grading_unit_path, year_transfers
from common.errors import ApplicationError
from common.queries import row_count
from org.models import Official, OrgUnit, User
from org.selectors import access_for, subtree_q
from org.selectors.posts import Placement

INVESTIGATION = "investigation"  # the source of the hold the discipline provider writes for an open case
TOP_DEPTH = 2  # the county is depth 1; its bureaus, towns and parks are the top-level units of the procedure
MANAGERS = ("org", "head")


def unit_grades(procedure: AnnualProcedure) -> QuerySet[GradeDecision]:
    """The grades of the procedure's unit and year."""
    return GradeDecision.objects.filter(period_id=procedure.period_id, unit_id=procedure.unit_id)


def appraised_grades(procedure: AnnualProcedure) -> QuerySet[GradeDecision]:
    """The unit's grades of officials who take part (not 不参加考核): they write a summary."""
    return unit_grades(procedure).exclude(proposed=Grade.NOT_APPRAISED)


def needs_comment_q() -> Q:
    """Rows that need a 评语: appraised and not under investigation (the JSON test is done in the database as a
    text match, which every backend supports, on the source name the discipline provider writes)."""
    return ~Q(proposed=Grade.NOT_APPRAISED) & ~Q(constraints__icontains=f'"{INVESTIGATION}"')


def _unit_q(user: User | AnonymousUser, relation: str, roles: Iterable[str]) -> Q:
    """Match procedures (through ``relation``) whose unit is covered by, or contains, one of the user's grants."""
    paths = access_for(user).paths(roles)
    top = OrgUnit.steplen * TOP_DEPTH
    bureaus = sorted({path[:top] for path in paths if len(path) > top})  # a section's grant sees its bureau's
    q = subtree_q(paths, f"{relation}unit__")
    return q | Q(**{f"{relation}unit__path__in": bureaus}) if bureaus else q


def _official_q(user: User | AnonymousUser, relation: str, roles: Iterable[str], *, own: bool = True) -> Q:
    access = access_for(user)
    q = subtree_q(access.paths(roles), f"{relation}official__unit__")
    if own and access.official_id is not None:
        q |= Q(**{f"{relation}official_id": access.official_id})
    return q


def procedures_visible_to(user: User | AnonymousUser) -> QuerySet[AnnualProcedure]:
    qs = AnnualProcedure.objects.select_related("period", "unit").order_by("-period__start", "unit__path")
    if access_for(user).is_superuser:
        return qs
    return qs.filter(_unit_q(user, "", MANAGERS))


def unopened_units(user: User | AnonymousUser, period: AppraisalPeriod) -> QuerySet[OrgUnit]:
    """Top-level units in the org department's scope with grades proposed for the year but no procedure yet."""
    units = OrgUnit.objects.filter(pk__in=GradeDecision.objects.filter(period=period).values("unit_id")).exclude(
        pk__in=AnnualProcedure.objects.filter(period=period).values("unit_id")).order_by("path")
    access = access_for(user)
    if access.is_superuser:
        return units
    return units.filter(subtree_q(access.paths(("org",))))


def procedure_transfers(procedure: AnnualProcedure) -> dict[int, Placement]:
    """The officials of the unit's year who changed units during it, with the unit that grades them and where
    they came from (考核规定 2020 第26条; one query)."""
    return year_transfers(procedure.period.start.year, unit_grades(procedure).values("official_id"))


def comment_rows_for(user: User | AnonymousUser, procedure: AnnualProcedure) -> QuerySet[GradeDecision]:
    """The unit's grades a user writes or reads the 评语 of: a head those under them — for an official who
    changed units during the year, the head over the unit that grades them — the org department all."""
    rows = unit_grades(procedure).select_related("official", "official__unit", "commented_by__official")
    access = access_for(user)
    if not access.covers(procedure.unit.path, ("org",)):
        paths = access.paths(("head", "org"))
        q = subtree_q(paths, "official__unit__")
        moved = procedure_transfers(procedure)
        if moved:
            graded_here = [pk for pk, p in moved.items() if any(p.unit_path.startswith(path) for path in paths)]
            q = (q & ~Q(official_id__in=list(moved))) | Q(official_id__in=graded_here)
        rows = rows.filter(q)
    return rows.order_by("official__unit__path", "official__name", "official_id")


def procedure_figures(procedure: AnnualProcedure) -> dict[str, int]:
    """Counts for the stage page: summaries by status, 评语 written, notices signed (three queries)."""
    summaries = procedure.summaries.aggregate(
        total=Count("id"), submitted=Count("id", filter=Q(status="submitted")),
        returned=Count("id", filter=Q(status="returned")))
    grades = unit_grades(procedure).aggregate(
        total=Count("id"), need_comment=Count("id", filter=needs_comment_q()),
        commented=Count("id", filter=needs_comment_q() & ~Q(comment="")),
        proposed=Count("id", filter=Q(status="proposed")), confirmed=Count("id", filter=~Q(status="proposed")))
    notices = GradeNotice.objects.filter(grade__period_id=procedure.period_id, grade__unit_id=procedure.unit_id,
                                         is_current=True).aggregate(
        total=Count("id"), pending=Count("id", filter=Q(status=SignStatus.PENDING)),
        unsigned=Count("id", filter=Q(status=SignStatus.UNSIGNED)),
        disagreed=Count("id", filter=Q(status=SignStatus.DISAGREED)))
    return {**{f"summaries_{k}": v for k, v in summaries.items()}, **{f"grades_{k}": v for k, v in grades.items()},
            **{f"notices_{k}": v for k, v in notices.items()}}


def procedure_events(procedure: AnnualProcedure) -> QuerySet[ProcedureEvent]:
    return procedure.events.select_related("by", "by__official", "official").order_by("-at", "-id")


def summaries_visible_to(user: User | AnonymousUser) -> QuerySet[AnnualSummary]:
    """The official's own; those of officials under the user's grants; and every summary of the procedures of
    the top-level units the user manages whole (an official graded there after a transfer included)."""
    qs = AnnualSummary.objects.select_related(
        "procedure", "procedure__period", "procedure__unit", "official", "official__unit", "returned_by__official")
    if access_for(user).is_superuser:
        return qs
    return qs.filter(_official_q(user, "", MANAGERS) | subtree_q(access_for(user).paths(MANAGERS), "procedure__unit__"))


def notices_visible_to(user: User | AnonymousUser) -> QuerySet[PublicNotice]:
    """Public notices: every official of the unit sees them, and those who see the procedure."""
    qs = PublicNotice.objects.select_related("procedure", "procedure__period", "procedure__unit").order_by(
        "-starts_on", "-id")
    access = access_for(user)
    if access.is_superuser:
        return qs
    q = _unit_q(user, "procedure__", MANAGERS)
    if access.official_id is not None:
        own = OrgUnit.objects.filter(officials__pk=access.official_id).values_list("path", flat=True).first()
        if own:
            q |= Q(procedure__unit__path=own[:OrgUnit.steplen * TOP_DEPTH])
    return qs.filter(q)


def objections_visible_to(user: User | AnonymousUser) -> QuerySet[Objection]:
    """The organization department over the unit sees every objection; an objector sees their own."""
    qs = Objection.objects.select_related(
        "notice", "notice__procedure", "notice__procedure__unit", "notice__procedure__period", "candidate",
        "filed_by", "filed_by__unit", "decided_by__official").order_by("-filed_at", "-id")
    access = access_for(user)
    if access.is_superuser:
        return qs
    # over the whole unit: a grant inside it would see candidates beyond it
    q = subtree_q(access.paths(("org",)), "notice__procedure__unit__")
    if access.official_id is not None:
        q |= Q(filed_by_id=access.official_id)
    return qs.filter(q)


def grade_notices_visible_to(user: User | AnonymousUser) -> QuerySet[GradeNotice]:
    qs = GradeNotice.objects.select_related("grade", "grade__period", "grade__unit", "official", "official__unit",
                                            "issued_by__official").order_by("-issued_at", "-id")
    if access_for(user).is_superuser:
        return qs
    return qs.filter(_official_q(user, "", MANAGERS))


def reviews_visible_to(user: User | AnonymousUser) -> QuerySet[GradeReview]:
    qs = GradeReview.objects.select_related("grade", "grade__period", "grade__unit", "notice", "official",
                                            "official__unit", "decided_by__official").order_by("-requested_at", "-id")
    if access_for(user).is_superuser:
        return qs
    return qs.filter(_official_q(user, "", ("org",)))


def appeals_visible_to(user: User | AnonymousUser) -> QuerySet[GradeAppeal]:
    qs = GradeAppeal.objects.select_related("grade", "grade__period", "grade__unit", "review", "official",
                                            "official__unit", "recorded_by__official").order_by("-filed_on", "-id")
    if access_for(user).is_superuser:
        return qs
    return qs.filter(_official_q(user, "", ("org",)))


# -- checks the pages and the actions share ------------------------------------------------------------
def procedure_for_grade(grade: GradeDecision) -> AnnualProcedure:
    """Return the procedure of the grade's unit and year; refuse (``no_procedure``) before it is opened."""
    procedure = AnnualProcedure.objects.select_related("unit", "period").filter(
        period_id=grade.period_id, unit_id=grade.unit_id).first()
    if procedure is None:
        raise ApplicationError(_("The annual appraisal of this unit has not been opened yet."),
                               code="no_procedure")
    return procedure


class CommentRule(StrEnum):
    """What the head over an official writes (公务员考核规定 2020 第25、28条, ``appraisal.services.comments``)."""

    REQUIRED = "required"  # 评语 and a proposed grade
    ONLY = "only"  # 评语 only, the grade is not determined (probation, long leave)
    FORBIDDEN = "forbidden"  # under investigation: no 评语, no grade
    NONE = "none"  # not appraised


def comment_rule(grade: GradeDecision) -> CommentRule:
    """Return what the head must write for this official."""
    if grade.proposed == Grade.NOT_APPRAISED:
        return CommentRule.NONE
    if any(c.get("source") == INVESTIGATION for c in grade.constraints or []):
        return CommentRule.FORBIDDEN
    if apply_constraints(Grade.COMPETENT, grade.constraints or []) in REPLACING:
        return CommentRule.ONLY
    return CommentRule.REQUIRED


REVIEW_GRADES = (Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT, Grade.UNDETERMINED)


def reviewable_grades() -> list[str]:
    """Return the grades a 复核 may be asked of (setting ``APPRAISAL_REVIEWABLE_GRADES``)."""
    return list(getattr(settings, "APPRAISAL_REVIEWABLE_GRADES", REVIEW_GRADES))


def is_running(notice: PublicNotice, today: date | None = None) -> bool:
    """Whether the public notice runs on ``today`` (objections may be filed)."""
    today = today or timezone.localdate()
    return notice.starts_on <= today <= notice.ends_on


def new_candidates(procedure: AnnualProcedure) -> QuerySet[GradeDecision]:
    """Confirmed 优秀 grades not yet posted: they need a notice before the unit can be finalized."""
    return unit_grades(procedure).filter(status=GradeStatus.CONFIRMED, final=Grade.EXCELLENT)


def may_write(user: User, official: Official, *, unit_path: str | None = None) -> bool:
    """The official themself, or the head over an official who has no login account (over ``unit_path``, the unit
    that grades them, when given)."""
    if access_for(user).official_id == official.pk:
        return True
    return official.user_id is None and is_head_over(user, official, unit_path=unit_path)


def grading_path(summary: AnnualSummary) -> str:
    """The unit that grades the official this year: its head reviews the summary (考核规定 2020 第26条)."""
    return grading_unit_path(summary.official, summary.procedure.period.start.year)


def may_write_summary(user: User, summary: AnnualSummary) -> bool:
    """Whether the user may write or submit this summary (see ``may_write``)."""
    if access_for(user).official_id == summary.official_id:  # the official: no need to look up the transfers
        return True
    return may_write(user, summary.official, unit_path=grading_path(summary))


def can_review_summary(user: User, summary: AnnualSummary) -> bool:
    """Whether the user is the head over the summary's official in the unit that grades them (may return it)."""
    return is_head_over(user, summary.official, unit_path=grading_path(summary))


def procedure_rows(user: User | AnonymousUser, period: AppraisalPeriod, stage: str = "") -> QuerySet[AnnualProcedure]:
    """Return the year's procedures the user sees (at one ``stage``), each with ``summaries_total`` and
    ``summaries_submitted``."""
    summaries = AnnualSummary.objects.filter(procedure=OuterRef("pk"))
    procedures = procedures_visible_to(user).filter(period=period).annotate(
        summaries_total=row_count(summaries, "procedure"),
        summaries_submitted=row_count(summaries.filter(status="submitted"), "procedure"))
    return procedures.filter(stage=stage) if stage in Stage.values else procedures
