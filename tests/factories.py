"""factory_boy factories for every model the tests build."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from org.models import Gender, Official, OrgUnit, PostAssignment, RankLevel, RoleGrant, UnitCategory, UnitKind, User
from org.services import unit_create


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-2026")


class UnitCategoryFactory(DjangoModelFactory):
    class Meta:
        model = UnitCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CAT{n}")
    name = factory.Sequence(lambda n: f"类别{n}")


class OrgUnitFactory(factory.Factory):
    """Build units through ``unit_create`` so the materialized path is right."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"单位{n}")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    kind = UnitKind.BUREAU
    parent = None
    category = None
    sort_order = 0

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        parent = kwargs.pop("parent", None)
        if parent is not None:
            parent.refresh_from_db()  # earlier inserts may have changed numchild
        return unit_create(parent=parent, **kwargs)


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"干部{n}")
    staff_number = factory.Sequence(lambda n: f"S{n:06d}")
    gender = Gender.MALE
    birth_date = dt.date(1985, 5, 1)
    unit = factory.SubFactory(OrgUnitFactory)
    position_title = "科员"
    rank_level = RankLevel.ORDINARY
    post_since = dt.date(2023, 1, 1)


class PostAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = PostAssignment

    official = factory.SubFactory(OfficialFactory)
    unit = factory.SelfAttribute("official.unit")
    position_title = factory.SelfAttribute("official.position_title")
    start_date = factory.SelfAttribute("official.post_since")


class LeaveRecordFactory(DjangoModelFactory):
    """A leave written straight to the table; tests of the rules go through ``org.services.leave``."""

    class Meta:
        model = "org.LeaveRecord"

    official = factory.SubFactory(OfficialFactory)
    kind = "sick"
    start_date = dt.date(2026, 3, 2)
    end_date = dt.date(2026, 3, 6)


class RoleGrantFactory(DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = "head"


# -- tasks --------------------------------------------------------------------------------------------
class TaskFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.Task"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"任务{n}")
    goal = "按期完成"
    unit = factory.SubFactory(OrgUnitFactory)
    responsible = factory.SubFactory(OfficialFactory, unit=factory.SelfAttribute("..unit"))
    start_date = dt.date(2026, 1, 1)
    deadline = dt.date(2026, 12, 31)


class MonthlyReportFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.MonthlyReport"

    official = factory.SubFactory(OfficialFactory)
    month = dt.date(2026, 10, 1)
    next_month_plan = "下月计划"


class MonthlyReportItemFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.MonthlyReportItem"

    report = factory.SubFactory(MonthlyReportFactory)
    content = factory.Sequence(lambda n: f"完成事项{n}")
    indicator = "3 项"


class SupervisionLetterFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.SupervisionLetter"

    number = factory.Sequence(lambda n: f"督办〔2026〕{n}号")
    title = factory.Sequence(lambda n: f"督办事项{n}")
    content = "请于期限内整改并回复。"
    issuer_unit = factory.SubFactory(OrgUnitFactory)
    recipient_unit = factory.SubFactory(OrgUnitFactory)
    reply_deadline = dt.date(2026, 12, 1)


class WeeklyUpdateFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.WeeklyUpdate"

    task = factory.SubFactory(TaskFactory)
    week = dt.date(2026, 10, 12)  # a Monday
    progress = 20
    done = "完成方案初稿"
    author = None  # the weekly job and imports post without one


# -- appraisal ----------------------------------------------------------------------------------------
def period(key: str):
    """Return the appraisal period for a key such as 2026-10, creating it if needed."""
    from appraisal.models import AppraisalPeriod
    from appraisal.scoring.periods import parse_period_key

    span = parse_period_key(key)
    found, _created = AppraisalPeriod.objects.get_or_create(
        key=span.key, defaults={"kind": span.kind, "start": span.start, "end": span.end})
    return found


# -- working-day calendar -------------------------------------------------------------------------------------
class CalendarDayFactory(DjangoModelFactory):
    """A marked day; the default is a weekday off. Tests that mark days through the rules use the services."""

    class Meta:
        model = "org.CalendarDay"

    date = dt.date(2026, 3, 3)
    is_working_day = False
    name = "假日"


# -- quarterly grades ------------------------------------------------------------------------------------------
class QuarterlyGradeFactory(DjangoModelFactory):
    """A quarterly grade written directly (the page and API query-count tests); behaviour is tested through the
    services."""

    class Meta:
        model = "appraisal.QuarterlyGrade"

    period = factory.LazyFunction(lambda: period("2026-Q3"))
    official = factory.SubFactory(OfficialFactory)
    unit = factory.LazyAttribute(lambda o: o.official.unit)
    score = Decimal("80.00")
    proposed = "fairly_good"
    proposed_at = factory.LazyFunction(timezone.now)
