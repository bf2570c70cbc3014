"""factory_boy factories of discipline's models, written straight to the tables for tests that only read them;
the rules (registering, deciding, appealing) are tested through ``discipline.services``."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from discipline.models import Appeal, Decision, DecisionKind, DisciplineRule, ToleranceRequest
from tests.factories import OfficialFactory


class DisciplineRuleFactory(DjangoModelFactory):
    class Meta:
        model = DisciplineRule

    code = factory.Sequence(lambda n: f"T-{n}")
    category = "style"
    text = factory.Sequence(lambda n: f"纪律条款{n}")


class DecisionKindFactory(DjangoModelFactory):
    """A kind beyond the catalogue the migrations seed (``kinds`` in tests/conftest.py gives those by code)."""

    class Meta:
        model = DecisionKind

    code = factory.Sequence(lambda n: f"kind_{n}")
    name = factory.Sequence(lambda n: f"处理{n}")
    group = "accountability"
    months_in_force = 6


class DecisionFactory(DjangoModelFactory):
    """A decision on a given ``case`` (cases are registered through the service: pass one)."""

    class Meta:
        model = Decision

    official = factory.SubFactory(OfficialFactory)
    kind = factory.LazyFunction(lambda: DecisionKind.objects.order_by("pk").first())
    points = 1
    effective_date = dt.date(2026, 4, 1)


class AppealFactory(DjangoModelFactory):
    class Meta:
        model = Appeal

    decision = factory.SubFactory(DecisionFactory)
    filed_on = dt.date(2026, 4, 5)
    grounds = "不服"


class ToleranceRequestFactory(DjangoModelFactory):
    """A request on a given ``case`` about one of its subjects."""

    class Meta:
        model = ToleranceRequest

    official = factory.SubFactory(OfficialFactory)
    statement = "为公"
