"""Build the demo's discipline records: cases in every state with their full timelines, decisions of several
kinds (one exempted under error tolerance, one changed on appeal, one under a pending appeal), tolerance
requests under review and rejected, and reminder and care talks.

Rows are written in bulk straight from the models, as the services would have left them (no history rows);
a decision's effects come from ``apply_kind``, the product's own rule. It runs before the appraisal builder so
the rollups see the decisions. The fixed cases tell the demo logins' story: ``staff`` has a light reminder
talk on record, an official in ``head``'s bureau is under 记过, ``inspector`` has open cases to work on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone

from demo import discipline_data as text
from demo.discipline_data import DEMERIT_PATTERN, PATTERNS, STAFF_PATTERN, CasePattern
from discipline.models import (
    Appeal,
    AppealOutcome,
    Case,
    CaseStatus,
    CaseTransition,
    Decision,
    DecisionGroup,
    DecisionKind,
    DisciplineRule,
    RectificationStatus,
    Talk,
    TalkKind,
    TalkOccasion,
    ToleranceRequest,
    ToleranceStatus,
)
from discipline.services.decisions import apply_kind
from org.models import Official, OrgUnit, RankLevel, User

OFFICIALS_PER_CASE, OFFICIALS_PER_TALK = 400, 150
MIN_CASES, MIN_TALKS = 8, 6
# The story cases, always present; further cases draw their status from EXTRA_STATUSES.
FIXED_ROLES = ["staff", "demerit", "exempted", "appealed", "tolerance", "registered", "investigating", "not_pursued"]
EXTRA_STATUSES = [(CaseStatus.CLOSED, 35), (CaseStatus.DECIDED, 15), (CaseStatus.INVESTIGATING, 20),
                  (CaseStatus.REGISTERED, 10), (CaseStatus.NOT_PURSUED, 20)]
ROLE_STATUS = {"staff": CaseStatus.CLOSED, "demerit": CaseStatus.DECIDED, "exempted": CaseStatus.CLOSED,
               "appealed": CaseStatus.CLOSED, "tolerance": CaseStatus.DECIDED, "registered": CaseStatus.REGISTERED,
               "investigating": CaseStatus.INVESTIGATING, "not_pursued": CaseStatus.NOT_PURSUED}


@dataclass
class Planned:
    role: str
    status: str
    pattern: CasePattern
    subjects: list[dict[str, Any]]
    kind: str = ""  # the decision kind, for decided and closed cases
    steps: list[tuple[str, str, date, str]] = field(default_factory=list)  # (from, to, day, comment)
    case: Case | None = None


class DisciplineBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        # A copy of the seed's generator: the discipline data does not shift what the later builders draw.
        self.rng = random.Random()
        self.rng.setstate(rng.getstate())
        self.today, self.stdout, self.style = today, stdout, style
        users = {u.username: u for u in User.objects.filter(username__in=["orgadmin", "head", "inspector"])}
        self.orgadmin, self.head, self.inspector = users["orgadmin"], users.get("head"), users["inspector"]
        self.kinds = {k.code: k for k in DecisionKind.objects.all()}
        self.rules = dict(DisciplineRule.objects.values_list("code", "id"))

    def at(self, day: date, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, self.rng.randint(0, 59))))

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def build(self, officials: int) -> None:
        self._people()
        planned = self._plan(max(MIN_CASES, round(officials / OFFICIALS_PER_CASE)))
        decisions = self._cases(planned)
        tolerance, appeals = self._tolerance(planned, decisions), self._appeals(planned, decisions)
        talks = self._talks(max(MIN_TALKS, round(officials / OFFICIALS_PER_TALK)), planned)
        self.stdout.write(self.style.SUCCESS(
            f"纪律数据已生成：案件 {len(planned)} 件，处理决定 {len(decisions)} 项，容错申请 {tolerance} 件，"
            f"申诉 {appeals} 件，谈心谈话 {talks} 次。"))

    # -- people -------------------------------------------------------------------------------------
    def _people(self) -> None:
        step = OrgUnit.steplen
        tops = {u["path"]: u for u in OrgUnit.objects.filter(depth=2).values("id", "path", "code", "name")}
        self.people: list[dict[str, Any]] = []
        self.by_top: dict[int, list[dict[str, Any]]] = {}
        for values in Official.objects.filter(is_active=True).order_by("id").values(
                "id", "name", "unit__path", "rank_level", "user__username", "birth_date", "post_since"):
            top = tops.get(values["unit__path"][: 2 * step])
            if top is None:
                continue
            person = {**values, "top": top}
            self.people.append(person)
            self.by_top.setdefault(top["id"], []).append(person)
        self.staff = next(p for p in self.people if p["user__username"] == "staff")
        self.head_official = next(p for p in self.people if p["user__username"] == "head")
        # Never subjects of the made-up cases: the demo logins' own officials (staff has one fixed case) and
        # discipline inspection's own staff, whose cases a higher commission would handle.
        self.taken = {self.staff["id"], self.head_official["id"]}
        self.taken.update(p["id"] for p in self.people if p["top"]["code"] == "JW")

    def _subjects(self, count: int, pool: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """``count`` untaken officials of one top-level unit (fewer when the unit is small)."""
        free = [p for p in pool or () if p["id"] not in self.taken]
        free = free or [p for p in self.people if p["id"] not in self.taken]
        first = self.rng.choice(free)
        mates = [p for p in self.by_top[first["top"]["id"]] if p["id"] not in self.taken and p is not first]
        chosen = [first, *self.rng.sample(mates, k=min(count - 1, len(mates)))]
        self.taken.update(p["id"] for p in chosen)
        return chosen

    # -- cases --------------------------------------------------------------------------------------
    def _plan(self, count: int) -> list[Planned]:
        rng = self.rng
        tolerable = [p for p in PATTERNS if p.tolerable]
        demerit_pool = [p for p in self.by_top[self.head_official["top"]["id"]] if p["id"] not in self.taken]
        appealable = [p for p in PATTERNS if p.kinds[-1] == "gov_demerit"]
        plans = [
            Planned("staff", CaseStatus.CLOSED, STAFF_PATTERN, [self.staff], kind="reminder_talk"),
            Planned("demerit", CaseStatus.DECIDED, DEMERIT_PATTERN, self._subjects(1, demerit_pool),
                    kind="gov_demerit"),
            Planned("exempted", CaseStatus.CLOSED, rng.choice(tolerable), self._subjects(1), kind="admonishment"),
            Planned("appealed", CaseStatus.CLOSED, rng.choice(appealable), self._subjects(1), kind="gov_demerit"),
        ]
        # The pending tolerance request is the head's, for someone in their bureau (patterns of a bureau's work).
        pattern = rng.choice([p for p in tolerable if "辖区" not in p.facts])
        plans.append(Planned("tolerance", CaseStatus.DECIDED, pattern, self._subjects(1, demerit_pool),
                             kind=pattern.kinds[1]))
        for role in FIXED_ROLES[5:]:
            plans.append(Planned(role, ROLE_STATUS[role], rng.choice(PATTERNS), self._subjects(rng.choice([1, 1, 2]))))
        statuses, weights = zip(*EXTRA_STATUSES, strict=True)
        for _number in range(count - len(plans)):
            pattern = rng.choice(PATTERNS)
            plans.append(Planned("extra", rng.choices(statuses, weights)[0], pattern,
                                 self._subjects(rng.choice([1, 1, 1, 2]))))
        for plan in plans:
            plan.kind = plan.kind or rng.choice(plan.pattern.kinds)
            plan.steps = self._steps(plan)
        return plans

    def _steps(self, plan: Planned) -> list[tuple[str, str, date, str]]:
        """The case's transitions, oldest first, dated back from today as its status implies."""
        rng, status = self.rng, plan.status
        if status in (CaseStatus.DECIDED, CaseStatus.CLOSED):
            recent = plan.role in ("demerit", "tolerance")  # still within the appeal window
            decided = self.days_ago(3, 20) if recent else self.days_ago(40, 290)
            registered = decided - timedelta(days=rng.randint(25, 70))
        elif status == CaseStatus.NOT_PURSUED:
            registered = self.days_ago(20, 200)
        elif status == CaseStatus.INVESTIGATING:
            registered = self.days_ago(12, 60)
        else:
            registered = self.days_ago(0, 10)
        steps: list[tuple[str, str, date, str]] = [
            ("", CaseStatus.REGISTERED, registered, rng.choice(text.REGISTER_COMMENTS))]
        if status == CaseStatus.REGISTERED:
            return steps
        investigating = registered + timedelta(days=rng.randint(2, 7))
        if status == CaseStatus.NOT_PURSUED:
            return [*steps, (CaseStatus.REGISTERED, CaseStatus.NOT_PURSUED, investigating,
                             rng.choice(text.NOT_PURSUED_REASONS))]
        steps.append((CaseStatus.REGISTERED, CaseStatus.INVESTIGATING, investigating,
                      rng.choice(text.INVESTIGATE_COMMENTS)))
        if status == CaseStatus.INVESTIGATING:
            return steps
        steps.append((CaseStatus.INVESTIGATING, CaseStatus.DECIDED, decided, rng.choice(text.DECIDE_COMMENTS)))
        if status == CaseStatus.CLOSED:
            closed = min(self.today, decided + timedelta(days=rng.randint(10, 35)))
            steps.append((CaseStatus.DECIDED, CaseStatus.CLOSED, closed, rng.choice(text.CLOSE_COMMENTS)))
        return steps

    def _cases(self, plans: list[Planned]) -> list[Decision]:
        rng, inspector = self.rng, self.inspector
        plans.sort(key=lambda p: (p.steps[0][2], p.role))
        serial: dict[int, int] = {}
        for plan in plans:
            day = {to: when for _from, to, when, _comment in plan.steps}
            registered = day[CaseStatus.REGISTERED]
            serial[registered.year] = serial.get(registered.year, 0) + 1
            top = plan.subjects[0]["top"]
            established = plan.status in (CaseStatus.DECIDED, CaseStatus.CLOSED)
            template = plan.pattern.facts if established else plan.pattern.allegation or plan.pattern.facts
            month = registered - timedelta(days=30)  # what happened, a month or so before the case
            facts = template.format(names="、".join(p["name"] for p in plan.subjects), unit=top["name"],
                                    when=f"{month.year}年{month.month}月")
            reference = text.REFERENCES[plan.pattern.source].format(year=registered.year, n=rng.randint(1, 60))
            plan.case = Case(
                number=f"{registered.year}-{serial[registered.year]:04d}", title=plan.pattern.title,
                unit_id=top["id"], source=plan.pattern.source, source_reference=reference, facts=facts,
                investigator=inspector, created_by=inspector, status=plan.status, registered_on=registered,
                decided_on=day.get(CaseStatus.DECIDED),
                closed_on=day.get(CaseStatus.CLOSED) or day.get(CaseStatus.NOT_PURSUED),
                not_pursued_reason=plan.steps[-1][3] if plan.status == CaseStatus.NOT_PURSUED else "")
        cases = Case.objects.bulk_create([p.case for p in plans if p.case])
        self._stamp(cases, [p.steps[0][2] for p in plans])
        Case.subjects.through.objects.bulk_create([
            Case.subjects.through(case_id=p.case.pk, official_id=s["id"]) for p in plans if p.case
            for s in p.subjects])
        Case.rules.through.objects.bulk_create([
            Case.rules.through(case_id=p.case.pk, disciplinerule_id=self.rules[code]) for p in plans if p.case
            for code in p.pattern.rules if code in self.rules])
        transitions = [CaseTransition(case=p.case, from_status=old, to_status=new, by=inspector, comment=comment)
                       for p in plans for old, new, _day, comment in p.steps]
        CaseTransition.objects.bulk_create(transitions)
        for transition, when in zip(transitions, [d for p in plans for _o, _n, d, _c in p.steps], strict=True):
            transition.at = self.at(when, self.rng.randint(9, 17))
        CaseTransition.objects.bulk_update(transitions, ["at"])

        decisions = []
        for plan in plans:
            if plan.case is None or plan.case.decided_on is None:
                continue
            for subject in plan.subjects:
                decision = Decision(case=plan.case, official_id=subject["id"], effective_date=plan.case.decided_on,
                                    decided_by=inspector)
                apply_kind(decision, self.kinds[plan.kind])
                decision.summary = self._summary(subject["name"], decision.kind)
                decisions.append(decision)
        Decision.objects.bulk_create(decisions)
        self._stamp(decisions, [d.effective_date for d in decisions])
        return decisions

    @staticmethod
    def _summary(name: str, kind: DecisionKind) -> str:
        if kind.group == DecisionGroup.GOVERNMENT:
            return f"经研究，决定给予{name}政务{kind.name}处分。"
        if kind.group == DecisionGroup.PARTY:
            return f"经研究，决定给予{name}{kind.name}处分。"
        if kind.code == "self_examination":
            return f"经研究，责令{name}作出书面检查。"
        if kind.code in ("reminder_talk", "criticism_education"):
            return f"经研究，决定对{name}进行{kind.name}。"
        return f"经研究，决定对{name}予以{kind.name}处理。"

    def _stamp(self, rows: list[Any], days: list[date]) -> None:
        """Date created_at/updated_at back to when the row would have been written (bulk_create sets now)."""
        for row, day in zip(rows, days, strict=True):
            row.created_at = row.updated_at = self.at(day)
        if rows:
            model: type[Model] = type(rows[0])
            model._default_manager.bulk_update(rows, ["created_at", "updated_at"])

    # -- error tolerance and appeals ------------------------------------------------------------------
    def _decision_for(self, plans: list[Planned], decisions: list[Decision], role: str) -> Decision:
        case = next(p.case for p in plans if p.role == role)
        return next(d for d in decisions if d.case is case)

    def _tolerance(self, plans: list[Planned], decisions: list[Decision]) -> int:
        rng = self.rng
        exempted = self._decision_for(plans, decisions, "exempted")
        pending = self._decision_for(plans, decisions, "tolerance")
        appealed = self._decision_for(plans, decisions, "appealed")
        # A request comes from the official, their unit's head or discipline inspection over the unit; the demo's
        # officials have no logins except staff and head, so inspection files for the units without a head login.
        head_unit = self.head_official["top"]["id"]
        requester = {d.pk: self.head if d.case.unit_id == head_unit and self.head else self.inspector
                     for d in (exempted, pending, appealed)}
        filed = exempted.effective_date + timedelta(days=rng.randint(3, 8))
        reviewed, decided = filed + timedelta(days=rng.randint(3, 7)), filed + timedelta(days=rng.randint(10, 15))
        due = decided + timedelta(days=60)
        done = due <= self.today
        approved = ToleranceRequest(
            case=exempted.case, official_id=exempted.official_id, requested_by=requester[exempted.pk], by_unit=True,
            for_public_good=True,
            followed_procedure=True, no_personal_gain=True, corrected_promptly=True,
            statement=text.TOLERANCE_STATEMENTS[0], status=ToleranceStatus.APPROVED, review_supports=True,
            review_opinion=text.TOLERANCE_REVIEW_YES, reviewed_by=self.inspector, reviewed_at=self.at(reviewed),
            decision_note=text.TOLERANCE_DECISION_YES, decided_by=self.orgadmin, decided_at=self.at(decided),
            rectification=text.RECTIFICATION, rectification_due=due,
            rectification_status=RectificationStatus.DONE if done else RectificationStatus.PENDING,
            rectified_on=due - timedelta(days=rng.randint(3, 20)) if done else None,
            rectification_note=text.RECTIFICATION_NOTE if done else "")
        submitted = ToleranceRequest(
            case=pending.case, official_id=pending.official_id, by_unit=True, for_public_good=True,
            no_personal_gain=True, corrected_promptly=True, statement=text.TOLERANCE_STATEMENTS[1],
            requested_by=requester[pending.pk])
        rejected_on = appealed.effective_date + timedelta(days=rng.randint(2, 4))
        rejected = ToleranceRequest(
            case=appealed.case, official_id=appealed.official_id, requested_by=requester[appealed.pk], by_unit=True,
            no_personal_gain=True,
            statement=text.TOLERANCE_STATEMENTS[1], status=ToleranceStatus.REJECTED, review_supports=False,
            review_opinion=text.TOLERANCE_REVIEW_NO, reviewed_by=self.inspector,
            reviewed_at=self.at(rejected_on + timedelta(days=4)), decision_note=text.TOLERANCE_DECISION_NO,
            decided_by=self.orgadmin, decided_at=self.at(rejected_on + timedelta(days=8)))
        rows = ToleranceRequest.objects.bulk_create([approved, submitted, rejected])
        self._stamp(rows, [filed, min(self.today, pending.effective_date + timedelta(days=2)), rejected_on])
        exempted.exempted = True
        Decision.objects.filter(pk=exempted.pk).update(exempted=True)
        return len(rows)

    def _appeals(self, plans: list[Planned], decisions: list[Decision]) -> int:
        rng = self.rng
        changed = self._decision_for(plans, decisions, "appealed")
        pending = self._decision_for(plans, decisions, "demerit")
        filed = changed.effective_date + timedelta(days=rng.randint(12, 20))
        previous, new = changed.kind, self.kinds["gov_warning"]
        apply_kind(changed, new)
        changed.summary = self._summary(next(p["name"] for p in self.people if p["id"] == changed.official_id), new)
        Decision.objects.bulk_update([changed], ["kind", "points", "grade_cap", "cap_years", "later_cap",
                                                 "in_force_until",
                                                 "no_promotion_until", "summary"])
        rows = [
            Appeal(decision=changed, filed_on=filed, grounds=text.APPEAL_GROUNDS[0], outcome=AppealOutcome.CHANGED,
                   outcome_note=text.APPEAL_CHANGED_NOTE, previous_kind=previous, new_kind=new,
                   decided_by=self.inspector, decided_at=self.at(filed + timedelta(days=rng.randint(15, 20)))),
            Appeal(decision=pending, filed_on=min(self.today, pending.effective_date + timedelta(days=2)),
                   grounds=text.APPEAL_GROUNDS[1]),
        ]
        Appeal.objects.bulk_create(rows)
        self._stamp(rows, [r.filed_on for r in rows])
        return len(rows)

    # -- talks ----------------------------------------------------------------------------------------
    def _talks(self, count: int, plans: list[Planned]) -> int:
        rng = self.rng
        staff_case = next(p.case for p in plans if p.role == "staff")
        assert staff_case is not None and staff_case.decided_on is not None
        talks = [Talk(official_id=self.staff["id"], kind=TalkKind.REMINDER, occasion=TalkOccasion.WARNING_SIGN,
                      held_on=staff_case.decided_on, talker_id=self.head_official["id"],
                      topic=f"就{STAFF_PATTERN.title[:-2]}进行提醒谈话，指出问题、分析原因，要求合理安排工作、"
                            "严格遵守学习纪律。", follow_up="此后三个月集中学习全勤，已销号。",
                      follow_up_done=True, case=staff_case, recorded_by=self.inspector)]
        by_age = sorted((p for p in self.people if p["birth_date"]), key=lambda p: p["birth_date"])
        oldest = by_age[: max(3, len(by_age) // 20)]
        moved = [p for p in self.people if p["post_since"] and p["post_since"] >= self.today - timedelta(days=365)]
        occasions = list(text.CARE_TALKS)
        rng.shuffle(occasions)
        care = 0
        for number in range(count - 1):
            held = self.days_ago(3, 320)
            if number % 4 == 1:  # one in four a reminder talk; the care talks take the occasions in turn
                person = rng.choice(self.people)
                topic, follow_up = rng.choice(text.REMINDER_TALKS)
                kind, occasion, recorder = TalkKind.REMINDER, TalkOccasion.WARNING_SIGN, self.inspector
            else:
                occasion, care = TalkOccasion(occasions[care % len(occasions)]), care + 1
                pool = oldest if occasion == "retirement" else moved if occasion == "job_change" else self.people
                person = rng.choice(pool or self.people)
                topic, follow_up = rng.choice(text.CARE_TALKS[occasion])
                kind, recorder = TalkKind.CARE, self.orgadmin
            leaders = [p for p in self.by_top[person["top"]["id"]]
                       if p["rank_level"] == RankLevel.LEADERSHIP and p["id"] != person["id"]]
            talker = leaders[0] if leaders and rng.random() < 0.7 else None
            talks.append(Talk(
                official_id=person["id"], kind=kind, occasion=occasion, held_on=held,
                talker_id=talker["id"] if talker else None,
                talker_name="" if talker else rng.choice(text.TALKERS), topic=topic, follow_up=follow_up,
                follow_up_done=held < self.today - timedelta(days=45) and rng.random() < 0.85,
                recorded_by=recorder))
        Talk.objects.bulk_create(talks)
        self._stamp(talks, [t.held_on for t in talks])
        return len(talks)
