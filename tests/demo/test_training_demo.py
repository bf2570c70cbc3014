"""The demo's training (``seed_demo``): plans, sessions of every kind, attendance with realistic absences,
external records, and the feed's facts (some officials behind, ``staff`` absent once, a criticism flag)."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from appraisal.models import ScoreEntry
from common.models import Notification
from org.models import Official, OrgUnit
from training.models import (
    Attendance,
    AttendanceStatus,
    CriticismFlag,
    ExternalStatus,
    ExternalTraining,
    SessionKind,
    StudyPlan,
    TrainingSession,
)
from training.selectors.progress import training_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> str:
    out = StringIO()
    call_command("seed_demo", officials=60, stdout=out)
    return out.getvalue()


def test_plans_and_sessions(seeded: str) -> None:
    assert "学习培训数据已生成" in seeded
    year = timezone.localdate().year
    tops = OrgUnit.objects.filter(depth=2, officials__isnull=False).distinct().count()
    assert StudyPlan.objects.filter(year=year).count() >= tops - 3  # every unit with people has its plan
    kinds = set(TrainingSession.objects.values_list("kind", flat=True))
    assert {SessionKind.COLLECTIVE_STUDY, SessionKind.PARTY_CLASS, SessionKind.SPECIAL_CLASS,
            SessionKind.COLLEAGUE_LECTURE} <= kinds
    assert not TrainingSession.objects.filter(plan__isnull=True).exists()
    assert not TrainingSession.objects.exclude(plan__unit=F("organiser")).exists()
    fridays = TrainingSession.objects.filter(kind=SessionKind.COLLECTIVE_STUDY, audience_rank_levels=[])
    assert {timezone.localtime(s.starts_at).weekday() for s in fridays} == {4}
    special = TrainingSession.objects.get(kind=SessionKind.SPECIAL_CLASS)
    assert special.hours == 24 and special.audience_rank_levels == ["middle"]
    lectures = TrainingSession.objects.filter(kind=SessionKind.COLLEAGUE_LECTURE)
    assert lectures.exists() and not lectures.filter(lecturer__isnull=True).exists()
    # attendance only for sessions already held; the plan also shows the rest of the year
    now = timezone.now()
    assert not Attendance.objects.filter(session__starts_at__gt=now).exists()
    assert TrainingSession.objects.filter(starts_at__gt=now).exists() or timezone.localdate().month == 12


def test_attendance_is_realistic(seeded: str) -> None:
    counts = dict(Attendance.objects.values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    assert set(counts) == set(AttendanceStatus.values)
    assert counts[AttendanceStatus.PRESENT] > total * 0.8
    assert counts[AttendanceStatus.ABSENT] < total * 0.05
    excused = Attendance.objects.filter(status=AttendanceStatus.EXCUSED)
    assert not excused.filter(excuse_reason="").exists() and not excused.filter(excuse_approved_by=None).exists()
    assert not Attendance.objects.filter(status__in=["absent", "excused"], hours__gt=0).exists()


def test_some_officials_are_behind_and_staff_missed_a_study(seeded: str) -> None:
    progress = training_progress(year=timezone.localdate().year)
    behind = [p for p in progress.values() if p.behind]
    assert 0 < len(behind) < len(progress) * 0.6
    staff = Official.objects.get(user__username="staff")
    assert Attendance.objects.filter(official=staff, status=AttendanceStatus.ABSENT,
                                     session__kind=SessionKind.COLLECTIVE_STUDY).exists()
    assert ScoreEntry.objects.filter(official=staff, rule__code="study_absence", origin="derived").exists()


def test_a_criticism_is_flagged_for_the_demo_head(seeded: str) -> None:
    bureau = OrgUnit.objects.get(code="WL")
    # Three studies to miss in one quarter exist from about the third week of a year on: then a flag must too.
    quarters = Counter((timezone.localtime(s.starts_at).month - 1) // 3 for s in TrainingSession.objects.filter(
        kind=SessionKind.COLLECTIVE_STUDY, attendance__official__unit__path__startswith=bureau.path,
        starts_at__lte=timezone.now()).distinct())
    if not quarters or max(quarters.values()) < 3:
        assert not CriticismFlag.objects.exists()
        return
    flag = CriticismFlag.objects.filter(official__unit__path__startswith=bureau.path,
                                        status=CriticismFlag.Status.PENDING).first()
    assert flag is not None and flag.absences >= 3
    notice = Notification.objects.get(user__username="head", dedupe_key=f"training-criticism-{flag.pk}")
    assert notice.url == reverse("training:criticism_flags")


def test_external_records(seeded: str) -> None:
    statuses = dict(ExternalTraining.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[ExternalStatus.RETURNED] == 1
    assert statuses[ExternalStatus.APPROVED] > 0 and statuses[ExternalStatus.SUBMITTED] > 0
    assert not ExternalTraining.objects.exclude(certificate="").exists()
    returned = ExternalTraining.objects.get(status=ExternalStatus.RETURNED)
    assert returned.return_reason and returned.reviewed_by is not None
    assert not ExternalTraining.objects.filter(status=ExternalStatus.APPROVED, reviewed_by=None).exists()
