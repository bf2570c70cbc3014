"""The demo's personnel categories (issue 13 item 4): 事业单位 staff in the culture bureau graded in both years under
their own names, one with a 事业单位 警告 capping last year's grade at 合格, and the 编外 staff outside the appraisal.

The county is seeded once for the module (in a transaction rolled back at its end); each test runs in a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from appraisal.display.grade_labels import grade_label
from appraisal.models import Grade, GradeDecision, GradeStatus
from discipline.models import CaseStatus, Decision
from org.models import Official, OrgUnit, PersonnelCategory, StaffingType, User

pytestmark = pytest.mark.django_db
INST = PersonnelCategory.INSTITUTION


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", officials=60, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_culture_bureau_has_institution_staff_graded_in_both_years(seeded: str) -> None:
    assert "人员类别已设置" in seeded
    culture = OrgUnit.objects.get(code="WL")
    staff = list(Official.objects.filter(personnel_category=INST, unit__path__startswith=culture.path))
    assert 2 <= len(staff) <= 4
    assert all(o.staffing_type == StaffingType.ESTABLISHED for o in staff)
    today = timezone.localdate()
    for key in (str(today.year - 1), str(today.year)):
        assert GradeDecision.objects.filter(official__in=staff, period__key=key).exclude(
            proposed=Grade.NOT_APPRAISED).count() == len(staff)
    # The demo logins keep their category.
    assert set(User.objects.filter(username__in=["head", "staff"]).values_list(
        "official__personnel_category", flat=True)) == {PersonnelCategory.CIVIL_SERVANT}


def test_one_institution_warning_caps_last_year_at_qualified(seeded: str) -> None:
    [decision] = Decision.objects.filter(kind__code="inst_warning").select_related("official", "case")
    assert decision.official.personnel_category == INST and decision.case.status == CaseStatus.CLOSED
    last = timezone.localdate().year - 1
    assert decision.effective_date.year == last and decision.grade_cap == "competent"
    grade = GradeDecision.objects.get(official=decision.official, period__key=str(last))
    assert grade.status == GradeStatus.FINAL and grade.final in (Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT)
    [cap] = [c for c in grade.constraints if c["source"] == "discipline"]
    assert grade_label(Grade.COMPETENT, INST) in cap["reason"]


def test_non_establishment_staff_are_not_appraised(seeded: str) -> None:
    outside = Official.objects.filter(personnel_category=PersonnelCategory.NON_ESTABLISHMENT)
    assert outside.exists()
    assert set(outside.values_list("staffing_type", flat=True)) == {StaffingType.CONTRACT}
    assert set(GradeDecision.objects.filter(official__in=outside).values_list("proposed", flat=True)) == {
        Grade.NOT_APPRAISED}


def test_the_head_sees_both_grade_names_on_last_year_s_grades(seeded: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="head"))
    last = str(timezone.localdate().year - 1)
    html = client.get(reverse("appraisal:grades"), {"period": last, "unit": "WL"}).content.decode()
    assert grade_label(Grade.COMPETENT, INST) in html and grade_label(Grade.COMPETENT) in html
