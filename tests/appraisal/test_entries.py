"""Manual bonus/deduction entries: who may record them, the rule's range, the reason, closed periods,
the audit trail, the notification, and removal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from appraisal.models import PeriodStatus, ScoreEntry, ScoreRule
from appraisal.services.entries import entry_add, entry_delete
from common.errors import ApplicationError
from common.models import Notification
from tests.appraisal.factories import ScoreEntryFactory
from tests.factories import RoleGrantFactory, UserFactory, period

TODAY = dt.date(2026, 10, 20)


def rule(code: str = "innovation") -> ScoreRule:
    return ScoreRule.objects.get(code=code)


def add(county, *, by=None, official=None, key="2026-10", code="innovation", points=2, reason="提出智慧景区创新建议",
        **kwargs):
    return entry_add(by=by or county.head, official=official or county.staff_official, period=period(key),
                     rule=rule(code), points=points, reason=reason, today=TODAY, **kwargs)


def refused(code: str, call) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        call()
    assert info.value.code == code, info.value.message
    return info.value


# --- recording ---------------------------------------------------------------------------------------


def test_a_head_records_a_bonus_for_an_official_in_scope(county):
    entry = add(county)
    assert entry.origin == ScoreEntry.Origin.MANUAL and entry.created_by == county.head
    assert entry.points == Decimal(2) and entry.rule.code == "innovation"
    # dated the period's last day, clamped to today while the period runs
    assert entry.occurred_on == TODAY
    assert add(county, key="2026-09").occurred_on == dt.date(2026, 9, 30)


def test_the_audit_history_records_who_and_the_row(county):
    entry = add(county)
    history = list(entry.history.all())
    assert len(history) == 1
    assert history[0].history_type == "+" and history[0].history_user == county.head
    assert history[0].reason == "提出智慧景区创新建议" and history[0].points == Decimal(2)


def test_the_official_is_notified_with_the_reason(county):
    add(county)
    note = Notification.objects.get(user=county.staff)
    assert "提出智慧景区创新建议" in note.title and note.url.startswith("/appraisal/me/")
    add(county, code="study_absence", points=-1, reason="无故缺席周五集中学习")
    assert Notification.objects.filter(user=county.staff).count() == 2


def test_the_organization_department_may_record_anywhere(county):
    entry = add(county, by=county.orgadmin, official=county.finance_official)
    assert entry.official == county.finance_official


def test_a_head_cannot_record_outside_the_subtree(county):
    refused("forbidden", lambda: add(county, official=county.finance_official))
    assert not ScoreEntry.objects.exists()


def test_staff_and_inspectors_cannot_record(county):
    refused("forbidden", lambda: add(county, by=county.staff, official=county.culture_official))
    refused("forbidden", lambda: add(county, by=county.inspector))
    refused("forbidden", lambda: add(county, by=county.outsider))


def test_nobody_records_points_for_themself(county):
    refused("own_entry", lambda: add(county, official=county.head_official))
    # even a head on a unit above their own
    boss = UserFactory(username="boss")
    RoleGrantFactory(user=boss, unit=county.root, role="org")
    county.culture_official.user = boss
    county.culture_official.save()
    refused("own_entry", lambda: add(county, by=boss, official=county.culture_official))


@pytest.mark.parametrize("points", [0, 4, Decimal("3.5"), -1, "abc"])
def test_points_outside_the_rules_range_are_refused_with_the_range(county, points):
    error = refused("points_out_of_range", lambda: add(county, points=points))
    assert "+1" in error.message and "+3" in error.message
    assert not ScoreEntry.objects.exists()


def test_a_deduction_rule_takes_negative_points(county):
    assert add(county, code="study_absence", points=-3).points == Decimal(-3)
    refused("points_out_of_range", lambda: add(county, code="study_absence", points=2))


def test_a_derived_or_inactive_rule_cannot_be_recorded_by_hand(county):
    refused("rule_not_manual", lambda: add(county, code="letter_overdue", points=-1))
    ScoreRule.objects.filter(code="innovation").update(is_active=False)
    refused("rule_not_manual", lambda: add(county))


def test_a_reason_is_required(county):
    refused("reason_required", lambda: add(county, reason="   "))


def test_the_date_must_be_in_the_period_and_not_in_the_future(county):
    refused("outside_period", lambda: add(county, occurred_on=dt.date(2026, 9, 30)))
    refused("future_date", lambda: add(county, occurred_on=dt.date(2026, 10, 25)))
    refused("outside_period", lambda: add(county, key="2026-12"))  # the period has not started
    assert add(county, occurred_on=dt.date(2026, 10, 2)).occurred_on == dt.date(2026, 10, 2)


@pytest.mark.parametrize("status", [PeriodStatus.CLOSED, PeriodStatus.PUBLISHED])
def test_a_closed_period_refuses_new_entries(county, status):
    september = period("2026-09")
    september.status = status
    september.save()
    error = refused("period_closed", lambda: add(county, key="2026-09"))
    assert "2026-09" in error.message


def test_a_closed_year_or_quarter_refuses_entries_in_its_months(county):
    quarter = period("2026-Q3")
    quarter.status = PeriodStatus.CLOSED
    quarter.save()
    refused("period_closed", lambda: add(county, key="2026-09"))
    # the same date through another period containing it
    refused("period_closed", lambda: add(county, key="2026", occurred_on=dt.date(2026, 8, 3)))
    assert add(county, key="2026-10").occurred_on == TODAY  # October is outside Q3


# --- removing ----------------------------------------------------------------------------------------


def test_a_head_removes_a_manual_entry_and_the_history_keeps_it(county):
    entry = add(county)
    entry_delete(by=county.head, entry=entry, reason="录入错误，重复记录")
    assert not ScoreEntry.objects.exists()
    deleted = ScoreEntry.history.filter(id=entry.pk).order_by("history_date").last()
    assert deleted.history_type == "-" and deleted.history_user == county.head
    assert deleted.history_change_reason == "录入错误，重复记录"
    assert deleted.reason == "提出智慧景区创新建议" and deleted.points == Decimal(2)  # the before


def test_removal_needs_a_reason_the_scope_and_an_open_period(county):
    entry = add(county)
    refused("reason_required", lambda: entry_delete(by=county.head, entry=entry, reason=""))
    refused("own_entry", lambda: entry_delete(by=county.staff, entry=entry, reason="不对"))
    refused("forbidden", lambda: entry_delete(by=county.inspector, entry=entry, reason="不对"))
    october = period("2026-10")
    october.status = PeriodStatus.CLOSED
    october.save()
    refused("period_closed", lambda: entry_delete(by=county.head, entry=entry, reason="录入错误"))
    assert ScoreEntry.objects.filter(pk=entry.pk).exists()


def test_a_derived_entry_cannot_be_removed_by_hand(county):
    from django.contrib.contenttypes.models import ContentType

    from tests.factories import TaskFactory

    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official)
    entry = ScoreEntryFactory(
        official=county.staff_official, occurred_on=TODAY, rule=rule("letter_overdue"), points=-1, reason="逾期",
        origin=ScoreEntry.Origin.DERIVED, source_type=ContentType.objects.get_for_model(task), source_id=task.pk)
    refused("derived_entry", lambda: entry_delete(by=county.head, entry=entry, reason="不算"))
