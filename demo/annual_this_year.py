"""This year's annual appraisal (年度考核), under way on the day the demo is built as of.

A module of its own because this year is a different story from last year's: most steps are still ahead, so only
the one bureau whose 公示 is running is taken through 评语 and confirmation (and only its steps are dated back);
everywhere else the summaries are left in every state. ``AnnualBuilder.build`` calls ``build_this_year`` with
itself (the people, the logins, the shared helpers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    AppraisalPeriod,
    Grade,
    GradeDecision,
    NoticeCandidate,
    Objection,
    ProcedureEvent,
    PublicNotice,
    Scorecard,
    SummaryStatus,
)
from appraisal.selectors.grades import unit_grade_summary
from appraisal.services.comments import comment_write
from appraisal.services.grades import grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit
from appraisal.services.notices import notice_open
from appraisal.services.periods import period_get_or_create
from appraisal.services.procedure import procedures_open_all, proposals_submit, summaries_close
from appraisal.services.summaries import summary_return, summary_save, summary_set_oral, summary_submit
from demo import annual_data as text
from demo.annual_scores import Person
from demo.org_data import HEAD_UNIT_CODE
from org.models import OrgUnit, RankLevel
from org.workdays import is_working_day

if TYPE_CHECKING:
    from demo.annual_builder import AnnualBuilder

NOTICE_BUREAU_CODES = ("CZ", "FG", "JY", "ZR", "ZJ", "NY")  # this year's running 公示: the finance bureau first
DRAFT_WRITTEN, NOT_STARTED = SummaryStatus.DRAFT, "empty"  # the counts of drafts with text, and of untouched ones


@dataclass
class ThisYearFacts:
    """What the summary line reports of this year."""

    units: int = 0
    summaries: dict[str, int] | None = None
    objections: int = 0  # waiting
    notice_unit: str = ""


def build_this_year(builder: AnnualBuilder, year: int) -> ThisYearFacts:
    """Build this year's appraisal as far as it has got by today; return what the summary line reports."""
    period = period_get_or_create(key=str(year))
    if not Scorecard.objects.filter(period=period).exists():
        return ThisYearFacts(summaries={})
    start = max(date(year, 1, 1), working_day_before(builder.today))  # the 公示 started a working day ago
    d_open = max(date(year, 1, 1), start - timedelta(days=21))
    d_close = max(d_open, start - timedelta(days=8))
    d_proposals = max(d_close, start - timedelta(days=3))
    d_confirm = max(d_proposals, start - timedelta(days=1))
    grades_propose(period=period, by=builder.orgadmin)
    procedures_open_all(period=period, by=builder.orgadmin)
    procedures = {p.unit_id: p for p in AnnualProcedure.objects.filter(period=period).select_related(
        "unit", "period")}
    AnnualProcedure.objects.filter(period=period).update(opened_at=builder.at(d_open, 9, 0),
                                                         stage_changed_at=builder.at(d_open, 9, 0))
    ProcedureEvent.objects.filter(procedure__period=period, action="open").update(at=builder.at(d_open, 9, 0))
    AnnualSummary.objects.filter(procedure__period=period).update(created_at=builder.at(d_open, 9, 0))
    bureau = _notice_bureau(builder, period, procedures)

    # Summaries in every state: a quarter submitted, half drafts with some text, the rest not started.
    counts: dict[str, int] = defaultdict(int)
    special = {builder.staff_person.id, builder.head_person.id}

    def status(_person: Person) -> str | None:
        draw = builder.rng.random()
        return SummaryStatus.SUBMITTED if draw < 0.25 else DRAFT_WRITTEN if draw < 0.75 else None

    others = AnnualSummary.objects.filter(procedure__period=period).exclude(official_id__in=special)
    if bureau is not None:
        others = others.exclude(procedure__unit_id=bureau.pk)
    for key, value in builder.bulk_summaries(others, status, (d_open, builder.today)).items():
        counts[key] += value
    culture = procedures.get(builder.culture.pk)
    if culture is not None:
        _culture_summaries(builder, culture, counts)
    facts = ThisYearFacts(units=len(procedures), summaries=counts)
    if bureau is not None:
        facts.notice_unit = bureau.name
        dates = {"open": d_open, "summaries_close": d_close, "proposals_submit": d_proposals, "confirm": d_confirm}
        facts.objections = _running_notice(builder, period, procedures[bureau.pk], start, dates, counts)
    return facts


def _culture_summaries(builder: AnnualBuilder, procedure: AnnualProcedure, counts: dict[str, int]) -> None:
    """Staff's draft, the head's submitted summary, one returned by the head, the oral reports arranged."""
    summaries = {s.official_id: s for s in AnnualSummary.objects.filter(procedure=procedure).select_related(
        "official", "official__unit", "procedure", "procedure__unit", "procedure__period")}
    staff = summaries.get(builder.staff_person.id)
    if staff is not None:
        sections = builder.summary_texts(builder.staff_person, ["morality", "ability", "diligence"])
        summary_save(summary=staff, by=builder.staff, sections=sections)
        counts[DRAFT_WRITTEN] += 1
    head = summaries.get(builder.head_person.id)
    if head is not None:
        summary_save(summary=head, by=builder.head, sections=builder.summary_texts(builder.head_person,
                                                                                   text.SUMMARY_PHRASES))
        summary_submit(summary=head, by=builder.head)
        counts[SummaryStatus.SUBMITTED] += 1
    # One submitted summary is returned by the head (one is submitted first if the draw left none).
    others = AnnualSummary.objects.filter(procedure=procedure).exclude(
        official_id__in=[builder.head_person.id, builder.staff_person.id]).order_by("official_id")
    returned = others.filter(status=SummaryStatus.SUBMITTED).first()
    if returned is None and (first := others.first()) is not None:
        counts[DRAFT_WRITTEN if any(first.sections.values()) else NOT_STARTED] -= 1
        builder.bulk_summaries(others.filter(pk=first.pk), lambda _p: SummaryStatus.SUBMITTED,
                               (builder.today - timedelta(days=3), builder.today))
        counts[SummaryStatus.SUBMITTED] += 1
        returned = first
    if returned is not None:
        summary_return(summary=returned, by=builder.head, reason=text.RETURN_REASON)
        counts[SummaryStatus.SUBMITTED] -= 1
        counts[SummaryStatus.RETURNED] += 1
    # The bureau's leadership members give their 述职 at a meeting in a few days.
    meeting = timezone.make_aware(datetime.combine(builder.on_or_after(builder.today + timedelta(days=3)),
                                                   time(14, 30)))
    for official_id, summary in summaries.items():
        person = builder.people.get(official_id)
        if person is not None and person.rank_level == RankLevel.LEADERSHIP and person is not builder.head_person:
            summary_set_oral(summary=summary, by=builder.head, at=meeting,
                             place=text.ORAL_PLACE.format(unit=person.top.name))


def _notice_bureau(builder: AnnualBuilder, period: AppraisalPeriod,
                   procedures: dict[int, AnnualProcedure]) -> OrgUnit | None:
    """The bureau whose 公示 runs today: the finance bureau, or the first listed one that can post a candidate
    and has another official to object."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=NOTICE_BUREAU_CODES, depth=2)}
    for code in NOTICE_BUREAU_CODES:
        unit = units.get(code)
        if unit is None or unit.pk not in procedures or unit.code == HEAD_UNIT_CODE:
            continue
        grades = list(GradeDecision.objects.filter(period=period, unit=unit).order_by("-score", "id"))
        if len(grades) >= 2 and unit_grade_summary(period=period, unit=unit).quota >= 1 and any(
                g.proposed == Grade.EXCELLENT or builder.may_be_excellent(g) for g in grades):
            return unit
    return None


def _running_notice(builder: AnnualBuilder, period: AppraisalPeriod, procedure: AnnualProcedure, start: date,
                    dates: dict[str, date], counts: dict[str, int]) -> int:
    """One bureau already through 评语 and confirmation, its 公示 running, one objection waiting (return how
    many objections wait)."""
    summaries = AnnualSummary.objects.filter(procedure=procedure)
    for key, value in builder.bulk_summaries(summaries, lambda _p: SummaryStatus.SUBMITTED,
                                             (dates["open"], dates["summaries_close"])).items():
        counts[key] += value
    summaries_close(procedure=procedure, by=builder.orgadmin)
    grades = builder.bulk_comments(period, builder.at(dates["summaries_close"] + timedelta(days=1), 16),
                                   units=[procedure.unit_id])
    if not any(g.proposed == Grade.EXCELLENT for g in grades):
        best = next(g for g in grades if builder.may_be_excellent(g))
        row = GradeDecision.objects.select_related("official", "official__unit", "unit").get(pk=best.pk)
        comment_write(grade=row, by=builder.orgadmin, comment=builder.comment_text(Grade.EXCELLENT),
                      head_grade=Grade.EXCELLENT, head_reason=text.PROMOTE_REASON.format(unit=row.unit.name))
    proposals_submit(procedure=procedure, by=builder.orgadmin)
    grade_confirm_unit(period=period, unit=procedure.unit, by=builder.orgadmin)
    notice = notice_open(procedure=procedure, by=builder.orgadmin, starts_on=start, today=start)
    candidates = set(NoticeCandidate.objects.filter(notice=notice).values_list("official_id", flat=True))
    members = [p for p in builder.people.values() if p.top.pk == procedure.unit_id and p.id not in candidates]
    ordinary = [p for p in members if p.rank_level == RankLevel.ORDINARY]
    objection = None
    if members:
        objector = (ordinary or members)[0]
        objection = builder.file_objection(notice, objector, builder.account_for(objector), {},
                                           filed=builder.today, reason=text.OBJECTION_THIS_YEAR)
    # Date the steps back to the days they happened (the services stamp "now").
    events = ProcedureEvent.objects.filter(procedure=procedure)
    steps = [(action, dates[action]) for action in ("summaries_close", "proposals_submit", "confirm")]
    for action, day in [*steps, ("notice_open", start)]:
        events.filter(action=action).update(at=builder.at(day, 11, 0))
    events.filter(action="comment").update(at=builder.at(dates["summaries_close"] + timedelta(days=1), 16, 0))
    AnnualProcedure.objects.filter(pk=procedure.pk).update(stage_changed_at=builder.at(start, 9, 0))
    PublicNotice.objects.filter(pk=notice.pk).update(opened_at=builder.at(start, 9, 0))
    GradeDecision.objects.filter(period=period, unit_id=procedure.unit_id).update(
        confirmed_at=builder.at(dates["confirm"], 15, 0))
    if objection is None:
        return 0
    filed_at = builder.at(builder.today, 9)
    Objection.objects.filter(pk=objection.pk).update(filed_at=filed_at)
    events.filter(action="objection_file").update(at=filed_at)
    return 1


def working_day_before(day: date) -> date:
    """Return the last working day before ``day``."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
