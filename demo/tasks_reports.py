"""The demo's monthly reports (月度实绩报告): a year of them for every active official, in every state, with their
items and their trail of transitions. A part of ``demo.tasks_builder.TasksBuilder``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from demo.org_data import HEAD_UNIT_CODE
from demo.tasks_common import BATCH, Team, add_months
from demo.tasks_data import NEXT_PLANS, REPORT_ITEMS, RETURN_REASONS, REVIEW_COMMENTS, SELF_ASSESSMENTS
from org.models import Official, User
from tasks.models import MonthlyReport, MonthlyReportItem, ReportRating, ReportStatus, ReportTransition
from tasks.selectors.reports import month_start, report_deadline


class MonthlyReports:
    """Write the monthly reports (``_reports``) for the builder's teams."""

    rng: random.Random
    today: date
    year_start: date
    users: dict[str, User]
    user_of: dict[int, int | None]

    def _reports(self, teams: dict[int, Team]) -> int:
        this_month = month_start(self.today)
        head, staff = self.users.get("head"), self.users.get("staff")
        reports: list[MonthlyReport] = []
        items: list[list[tuple[str, str]]] = []
        for team in teams.values():
            reviewer = head if team.code == HEAD_UNIT_CODE else None
            for person in team.everyone:
                month = max(self.year_start, add_months(this_month, -11))
                while month <= this_month:
                    made = self._report(person, month, reviewer, staff)
                    if made is not None:
                        reports.append(made[0])
                        items.append(made[1])
                    month = add_months(month, 1)
        created = MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
        MonthlyReportItem.objects.bulk_create([
            MonthlyReportItem(report=report, content=content, indicator=indicator, sort_order=index)
            for report, rows in zip(created, items, strict=True) for index, (content, indicator) in enumerate(rows)
        ], batch_size=BATCH)
        self._transitions()
        return len(created)

    def _transitions(self) -> None:
        """Write every report's trail with four INSERT … SELECT statements (a Python object per row is slow)."""
        trail = ReportTransition._meta.db_table
        report = MonthlyReport._meta.db_table
        official = Official._meta.db_table
        steps = [
            ("draft", "submitted", f"{official}.user_id", "submitted_at", "''", "submitted_at IS NOT NULL"),
            ("submitted", "returned", "reviewed_by_id", "reviewed_at", "return_reason", "status = 'returned'"),
            ("submitted", "approved", "reviewed_by_id", "reviewed_at", "review_comment",
             "status IN ('approved', 'published')"),
            ("approved", "published", "published_by_id", "published_at", "''", "status = 'published'"),
        ]
        with connection.cursor() as cursor:
            for old, new, by, at, comment, where in steps:
                cursor.execute(
                    f"INSERT INTO {trail} (report_id, from_status, to_status, by_id, at, comment) "
                    f"SELECT {report}.id, %s, %s, {by}, {at}, {comment} FROM {report} "
                    f"JOIN {official} ON {official}.id = {report}.official_id WHERE {where}",
                    [old, new],
                )

    def _report(
        self, person: dict[str, Any], month: date, reviewer: User | None, staff: User | None
    ) -> tuple[MonthlyReport, list[tuple[str, str]]] | None:
        rng, today = self.rng, self.today
        deadline = report_deadline(month)
        own = self.user_of.get(person["id"])
        status: str
        is_staff = staff is not None and own == staff.pk
        if month == month_start(today):
            if is_staff or rng.random() > 0.25:
                return None  # this month's report is still to be written
            status = ReportStatus.DRAFT
        elif deadline >= today or month == add_months(month_start(today), -1):
            status = rng.choices(
                [ReportStatus.PUBLISHED, ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED,
                 ReportStatus.DRAFT, ""], weights=[30, 20, 30, 8, 7, 5])[0]
            if is_staff:
                status = ReportStatus.PUBLISHED
            if not status:
                return None
        else:
            status = ReportStatus.PUBLISHED if rng.random() < 0.97 else ReportStatus.APPROVED

        rows = []
        for template, indicator in rng.sample(REPORT_ITEMS, k=rng.randint(2, 3)):
            n, p = rng.randint(1, 8), rng.choice([60, 80, 100])
            rows.append((template.format(task="重点任务", n=n, p=p), indicator.format(n=n, p=p)))
        report = MonthlyReport(
            official_id=person["id"], month=month, status=status, next_month_plan=rng.choice(NEXT_PLANS),
            self_assessment=rng.choice(SELF_ASSESSMENTS))
        if status == ReportStatus.DRAFT:
            report.is_missing = deadline < today
            return report, rows
        submitted = deadline - timedelta(days=rng.randint(0, 6)) if rng.random() > 0.1 else deadline + timedelta(
            days=rng.randint(1, 4))
        submitted = min(submitted, today)
        at = timezone.make_aware(datetime.combine(submitted, time(9 + rng.randint(0, 8), rng.randint(0, 59))))
        report.submitted_at, report.is_late = at, submitted > deadline
        if status == ReportStatus.RETURNED:
            report.return_reason = rng.choice(RETURN_REASONS)
            report.reviewed_by, report.reviewed_at = reviewer, at + timedelta(days=1)
            return report, rows
        if status == ReportStatus.SUBMITTED:
            return report, rows
        report.rating = rng.choices(list(ReportRating.values), weights=[20, 50, 25, 5])[0]
        report.review_comment = rng.choice(REVIEW_COMMENTS)
        report.reviewed_by, report.reviewed_at = reviewer, at + timedelta(days=2)
        report.reviewed_by, report.reviewed_at = reviewer, at + timedelta(days=2)
        if status == ReportStatus.PUBLISHED:
            report.published_by, report.published_at = reviewer, at + timedelta(days=3)
        return report, rows
