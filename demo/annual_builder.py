"""Build the demo's annual appraisal (年度考核): last year's carried through every step for every top-level unit,
this year's under way.

Last year: scorecards (the demo has no history for it, so they are written in bulk), grades proposed, every unit's
procedure opened, summaries submitted, 评语 written (two heads' proposals differ from the scores, with reasons),
grades confirmed, the 公示 in December with one objection in the culture bureau found unfounded, grades final,
written notices signed (one "不同意" followed by a 复核 that upholds the grade, a few left 未签署) — and ``staff``'s
notice issued late, so ``staff`` has it to read and sign. This year: grades proposed from the provisional scores,
every unit's procedure open, summaries in every state, and one bureau's 公示 running with an objection waiting.

The steps go through the appraisal services (so their audit rows exist); the mass of texts (summaries, 评语) and
the signatures of officials without a login are written in bulk, and the timestamps the services set to "now"
are dated back afterwards to when last year's steps would have happened. Officials who act through a service
(the objectors, the official who disagrees) get a login account without a usable password.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    AppraisalPeriod,
    Grade,
    GradeDecision,
    GradeNotice,
    GradeReview,
    NoticeCandidate,
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
from appraisal.services.comments import CommentRule, comment_rule, comment_write
from appraisal.services.finalize import grade_notice_sign, notices_mark_unsigned, procedure_finalize
from appraisal.services.grades import apply_constraints, grade_confirm_unit, grades_propose, unit_grade_summary
from appraisal.services.notices import notice_open, objection_decide, objection_file
from appraisal.services.periods import period_get_or_create, scheme_snapshot
from appraisal.services.procedure import (
    procedure_event,
    procedures_open_all,
    proposals_submit,
    set_stage,
    summaries_close,
)
from appraisal.services.reviews import review_decide, review_request
from appraisal.services.summaries import summary_return, summary_save, summary_set_oral, summary_submit
from common.models import Notification
from demo import annual_data as text
from demo.annual_scores import Person, scorecards_write, update_rows
from demo.org_data import HEAD_UNIT_CODE
from org.models import Official, OrgUnit, RankLevel, User
from org.workdays import add_working_days, is_working_day

NOTICE_BUREAU_CODES = ("CZ", "FG", "JY", "ZR", "ZJ", "NY")  # this year's running 公示: the finance bureau first
UNSIGNED_SHARE = 0.02  # last year's notices nobody signed in time
DRAFT_WRITTEN, NOT_STARTED = SummaryStatus.DRAFT, "empty"  # the counts of drafts with text, and of untouched ones


@dataclass
class YearFacts:
    """What the summary line reports."""

    units: int = 0
    differing: int = 0  # heads' proposals that differ from the scores
    summaries: dict[str, int] | None = None
    objections: int = 0  # last year: found unfounded; this year: waiting
    signed: int = 0
    disagreed: int = 0
    unsigned: int = 0
    pending: int = 0
    reviews: int = 0
    notice_unit: str = ""


class AnnualBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        # A copy of the seed's generator, so the annual data does not shift what a later builder draws.
        self.rng = random.Random()
        self.rng.setstate(rng.getstate())
        self.today, self.stdout, self.style = today, stdout, style
        users = {u.username: u for u in User.objects.filter(username__in=["orgadmin", "head", "staff"])}
        self.orgadmin, self.head, self.staff = users["orgadmin"], users["head"], users["staff"]
        # No timestamp later than the builder's day (a test may build the demo as of another day).
        self.now = min(timezone.now(), timezone.make_aware(datetime.combine(today, time(23, 59))))

    # -- helpers ------------------------------------------------------------------------------------------
    def at(self, day: date, hour: int = 10, minute: int | None = None) -> datetime:
        """Return a moment on ``day``, never later than now: the demo holds no future timestamps."""
        moment = timezone.make_aware(datetime.combine(day, time(hour, self.rng.randint(0, 59)
                                                                if minute is None else minute)))
        return min(moment, self.now)

    def between(self, first: date, last: date) -> datetime:
        """Return a moment of a working hour on a day from ``first`` to ``last`` (at most today)."""
        last = max(first, min(last, self.today))
        return self.at(first + timedelta(days=self.rng.randint(0, (last - first).days)), self.rng.randint(8, 18))

    @staticmethod
    def on_or_after(day: date) -> date:
        return add_working_days(day - timedelta(days=1), 1)

    @staticmethod
    def working_day_before(day: date) -> date:
        day -= timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
        return day

    def _account(self, person: Person) -> User:
        """Return the login of an official who acts through a service, made without a usable password (nobody
        signs in with it) when the official has none."""
        if person.user_id is not None:
            return User.objects.get(pk=person.user_id)
        user = User(username=f"u{person.id}", first_name=person.name)
        user.set_unusable_password()
        user.save()
        Official.objects.filter(pk=person.id).update(user=user)
        return user

    def _summary_texts(self, person: Person, sections: Iterable[str]) -> dict[str, str]:
        rng = self.rng
        values = {"unit": person.top.name, "post": person.post or "本", "hours": rng.randint(60, 140),
                  "duty": rng.randint(6, 30), "visits": rng.randint(4, 24), "tasks": rng.randint(4, 15),
                  "docs": rng.randint(8, 60), "letters": rng.randint(10, 120), "issues": rng.randint(3, 20)}
        return {name: "".join(rng.sample(text.SUMMARY_PHRASES[name], k=rng.choice((2, 3)))).format(**values)
                for name in sections}

    def _comment(self, grade: str) -> str:
        key = grade if grade in text.COMMENT_MIDDLES else ("basic" if grade == Grade.INCOMPETENT else "competent")
        rng = self.rng
        return (rng.choice(text.COMMENT_OPENINGS) + "".join(rng.sample(text.COMMENT_MIDDLES[key], k=2))
                + rng.choice(text.COMMENT_CLOSINGS[key]))

    # -- people ---------------------------------------------------------------------------------------------
    def _people(self) -> None:
        step = OrgUnit.steplen
        tops = {u.path: u for u in OrgUnit.objects.filter(depth=2)}
        self.people: dict[int, Person] = {}
        for row in Official.objects.filter(is_active=True).order_by("id").values(
                "id", "name", "position_title", "rank_level", "joined_on", "user_id", "user__username", "unit__path"):
            top = tops.get(row["unit__path"][: 2 * step])
            if top is None:
                continue
            self.people[row["id"]] = Person(row["id"], row["name"], row["position_title"], row["rank_level"],
                                            row["joined_on"], row["user_id"], row["user__username"] or "", top)
        self.staff_person = next(p for p in self.people.values() if p.username == "staff")
        self.head_person = next(p for p in self.people.values() if p.username == "head")
        self.culture = self.head_person.top

    # -- build ------------------------------------------------------------------------------------------------
    def build(self) -> None:
        self._people()
        last = self._last_year(self.today.year - 1)
        current = self._this_year(self.today.year)
        summaries = current.summaries or {}
        notice = (f"{current.notice_unit}公示中、异议 {current.objections} 件待核查" if current.notice_unit
                  else "暂无单位公示")
        self.stdout.write(self.style.SUCCESS(
            f"年度考核数据已生成：{self.today.year - 1}年度 {last.units} 个单位走完全部程序（主管领导另提等次建议 "
            f"{last.differing} 人，公示异议 {last.objections} 件经核查不成立，书面通知已签署 {last.signed} 份、"
            f"其中不同意 {last.disagreed} 份，未签署 {last.unsigned} 份，待签署 {last.pending} 份，复核 {last.reviews} "
            f"件维持原等次）；{self.today.year}年度 {current.units} 个单位考核进行中（个人总结已提交 "
            f"{summaries.get(SummaryStatus.SUBMITTED, 0)} 份、草稿 {summaries.get(DRAFT_WRITTEN, 0)} 份、未动笔 "
            f"{summaries.get(NOT_STARTED, 0)} 份、退回 {summaries.get(SummaryStatus.RETURNED, 0)} 份），{notice}。"))

    # == last year ==============================================================================================
    def _last_year(self, year: int) -> YearFacts:
        period = period_get_or_create(str(year))
        notifications_from = Notification.objects.aggregate(n=Max("id"))["n"] or 0
        # The calendar of the year: opened in December, the 公示 in mid-December, notices out before Christmas.
        d_open = self.on_or_after(date(year, 12, 1))
        d_close = self.on_or_after(date(year, 12, 9))
        d_proposals = self.on_or_after(date(year, 12, 11))
        d_confirm = self.on_or_after(date(year, 12, 12))
        d_notice = self.on_or_after(date(year, 12, 15))
        with_dates = {"open": d_open, "summaries_close": d_close, "proposals_submit": d_proposals,
                      "confirm": d_confirm, "notice_open": d_notice, "comment": self.on_or_after(d_close)}

        self._scorecards(period, year, computed=self.at(d_open - timedelta(days=3), 9))
        grades_propose(period=period, by=self.orgadmin)
        procedures_open_all(period=period, by=self.orgadmin)
        procedures = list(AnnualProcedure.objects.filter(period=period).select_related("unit", "period")
                          .order_by("unit__path"))
        culture = next((p for p in procedures if p.unit_id == self.culture.pk), None)

        # 个人总结: staff and head write theirs on the page, everyone else's are written in bulk.
        for login, person in ((self.staff, self.staff_person), (self.head, self.head_person)):
            summary = AnnualSummary.objects.filter(procedure__period=period, official_id=person.id).first()
            if summary is not None:
                summary_save(summary=summary, by=login, sections=self._summary_texts(person, text.SUMMARY_PHRASES))
                summary_submit(summary=summary, by=login, now=self.between(d_open, d_close - timedelta(days=1)))
        self._bulk_summaries(AnnualSummary.objects.filter(procedure__period=period, status=SummaryStatus.DRAFT),
                             lambda _person: SummaryStatus.SUBMITTED, (d_open, d_close - timedelta(days=1)),
                             oral=self.at(d_close - timedelta(days=1), 14, 30))
        for procedure in procedures:
            summaries_close(procedure=procedure, by=self.head if procedure is culture else self.orgadmin)

        # 评语 in bulk; in the culture bureau and one other unit the head's proposal differs from the scores.
        grades = self._bulk_comments(period, self.at(with_dates["comment"], 16))
        roles = self._culture_roles(grades) if culture is not None else {}
        differing = 0
        if culture is not None and roles.get("promote") and roles.get("demote"):
            self._swap(roles["promote"], roles["demote"], by=self.head)
            differing += 2
        if self._swap_somewhere(grades, skip={self.culture.pk}):
            differing += 2
        for procedure in procedures:
            proposals_submit(procedure=procedure, by=self.head if procedure is culture else self.orgadmin)
        for procedure in procedures:
            grade_confirm_unit(period=period, unit=procedure.unit, by=self.orgadmin)

        # 公示 from mid-December; an official of the culture bureau objects to a candidate, found unfounded.
        objector = roles.get("objector")
        disagreer = roles.get("disagreer")
        accounts = {p.id: self._account(p) for p in (objector, disagreer) if p is not None}
        notices = {p.pk: notice_open(procedure=p, by=self.orgadmin, starts_on=d_notice, today=d_notice)
                   for p in procedures}
        d_end = max(n.ends_on for n in notices.values())
        d_finalize = self.on_or_after(d_end + timedelta(days=1))
        objection = None
        filed = self.on_or_after(d_notice + timedelta(days=1))
        if culture is not None and objector is not None:
            objection = self._objection(notices[culture.pk], objector, accounts[objector.id], roles, filed=filed)
        if objection is not None:
            objection_decide(objection=objection, by=self.orgadmin, upheld=False,
                             note=text.OBJECTION_LAST_YEAR_FINDING)
            decided = min(d_end, filed + timedelta(days=2))
            Objection.objects.filter(pk=objection.pk).update(filed_at=self.at(filed, 9),
                                                             decided_at=self.at(decided, 15))
            with_dates.update(objection_file=filed, objection_decide=decided)

        for procedure in procedures:
            procedure_finalize(procedure=procedure, by=self.orgadmin, today=d_finalize)
        with_dates["finalize"] = d_finalize
        facts = self._signatures(period, year, d_finalize, disagreer, accounts, with_dates)
        facts.units, facts.differing, facts.objections = len(procedures), differing, int(objection is not None)

        self._date_back(period, procedures, with_dates, d_finalize, notices_from=notifications_from)
        return facts

    def _scorecards(self, period: AppraisalPeriod, year: int, *, computed: datetime) -> None:
        """Last year's final scores (the demo has no facts of last year to roll up)."""
        first_day = date(year, 1, 1)
        people = [p for p in self.people.values()
                  if p.joined_on is None or p.joined_on < first_day or p is self.staff_person]
        scorecards_write(period=period, people=people, rng=self.rng, computed=computed,
                         with_excellent=self.culture.pk)

    # -- summaries and 评语 in bulk ------------------------------------------------------------------------------
    def _bulk_summaries(self, summaries: QuerySet[AnnualSummary], status_for: Callable[[Person], str | None],
                        window: tuple[date, date], oral: datetime | None = None) -> dict[str, int]:
        """Write the summaries' texts; ``status_for(person)`` says draft (some sections written), submitted or
        ``None`` (left empty)."""
        rows: list[AnnualSummary] = []
        counts: dict[str, int] = defaultdict(int)
        for pk, official_id in summaries.values_list("pk", "official_id"):
            person = self.people.get(official_id)
            if person is None:
                continue
            status = status_for(person)
            counts[status or NOT_STARTED] += 1
            if status is None:
                continue
            if status == SummaryStatus.SUBMITTED:
                sections = self._summary_texts(person, text.SUMMARY_PHRASES)
                submitted: datetime | None = self.between(*window)
            else:
                written = list(text.SUMMARY_PHRASES)[: self.rng.randint(1, 4)]
                sections = self._summary_texts(person, written)
                sections[written[0]] = self.rng.choice(text.DRAFT_OPENINGS) + sections[written[0]]
                submitted = None
            row = AnnualSummary(pk=pk, status=status, submitted_at=submitted,
                                updated_at=submitted or self.between(*window), **sections)
            if oral is not None and person.rank_level == RankLevel.LEADERSHIP:
                row.oral_at, row.oral_place = oral, text.ORAL_PLACE.format(unit=person.top.name)
            rows.append(row)
        # The rows were empty drafts: writing every field (blank where nothing was drawn) changes nothing else.
        update_rows(rows, [*text.SUMMARY_PHRASES, "oral_at", "oral_place", "status", "submitted_at", "updated_at"])
        return dict(counts)

    def _bulk_comments(self, period: AppraisalPeriod, when: datetime,
                       units: Iterable[int] | None = None) -> list[GradeDecision]:
        """Write the 评语 the rules ask for (``comment_rule``) as the heads would; return the grades read."""
        qs = GradeDecision.objects.filter(period=period).only(
            "id", "official_id", "unit_id", "proposed", "constraints", "score")
        if units is not None:
            qs = qs.filter(unit_id__in=list(units))
        grades = list(qs.order_by("unit_id", "-score", "id"))
        rows = []
        for grade in grades:
            rule = comment_rule(grade)
            if rule is CommentRule.REQUIRED:
                grade.comment, grade.head_grade = self._comment(grade.proposed), grade.proposed
            elif rule is CommentRule.ONLY:
                probation = any(c.get("source") == "probation" for c in grade.constraints or [])
                grade.comment = self.rng.choice(text.PROBATION_COMMENTS) if probation else self._comment("competent")
                grade.head_grade = ""
            else:
                continue
            # The head of the culture bureau has a login; other units' heads wrote theirs on paper.
            grade.commented_by = self.head if (grade.unit_id == self.culture.pk
                                               and grade.official_id != self.head_person.id) else None
            grade.commented_at = when
            rows.append(grade)
        update_rows(rows, ["comment", "head_grade", "commented_by", "commented_at"])
        return grades

    # -- heads' proposals, the objection, the 复核 --------------------------------------------------------------
    @staticmethod
    def _may_be_excellent(grade: GradeDecision) -> bool:
        return (comment_rule(grade) is CommentRule.REQUIRED
                and apply_constraints(Grade.EXCELLENT, grade.constraints or []) == Grade.EXCELLENT)

    def _culture_roles(self, grades: list[GradeDecision]) -> dict[str, Any]:
        """Who in the culture bureau is raised to 优秀 by the head, who is lowered (and disagrees), who objects."""
        special = {self.staff_person.id, self.head_person.id}
        mine = [g for g in grades if g.unit_id == self.culture.pk]  # best score first
        excellent = [g for g in mine if g.proposed == Grade.EXCELLENT and g.official_id not in special]
        raisable = [g for g in mine if g.proposed == Grade.COMPETENT and g.official_id not in special
                    and self._may_be_excellent(g)]
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
            roles["disagreer"] = self.people[disagreer_grade.official_id]
            taken.add(disagreer_grade.official_id)
        others = [self.people[g.official_id] for g in reversed(mine) if g.official_id not in taken]
        ordinary = [p for p in others if p.rank_level == RankLevel.ORDINARY]
        if others:
            roles["objector"] = (ordinary or others)[0]
        return roles

    def _swap(self, promote: GradeDecision, demote: GradeDecision, *, by: User) -> None:
        """The head raises one official to 优秀 and lowers another to 称职, each with a reason (quota unchanged)."""
        for grade, head_grade, reason in ((demote, Grade.COMPETENT, text.DEMOTE_REASON),
                                          (promote, Grade.EXCELLENT, text.PROMOTE_REASON)):
            row = GradeDecision.objects.select_related("official", "official__unit", "unit").get(pk=grade.pk)
            comment_write(grade=row, by=by, comment=self._comment(head_grade), head_grade=head_grade,
                          head_reason=reason.format(unit=row.unit.name))

    def _swap_somewhere(self, grades: list[GradeDecision], *, skip: set[int]) -> bool:
        """The same in the first other unit where it is possible (written by the organization department)."""
        by_unit: dict[int, list[GradeDecision]] = defaultdict(list)
        for grade in grades:
            by_unit[grade.unit_id].append(grade)
        for unit_id, mine in sorted(by_unit.items()):
            if unit_id in skip:
                continue
            excellent = [g for g in mine if g.proposed == Grade.EXCELLENT]
            raisable = [g for g in mine if g.proposed == Grade.COMPETENT and self._may_be_excellent(g)]
            if excellent and raisable:
                self._swap(raisable[0], excellent[-1], by=self.orgadmin)
                return True
        return False

    def _objection(self, notice: PublicNotice, objector: Person, account: User, roles: dict[str, Any],
                   *, filed: date, reason: str = text.OBJECTION_LAST_YEAR) -> Objection | None:
        """File an objection to the candidate the head raised to 优秀, else to one who is not a demo login."""
        candidates = list(NoticeCandidate.objects.filter(notice=notice).exclude(official_id=objector.id)
                          .order_by("id"))
        if not candidates:
            return None
        promoted = roles.get("promote")
        logins = {self.staff_person.id, self.head_person.id}
        candidate = next((c for c in candidates if promoted and c.grade_id == promoted.pk), None) or next(
            (c for c in candidates if c.official_id not in logins), candidates[0])
        return objection_file(notice=notice, candidate=candidate, by=account, reason=reason, today=filed)

    # -- signatures --------------------------------------------------------------------------------------------
    def _signatures(self, period: AppraisalPeriod, year: int, d_finalize: date, disagreer: Person | None,
                    accounts: dict[int, User], with_dates: dict[str, date]) -> YearFacts:
        rng = self.rng
        notices = GradeNotice.objects.filter(grade__period=period, is_current=True)
        sign_due = d_finalize + timedelta(days=int(settings.APPRAISAL_SIGN_DAYS))
        last_signing = min(sign_due, self.today)
        # Everyone's notice went out on the day of finalization — but staff's, issued late, is still to sign.
        notices.exclude(official_id=self.staff_person.id).update(issued_at=self.at(d_finalize, 10, 30))
        notices.filter(official_id=self.staff_person.id).update(
            issued_at=self.at(self.today - timedelta(days=1), 15, 0),
            sign_due=self.today - timedelta(days=1) + timedelta(days=int(settings.APPRAISAL_SIGN_DAYS)),
            review_due=self.today - timedelta(days=1) + timedelta(days=int(settings.APPRAISAL_REVIEW_DAYS)))

        signed_by_service: dict[int, datetime] = {}
        head_notice = notices.filter(official_id=self.head_person.id).first()
        if head_notice is not None:
            grade_notice_sign(notice=head_notice, by=self.head, agree=True, opinion="同意。")
            signed_by_service[head_notice.pk] = self.between(d_finalize, last_signing)
        disagreed = notices.filter(official_id=disagreer.id).select_related("grade").first() if disagreer else None
        if disagreer is not None and disagreed is not None:
            score = disagreed.grade.score
            grade_notice_sign(notice=disagreed, by=accounts[disagreer.id], agree=False,
                              opinion=text.DISAGREE_OPINION.format(score=score))
            signed_by_service[disagreed.pk] = self.at(d_finalize + timedelta(days=1), 16)
        for pk, when in signed_by_service.items():
            GradeNotice.objects.filter(pk=pk).update(signed_at=when)

        rows = list(notices.filter(status=SignStatus.PENDING).exclude(official_id=self.staff_person.id)
                    .only("id").order_by("id"))
        rng.shuffle(rows)
        left = max(1, round(len(rows) * UNSIGNED_SHARE)) if len(rows) > 3 else 0
        for row in rows[left:]:
            row.status, row.opinion = SignStatus.AGREED, rng.choice(text.AGREE_OPINIONS)
            row.signed_at = self.between(d_finalize, last_signing)
        update_rows(rows[left:], ["status", "opinion", "signed_at"])

        if disagreer is not None and disagreed is not None:
            self._review(disagreed, accounts[disagreer.id], d_finalize, with_dates)
        d_unsigned = sign_due + timedelta(days=1)
        unsigned = notices_mark_unsigned(today=d_unsigned) if d_unsigned <= self.today else 0
        with_dates["notice_unsigned"] = with_dates["notices_signed"] = min(d_unsigned, self.today)
        # Units whose every notice was signed in bulk reach the last stage as the signing service would move them.
        for procedure in AnnualProcedure.objects.filter(period=period, stage=Stage.FINAL).select_related("unit"):
            if not GradeNotice.objects.filter(grade__period=period, grade__unit_id=procedure.unit_id,
                                              is_current=True, status=SignStatus.PENDING).exists():
                set_stage(procedure, Stage.SIGNED)
                procedure_event(procedure=procedure, action="notices_signed", by=None)
        pending = notices.filter(status=SignStatus.PENDING).count()
        return YearFacts(signed=len(rows) - left + len(signed_by_service), unsigned=unsigned, pending=pending,
                         disagreed=int(disagreed is not None), reviews=int(disagreed is not None))

    def _review(self, notice: GradeNotice, account: User, d_finalize: date, with_dates: dict[str, date]) -> None:
        """The official who disagreed asks for 复核; the organization department upholds the grade."""
        grade = notice.grade
        rank = Scorecard.objects.filter(period_id=grade.period_id, official_id=grade.official_id).values_list(
            "rank_in_unit", flat=True).first()
        requested = min(self.today, d_finalize + timedelta(days=2))
        review = review_request(notice=notice, by=account, today=requested,
                                reason=text.REVIEW_REASON.format(score=grade.score, rank=rank or 1))
        review = review_decide(review=review, by=self.orgadmin, outcome="upheld",
                               reason=text.REVIEW_DECISION.format(score=grade.score))
        decided = min(self.today, self.on_or_after(requested + timedelta(days=14)))
        GradeReview.objects.filter(pk=review.pk).update(requested_at=self.at(requested, 9),
                                                        decided_at=self.at(decided, 16))
        with_dates.update(review_request=requested, review_decide=decided)

    # -- dates -------------------------------------------------------------------------------------------------
    def _date_back(self, period: AppraisalPeriod, procedures: list[AnnualProcedure], with_dates: dict[str, date],
                   d_finalize: date, *, notices_from: int) -> None:
        """Move the timestamps the services set to "now" back to when last year's steps happened."""
        events = ProcedureEvent.objects.filter(procedure__period=period)
        for action, day in with_dates.items():
            events.filter(action=action).update(at=self.at(day, 11, 0))
        signatures = dict(GradeNotice.objects.filter(grade__period=period, signed_at__isnull=False)
                          .values_list("pk", "signed_at"))
        for event in events.filter(action="notice_sign"):
            if event.data.get("notice") in signatures:
                ProcedureEvent.objects.filter(pk=event.pk).update(at=signatures[event.data["notice"]])
        submitted: dict[tuple[int, int | None], datetime | None] = {
            (s.procedure_id, s.official_id): s.submitted_at
            for s in AnnualSummary.objects.filter(procedure__period=period, official_id__in=[
                self.staff_person.id, self.head_person.id])}
        for event in events.filter(action="summary_submit"):
            when = submitted.get((event.procedure_id, event.official_id))
            ProcedureEvent.objects.filter(pk=event.pk).update(at=when or event.at)
        AnnualSummary.objects.filter(procedure__period=period).update(created_at=self.at(with_dates["open"], 9, 0),
                                                                      updated_at=F("submitted_at"))
        AnnualProcedure.objects.filter(period=period).update(
            opened_at=self.at(with_dates["open"], 9, 0), finalized_at=self.at(d_finalize, 10, 0))
        AnnualProcedure.objects.filter(period=period, stage=Stage.FINAL).update(
            stage_changed_at=self.at(d_finalize, 10, 0))
        AnnualProcedure.objects.filter(period=period, stage=Stage.SIGNED).update(
            stage_changed_at=self.at(with_dates["notices_signed"], 9, 0))
        PublicNotice.objects.filter(procedure__period=period).update(opened_at=self.at(with_dates["notice_open"], 9, 0))
        GradeDecision.objects.filter(period=period).update(confirmed_at=self.at(with_dates["confirm"], 15, 0))
        GradeDecision.objects.filter(period=period, commented_at__isnull=False).update(
            commented_at=self.at(with_dates["comment"], 16, 0))
        # Last year's notifications were read long ago; staff's written notice is new.
        kinds = {"summary_requested": "open", "comments_due": "summaries_close",
                 "grades_to_confirm": "proposals_submit", "grades_confirmed": "confirm",
                 "public_notice": "notice_open", "objection_filed": "objection_file",
                 "objection_decided": "objection_decide", "grade_notice": "finalize",
                 "review_requested": "review_request", "review_decided": "review_decide"}
        fresh = Notification.objects.filter(id__gt=notices_from)
        staff_notice = GradeNotice.objects.filter(grade__period=period, official_id=self.staff_person.id).first()
        if staff_notice is not None:
            fresh = fresh.exclude(user=self.staff, kind="grade_notice")
        for kind, action in kinds.items():
            day = with_dates.get(action, d_finalize)
            fresh.filter(kind=kind).update(created_at=self.at(day, 11, 0), read_at=self.at(day, 17, 0))
        fresh.filter(read_at__isnull=True).update(read_at=self.now)
        self._close_year(period, d_finalize)

    def _close_year(self, period: AppraisalPeriod, d_finalize: date) -> None:
        """Last year's period was closed and published in January. Its scores were final already, so the period's
        status is set directly: the close service would re-run the rollup, which has no facts for last year."""
        closed = self.on_or_after(d_finalize + timedelta(days=20))
        if closed > self.today:
            return
        AppraisalPeriod.objects.filter(pk=period.pk).update(
            status=PeriodStatus.PUBLISHED, scheme_snapshot=scheme_snapshot(), closed_at=self.at(closed, 10, 0),
            published_at=self.at(closed, 16, 0), last_rollup_at=self.at(closed, 10, 0))
        for action, hour in (("close", 10), ("publish", 16)):
            event = PeriodEvent.objects.create(period=period, action=action, by=self.orgadmin)
            PeriodEvent.objects.filter(pk=event.pk).update(at=self.at(closed, hour, 0))

    # == this year ==============================================================================================
    def _this_year(self, year: int) -> YearFacts:
        period = period_get_or_create(str(year))
        if not Scorecard.objects.filter(period=period).exists():
            return YearFacts(summaries={})
        start = max(date(year, 1, 1), self.working_day_before(self.today))  # the 公示 started a working day ago
        d_open = max(date(year, 1, 1), start - timedelta(days=21))
        d_close = max(d_open, start - timedelta(days=8))
        d_proposals = max(d_close, start - timedelta(days=3))
        d_confirm = max(d_proposals, start - timedelta(days=1))
        grades_propose(period=period, by=self.orgadmin)
        procedures_open_all(period=period, by=self.orgadmin)
        procedures = {p.unit_id: p for p in AnnualProcedure.objects.filter(period=period).select_related(
            "unit", "period")}
        AnnualProcedure.objects.filter(period=period).update(opened_at=self.at(d_open, 9, 0),
                                                             stage_changed_at=self.at(d_open, 9, 0))
        ProcedureEvent.objects.filter(procedure__period=period, action="open").update(at=self.at(d_open, 9, 0))
        AnnualSummary.objects.filter(procedure__period=period).update(created_at=self.at(d_open, 9, 0))
        bureau = self._notice_bureau(period, procedures)

        # Summaries in every state: a quarter submitted, half drafts with some text, the rest not started.
        counts: dict[str, int] = defaultdict(int)
        special = {self.staff_person.id, self.head_person.id}

        def status(_person: Person) -> str | None:
            draw = self.rng.random()
            return SummaryStatus.SUBMITTED if draw < 0.25 else DRAFT_WRITTEN if draw < 0.75 else None

        others = AnnualSummary.objects.filter(procedure__period=period).exclude(official_id__in=special)
        if bureau is not None:
            others = others.exclude(procedure__unit_id=bureau.pk)
        for key, value in self._bulk_summaries(others, status, (d_open, self.today)).items():
            counts[key] += value
        culture = procedures.get(self.culture.pk)
        if culture is not None:
            self._culture_summaries(culture, counts)
        facts = YearFacts(units=len(procedures), summaries=counts)
        if bureau is not None:
            facts.notice_unit = bureau.name
            dates = {"open": d_open, "summaries_close": d_close, "proposals_submit": d_proposals, "confirm": d_confirm}
            facts.objections = self._running_notice(period, procedures[bureau.pk], start, dates, counts)
        return facts

    def _culture_summaries(self, procedure: AnnualProcedure, counts: dict[str, int]) -> None:
        """Staff's draft, the head's submitted summary, one returned by the head, the oral reports arranged."""
        summaries = {s.official_id: s for s in AnnualSummary.objects.filter(procedure=procedure).select_related(
            "official", "official__unit", "procedure", "procedure__unit", "procedure__period")}
        staff = summaries.get(self.staff_person.id)
        if staff is not None:
            sections = self._summary_texts(self.staff_person, ["morality", "ability", "diligence"])
            summary_save(summary=staff, by=self.staff, sections=sections)
            counts[DRAFT_WRITTEN] += 1
        head = summaries.get(self.head_person.id)
        if head is not None:
            summary_save(summary=head, by=self.head, sections=self._summary_texts(self.head_person,
                                                                                  text.SUMMARY_PHRASES))
            summary_submit(summary=head, by=self.head)
            counts[SummaryStatus.SUBMITTED] += 1
        # One submitted summary is returned by the head (one is submitted first if the draw left none).
        others = AnnualSummary.objects.filter(procedure=procedure).exclude(
            official_id__in=[self.head_person.id, self.staff_person.id]).order_by("official_id")
        returned = others.filter(status=SummaryStatus.SUBMITTED).first()
        if returned is None and (first := others.first()) is not None:
            counts[DRAFT_WRITTEN if any(first.sections.values()) else NOT_STARTED] -= 1
            self._bulk_summaries(others.filter(pk=first.pk), lambda _p: SummaryStatus.SUBMITTED,
                                 (self.today - timedelta(days=3), self.today))
            counts[SummaryStatus.SUBMITTED] += 1
            returned = first
        if returned is not None:
            summary_return(summary=returned, by=self.head, reason=text.RETURN_REASON)
            counts[SummaryStatus.SUBMITTED] -= 1
            counts[SummaryStatus.RETURNED] += 1
        # The bureau's leadership members give their 述职 at a meeting in a few days.
        meeting = timezone.make_aware(datetime.combine(self.on_or_after(self.today + timedelta(days=3)),
                                                       time(14, 30)))
        for official_id, summary in summaries.items():
            person = self.people.get(official_id)
            if person is not None and person.rank_level == RankLevel.LEADERSHIP and person is not self.head_person:
                summary_set_oral(summary=summary, by=self.head, at=meeting,
                                 place=text.ORAL_PLACE.format(unit=person.top.name))

    def _notice_bureau(self, period: AppraisalPeriod, procedures: dict[int, AnnualProcedure]) -> OrgUnit | None:
        """The bureau whose 公示 runs today: the finance bureau, or the first listed one that can post a candidate
        and has another official to object."""
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=NOTICE_BUREAU_CODES, depth=2)}
        for code in NOTICE_BUREAU_CODES:
            unit = units.get(code)
            if unit is None or unit.pk not in procedures or unit.code == HEAD_UNIT_CODE:
                continue
            grades = list(GradeDecision.objects.filter(period=period, unit=unit).order_by("-score", "id"))
            if len(grades) >= 2 and unit_grade_summary(period=period, unit=unit).quota >= 1 and any(
                    g.proposed == Grade.EXCELLENT or self._may_be_excellent(g) for g in grades):
                return unit
        return None

    def _running_notice(self, period: AppraisalPeriod, procedure: AnnualProcedure, start: date,
                        dates: dict[str, date], counts: dict[str, int]) -> int:
        """One bureau already through 评语 and confirmation, its 公示 running, one objection waiting (return how
        many objections wait)."""
        summaries = AnnualSummary.objects.filter(procedure=procedure)
        for key, value in self._bulk_summaries(summaries, lambda _p: SummaryStatus.SUBMITTED,
                                               (dates["open"], dates["summaries_close"])).items():
            counts[key] += value
        summaries_close(procedure=procedure, by=self.orgadmin)
        grades = self._bulk_comments(period, self.at(dates["summaries_close"] + timedelta(days=1), 16),
                                     units=[procedure.unit_id])
        if not any(g.proposed == Grade.EXCELLENT for g in grades):
            best = next(g for g in grades if self._may_be_excellent(g))
            row = GradeDecision.objects.select_related("official", "official__unit", "unit").get(pk=best.pk)
            comment_write(grade=row, by=self.orgadmin, comment=self._comment(Grade.EXCELLENT),
                          head_grade=Grade.EXCELLENT, head_reason=text.PROMOTE_REASON.format(unit=row.unit.name))
        proposals_submit(procedure=procedure, by=self.orgadmin)
        grade_confirm_unit(period=period, unit=procedure.unit, by=self.orgadmin)
        notice = notice_open(procedure=procedure, by=self.orgadmin, starts_on=start, today=start)
        candidates = set(NoticeCandidate.objects.filter(notice=notice).values_list("official_id", flat=True))
        members = [p for p in self.people.values() if p.top.pk == procedure.unit_id and p.id not in candidates]
        ordinary = [p for p in members if p.rank_level == RankLevel.ORDINARY]
        objection = None
        if members:
            objector = (ordinary or members)[0]
            objection = self._objection(notice, objector, self._account(objector), {}, filed=self.today,
                                        reason=text.OBJECTION_THIS_YEAR)
        # Date the steps back to the days they happened (the services stamp "now").
        events = ProcedureEvent.objects.filter(procedure=procedure)
        steps = [(action, dates[action]) for action in ("summaries_close", "proposals_submit", "confirm")]
        for action, day in [*steps, ("notice_open", start)]:
            events.filter(action=action).update(at=self.at(day, 11, 0))
        events.filter(action="comment").update(at=self.at(dates["summaries_close"] + timedelta(days=1), 16, 0))
        AnnualProcedure.objects.filter(pk=procedure.pk).update(stage_changed_at=self.at(start, 9, 0))
        PublicNotice.objects.filter(pk=notice.pk).update(opened_at=self.at(start, 9, 0))
        GradeDecision.objects.filter(period=period, unit_id=procedure.unit_id).update(
            confirmed_at=self.at(dates["confirm"], 15, 0))
        if objection is None:
            return 0
        filed_at = self.at(self.today, 9)
        Objection.objects.filter(pk=objection.pk).update(filed_at=filed_at)
        events.filter(action="objection_file").update(at=filed_at)
        return 1
