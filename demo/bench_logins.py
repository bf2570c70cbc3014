"""More demo logins, for a load test (``bench/loadtest.py``): a head for every top-level unit and several users of
the organization department, all with the demo password.

The demo has one login per role (``orgadmin``, ``head`` of the culture bureau, ``staff``, ``inspector``); twenty
concurrent users of the heads' and the organization department's pages need twenty different people, each seeing
their own unit. Each top-level unit's principal leader (局长, 镇党委书记…: the first title of the unit's team) gets a
login ``head_<unit code>`` with the head role on the unit; ``org02``, ``org03``… get the organization department's
role on the county, as ``orgadmin`` has it. Running it again adds only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from demo.org_data import BUREAUS, DEMO_PASSWORD, PARKS, TOWNS
from org.models import Official, OrgUnit, RankLevel, Role, RoleGrant, User
from org.services import role_grant

PRINCIPAL_TITLES = {spec.code: spec.leaders[0] for spec in (*BUREAUS, *TOWNS, *PARKS)}


@dataclass(frozen=True)
class BenchLogins:
    heads: list[str]  # usernames, the demo's ``head`` first
    orgs: list[str]  # usernames, ``orgadmin`` first


@transaction.atomic
def bench_logins_create(*, orgs: int = 10) -> BenchLogins:
    """Give every top-level unit's principal leader a head login, and make ``orgs`` organization-department
    logins in all (``orgadmin`` included); return every head and organization-department login of the demo."""
    root = OrgUnit.objects.get(depth=1)
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing it per user costs a second each
    taken = set(User.objects.values_list("username", flat=True))
    headed = set(RoleGrant.objects.filter(role=Role.HEAD).values_list("unit_id", flat=True))
    for top in OrgUnit.objects.filter(depth=2, is_active=True).order_by("path"):
        username = f"head_{top.code.lower()}"
        if username in taken or top.pk in headed:  # the culture bureau has the demo's ``head``
            continue
        leaders = Official.objects.filter(unit=top, is_active=True, rank_level=RankLevel.LEADERSHIP,
                                          user__isnull=True).order_by("id")
        person = (leaders.filter(position_title=PRINCIPAL_TITLES.get(top.code, "")).first() or leaders.first())
        if person is None:
            continue
        user = User.objects.create(username=username, first_name=person.name, password=password)
        Official.objects.filter(pk=person.pk).update(user=user)
        role_grant(user=user, unit=top, role=Role.HEAD)
    for number in range(2, orgs + 1):
        username = f"org{number:02d}"
        if username in taken:
            continue
        user = User.objects.create(username=username, first_name=f"组织部干部{number:02d}", password=password)
        role_grant(user=user, unit=root, role=Role.ORG_DEPARTMENT)
    return bench_logins()


def bench_logins() -> BenchLogins:
    """Return the users holding a head or organization-department role, ``head`` and ``orgadmin`` first."""
    grants = (RoleGrant.objects.filter(role__in=[Role.HEAD, Role.ORG_DEPARTMENT], user__is_active=True)
              .select_related("user", "unit").order_by("unit__path", "user__username"))
    heads: list[str] = []
    org_users: list[str] = []
    for grant in grants:
        (heads if grant.role == Role.HEAD else org_users).append(grant.user.username)
    first = {"head": 0, "orgadmin": 0}
    heads.sort(key=lambda name: (first.get(name, 1), name))
    org_users.sort(key=lambda name: (first.get(name, 1), name))
    return BenchLogins(heads=list(dict.fromkeys(heads)), orgs=list(dict.fromkeys(org_users)))
