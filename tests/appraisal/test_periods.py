"""Periods: get-or-create by key, the scheme snapshot, close → publish → re-open, refused paths and races."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from appraisal.models import AppraisalPeriod, PeriodEvent, PeriodStatus, Scorecard
from appraisal.selectors.close import LABELS, REPORTS_MISSING
from appraisal.selectors.schemes import scheme_snapshot
from appraisal.services.periods import period_close, period_get_or_create, period_publish, period_reopen
from common.errors import ApplicationError
from tests.appraisal.factories import SchemeComponentFactory, SchemeFactory
from tests.factories import UnitCategoryFactory


def test_period_get_or_create_parses_keys_and_is_idempotent(db):
    month = period_get_or_create(key="2026-10")
    assert (month.kind, month.start.isoformat(), month.end.isoformat()) == ("month", "2026-10-01", "2026-10-31")
    assert period_get_or_create(key="2026-10").pk == month.pk
    week = period_get_or_create(key="2026-w43")
    assert (week.key, week.kind, week.start.isoformat()) == ("2026-W43", "week", "2026-10-19")
    assert period_get_or_create(key="2026-Q3").end.isoformat() == "2026-09-30"
    assert period_get_or_create(key="2026").kind == "year"
    with pytest.raises(ApplicationError) as refused:
        period_get_or_create(key="2026-13")
    assert refused.value.code == "bad_period"
    assert AppraisalPeriod.objects.count() == 4


def test_scheme_snapshot_holds_every_scheme_and_rule_as_json(db):
    category = UnitCategoryFactory(code="BUREAU")

    scheme = SchemeFactory(name="局机关领导", category=category, rank_level="leadership")
    SchemeComponentFactory(scheme=scheme, component="work", weight=Decimal("50"))
    snapshot = json.loads(json.dumps(scheme_snapshot()))  # survives a JSON round trip
    assert snapshot["schemes"]["*/*"]["weights"] == {
        "evaluation": "30.00", "timeliness": "10.00", "training": "20.00", "work": "40.00"}
    assert snapshot["schemes"][f"{category.pk}/leadership"]["weights"] == {"work": "50.00"}
    assert snapshot["rules"]["innovation"]["cap"] == "6.00"
    assert snapshot["rules"]["letter_overdue"]["min_points"] == "-1.00"


def test_orgadmin_closes_publishes_and_reopens_with_a_reason(county):
    period = period_get_or_create(key="2026-10")
    with pytest.raises(ApplicationError) as refused:
        period_close(period=period, by=county.orgadmin, reason="  ")  # four officials without a report
    assert (refused.value.code, refused.value.extra["open_items"]) == ("reason_required", {"reports_missing": 4})
    assert AppraisalPeriod.objects.get(pk=period.pk).status == PeriodStatus.OPEN
    period_close(period=period, by=county.orgadmin, reason="十月报告线下已收齐")
    assert period.status == PeriodStatus.CLOSED and period.closed_at is not None
    assert period.close_reason == "十月报告线下已收齐"
    assert period.scheme_snapshot["schemes"]["*/*"]["weights"]["work"] == "40.00"
    cards = Scorecard.objects.filter(period=period)
    assert cards.count() == 4 and not cards.filter(is_provisional=True).exists()  # the final rollup ran
    assert period.last_rollup_at is not None

    period_publish(period=period, by=county.orgadmin)
    assert period.status == PeriodStatus.PUBLISHED and period.published_at is not None

    with pytest.raises(ApplicationError) as refused:
        period_reopen(period=period, by=county.orgadmin, reason="  ")
    assert refused.value.code == "reason_required"
    period_reopen(period=period, by=county.orgadmin, reason="补录督办函回复")
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and period.published_at is None
    assert period.scheme_snapshot is not None  # kept until the next close
    events = list(PeriodEvent.objects.filter(period=period).values_list("action", "by__username", "reason"))
    assert [(action, who) for action, who, _reason in events] == [
        ("close", "orgadmin"), ("publish", "orgadmin"), ("reopen", "orgadmin")]
    missing = gettext("%(label)s: %(count)s") % {"label": LABELS[REPORTS_MISSING], "count": 4}
    assert events[0][2] == "十月报告线下已收齐\n" + gettext("Open when closed: %(items)s") % {"items": missing}
    assert events[2][2] == "补录督办函回复"
    assert period.close_reason == ""  # re-opened: the next close gives its own
    last = period.history.first()
    assert last.history_user == county.orgadmin and last.history_change_reason == "补录督办函回复"


@pytest.mark.parametrize("who", ["head", "staff", "inspector", "outsider"])
def test_only_the_organization_department_acts_on_periods(county, who):
    period = period_get_or_create(key="2026-10")
    for action in (period_close, period_publish):
        with pytest.raises(ApplicationError) as refused:
            action(period=period, by=getattr(county, who))
        assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        period_reopen(period=period, by=getattr(county, who), reason="x")
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and not PeriodEvent.objects.exists()


def test_wrong_transitions_are_refused_and_a_stale_copy_gets_conflict(county):
    period = period_get_or_create(key="2026-10")
    with pytest.raises(ApplicationError) as refused:
        period_publish(period=period, by=county.orgadmin)
    assert refused.value.code == "invalid_transition"
    with pytest.raises(ApplicationError) as refused:
        period_reopen(period=period, by=county.orgadmin, reason="无")
    assert refused.value.code == "invalid_transition"

    stale = AppraisalPeriod.objects.get(pk=period.pk)
    period_close(period=period, by=county.orgadmin, reason="报告线下收齐")
    with pytest.raises(ApplicationError) as refused:
        period_close(period=stale, by=county.orgadmin, reason="报告线下收齐")  # someone else closed it meanwhile
    assert refused.value.code == "conflict"
    with pytest.raises(ApplicationError) as refused:
        period_close(period=period, by=county.orgadmin, reason="报告线下收齐")
    assert refused.value.code == "invalid_transition"
    assert PeriodEvent.objects.filter(action="close").count() == 1
