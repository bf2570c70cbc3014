"""Build the demo's appraisal: a Q3 multi-rater check-up, the year's months and quarters rolled up —
closed and published up to the month before last, the latest month and the year provisional — and a few
bonuses and deductions recorded by hand, so every appraisal page has real figures to show.

It goes through the appraisal services (the rollup is the product's own); ratings are written in bulk.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from appraisal.models import RaterAssignment, ScoreEntry, ScoreRule
from appraisal.scoring.periods import MONTH, QUARTER, period_key_for
from appraisal.services.checkup import round_close, round_open_for_key
from appraisal.services.checkup_raters import raters_assign_defaults
from appraisal.services.periods import period_close, period_get_or_create, period_publish
from appraisal.services.rollup import rollup_period
from org.models import Official, OrgUnit, User

COMMENTS = ["", "", "工作主动，服务意识强", "个别时候办事效率偏低", "注意加强学习"]
# Above this many officials only the recent periods are rolled up, to keep seeding within two minutes.
FULL_HISTORY_UP_TO = 2000


class AppraisalBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        self.rng, self.today, self.stdout, self.style = rng, today, stdout, style
        self.orgadmin = User.objects.get(username="orgadmin")

    def build(self, officials: int) -> None:
        self._manual_entries()
        self._checkup()
        last_month = (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)
        months = [date(self.today.year, m, 1) for m in range(1, last_month.month + 1)]
        if officials > FULL_HISTORY_UP_TO:
            months = months[-2:]
        for month in months:
            period = period_get_or_create(key=period_key_for(MONTH, month))
            if month < last_month:
                self._close_and_publish(period)
            else:
                rollup_period(period=period)
        quarters = sorted({period_key_for(QUARTER, m) for m in months if m.month <= (self.today.month - 1) // 3 * 3})
        for key in quarters:
            self._close_and_publish(period_get_or_create(key=key))
        rollup_period(period=period_get_or_create(key=str(self.today.year)))
        self.stdout.write(self.style.SUCCESS(
            f"考核数据已生成：月度 {len(months)} 期、季度 {len(quarters)} 期已汇总，年度为临时成绩；"
            "三季度多维体检已完成。"
        ))

    def _close_and_publish(self, period: Any) -> None:
        # Seeded history: whatever the demo leaves open in a past period is closed as it stands.
        period_close(period=period, by=self.orgadmin, reason="演示数据：往期按现有数据归档")
        period.refresh_from_db()
        period_publish(period=period, by=self.orgadmin)

    def _manual_entries(self) -> None:
        """A few bonuses and deductions a head would have recorded, with reasons."""
        codes = ["innovation", "commendation", "public_criticism"]
        rules = {r.code: r for r in ScoreRule.objects.filter(code__in=codes)}
        officials = list(Official.objects.filter(is_active=True).order_by("id").values_list("id", flat=True))
        head = User.objects.get(username="head")
        picks = self.rng.sample(officials, k=min(len(officials), max(6, len(officials) // 40)))
        staff_official = Official.objects.filter(user__username="staff").values_list("id", flat=True).first()
        if staff_official is not None and staff_official not in picks:
            picks.append(staff_official)
        entries = []
        for official_id in picks:
            code = self.rng.choices(codes, weights=[6, 3, 1])[0]
            rule = rules[code]
            points = rule.max_points  # the strongest of the rule's range: +3, +5, or −2
            day = date(self.today.year, self.rng.randint(1, self.today.month), self.rng.randint(1, 25))
            reason = {"innovation": "提出的“一窗受理”流程优化建议被采纳", "commendation": "获评市级优秀志愿服务项目",
                      "public_criticism": "无故缺席集中学习两次，被单位通报批评"}[code]
            entries.append(ScoreEntry(official_id=official_id, occurred_on=min(day, self.today), rule=rule,
                                      points=points, reason=reason, origin=ScoreEntry.Origin.MANUAL, created_by=head))
        ScoreEntry.objects.bulk_create(entries)

    def _checkup(self) -> None:
        """The third quarter's check-up, assigned by default for every top-level unit, rated and closed."""
        if self.today.month <= 9:
            return
        checkup = round_open_for_key(by=self.orgadmin, key=f"{self.today.year}-Q3")
        for unit in OrgUnit.objects.filter(depth=2).order_by("path"):
            raters_assign_defaults(by=self.orgadmin, round=checkup, unit=unit, colleagues=3)
        assignments = list(RaterAssignment.objects.filter(round=checkup).only("id"))
        now = timezone.now()
        for assignment in assignments:
            base = self.rng.choice([78, 85, 90, 93])
            for field in ("political", "moral", "discipline", "law", "style"):
                setattr(assignment, field, max(40, min(100, base + self.rng.randint(-12, 7))))
            assignment.comment = self.rng.choice(COMMENTS)
            assignment.status = RaterAssignment.Status.SUBMITTED
            assignment.submitted_at = now
        RaterAssignment.objects.bulk_update(
            assignments, ["political", "moral", "discipline", "law", "style", "comment", "status", "submitted_at"],
            batch_size=2000)
        round_close(by=self.orgadmin, round=checkup)
