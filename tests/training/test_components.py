"""The training component of the score and the special-class grade constraint."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from appraisal.components import PeriodWindow, registered_providers
from appraisal.components.training import special_class_not_completed, training_component
from appraisal.constraints import constraints_for
from appraisal.models import Component, Grade
from training.models import AttendanceStatus, SessionKind
from training.selectors.progress import training_progress

from .test_feed import attend, make_session

JUNE = PeriodWindow(key="2026-06", kind="month", start=date(2026, 6, 1), end=date(2026, 6, 30))


def test_provider_is_registered():
    assert registered_providers()[Component.TRAINING] is training_component


def test_ratio_is_hours_over_prorata_target_capped_at_one(county):
    study = make_session(county.culture, date(2026, 3, 6), hours="20")
    attend(study, county.staff_official, AttendanceStatus.PRESENT, hours="20")
    big = make_session(county.culture, date(2026, 4, 10), hours="100")
    attend(big, county.culture_official, AttendanceStatus.PRESENT, hours="100")

    values = training_component(JUNE)
    progress = training_progress(year=2026, as_of=JUNE.end)
    staff = values[county.staff_official.pk]
    prorata = progress[county.staff_official.pk].prorata_target
    assert Decimal(0) < prorata < Decimal(90)
    assert staff.ratio == (Decimal(20) / prorata).quantize(Decimal("0.0001"))
    assert staff.inputs == {"hours": 20.0, "target": 90.0, "prorata_target": float(prorata)}
    assert values[county.culture_official.pk].ratio == Decimal(1)  # capped
    assert values[county.finance_official.pk].ratio == Decimal(0)  # nothing attended


def test_special_class_missed_caps_the_grade_at_competent(county):
    special = make_session(county.culture, date(2026, 5, 11), kind=SessionKind.SPECIAL_CLASS, hours="35")
    attend(special, county.staff_official, AttendanceStatus.PRESENT, hours="28")  # missed more than 1/7
    attend(special, county.culture_official, AttendanceStatus.PRESENT, hours="35")

    found = list(special_class_not_completed(2026, None))
    assert [(c.official_id, c.max_grade, c.source) for c in found] == [
        (county.staff_official.pk, Grade.COMPETENT, "training")]
    assert found[0].reason
    assert list(special_class_not_completed(2026, [county.culture_official.pk])) == []
    assert list(special_class_not_completed(2025, None)) == []
    assert [c.source for c in constraints_for(2026, [county.staff_official.pk])[county.staff_official.pk]
            ] == ["training"]


def test_no_training_recorded_in_the_year_leaves_the_component_out(county):
    assert training_component(JUNE) == {}
    make_session(county.culture, date(2026, 7, 3))  # after the window
    assert training_component(JUNE) == {}
    make_session(county.culture, date(2026, 6, 5))
    assert training_component(JUNE)[county.staff_official.pk].ratio == Decimal(0)
