"""factory_boy factories of appraisal's models, and helpers that build people with scorecards or final grades.

Scorecards and grades are made directly (not by the rollup or the procedure): the tests using them only read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from appraisal.models import (
    ExportJob,
    Grade,
    GradeDecision,
    GradeStatus,
    RollupRun,
    Scheme,
    SchemeComponent,
    Scorecard,
    ScoreEntry,
    ScoreRule,
    UnitScorecard,
)
from org.models import Official, OrgUnit
from tests.factories import OfficialFactory, OrgUnitFactory, period


def components_for(total: Decimal) -> dict:
    """Split a total over the four default components (40/10/30/20) so the register has points to show."""
    share = total / 100
    return {code: {"ratio": float(share), "weight": weight, "points": float(round(share * weight, 2)),
                   "inputs": {"source": "test"}}
            for code, weight in (("work", 40), ("timeliness", 10), ("evaluation", 30), ("training", 20))}


class ScorecardFactory(DjangoModelFactory):
    class Meta:
        model = Scorecard

    period = factory.LazyFunction(lambda: period("2026"))
    official = factory.SubFactory(OfficialFactory)
    unit = factory.LazyAttribute(lambda o: o.official.unit)
    category = None
    rank_level = factory.LazyAttribute(lambda o: o.official.rank_level)
    name = factory.LazyAttribute(lambda o: o.official.name)
    total = Decimal("80.00")
    component_total = factory.LazyAttribute(lambda o: o.total)
    components = factory.LazyAttribute(lambda o: components_for(Decimal(o.total)))
    bonus = Decimal("0")
    deduction = Decimal("0")
    ledger_total = Decimal("0")
    rank_in_unit = 1
    rank_in_category = 1
    is_provisional = False
    computed_at = factory.LazyFunction(timezone.now)


def staff_in(unit: OrgUnit, top: OrgUnit, totals: list[float | str], key: str = "2026", **official: object
             ) -> list[Official]:
    """Create one official in ``unit`` per total, each with a scorecard of ``key`` ranked in ``top``."""
    people = []
    for total in totals:
        person = OfficialFactory(unit=unit, **official)
        ScorecardFactory(official=person, unit=top, period=period(key), total=Decimal(str(total)))
        people.append(person)
    return people


class GradeDecisionFactory(DjangoModelFactory):
    """A year's grade as proposed (no final grade yet), made directly; the procedure's steps are tested through
    ``appraisal.services``."""

    class Meta:
        model = GradeDecision

    period = factory.LazyFunction(lambda: period("2026"))
    official = factory.SubFactory(OfficialFactory)
    unit = factory.LazyAttribute(lambda o: o.official.unit)
    proposed = Grade.COMPETENT


class FinalGradeFactory(GradeDecisionFactory):
    """A grade as it stands at the end of the procedure (final), made directly: the lists only read them."""

    final = factory.LazyAttribute(lambda o: o.proposed)
    status = GradeStatus.FINAL


def graded(unit: OrgUnit, top: OrgUnit, grades: dict[str, str], status: str = GradeStatus.FINAL,
           **official: object) -> Official:
    """An official of ``unit`` with a grade per year key ({"2024": E, ...}), ranked in the top-level unit."""
    person = OfficialFactory(unit=unit, **official)
    for key, grade in grades.items():
        FinalGradeFactory(official=person, unit=top, period=period(key), proposed=grade,
                          status=GradeStatus.FINAL if key != "2026" else status)
    return person


class ScoreRuleFactory(DjangoModelFactory):
    """A rule beyond the catalogue the migrations seed (``ScoreEntryFactory`` picks a seeded one by code)."""

    class Meta:
        model = ScoreRule

    code = factory.Sequence(lambda n: f"rule_{n:03d}")
    name = factory.Sequence(lambda n: f"规则{n}")
    min_points = Decimal("1")
    max_points = Decimal("2")


class ScoreEntryFactory(DjangoModelFactory):
    """A ledger entry written straight to the table under a seeded rule (``rule_code``); the rules' limits and the
    audit are tested through ``appraisal.services``."""

    class Meta:
        model = ScoreEntry
        exclude = ("rule_code",)

    rule_code = "innovation"
    official = factory.SubFactory(OfficialFactory)
    occurred_on = dt.date(2026, 10, 10)
    rule = factory.LazyAttribute(lambda o: ScoreRule.objects.get(code=o.rule_code))
    points = Decimal("1")
    reason = "测试"


class SchemeFactory(DjangoModelFactory):
    class Meta:
        model = Scheme

    name = factory.Sequence(lambda n: f"考核方案{n}")


class SchemeComponentFactory(DjangoModelFactory):
    class Meta:
        model = SchemeComponent

    scheme = factory.SubFactory(SchemeFactory)
    component = "work"
    weight = Decimal("100")


class UnitScorecardFactory(DjangoModelFactory):
    class Meta:
        model = UnitScorecard

    period = factory.LazyFunction(lambda: period("2026-10"))
    unit = factory.SubFactory(OrgUnitFactory)
    headcount = 1
    average_total = Decimal("88.5")
    computed_at = factory.LazyFunction(timezone.now)


class RollupRunFactory(DjangoModelFactory):
    class Meta:
        model = RollupRun

    period = factory.LazyFunction(lambda: period("2026-10"))


class ExportJobFactory(DjangoModelFactory):
    """A register export as listed (queued unless told); writing one is tested through ``export_start``."""

    class Meta:
        model = ExportJob

    period = factory.LazyFunction(lambda: period("2026-10"))
