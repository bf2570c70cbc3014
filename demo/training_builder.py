"""Build the demo's training for the year up to today: each bureau's and town's annual study plan with
Friday collective study (weekly, or fortnightly in some units), the leaders' monthly theory study group
(理论学习中心组), monthly party classes and a monthly lecture
by a colleague (人人当讲师), one special training class for middle-level cadres, external training records,
and attendance with realistic absences — then the training feed into the ledger, which flags the public
criticisms of officials with three or more unexcused absences in a quarter.

Most officials also take the online academy's yearly course (external training, approved or waiting).

Sessions and plans are written in bulk; attendance, the largest table, is written as plain tuples with
``executemany``. Above ``WEEKLY_UP_TO`` officials only the demo's bureau and the organization department
study weekly, the other units once a month for half a day with a quarterly party class — about 20 rows
per official, so a county of 10,000 stays within the seeding budget.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from appraisal.services.derive_training import training_feed
from demo.org_data import HEAD_UNIT_CODE
from demo.training_data import (
    EXTERNAL_COURSES,
    LEAVE_REASONS,
    LECTURES,
    PARTY_CLASSES,
    PLACES,
    RETURN_REASON,
    STUDY_TOPICS,
)
from org.models import Official, OrgUnit, RankLevel, User
from training.models import (
    Attendance,
    AttendanceStatus,
    ExternalStatus,
    ExternalTraining,
    SessionKind,
    StudyPlan,
    TrainingSession,
)
from training.services.sessions import default_hours
from training.services.year_hours import training_years, year_hours_rebuild

BATCH = 5000
WEEKLY_UP_TO = 2000
KEY_UNITS = {HEAD_UNIT_CODE, "ORG"}  # the demo's bureau and the organization department always study weekly
WEEKLY, FORTNIGHTLY, MONTHLY = "weekly", "fortnightly", "monthly"
STUDY_HOURS, HALF_DAY_HOURS, PARTY_HOURS, SPECIAL_HOURS = Decimal(2), Decimal(4), Decimal(2), Decimal(24)
CENTRAL_GROUP_HOURS = Decimal(3)
ONLINE_SHARE = 0.85
PLAN_NOTES = {
    WEEKLY: "坚持每周五下午集中学习，每月最后一个周五为“人人当讲师”业务授课；每月一次党课。",
    FORTNIGHTLY: "隔周五下午集中学习，每月最后一个周五为“人人当讲师”业务授课；每月一次党课。",
    MONTHLY: "每月最后一个周五下午半天集中学习，双月由干部轮流授课（人人当讲师）；每季度一次党课。",
}
# Fridays without collective study: the Spring Festival, Labour Day and National Day holidays.
HOLIDAYS = {(2, 13), (2, 20), (5, 1), (10, 2)}


@dataclass
class Team:
    """A top-level unit (bureau, town, park) with its active officials."""

    unit_id: int
    code: str
    name: str
    cadence: str  # WEEKLY, FORTNIGHTLY or MONTHLY collective study
    members: list[tuple[int, str, int | None]] = field(default_factory=list)  # (official id, rank, user id)


@dataclass
class Planned:
    session: TrainingSession
    audience_unit_id: int
    attendees: list[tuple[int, str, int | None]]  # empty for sessions not yet held


def fridays(start: date, end: date) -> list[date]:
    day = start + timedelta(days=(4 - start.weekday()) % 7)
    days = []
    while day <= end:
        days.append(day)
        day += timedelta(days=7)
    return days


class TrainingBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        # A copy of the seed's generator: the training data does not shift what the later builders draw.
        self.rng = random.Random()
        self.rng.setstate(rng.getstate())
        self.today, self.stdout, self.style = today, stdout, style
        self.year = today.year
        users = {u.username: u for u in User.objects.filter(username__in=["orgadmin", "head", "staff"])}
        self.orgadmin, self.head = users["orgadmin"], users["head"]
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)), self.tz)

    def build(self, officials: int) -> None:
        teams = self._teams(officials)
        staff_id = Official.objects.filter(user__username="staff").values_list("id", flat=True).first()
        # Absence propensity per official: most are diligent, a few often miss the study.
        every = [m[0] for team in teams for m in team.members]
        self.absence_rate = {oid: 0.01 for oid in every}
        for oid in self.rng.sample(every, k=max(2, len(every) // 25)):
            self.absence_rate[oid] = 0.09
        if staff_id is not None:
            self.absence_rate[staff_id] = 0.05
        plans = self._plans(teams)
        planned = self._sessions(teams, plans)
        rows = self._attendance(planned, teams, staff_id)
        external = self._external(teams, staff_id)
        if connection.vendor == "postgresql":
            # Fresh statistics: without them PostgreSQL plans the progress aggregate the rollups run next
            # (one subquery per official) about ten times slower.
            with connection.cursor() as cursor:
                for model in (Attendance, TrainingSession, ExternalTraining):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        for year in training_years():  # the rows were bulk-created, past the signals that keep the sums
            year_hours_rebuild(year=year)
        counts = training_feed(start=date(self.year, 1, 1), end=self.today)
        self.stdout.write(self.style.SUCCESS(
            f"学习培训数据已生成：学习计划 {len(plans)} 份，培训场次 {len(planned)} 场，考勤记录 {rows} 条，"
            f"个人学习档案 {external} 条；台账扣加分 {counts['created']} 条，通报批评待确认 {counts['flags']} 人。"
        ))

    # -- people -------------------------------------------------------------------------------------
    def _teams(self, officials: int) -> list[Team]:
        step = OrgUnit.steplen
        tops = {u["path"]: u for u in OrgUnit.objects.filter(depth=2, is_active=True).values("id", "code", "path",
                                                                                              "name")}
        teams: dict[str, Team] = {}
        for path, unit in sorted(tops.items()):
            if unit["code"] in KEY_UNITS:
                cadence = WEEKLY
            elif officials > WEEKLY_UP_TO:
                cadence = MONTHLY
            else:
                cadence = WEEKLY if self.rng.random() < 0.6 else FORTNIGHTLY
            teams[path] = Team(unit_id=unit["id"], code=unit["code"], name=unit["name"], cadence=cadence)
        for oid, path, rank, user_id in Official.objects.filter(is_active=True).order_by("id").values_list(
                "id", "unit__path", "rank_level", "user_id"):
            team = teams.get(path[: 2 * step])
            if team is not None:
                team.members.append((oid, rank, user_id))
        return [t for t in teams.values() if len(t.members) >= 3]

    # -- plans and sessions -------------------------------------------------------------------------
    def _plans(self, teams: list[Team]) -> dict[int, StudyPlan]:
        plans = [StudyPlan(unit_id=t.unit_id, year=self.year, title=f"{self.year}年度{t.name}理论学习计划",
                           notes=PLAN_NOTES[t.cadence])
                 for t in teams]
        created = StudyPlan.objects.bulk_create(plans, batch_size=BATCH)
        return {p.unit_id: p for p in created}

    def _session(self, team: Team, plan: StudyPlan | None, **fields: Any) -> TrainingSession:
        creator = self.head if team.code == HEAD_UNIT_CODE else self.orgadmin
        return TrainingSession(organiser_id=team.unit_id, plan=plan, created_by=creator, include_subunits=True,
                               **fields)

    def _sessions(self, teams: list[Team], plans: dict[int, StudyPlan]) -> list[Planned]:
        rng, today = self.rng, self.today
        planned: list[Planned] = []
        year_end = date(self.year, 12, 31)
        for team in teams:
            plan = plans[team.unit_id]
            people = team.members
            speakers = [m for m in people if m[1] != RankLevel.ORDINARY] or people
            last_friday_of_month: dict[int, date] = {}
            all_fridays = [d for d in fridays(date(self.year, 1, 1), year_end) if (d.month, d.day) not in HOLIDAYS]
            for day in all_fridays:
                last_friday_of_month[day.month] = day
            for index, day in enumerate(all_fridays):
                last = day == last_friday_of_month[day.month]
                if (team.cadence == FORTNIGHTLY and index % 2 and not last) or (team.cadence == MONTHLY and not last):
                    continue
                attendees = people if day < today else []
                if team.cadence == MONTHLY:  # half a day, with a colleague lecturing every other month
                    starts, ends, hours, lecture = self.at(day, 13, 30), self.at(day, 17, 30), HALF_DAY_HOURS, \
                        day.month % 2 == 0
                else:
                    starts, ends, hours, lecture = self.at(day, 15), self.at(day, 17), STUDY_HOURS, last
                if lecture:
                    session = self._session(
                        team, plan, kind=SessionKind.COLLEAGUE_LECTURE, title=f"人人当讲师：{rng.choice(LECTURES)}",
                        starts_at=starts, ends_at=ends, hours=hours, place=PLACES["collective"],
                        lecturer_id=rng.choice(speakers)[0], is_required=True)
                else:
                    session = self._session(
                        team, plan, kind=SessionKind.COLLECTIVE_STUDY, title=f"集中学习：{rng.choice(STUDY_TOPICS)}",
                        starts_at=starts, ends_at=ends, hours=hours, place=PLACES["collective"], is_required=True)
                planned.append(Planned(session, team.unit_id, attendees))
            # The leadership's theory study group (理论学习中心组), monthly on the second Wednesday.
            leaders = [m for m in people if m[1] == RankLevel.LEADERSHIP]
            for month in range(1, 13):
                day = date(self.year, month, 1)
                day += timedelta(days=(2 - day.weekday()) % 7 + 7)
                session = self._session(
                    team, plan, kind=SessionKind.COLLECTIVE_STUDY, title=f"理论学习中心组{month}月专题学习",
                    starts_at=self.at(day, 9), ends_at=self.at(day, 12), hours=CENTRAL_GROUP_HOURS,
                    place=PLACES["collective"], is_required=True, audience_rank_levels=[RankLevel.LEADERSHIP])
                planned.append(Planned(session, team.unit_id, leaders if day < today else []))
            # Party classes: monthly; quarterly (the three-meetings-one-lesson minimum) where study is monthly.
            for month in range(3 if team.cadence == MONTHLY else 1, 13, 3 if team.cadence == MONTHLY else 1):
                day = date(self.year, month, 1)
                day += timedelta(days=(1 - day.weekday()) % 7 + 7)  # the second Tuesday
                held = day < today
                title = f"{month}月党课：{PARTY_CLASSES[(month - 1) % len(PARTY_CLASSES)]}"
                session = self._session(team, plan, kind=SessionKind.PARTY_CLASS, title=title,
                                        starts_at=self.at(day, 16), ends_at=self.at(day, 17, 30),
                                        hours=PARTY_HOURS, place=PLACES["party"], is_required=True)
                planned.append(Planned(session, team.unit_id, people if held else []))
        planned.extend(self._special_class(teams, plans))
        TrainingSession.objects.bulk_create([p.session for p in planned], batch_size=BATCH)
        through = TrainingSession.audience_units.through
        through.objects.bulk_create([through(trainingsession_id=p.session.pk, orgunit_id=p.audience_unit_id)
                                     for p in planned], batch_size=BATCH)
        return planned

    def _special_class(self, teams: list[Team], plans: dict[int, StudyPlan]) -> list[Planned]:
        """A five-day special class for middle-level cadres, organised by the organization department."""
        root = OrgUnit.objects.filter(depth=1).values_list("id", flat=True).first()
        organiser = next((t for t in teams if t.code == "ORG"), teams[0])
        start = date(self.year, 6, 8) if self.today > date(self.year, 6, 20) else self.today - timedelta(days=14)
        start -= timedelta(days=start.weekday())  # a Monday
        middles = [m for t in teams for m in t.members if m[1] == RankLevel.MIDDLE]
        session = self._session(
            organiser, plans.get(organiser.unit_id), kind=SessionKind.SPECIAL_CLASS,
            title=f"{self.year}年全县中层干部能力提升专题培训班", starts_at=self.at(start, 8, 30),
            ends_at=self.at(start + timedelta(days=4), 12), hours=SPECIAL_HOURS, place="县委党校",
            lecturer_name="县委党校教研室", is_required=True, audience_rank_levels=[RankLevel.MIDDLE])
        return [Planned(session, root or organiser.unit_id, middles)]

    # -- attendance ---------------------------------------------------------------------------------
    def _status(self, official_id: int, session: TrainingSession) -> tuple[str, Decimal]:
        roll = self.rng.random()
        absent = self.absence_rate[official_id]
        if roll < absent:
            return AttendanceStatus.ABSENT, Decimal(0)
        roll -= absent
        if roll < 0.03:
            return AttendanceStatus.EXCUSED, Decimal(0)
        if roll < 0.08:
            status = AttendanceStatus.LATE if roll < 0.06 else AttendanceStatus.LEFT_EARLY
            if session.kind == SessionKind.SPECIAL_CLASS:  # a morning missed, or (left early) more than a seventh
                return status, session.hours - (Decimal(3) if status == AttendanceStatus.LATE else Decimal(6))
            return status, default_hours(session, status)
        return AttendanceStatus.PRESENT, session.hours

    def _attendance(self, planned: list[Planned], teams: list[Team], staff_id: int | None) -> int:
        ops = connection.ops
        head_team = {m[0] for t in teams if t.code == HEAD_UNIT_CODE for m in t.members}
        forced = self._forced_absences(planned, head_team, staff_id)
        table = Attendance._meta.db_table
        sql = (f"INSERT INTO {table} (session_id, official_id, status, hours, excuse_reason, excuse_approved_by_id, "
               "exam_score, recorded_by_id, recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)")
        rows: list[tuple[Any, ...]] = []
        total = 0
        head_units = {t.unit_id for t in teams if t.code == HEAD_UNIT_CODE}
        with connection.cursor() as cursor:
            for item in planned:
                session = item.session
                recorder = self.head if session.organiser_id in head_units else self.orgadmin
                recorded_at = ops.adapt_datetimefield_value(session.ends_at)
                for official_id, _rank, _user in item.attendees:
                    status: str
                    if (session.pk, official_id) in forced:
                        status, hours = AttendanceStatus.ABSENT, Decimal(0)
                    elif official_id == session.lecturer_id:
                        status, hours = AttendanceStatus.PRESENT, session.hours
                    else:
                        status, hours = self._status(official_id, session)
                    reason, approver = "", None
                    if status == AttendanceStatus.EXCUSED:
                        reason = self.rng.choice(LEAVE_REASONS)
                        approver = self.head.pk if official_id in head_team else self.orgadmin.pk
                    score = None
                    if session.kind == SessionKind.SPECIAL_CLASS and status != AttendanceStatus.ABSENT:
                        score = str(Decimal(self.rng.randint(72, 98)))
                    rows.append((session.pk, official_id, str(status), str(hours), reason, approver, score,
                                 recorder.pk, recorded_at))
                    if len(rows) >= BATCH:
                        cursor.executemany(sql, rows)
                        total += len(rows)
                        rows = []
            if rows:
                cursor.executemany(sql, rows)
                total += len(rows)
        return total

    def _forced_absences(self, planned: list[Planned], head_team: set[int],
                         staff_id: int | None) -> set[tuple[int, int]]:
        """Unexcused absences that make the demo's point: ``staff`` missed one collective study, and in the
        demo's bureau one colleague missed three in the latest quarter that held three (a public criticism flag)."""
        held = [p for p in planned if p.attendees and p.session.kind == SessionKind.COLLECTIVE_STUDY]
        forced: set[tuple[int, int]] = set()
        head_sessions = [p for p in held if any(m[0] in head_team for m in p.attendees)]
        if staff_id is not None:
            mine = [p for p in head_sessions if any(m[0] == staff_id for m in p.attendees)]
            if mine:
                forced.add((mine[-1].session.pk, staff_id))
        candidates = sorted(head_team - {staff_id}, key=lambda oid: (-self.absence_rate[oid], oid))
        if candidates:
            chosen = candidates[0]
            by_quarter: dict[int, list[Planned]] = {}
            for item in head_sessions:
                if any(m[0] == chosen for m in item.attendees):
                    by_quarter.setdefault((timezone.localtime(item.session.starts_at).month - 1) // 3, []).append(item)
            # The latest quarter (the current one counts: the feed flags it too) with three studies to miss.
            full = [quarter for quarter, items in by_quarter.items() if len(items) >= 3]
            if full:
                for item in self.rng.sample(by_quarter[max(full)], k=3):
                    forced.add((item.session.pk, chosen))
        return forced

    # -- external training --------------------------------------------------------------------------
    def _external(self, teams: list[Team], staff_id: int | None) -> int:
        rng, today = self.rng, self.today
        everyone = [m for t in teams for m in t.members]
        head_team = {m[0] for t in teams if t.code == HEAD_UNIT_CODE for m in t.members}
        picks = rng.sample(everyone, k=min(len(everyone), max(8, len(everyone) // 12)))
        if staff_id is not None and all(p[0] != staff_id for p in picks):
            picks.append(next(m for m in everyone if m[0] == staff_id))
        records = []
        for index, (official_id, _rank, _user) in enumerate(picks):
            provider, title, hours = rng.choice(EXTERNAL_COURSES)
            elapsed = max(0, (today - date(self.year, 1, 1)).days - 7)
            started = date(self.year, 1, 1) + timedelta(days=rng.randint(0, elapsed))
            ended = min(today, started + timedelta(days=max(0, hours // 8 - 1)))
            reviewer = self.head if official_id in head_team else self.orgadmin
            if index == 0:
                status, reason = ExternalStatus.RETURNED, RETURN_REASON
            elif official_id == staff_id or rng.random() < 0.3:
                status, reason = ExternalStatus.SUBMITTED, ""
            else:
                status, reason = ExternalStatus.APPROVED, ""
            decided = status != ExternalStatus.SUBMITTED
            records.append(ExternalTraining(
                official_id=official_id, title=title, provider=provider, started_on=started, ended_on=ended,
                hours=Decimal(hours), status=status, return_reason=reason,
                reviewed_by=reviewer if decided else None, reviewed_at=self.now if decided else None))
        records.extend(self._online_academy(everyone, head_team, {p[0] for p in picks}))
        ExternalTraining.objects.bulk_create(records, batch_size=BATCH)
        return len(records)

    def _online_academy(self, everyone: list[tuple[int, str, int | None]], head_team: set[int],
                        taken: set[int]) -> list[ExternalTraining]:
        """The online academy's yearly course, which most officials take; a few still wait for approval."""
        rng, today = self.rng, self.today
        records = []
        days = max(1, (today - date(self.year, 1, 1)).days - 30)
        for official_id, _rank, _user in everyone:
            if official_id in taken or rng.random() >= ONLINE_SHARE:
                continue
            started = date(self.year, 1, 1) + timedelta(days=rng.randrange(days))
            approved = rng.random() < 0.92
            reviewer = self.head if official_id in head_team else self.orgadmin
            records.append(ExternalTraining(
                official_id=official_id, title=f"中国干部网络学院{self.year}年度网络专题培训",
                provider="中国干部网络学院",
                started_on=started, ended_on=min(today, started + timedelta(days=rng.randint(20, 60))),
                hours=Decimal(rng.choice([40, 44, 50, 56, 60])),
                status=ExternalStatus.APPROVED if approved else ExternalStatus.SUBMITTED,
                reviewed_by=reviewer if approved else None, reviewed_at=self.now if approved else None))
        return records
