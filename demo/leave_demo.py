"""Build the demo's leave records and one transfer between bureaus.

- Leave (请假): a short sick leave of ``staff`` (who sees it on their own page), one official of ``head``'s bureau
  on sick leave for more than half the year — so this year's annual proposal holds their grade as 不确定等次 with
  the reason (考核规定 2020 第27条) — and a spread of other leave (病假、事假、年休假、婚假、产假、丧假) across the
  county, one record per official, so nothing overlaps. Recorded by ``head`` in the culture bureau and by
  ``orgadmin`` elsewhere; written in bulk (no history rows), as the services would have left them.
- A transfer (调任): one official of another bureau moved to a section of the culture bureau in the summer,
  through ``official_assign_post`` (the old post closed, the new one opened, ``Official.unit`` the new one), so
  the month scorecards before the move show the old bureau and the culture bureau grades the year.

It runs before the appraisal builder, whose rollups and proposals read these facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from org.models import LeaveKind, LeaveRecord, Official, OrgUnit, PostKind, RankLevel, User
from org.services import official_assign_post

OFFICIALS_PER_LEAVE = 60
MIN_LEAVE = 6
LONG_LEAVE_DAYS = 200  # more than half of the year (182 days)
SOURCE_BUREAUS = ("SJ", "CZ", "FG", "JY")  # where the transferred official comes from, the first that has one
# kind: (weight, shortest, longest days)
SPREAD = {LeaveKind.SICK: (45, 1, 20), LeaveKind.PERSONAL: (30, 1, 5), LeaveKind.ANNUAL: (12, 3, 10),
          LeaveKind.MARRIAGE: (5, 3, 13), LeaveKind.MATERNITY: (4, 98, 158), LeaveKind.BEREAVEMENT: (4, 1, 3)}
NOTES = {LeaveKind.SICK: ["感冒发热", "住院治疗", "术后休养", ""], LeaveKind.PERSONAL: ["家中有事", "陪护家人", ""],
         LeaveKind.ANNUAL: ["年休假", ""], LeaveKind.MARRIAGE: ["婚假"], LeaveKind.MATERNITY: ["产假（含延长假）"],
         LeaveKind.BEREAVEMENT: ["直系亲属丧事"]}


@dataclass
class LeaveFacts:
    records: int = 0
    long_leave: str = ""
    moved: str = ""
    moved_on: date | None = None


class LeaveBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        # A copy of the seed's generator: the leave data does not shift what the later builders draw.
        self.rng = random.Random()
        self.rng.setstate(rng.getstate())
        self.today, self.stdout, self.style = today, stdout, style
        users = {u.username: u for u in User.objects.filter(username__in=["orgadmin", "head", "staff"])}
        self.orgadmin, self.head, self.staff = users["orgadmin"], users["head"], users["staff"]

    def build(self, officials: int) -> LeaveFacts:
        facts = LeaveFacts()
        step = OrgUnit.steplen
        head_unit = Official.objects.select_related("unit").get(user=self.head).unit
        culture_path = head_unit.path[: 2 * step]
        people: list[dict[str, Any]] = [dict(row) for row in Official.objects.filter(is_active=True).order_by(
            "id").values("id", "name", "gender", "rank_level", "user_id", "joined_on", "unit__path", "post_since")]
        special = {p["id"] for p in people if p["user_id"] in (self.head.pk, self.staff.pk)}
        year_start = date(self.today.year, 1, 1)

        mover = self._transfer(people, special, culture_path, facts)
        if mover is not None:
            special.add(mover)
        records: list[LeaveRecord] = []

        def add(person: dict[str, Any], kind: str, start: date, end: date, note: str) -> None:
            recorder = self.head if person["unit__path"].startswith(culture_path) else self.orgadmin
            records.append(LeaveRecord(official_id=person["id"], kind=kind, start_date=start, end_date=end,
                                       note=note, recorded_by=recorder))

        staff = next((p for p in people if p["user_id"] == self.staff.pk), None)
        if staff is not None:
            start = max(year_start, self.today - timedelta(days=40))
            add(staff, LeaveKind.SICK, start, max(start, min(start + timedelta(days=2), self.today)), "感冒发热")
            special.add(staff["id"])
        # One official of the culture bureau away on sick leave for more than half the year (not in probation, so
        # the leave is the reason the grade is held).
        settled = [p for p in people if p["id"] not in special and p["unit__path"].startswith(culture_path)
                   and p["rank_level"] == RankLevel.ORDINARY and p["joined_on"]
                   and p["joined_on"].year < year_start.year - 1]
        if settled:
            away = self.rng.choice(settled)
            start = year_start + timedelta(days=4)
            add(away, LeaveKind.SICK, start, start + timedelta(days=LONG_LEAVE_DAYS - 1), "因病住院治疗及术后康复")
            special.add(away["id"])
            facts.long_leave = away["name"]
        pool = [p for p in people if p["id"] not in special]
        kinds = list(SPREAD)
        for person in self.rng.sample(pool, k=min(len(pool), max(MIN_LEAVE, officials // OFFICIALS_PER_LEAVE))):
            kind = self.rng.choices(kinds, weights=[SPREAD[k][0] for k in kinds])[0]
            if kind == LeaveKind.MATERNITY and person["gender"] != "F":
                kind = LeaveKind.SICK
            _weight, shortest, longest = SPREAD[kind]
            # Over by today (early in the year a leave is cut short rather than dated in the future).
            days = min(self.rng.randint(shortest, longest), max(1, (self.today - year_start).days))
            latest = max(year_start, self.today - timedelta(days=days))
            start = year_start + timedelta(days=self.rng.randint(0, (latest - year_start).days))
            add(person, kind, start, start + timedelta(days=days - 1), self.rng.choice(NOTES[kind]))
        LeaveRecord.objects.bulk_create(records, batch_size=1000)
        facts.records = len(records)
        moved = f"{facts.moved} {facts.moved_on:%m月%d日}调入文化和旅游局" if facts.moved_on else "无"
        self.stdout.write(self.style.SUCCESS(
            f"请假与调动数据已生成：请假记录 {facts.records} 条（本年度病假超过半年：{facts.long_leave or '无'}）；"
            f"年中调动：{moved}。"))
        return facts

    def _transfer(self, people: list[dict[str, Any]], special: set[int], culture_path: str,
                  facts: LeaveFacts) -> int | None:
        """Move an ordinary official of another bureau to a section of the culture bureau in the summer (or, early
        in the year, at the start of the month before last, so a month before the move is rolled up)."""
        if self.today >= date(self.today.year, 9, 1):
            moved_on = date(self.today.year, 7, 1)
        elif self.today.month >= 3:
            moved_on = date(self.today.year, self.today.month - 1, 1)
        else:
            return None
        step = OrgUnit.steplen
        sources = {u.code: u.path for u in OrgUnit.objects.filter(code__in=SOURCE_BUREAUS, depth=2)}
        for code in SOURCE_BUREAUS:
            path = sources.get(code)
            if path is None:
                continue
            found = [p for p in people if p["unit__path"].startswith(path) and p["id"] not in special
                     and p["user_id"] is None and p["rank_level"] == RankLevel.ORDINARY
                     and p["post_since"] and p["post_since"] < moved_on]
            if found:
                break
        else:
            return None
        person = self.rng.choice(found)
        sections = list(OrgUnit.objects.filter(path__startswith=culture_path, depth__gt=2, is_active=True)
                        .exclude(path__startswith=person["unit__path"][: 2 * step]).order_by("path"))
        if not sections:
            return None
        official = Official.objects.select_related("unit").get(pk=person["id"])
        official_assign_post(official=official, unit=self.rng.choice(sections), position_title="四级主任科员",
                             start_date=moved_on, kind=PostKind.LATERAL_EXCHANGE, note="调任（演示）")
        facts.moved, facts.moved_on = official.name, moved_on
        return official.pk
