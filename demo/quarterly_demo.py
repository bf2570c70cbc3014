"""Build the demo's quarterly grades (平时考核): every quarter of the current year graded for every top-level unit.

The past quarters are proposed from their scores by the product's own service, then written up and confirmed with
a 写实 comment each, as the heads would have done ten days or so after the quarter (a few heads chose another grade
than the proposal); the culture bureau's head has a login and wrote its comments himself, the other units' heads on
paper. The current quarter is proposed everywhere and confirmed in every other unit; in the culture bureau the head
has written some of the comments and confirmed ``staff``'s grade, so ``head`` has grades to confirm and ``staff`` a
new grade. Two officials of the culture bureau asked to reconsider their last quarter's grade: one was answered,
one waits for ``head``.

A quarter without scorecards gets them: the product's rollup for the current quarter of a small county; in a large
county, which rolls up only its last two months, a copy of the year's provisional scorecards (one statement a
quarter, to keep the seed fast — its quarters then share their scores); drawn scorecards (``demo.annual_scores``)
when there is no year either. The mass of rows is written in bulk; the requests go through the services.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from appraisal.models import AppraisalPeriod, QuarterGrade, QuarterlyGrade, QuarterlyStatus, Scorecard, UnitScorecard
from appraisal.services.periods import period_get_or_create
from appraisal.services.quarterly import quarterly_reconsider_answer, quarterly_reconsider_request
from appraisal.services.quarterly_propose import quarterly_grades_propose
from appraisal.services.rollup import rollup_period
from demo.annual_scores import BATCH, Person, scorecards_write, update_rows
from demo.appraisal_builder import FULL_HISTORY_UP_TO
from org.models import Official, OrgUnit, User

G = QuarterGrade
TASKS = ["景区安全检查", "文化惠民活动", "项目申报材料", "政务服务窗口接件", "信访件办理", "统计报表报送",
         "专项督查整改", "乡村振兴帮扶", "安全生产检查", "重点项目调度"]
COMMENTS = {
    G.GOOD: ["本季度牵头完成{task}等{n}项重点工作，主动担当，成效明显。",
             "工作积极主动，{task}按期高质量完成，群众和服务对象评价好。",
             "攻坚克难，{task}提前完成，月度实绩均按时报送并获通报表扬。"],
    G.FAIRLY_GOOD: ["能够按时完成本季度各项工作任务，{task}进展顺利。", "工作认真负责，完成{task}等月度计划{n}项。",
                    "服从安排，{task}按要求推进，月度实绩报送及时。"],
    G.AVERAGE: ["基本完成本季度任务，{task}进度稍有滞后，需加强统筹。", "工作主动性有待提高，{task}经督促后完成。"],
    G.POOR: ["本季度{task}等多项任务未按期完成，经提醒后改进不明显。"],
}
LOWERED = "{task}出现差错，经核实后等次调整为一般。"
REASON_ANSWERED = "本季度除日常工作外还承担了{task}，请领导结合实际重新考虑等次。"
ANSWER = "经核实，你在{task}中表现突出，等次调整为较好。"
REASON_WAITING = "我本季度月度实绩均按时报送，{task}也已完成，希望重新考虑等次。"


class QuarterlyBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        # A copy of the seed's generator, so the quarterly data does not shift what a later builder draws.
        self.rng = random.Random()
        self.rng.setstate(rng.getstate())
        self.today, self.stdout, self.style = today, stdout, style
        users = {u.username: u for u in User.objects.filter(username__in=["orgadmin", "head", "staff"])}
        self.orgadmin, self.head, self.staff = users["orgadmin"], users["head"], users["staff"]
        self.now = min(timezone.now(), timezone.make_aware(datetime.combine(today, time(23, 59))))

    def at(self, day: date, hour: int = 10) -> datetime:
        """A moment on ``day`` (never later than now: the demo holds no future timestamps)."""
        return min(timezone.make_aware(datetime.combine(day, time(hour, self.rng.randint(0, 59)))), self.now)

    def build(self, officials: int) -> None:
        year, current = self.today.year, (self.today.month - 1) // 3 + 1
        self._people()
        confirmed = proposed = 0
        last_past: AppraisalPeriod | None = None
        for number in range(1, current + 1):
            period = period_get_or_create(key=f"{year}-Q{number}")
            self._scorecards(period, is_current=number == current, small=officials <= FULL_HISTORY_UP_TO)
            quarterly_grades_propose(period=period, by=self.orgadmin)
            if number < current:
                confirmed += self._write_up(period, units=None, when=period.end + timedelta(days=10))
                last_past = period
            else:
                tops = sorted({p.top.pk for p in self.people.values()})
                done = [u for i, u in enumerate(tops) if i % 2 and u != self.culture.pk]
                confirmed += self._write_up(period, units=done, when=self.today - timedelta(days=3))
                self._culture_current(period)
                proposed = QuarterlyGrade.objects.filter(period=period, status=QuarterlyStatus.PROPOSED).count()
        requests = self._requests(last_past) if last_past is not None else 0
        self.stdout.write(self.style.SUCCESS(
            f"平时考核数据已生成：{year}年 {current} 个季度，已确认 {confirmed} 条、本季度待确认 {proposed} 条；"
            f"复议申请 {requests} 件（已答复 {min(requests, 1)} 件）。"))

    # -- people and scores ------------------------------------------------------------------------------------------
    def _people(self) -> None:
        step = OrgUnit.steplen
        tops = {u.path: u for u in OrgUnit.objects.filter(depth=2)}
        self.people: dict[int, Person] = {}
        for row in Official.objects.filter(is_active=True).order_by("id").values(
                "id", "name", "position_title", "rank_level", "joined_on", "user_id", "user__username", "unit__path"):
            top = tops.get(row["unit__path"][: 2 * step])
            if top is not None:
                self.people[row["id"]] = Person(row["id"], row["name"], row["position_title"], row["rank_level"],
                                                row["joined_on"], row["user_id"], row["user__username"] or "", top)
        self.staff_person = next(p for p in self.people.values() if p.username == "staff")
        self.head_person = next(p for p in self.people.values() if p.username == "head")
        self.culture = self.head_person.top

    def _scorecards(self, period: AppraisalPeriod, *, is_current: bool, small: bool) -> None:
        if Scorecard.objects.filter(period=period).exists():
            return
        if is_current and small:
            rollup_period(period=period)  # the product's own (provisional) rollup of the quarter so far
            return
        year = AppraisalPeriod.objects.filter(key=str(period.start.year)).first()
        if year is not None and Scorecard.objects.filter(period=year).exists():
            _copy_scorecards(year, period, provisional=is_current, computed=self.at(min(period.end, self.today), 18))
            return
        scorecards_write(period=period, people=self.people.values(), rng=self.rng, computed=self.at(
            min(period.end, self.today), 18), with_excellent=self.culture.pk)
        if is_current:
            Scorecard.objects.filter(period=period).update(is_provisional=True)

    # -- the heads' write-up ----------------------------------------------------------------------------------------
    def comment(self, grade: str) -> str:
        return self.rng.choice(COMMENTS[G(grade)]).format(task=self.rng.choice(TASKS), n=self.rng.randint(3, 9))

    def _write_up(self, period: AppraisalPeriod, *, units: list[int] | None, when: date) -> int:
        """Write every proposed grade of ``units`` (all when None) up with a comment and confirm it; return how
        many."""
        qs = QuarterlyGrade.objects.filter(period=period, status=QuarterlyStatus.PROPOSED)
        if units is not None:
            qs = qs.filter(unit_id__in=units)
        moment = self.at(max(when, period.start), 16)
        rows = []
        for pk, official_id, unit_id, proposed in qs.order_by("id").values_list("id", "official_id", "unit_id",
                                                                                "proposed"):
            grade, comment = proposed, ""
            if proposed == G.FAIRLY_GOOD and self.rng.random() < 0.02:  # a head lowers a grade, with the fact
                grade, comment = G.AVERAGE, LOWERED.format(task=self.rng.choice(TASKS))
            else:
                comment = self.comment(grade)
            by = self.head.pk if unit_id == self.culture.pk and official_id != self.head_person.id else None
            rows.append((grade, comment, by, by, pk))
        _confirm_rows(rows, moment)
        return len(rows)

    def _culture_current(self, period: AppraisalPeriod) -> None:
        """The culture bureau this quarter: half the comments written by the head, ``staff``'s grade confirmed."""
        rows = list(QuarterlyGrade.objects.filter(period=period, unit=self.culture).exclude(
            official_id=self.head_person.id).only("id", "official_id", "proposed").order_by("official_id"))
        written = [r for i, r in enumerate(rows) if i % 2 == 0 or r.official_id == self.staff_person.id]
        moment = self.at(self.today - timedelta(days=1), 17)
        for row in written:
            row.grade, row.comment, row.graded_by, row.graded_at = row.proposed, self.comment(row.proposed), \
                self.head, moment
        update_rows(written, ["grade", "comment", "graded_by", "graded_at"])
        QuarterlyGrade.objects.filter(period=period, official_id=self.staff_person.id).update(
            status=QuarterlyStatus.CONFIRMED, confirmed_by=self.head, confirmed_at=moment)

    # -- requests to reconsider --------------------------------------------------------------------------------------
    def _account(self, person: Person) -> User:
        """The login of an official who acts through a service (made without a usable password when they have none,
        named as the annual demo names them)."""
        if person.user_id is not None:
            return User.objects.get(pk=person.user_id)
        user = User(username=f"u{person.id}", first_name=person.name)
        user.set_unusable_password()
        user.save()
        Official.objects.filter(pk=person.id).update(user=user)
        self.people[person.id] = Person(person.id, person.name, person.post, person.rank_level, person.joined_on,
                                        user.pk, user.username, person.top)
        return user

    def _requests(self, period: AppraisalPeriod) -> int:
        """Two culture officials asked to reconsider the last quarter's grade: one answered (raised to 较好), one
        waiting."""
        logins = {self.staff_person.id, self.head_person.id}
        rows = list(QuarterlyGrade.objects.filter(period=period, unit=self.culture, grade=G.FAIRLY_GOOD)
                    .exclude(official_id__in=logins).select_related("official", "official__unit", "official__user",
                                                                     "unit", "period").order_by("official_id")[:2])
        average = QuarterlyGrade.objects.filter(period=period, unit=self.culture, grade=G.AVERAGE).exclude(
            official_id__in=logins).select_related("official", "official__unit", "official__user", "unit",
                                                   "period").order_by("official_id").first()
        answered_row = average or (rows.pop(0) if rows else None)
        count = 0
        if answered_row is not None:
            person = self.people[answered_row.official_id]
            asked = quarterly_reconsider_request(grade=answered_row, by=self._account(person),
                                                 reason=REASON_ANSWERED.format(task=self.rng.choice(TASKS)))
            if asked.grade == G.AVERAGE:
                quarterly_reconsider_answer(grade=asked, by=self.head, outcome="changed", value=G.FAIRLY_GOOD,
                                            text=ANSWER.format(task=self.rng.choice(TASKS)))
            else:
                quarterly_reconsider_answer(grade=asked, by=self.head, outcome="kept",
                                            text="经核实，本季度等次评定符合实际，维持原等次。")
            asked_on = period.end + timedelta(days=14)
            QuarterlyGrade.objects.filter(pk=asked.pk).update(reconsider_asked_at=self.at(asked_on, 9),
                                                              answered_at=self.at(asked_on + timedelta(days=2), 15))
            count += 1
        waiting_row = next((r for r in rows if r.pk != getattr(answered_row, "pk", None)), None)
        if waiting_row is not None:
            person = self.people[waiting_row.official_id]
            asked = quarterly_reconsider_request(grade=waiting_row, by=self._account(person),
                                                 reason=REASON_WAITING.format(task=self.rng.choice(TASKS)))
            QuarterlyGrade.objects.filter(pk=asked.pk).update(reconsider_asked_at=self.at(
                self.today - timedelta(days=2), 10))
            count += 1
        return count


# -- fast bulk writes (a county's quarters are tens of thousands of rows) -------------------------------------------
def _copy_scorecards(source: AppraisalPeriod, target: AppraisalPeriod, *, provisional: bool,
                     computed: datetime) -> None:
    """Give ``target`` the scorecards (and unit scorecards) of ``source``: a large county rolls up only its last two
    months, so the year's rollup stands in for its quarters (one ``INSERT … SELECT`` each, components and all, so
    every score still explains itself)."""
    quote = connection.ops.quote_name
    stamp = computed if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(computed)
    with connection.cursor() as cursor:
        for model in (Scorecard, UnitScorecard):
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            columns = [str(f.column) for f in fields]
            picked = ["%s" if f.name in ("period", "is_provisional", "computed_at") else quote(str(f.column))
                      for f in fields]
            params = [{"period": target.pk, "is_provisional": provisional, "computed_at": stamp}[f.name]
                      for f in fields if f.name in ("period", "is_provisional", "computed_at")]
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                           f"SELECT {', '.join(picked)} FROM {quote(model._meta.db_table)} "
                           f"WHERE {quote(str(model._meta.get_field('period').column))} = %s", [*params, source.pk])


def _confirm_rows(rows: list[tuple[str, str, int | None, int | None, int]], moment: datetime) -> None:
    """Write ``(grade, comment, graded_by, confirmed_by, pk)`` as confirmed at ``moment``: one ``UPDATE`` run for all
    the rows (``executemany``), the constant values adapted once."""
    if not rows:
        return
    table = connection.ops.quote_name(QuarterlyGrade._meta.db_table)
    stamp = moment if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(moment)
    sql = (f"UPDATE {table} SET grade = %s, comment = %s, graded_by_id = %s, confirmed_by_id = %s, "
           f"status = '{QuarterlyStatus.CONFIRMED}', graded_at = %s, confirmed_at = %s WHERE id = %s")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [(grade, comment, graded, confirmed, stamp, stamp, pk)
                                     for grade, comment, graded, confirmed, pk in rows[start:start + BATCH]])
