"""The demo county built by ``manage.py seed_demo``."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import RequestFactory

from demo.org_data import DEMO_PASSWORD
from demo.org_plan import Planner
from org.models import Official, OrgUnit, PostAssignment, RankLevel, RoleGrant, User, rotation_cutoff

pytestmark = pytest.mark.django_db


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed(officials=60)


def test_demo_users_sign_in_with_the_demo_password(seeded: str) -> None:
    request = RequestFactory().post("/accounts/login/")  # axes wants a request to authenticate against
    for username in ("orgadmin", "head", "staff", "inspector"):
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser
        assert authenticate(request, username=username, password=DEMO_PASSWORD) == user
    assert not User.objects.filter(is_superuser=True).exists()
    assert "demo-pass-2026" in seeded and "orgadmin" in seeded


def test_role_grants(seeded: str) -> None:
    root = OrgUnit.objects.get(depth=1)
    culture = OrgUnit.objects.get(code="WL")
    grants = {(g.user.username, g.role, g.unit_id) for g in RoleGrant.objects.select_related("user")}
    assert grants == {
        ("orgadmin", "org", root.pk),
        ("head", "head", culture.pk),
        ("inspector", "discipline", root.pk),
    }


def test_head_and_staff_are_linked_to_officials_of_the_culture_bureau(seeded: str) -> None:
    culture = OrgUnit.objects.get(code="WL")
    assert culture.name == "县文化和旅游局"
    assert culture.get_children().filter(kind="section").count() >= 3

    head = Official.objects.select_related("unit").get(user__username="head")
    assert head.unit == culture
    assert head.position_title == "局长"
    assert head.rank_level == RankLevel.LEADERSHIP
    assert User.objects.get(username="head").get_full_name() == head.name

    staff = Official.objects.select_related("unit").get(user__username="staff")
    assert staff.unit.path.startswith(culture.path) and staff.unit != culture
    assert staff.unit.kind == "section"
    assert staff.rank_level == RankLevel.ORDINARY
    assert staff.is_active
    assert not RoleGrant.objects.filter(user__username="staff").exists()
    assert not Official.objects.filter(user__username__in=["orgadmin", "inspector"]).exists()


def test_structure_and_people(seeded: str) -> None:
    root = OrgUnit.objects.get(depth=1)
    assert (root.code, root.name) == ("QH", "清河县")
    assert OrgUnit.objects.filter(depth=1).count() == 1
    for code in ("ORG", "JW", "WL"):
        assert OrgUnit.objects.get(code=code).parent == root
    assert {"town", "park", "bureau", "section"} <= set(OrgUnit.objects.values_list("kind", flat=True))
    # parent is kept in step with the materialized path
    for unit in OrgUnit.objects.exclude(depth=1).select_related("parent"):
        assert unit.parent is not None and unit.path[: -OrgUnit.steplen] == unit.parent.path

    assert Official.objects.count() == 60
    assert len(set(Official.objects.values_list("staff_number", flat=True))) == 60
    assert set(Official.objects.values_list("rank_level", flat=True)) == set(RankLevel.values)
    for official in Official.objects.all():
        assert 2 <= len(official.name) <= 4
        assert len([c for c in official.phone if c.isdigit()]) == 11 and official.phone.startswith("1")
        assert official.joined_on and official.post_since and official.birth_date
        assert official.birth_date < official.joined_on <= official.post_since
        if not official.is_active:
            assert official.left_on is not None and official.left_on >= official.post_since


def test_every_active_official_has_one_open_post_matching_the_record(seeded: str) -> None:
    open_counts = dict(
        Official.objects.annotate(n=Count("posts", filter=Q(posts__end_date__isnull=True))).values_list("id", "n")
    )
    for official in Official.objects.filter(is_active=True):
        assert open_counts[official.pk] == 1
        post = official.posts.get(end_date__isnull=True)
        assert (post.unit_id, post.position_title, post.start_date) == (
            official.unit_id, official.position_title, official.post_since)
    for official in Official.objects.filter(is_active=False):  # a departed official's last post is closed
        assert open_counts[official.pk] == 0
        assert official.posts.order_by("-start_date").first().end_date == official.left_on

    per_official = Official.objects.annotate(n=Count("posts")).values_list("n", flat=True)
    assert set(per_official) <= {1, 2, 3}
    assert max(per_official) > 1
    for post in PostAssignment.objects.exclude(end_date__isnull=True):
        assert post.end_date >= post.start_date


def test_some_officials_are_due_for_rotation(seeded: str) -> None:
    due = Official.objects.filter(is_active=True, post_since__lte=rotation_cutoff())
    assert due.exists()
    assert due.count() < Official.objects.filter(is_active=True).count() / 2


def test_if_empty_does_nothing_on_a_seeded_database(seeded: str) -> None:
    before = (OrgUnit.objects.count(), Official.objects.count(), PostAssignment.objects.count(), User.objects.count())
    out = seed(officials=60, if_empty=True)
    assert "未重新生成" in out and "demo-pass-2026" in out
    after = (OrgUnit.objects.count(), Official.objects.count(), PostAssignment.objects.count(), User.objects.count())
    assert after == before


def test_seeding_twice_is_refused(seeded: str) -> None:
    with pytest.raises(CommandError):
        seed(officials=60)
    assert Official.objects.count() == 60


def test_too_few_officials_is_refused() -> None:
    with pytest.raises(CommandError):
        seed(officials=5)
    assert not OrgUnit.objects.exists()


class _Rollback(Exception):
    pass


def _names_for(seed_value: int) -> list[str]:
    try:
        with transaction.atomic():
            seed(officials=60, seed=seed_value)
            names = list(Official.objects.order_by("staff_number").values_list("name", flat=True))
            raise _Rollback
    except _Rollback:
        pass
    return names


def test_same_seed_same_data() -> None:
    first = _names_for(7)
    assert _names_for(7) == first
    assert _names_for(8) != first


def test_structure_grows_with_the_number_of_officials() -> None:
    small = Planner(random.Random(1)).plan(200)
    large = Planner(random.Random(1)).plan(10_000)
    small_leaves = sum(len(t.leaves) for t in small)
    large_leaves = sum(len(t.leaves) for t in large)
    assert len(large) > len(small) and large_leaves > 5 * small_leaves
    assert large_leaves >= 10_000 * 0.9 / 60  # sections stay at most ~60 people on average
    assert 15 <= 10_000 * 0.9 / large_leaves <= 60
    codes = [t.spec.code for t in large] + [leaf.code for t in large for leaf in t.leaves]
    assert len(codes) == len(set(codes))


def test_demo_work_covers_every_state(seeded: str) -> None:
    from django.utils import timezone

    from org.selectors import access_for
    from tasks.models import MonthlyReport, ReportTransition, SupervisionLetter, Task, WeeklyUpdate

    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "returned", "approved", "published"}
    assert {"completed", "in_progress", "overdue", "not_started"} <= set(Task.objects.values_list("status", flat=True))
    assert Task.objects.filter(parent__isnull=False).exists() and WeeklyUpdate.objects.exists()
    assert Task.objects.filter(source__in=["complaint", "supervision"]).exclude(loop_stage="").exists()
    assert SupervisionLetter.objects.filter(status="closed").exists() or SupervisionLetter.objects.count() > 0
    # Every submitted report has its trail; published ones have three steps.
    published = MonthlyReport.objects.filter(status="published").first()
    assert published is not None
    assert list(ReportTransition.objects.filter(report=published).order_by("at").values_list("to_status", flat=True)) \
        == ["submitted", "approved", "published"]
    staff = User.objects.get(username="staff")
    this_month = timezone.localdate().replace(day=1)
    assert not MonthlyReport.objects.filter(official__user=staff, month=this_month).exists()  # staff has one to write
    head = User.objects.get(username="head")
    head_path = access_for(head).paths(["head"])[0]
    waiting = MonthlyReport.objects.filter(status="submitted", official__unit__path__startswith=head_path)
    assert waiting.exists()  # head has reports waiting for review


def test_demo_appraisal_has_scores_to_show(seeded: str) -> None:
    from django.utils import timezone

    from appraisal.models import AppraisalPeriod, CheckupResult, Scorecard, ScoreEntry

    month = timezone.localdate().month  # the demo's history is the current year's, so it depends on the date
    assert AppraisalPeriod.objects.filter(status="published", kind="month").exists() == (month > 2)
    assert AppraisalPeriod.objects.filter(kind="year", status="open").exists()
    staff = Official.objects.get(user__username="staff")
    assert Scorecard.objects.filter(official=staff).exists()  # "my score" has figures
    assert ScoreEntry.objects.filter(official=staff, origin="manual").exists()  # and a reason to explain
    assert CheckupResult.objects.filter(score__isnull=False).exists() == (month > 9)
