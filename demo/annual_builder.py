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

This module is the entry point: it reads the people once, holds what both years use (the demo logins, moments
never later than now, the texts, the bulk writes of summaries and 评语, the objection) and prints the summary line.
Last year's steps are in ``demo.annual_last_year`` and this year's in ``demo.annual_this_year``, so that each story
reads on its own and no module grows past a few hundred lines.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from appraisal.models import (
    AnnualSummary,
    AppraisalPeriod,
    Grade,
    GradeDecision,
    NoticeCandidate,
    Objection,
    PublicNotice,
    SummaryStatus,
)
from appraisal.selectors.annual import CommentRule, comment_rule
from appraisal.selectors.grades import apply_constraints
from appraisal.services.notices import objection_file
from demo import annual_data as text
from demo.annual_last_year import build_last_year
from demo.annual_scores import Person, update_rows
from demo.annual_this_year import DRAFT_WRITTEN, NOT_STARTED, build_this_year
from org.models import Official, OrgUnit, RankLevel, User
from org.workdays import add_working_days


class AnnualBuilder:
    """Build both years (``build``) and hold what both use: the people, the demo logins, the shared helpers."""

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
        """Return the first working day on or after ``day``."""
        return add_working_days(day - timedelta(days=1), 1)

    def account_for(self, person: Person) -> User:
        """Return the login of an official who acts through a service, made without a usable password (nobody
        signs in with it) when the official has none."""
        if person.user_id is not None:
            return User.objects.get(pk=person.user_id)
        user = User(username=f"u{person.id}", first_name=person.name)
        user.set_unusable_password()
        user.save()
        Official.objects.filter(pk=person.id).update(user=user)
        return user

    def summary_texts(self, person: Person, sections: Iterable[str]) -> dict[str, str]:
        rng = self.rng
        values = {"unit": person.top.name, "post": person.post or "本", "hours": rng.randint(60, 140),
                  "duty": rng.randint(6, 30), "visits": rng.randint(4, 24), "tasks": rng.randint(4, 15),
                  "docs": rng.randint(8, 60), "letters": rng.randint(10, 120), "issues": rng.randint(3, 20)}
        return {name: "".join(rng.sample(text.SUMMARY_PHRASES[name], k=rng.choice((2, 3)))).format(**values)
                for name in sections}

    def comment_text(self, grade: str) -> str:
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
        last = build_last_year(self, self.today.year - 1)
        current = build_this_year(self, self.today.year)
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

    # -- summaries and 评语 in bulk ------------------------------------------------------------------------------
    def bulk_summaries(self, summaries: QuerySet[AnnualSummary], status_for: Callable[[Person], str | None],
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
                sections = self.summary_texts(person, text.SUMMARY_PHRASES)
                submitted: datetime | None = self.between(*window)
            else:
                written = list(text.SUMMARY_PHRASES)[: self.rng.randint(1, 4)]
                sections = self.summary_texts(person, written)
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

    def bulk_comments(self, period: AppraisalPeriod, when: datetime,
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
                grade.comment, grade.head_grade = self.comment_text(grade.proposed), grade.proposed
            elif rule is CommentRule.ONLY:
                probation = any(c.get("source") == "probation" for c in grade.constraints or [])
                grade.comment = (self.rng.choice(text.PROBATION_COMMENTS) if probation
                                 else self.comment_text("competent"))
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

    # -- the 优秀 a head may propose, the objection to a candidate ----------------------------------------------
    @staticmethod
    def may_be_excellent(grade: GradeDecision) -> bool:
        """Whether the head may propose 优秀 for ``grade``: the rules ask for a 评语 and a grade, none caps it."""
        return (comment_rule(grade) is CommentRule.REQUIRED
                and apply_constraints(Grade.EXCELLENT, grade.constraints or []) == Grade.EXCELLENT)

    def file_objection(self, notice: PublicNotice, objector: Person, account: User, roles: dict[str, Any],
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
