"""The load test's logins (``manage.py bench_logins``, ``seed_demo --bench-logins``): a head for every top-level
unit and several organization-department users, with the demo password."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from demo.bench_logins import bench_logins
from demo.org_data import DEMO_PASSWORD
from org.models import Official, OrgUnit, RoleGrant, User
from org.selectors import access_for

pytestmark = pytest.mark.django_db


def test_every_top_level_unit_gets_a_head_login_and_the_org_department_more_users() -> None:
    call_command("seed_demo", officials=60, bench_logins=True, stdout=StringIO())
    tops = list(OrgUnit.objects.filter(depth=2, is_active=True))
    logins = bench_logins()
    assert logins.heads[0] == "head" and logins.orgs[0] == "orgadmin"
    assert len(logins.heads) == len(tops) and len(logins.orgs) == 10
    for top in tops:
        grant = RoleGrant.objects.select_related("user").get(unit=top, role="head")
        user = grant.user
        assert user.check_password(DEMO_PASSWORD)
        official = Official.objects.get(user=user)  # a real leader of the unit, who sees the unit's pages
        assert official.unit_id == top.pk and official.rank_level == "leadership"
        assert access_for(user).covers(top.path, ("head",))
    org02 = User.objects.get(username="org02")
    assert org02.check_password(DEMO_PASSWORD)
    assert access_for(org02).covers(OrgUnit.objects.get(depth=1).path, ("org",))

    before = User.objects.count()
    call_command("bench_logins", stdout=StringIO())  # again: nothing more
    assert User.objects.count() == before
