"""Shared fixtures: a small county with two bureaus, sections, and a user for every role."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.test import Client

from appraisal.models import AppraisalPeriod
from discipline.models import DecisionKind
from org.models import Official, OrgUnit, RankLevel, User
from tests.appraisal.worlds import final_year, graded_people
from tests.factories import OfficialFactory, OrgUnitFactory, RoleGrantFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, reason: str) -> None:
    """Skip with a visible reason on a laptop; in CI a missing service is a failure, never a skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI requires this service: {reason}")
    pytest.skip(reason)


def statements(queries: list[dict[str, str]]) -> int:
    """Count statements, a bulk insert counting once even when SQLite's parameter limit splits it in batches."""
    count, previous = 0, ""
    for query in queries:
        sql = query["sql"]
        insert_into = sql.split("(")[0] if sql.startswith("INSERT") else ""
        if not (insert_into and insert_into == previous):
            count += 1
        previous = insert_into
    return count


@dataclass
class County:
    root: OrgUnit
    culture: OrgUnit  # 文化和旅游局
    culture_office: OrgUnit
    culture_tourism: OrgUnit
    finance: OrgUnit  # another bureau
    finance_office: OrgUnit
    head: User  # head of culture
    staff: User  # an official in a culture section
    orgadmin: User  # organization department on the root
    inspector: User  # discipline inspection on the root
    outsider: User  # signed in, no role, no official
    head_official: Official
    staff_official: Official
    culture_official: Official  # someone else in culture's subtree
    finance_official: Official


@pytest.fixture
def county(db: None) -> County:
    root = OrgUnitFactory(name="清河县", code="QH", kind="other")
    culture = OrgUnitFactory(name="文化和旅游局", code="WL", parent=root)
    finance = OrgUnitFactory(name="财政局", code="CZ", parent=root)
    culture_office = OrgUnitFactory(name="文旅局办公室", code="WL01", kind="section", parent=culture)
    culture_tourism = OrgUnitFactory(name="旅游发展科", code="WL02", kind="section", parent=culture)
    finance_office = OrgUnitFactory(name="财政局办公室", code="CZ01", kind="section", parent=finance)
    for unit in (root, culture, finance, culture_office, culture_tourism, finance_office):
        unit.refresh_from_db()

    head = UserFactory(username="head")
    staff = UserFactory(username="staff")
    orgadmin = UserFactory(username="orgadmin")
    inspector = UserFactory(username="inspector")
    outsider = UserFactory(username="outsider")
    RoleGrantFactory(user=head, unit=culture, role="head")
    RoleGrantFactory(user=orgadmin, unit=root, role="org")
    RoleGrantFactory(user=inspector, unit=root, role="discipline")

    head_official = OfficialFactory(name="王局长", unit=culture, rank_level=RankLevel.LEADERSHIP, user=head)
    staff_official = OfficialFactory(name="李科员", unit=culture_tourism, user=staff)
    culture_official = OfficialFactory(name="赵主任", unit=culture_office, rank_level=RankLevel.MIDDLE)
    finance_official = OfficialFactory(name="钱科员", unit=finance_office)
    return County(
        root=root, culture=culture, culture_office=culture_office, culture_tourism=culture_tourism,
        finance=finance, finance_office=finance_office, head=head, staff=staff, orgadmin=orgadmin,
        inspector=inspector, outsider=outsider, head_official=head_official, staff_official=staff_official,
        culture_official=culture_official, finance_official=finance_official,
    )


@pytest.fixture
def client_for():
    """Return a function giving a test client signed in as a user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# -- fixtures shared across directories (the Excel export tests read the discipline and appraisal worlds) ------------
@pytest.fixture
def kinds(db: None) -> dict[str, DecisionKind]:
    """The decision kinds by code (seeded by migration; put back if a test flushed them)."""
    from discipline.defaults import ensure_defaults

    ensure_defaults()
    return {k.code: k for k in DecisionKind.objects.all()}


@pytest.fixture
def year(county: County) -> AppraisalPeriod:
    """2026 taken to final grades in culture and finance (see ``tests.appraisal.worlds.final_year``)."""
    return final_year(county)


@pytest.fixture
def people(county: County) -> dict[str, Official]:
    """Officials on the results lists by role in the test (see ``tests.appraisal.worlds.graded_people``)."""
    return graded_people(county)


# -- query counts -------------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _content_types_cached(request: pytest.FixtureRequest) -> None:
    """A test that pins a query count starts with every content type cached, as a process that has served a while.

    Django caches content types for the life of the process, and which ones are cached depends on the tests that ran
    before (migrations and a flush clear the cache and warm only some apps): a pinned count would differ by a query
    or two with the order of the tests."""
    if "django_assert_num_queries" not in request.fixturenames:
        return
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)
