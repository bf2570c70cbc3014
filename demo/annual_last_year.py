"""Last year's annual appraisal (年度考核), carried through every step for every top-level unit.

A module of its own because last year is the long half of the story ``demo.annual_builder`` tells: every step from
the scorecards (written in bulk: there are no facts of last year to roll up) to the signed notices and the 复核,
then every timestamp a service set to "now" dated back to December, and — once that day has come — the period
closed and published in January. ``AnnualBuilder.build`` calls ``build_last_year`` with itself (the people, the
logins, the shared helpers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F, Max

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    AppraisalPeriod,
    Grade,
    GradeDecision,
    GradeNotice,
    GradeReview,
    Objection,
    PeriodEvent,
    PeriodStatus,
    ProcedureEvent,
    PublicNotice,
    Scorecard,
    SignStatus,
    Stage,
    SummaryStatus,
)
from appraisal.selectors.annual import CommentRule, comment_rule
from appraisal.selectors.schemes import scheme_snapshot
from appraisal.selectors.transfers import year_transfers
from appraisal.services.comments import comment_write
from appraisal.services.finalize import grade_notice_sign, notices_mark_unsigned, procedure_finalize
from appraisal.services.grades import grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.notices import notice_open, objection_decide
from appraisal.services.periods import period_get_or_create
from appraisal.services.procedure import (
    procedure_event,
    procedures_open_all,
    proposals_submit,
    set_stage,
    summaries_close,
)
from appraisal.services.reviews import review_decide, review_request
from appraisal.services.summaries import summary_save, summary_submit
from common.models import Notification
from demo import annual_data as text
from demo.annual_scores import Person, scorecards_write, update_rows
from org.models import OrgUnit, RankLevel, User

if TYPE_CHECKING:
    from demo.annual_builder import AnnualBuilder

UNSIGNED_SHARE = 0.02  # last year's notices nobody signed in time


@dataclass
class LastYearFacts:
    """What the summary line reports of last year."""

    units: int = 0
    differing: int = 0  # heads' proposals that differ from the scores
    objections: int = 0  # found unfounded
    signed: int = 0
    disagreed: int = 0
    unsigned: int = 0
    pending: int = 0
    reviews: int = 0


def build_last_year(builder: AnnualBuilder, year: int) -> LastYearFacts:
    """Carry last year's appraisal through every step; return what the summary line reports."""
    period = period_get_or_create(key=str(year))
    notifications_from = Notification.objects.aggregate(n=Max("id"))["n"] or 0
    # The calendar of the year: opened in December, the 公示 in mid-December, notices out before Christmas.
    d_open = builder.on_or_after(date(year, 12, 1))
    d_close = builder.on_or_after(date(year, 12, 9))
    d_proposals = builder.on_or_after(date(year, 12, 11))
    d_confirm = builder.on_or_after(date(year, 12, 12))
    d_notice = builder.on_or_after(date(year, 12, 15))
    with_dates = {"open": d_open, "summaries_close": d_close, "proposals_submit": d_proposals,
                  "confirm": d_confirm, "notice_open": d_notice, "comment": builder.on_or_after(d_close)}

    _scorecards(builder, period, year, computed=builder.at(d_open - timedelta(days=3), 9))
    grades_propose(period=period, by=builder.orgadmin)
    procedures_open_all(period=period, by=builder.orgadmin)
    procedures = list(AnnualProcedure.objects.filter(period=period).select_related("unit", "period")
                      .order_by("unit__path"))
    culture = next((p for p in procedures if p.unit_id == builder.culture.pk), None)

    # 个人总结: staff and head write theirs on the page, everyone else's are written in bulk.
    for login, person in ((builder.staff, builder.staff_person), (builder.head, builder.head_person)):
        summary = AnnualSummary.objects.filter(procedure__period=period, official_id=person.id).first()
        if summary is not None:
            summary_save(summary=summary, by=login, sections=builder.summary_texts(person, text.SUMMARY_PHRASES))
            summary_submit(summary=summary, by=login, now=builder.between(d_open, d_close - timedelta(days=1)))
    builder.bulk_summaries(AnnualSummary.objects.filter(procedure__period=period, status=SummaryStatus.DRAFT),
                           lambda _person: SummaryStatus.SUBMITTED, (d_open, d_close - timedelta(days=1)),
                           oral=builder.at(d_close - timedelta(days=1), 14, 30))
    for procedure in procedures:
        summaries_close(procedure=procedure, by=builder.head if procedure is culture else builder.orgadmin)

    # 评语 in bulk; in the culture bureau and one other unit the head's proposal differs from the scores.
    grades = builder.bulk_comments(period, builder.at(with_dates["comment"], 16))
    roles = _culture_roles(builder, grades) if culture is not None else {}
    differing = 0
    if culture is not None and roles.get("promote") and roles.get("demote"):
        _swap(builder, roles["promote"], roles["demote"], by=builder.head)
        differing += 2
    if _swap_somewhere(builder, grades, skip={builder.culture.pk}):
        differing += 2
    for procedure in procedures:
        proposals_submit(procedure=procedure, by=builder.head if procedure is culture else builder.orgadmin)
    for procedure in procedures:
        grade_confirm_unit(period=period, unit=procedure.unit, by=builder.orgadmin)

    # 公示 from mid-December; an official of the culture bureau objects to a candidate, found unfounded.
    objector = roles.get("objector")
    disagreer = roles.get("disagreer")
    accounts = {p.id: builder.account_for(p) for p in (objector, disagreer) if p is not None}
    notices = {p.pk: notice_open(procedure=p, by=builder.orgadmin, starts_on=d_notice, today=d_notice)
               for p in procedures}
    d_end = max(n.ends_on for n in notices.values())
    d_finalize = builder.on_or_after(d_end + timedelta(days=1))
    objection = None
    filed = builder.on_or_after(d_notice + timedelta(days=1))
    if culture is not None and objector is not None:
        objection = builder.file_objection(notices[culture.pk], objector, accounts[objector.id], roles, filed=filed)
    if objection is not None:
        objection_decide(objection=objection, by=builder.orgadmin, upheld=False,
                         note=text.OBJECTION_LAST_YEAR_FINDING)
        decided = min(d_end, filed + timedelta(days=2))
        Objection.objects.filter(pk=objection.pk).update(filed_at=builder.at(filed, 9),
                                                         decided_at=builder.at(decided, 15))
        with_dates.update(objection_file=filed, objection_decide=decided)

    for procedure in procedures:
        procedure_finalize(procedure=procedure, by=builder.orgadmin, today=d_finalize)
    with_dates["finalize"] = d_finalize
    facts = _signatures(builder, period, year, d_finalize, disagreer, accounts, with_dates)
    facts.units, facts.differing, facts.objections = len(procedures), differing, int(objection is not None)

    _date_back(builder, period, procedures, with_dates, d_finalize, notices_from=notifications_from)
    return facts


# -- scorecards, heads' proposals -----------------------------------------------------------------------------
def _scorecards(builder: AnnualBuilder, period: AppraisalPeriod, year: int, *, computed: datetime) -> None:
    """Last year's final scores (the demo has no facts of last year to roll up)."""
    first_day = date(year, 1, 1)
    people = [p for p in builder.people.values()
              if p.joined_on is None or p.joined_on < first_day or p is builder.staff_person]
    # One who changed units during the year is graded where the rules say (第26条), as the rollup would place
    # the year's scorecard — else the head over their present unit would write a 评语 the rules refuse him.
    step = OrgUnit.steplen
    moved = {official_id: placement.unit_path[: 2 * step]
             for official_id, placement in year_transfers(year, [p.id for p in people]).items()}
    tops = {u.path: u for u in OrgUnit.objects.filter(depth=2, path__in=set(moved.values()))}
    people = [replace(p, top=tops[moved[p.id]]) if tops.get(moved.get(p.id, "")) not in (None, p.top) else p
              for p in people]
    scorecards_write(period=period, people=people, rng=builder.rng, computed=computed,
                     with_excellent=builder.culture.pk)


def _culture_roles(builder: AnnualBuilder, grades: list[GradeDecision]) -> dict[str, Any]:
    """Who in the culture bureau is raised to 优秀 by the head, who is lowered (and disagrees), who objects."""
    special = {builder.staff_person.id, builder.head_person.id}
    mine = [g for g in grades if g.unit_id == builder.culture.pk]  # best score first
    excellent = [g for g in mine if g.proposed == Grade.EXCELLENT and g.official_id not in special]
    raisable = [g for g in mine if g.proposed == Grade.COMPETENT and g.official_id not in special
                and builder.may_be_excellent(g)]
    roles: dict[str, Any] = {}
    if excellent and raisable:
        roles["demote"], roles["promote"] = excellent[-1], raisable[0]
        disagreer_grade: GradeDecision | None = excellent[-1]
    else:
        competent = [g for g in mine if g.proposed == Grade.COMPETENT and g.official_id not in special
                     and comment_rule(g) is CommentRule.REQUIRED]
        disagreer_grade = competent[0] if competent else None
    taken = set(special) | {g.official_id for g in (roles.get("demote"), roles.get("promote")) if g}
    if disagreer_grade is not None:
        roles["disagreer"] = builder.people[disagreer_grade.official_id]
        taken.add(disagreer_grade.official_id)
    others = [builder.people[g.official_id] for g in reversed(mine) if g.official_id not in taken]
    ordinary = [p for p in others if p.rank_level == RankLevel.ORDINARY]
    if others:
        roles["objector"] = (ordinary or others)[0]
    return roles


def _swap(builder: AnnualBuilder, promote: GradeDecision, demote: GradeDecision, *, by: User) -> None:
    """The head raises one official to 优秀 and lowers another to 称职, each with a reason (quota unchanged)."""
    for grade, head_grade, reason in ((demote, Grade.COMPETENT, text.DEMOTE_REASON),
                                      (promote, Grade.EXCELLENT, text.PROMOTE_REASON)):
        row = GradeDecision.objects.select_related("official", "official__unit", "unit").get(pk=grade.pk)
        comment_write(grade=row, by=by, comment=builder.comment_text(head_grade), head_grade=head_grade,
                      head_reason=reason.format(unit=row.unit.name))


def _swap_somewhere(builder: AnnualBuilder, grades: list[GradeDecision], *, skip: set[int]) -> bool:
    """The same in the first other unit where it is possible (written by the organization department)."""
    by_unit: dict[int, list[GradeDecision]] = defaultdict(list)
    for grade in grades:
        by_unit[grade.unit_id].append(grade)
    for unit_id, mine in sorted(by_unit.items()):
        if unit_id in skip:
            continue
        excellent = [g for g in mine if g.proposed == Grade.EXCELLENT]
        raisable = [g for g in mine if g.proposed == Grade.COMPETENT and builder.may_be_excellent(g)]
        if excellent and raisable:
            _swap(builder, raisable[0], excellent[-1], by=builder.orgadmin)
            return True
    return False


# -- signatures --------------------------------------------------------------------------------------------
def _signatures(builder: AnnualBuilder, period: AppraisalPeriod, year: int, d_finalize: date,
                disagreer: Person | None, accounts: dict[int, User], with_dates: dict[str, date]) -> LastYearFacts:
    rng = builder.rng
    notices = GradeNotice.objects.filter(grade__period=period, is_current=True)
    sign_due = d_finalize + timedelta(days=int(settings.APPRAISAL_SIGN_DAYS))
    last_signing = min(sign_due, builder.today)
    # Everyone's notice went out on the day of finalization — but staff's, issued late, is still to sign.
    notices.exclude(official_id=builder.staff_person.id).update(issued_at=builder.at(d_finalize, 10, 30))
    notices.filter(official_id=builder.staff_person.id).update(
        issued_at=builder.at(builder.today - timedelta(days=1), 15, 0),
        sign_due=builder.today - timedelta(days=1) + timedelta(days=int(settings.APPRAISAL_SIGN_DAYS)),
        review_due=builder.today - timedelta(days=1) + timedelta(days=int(settings.APPRAISAL_REVIEW_DAYS)))

    signed_by_service: dict[int, datetime] = {}
    head_notice = notices.filter(official_id=builder.head_person.id).first()
    if head_notice is not None:
        grade_notice_sign(notice=head_notice, by=builder.head, agree=True, opinion="同意。")
        signed_by_service[head_notice.pk] = builder.between(d_finalize, last_signing)
    disagreed = notices.filter(official_id=disagreer.id).select_related("grade").first() if disagreer else None
    if disagreer is not None and disagreed is not None:
        score = disagreed.grade.score
        grade_notice_sign(notice=disagreed, by=accounts[disagreer.id], agree=False,
                          opinion=text.DISAGREE_OPINION.format(score=score))
        signed_by_service[disagreed.pk] = builder.at(d_finalize + timedelta(days=1), 16)
    for pk, when in signed_by_service.items():
        GradeNotice.objects.filter(pk=pk).update(signed_at=when)

    rows = list(notices.filter(status=SignStatus.PENDING).exclude(official_id=builder.staff_person.id)
                .only("id").order_by("id"))
    rng.shuffle(rows)
    left = max(1, round(len(rows) * UNSIGNED_SHARE)) if len(rows) > 3 else 0
    for row in rows[left:]:
        row.status, row.opinion = SignStatus.AGREED, rng.choice(text.AGREE_OPINIONS)
        row.signed_at = builder.between(d_finalize, last_signing)
    update_rows(rows[left:], ["status", "opinion", "signed_at"])

    if disagreer is not None and disagreed is not None:
        _review(builder, disagreed, accounts[disagreer.id], d_finalize, with_dates)
    d_unsigned = sign_due + timedelta(days=1)
    unsigned = notices_mark_unsigned(today=d_unsigned) if d_unsigned <= builder.today else 0
    with_dates["notice_unsigned"] = with_dates["notices_signed"] = min(d_unsigned, builder.today)
    # Units whose every notice was signed in bulk reach the last stage as the signing service would move them.
    for procedure in AnnualProcedure.objects.filter(period=period, stage=Stage.FINAL).select_related("unit"):
        if not GradeNotice.objects.filter(grade__period=period, grade__unit_id=procedure.unit_id,
                                          is_current=True, status=SignStatus.PENDING).exists():
            set_stage(procedure, Stage.SIGNED)
            procedure_event(procedure=procedure, action="notices_signed", by=None)
    pending = notices.filter(status=SignStatus.PENDING).count()
    return LastYearFacts(signed=len(rows) - left + len(signed_by_service), unsigned=unsigned, pending=pending,
                         disagreed=int(disagreed is not None), reviews=int(disagreed is not None))


def _review(builder: AnnualBuilder, notice: GradeNotice, account: User, d_finalize: date,
            with_dates: dict[str, date]) -> None:
    """The official who disagreed asks for 复核; the organization department upholds the grade."""
    grade = notice.grade
    rank = Scorecard.objects.filter(period_id=grade.period_id, official_id=grade.official_id).values_list(
        "rank_in_unit", flat=True).first()
    requested = min(builder.today, d_finalize + timedelta(days=2))
    review = review_request(notice=notice, by=account, today=requested,
                            reason=text.REVIEW_REASON.format(score=grade.score, rank=rank or 1))
    review = review_decide(review=review, by=builder.orgadmin, outcome="upheld",
                           reason=text.REVIEW_DECISION.format(score=grade.score))
    decided = min(builder.today, builder.on_or_after(requested + timedelta(days=14)))
    GradeReview.objects.filter(pk=review.pk).update(requested_at=builder.at(requested, 9),
                                                    decided_at=builder.at(decided, 16))
    with_dates.update(review_request=requested, review_decide=decided)


# -- dates -------------------------------------------------------------------------------------------------
def _date_back(builder: AnnualBuilder, period: AppraisalPeriod, procedures: list[AnnualProcedure],
               with_dates: dict[str, date], d_finalize: date, *, notices_from: int) -> None:
    """Move the timestamps the services set to "now" back to when last year's steps happened."""
    events = ProcedureEvent.objects.filter(procedure__period=period)
    for action, day in with_dates.items():
        events.filter(action=action).update(at=builder.at(day, 11, 0))
    signatures = dict(GradeNotice.objects.filter(grade__period=period, signed_at__isnull=False)
                      .values_list("pk", "signed_at"))
    for event in events.filter(action="notice_sign"):
        if event.data.get("notice") in signatures:
            ProcedureEvent.objects.filter(pk=event.pk).update(at=signatures[event.data["notice"]])
    submitted: dict[tuple[int, int | None], datetime | None] = {
        (s.procedure_id, s.official_id): s.submitted_at
        for s in AnnualSummary.objects.filter(procedure__period=period, official_id__in=[
            builder.staff_person.id, builder.head_person.id])}
    for event in events.filter(action="summary_submit"):
        when = submitted.get((event.procedure_id, event.official_id))
        ProcedureEvent.objects.filter(pk=event.pk).update(at=when or event.at)
    AnnualSummary.objects.filter(procedure__period=period).update(created_at=builder.at(with_dates["open"], 9, 0),
                                                                  updated_at=F("submitted_at"))
    AnnualProcedure.objects.filter(period=period).update(
        opened_at=builder.at(with_dates["open"], 9, 0), finalized_at=builder.at(d_finalize, 10, 0))
    AnnualProcedure.objects.filter(period=period, stage=Stage.FINAL).update(
        stage_changed_at=builder.at(d_finalize, 10, 0))
    AnnualProcedure.objects.filter(period=period, stage=Stage.SIGNED).update(
        stage_changed_at=builder.at(with_dates["notices_signed"], 9, 0))
    PublicNotice.objects.filter(procedure__period=period).update(opened_at=builder.at(with_dates["notice_open"], 9, 0))
    GradeDecision.objects.filter(period=period).update(confirmed_at=builder.at(with_dates["confirm"], 15, 0))
    GradeDecision.objects.filter(period=period, commented_at__isnull=False).update(
        commented_at=builder.at(with_dates["comment"], 16, 0))
    # Last year's notifications were read long ago; staff's written notice is new.
    kinds = {"summary_requested": "open", "comments_due": "summaries_close",
             "grades_to_confirm": "proposals_submit", "grades_confirmed": "confirm",
             "public_notice": "notice_open", "objection_filed": "objection_file",
             "objection_decided": "objection_decide", "grade_notice": "finalize",
             "review_requested": "review_request", "review_decided": "review_decide"}
    fresh = Notification.objects.filter(id__gt=notices_from)
    staff_notice = GradeNotice.objects.filter(grade__period=period, official_id=builder.staff_person.id).first()
    if staff_notice is not None:
        fresh = fresh.exclude(user=builder.staff, kind="grade_notice")
    for kind, action in kinds.items():
        day = with_dates.get(action, d_finalize)
        fresh.filter(kind=kind).update(created_at=builder.at(day, 11, 0), read_at=builder.at(day, 17, 0))
    fresh.filter(read_at__isnull=True).update(read_at=builder.now)
    _close_year(builder, period, d_finalize)


def _close_year(builder: AnnualBuilder, period: AppraisalPeriod, d_finalize: date) -> None:
    """Last year's period was closed and published in January. Its scores were final already, so the period's
    status is set directly: the close service would re-run the rollup, which has no facts for last year."""
    closed = builder.on_or_after(d_finalize + timedelta(days=20))
    if closed > builder.today:
        return
    AppraisalPeriod.objects.filter(pk=period.pk).update(
        status=PeriodStatus.PUBLISHED, scheme_snapshot=scheme_snapshot(), closed_at=builder.at(closed, 10, 0),
        published_at=builder.at(closed, 16, 0), last_rollup_at=builder.at(closed, 10, 0))
    for action, hour in (("close", 10), ("publish", 16)):
        event = PeriodEvent.objects.create(period=period, action=action, by=builder.orgadmin)
        PeriodEvent.objects.filter(pk=event.pk).update(at=builder.at(closed, hour, 0))
