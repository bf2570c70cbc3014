"""Discipline services: the case workflow, decisions and their effects, error tolerance, appeals, talks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import ApplicationError
from common.models import Notification
from discipline.defaults import KINDS
from discipline.models import (
    Case,
    CaseAccess,
    CaseStatus,
    Decision,
    DisciplineRule,
    RectificationStatus,
    ToleranceStatus,
)
from discipline.selectors.cases import next_number
from discipline.services.appeals import appeal_decide, appeal_file
from discipline.services.cases import (
    attachment_add,
    case_register,
    case_transition,
    case_update,
    record_access,
)
from discipline.services.catalogue import kind_configure, rule_save
from discipline.services.decisions import add_months, decision_record, period_end
from discipline.services.talks import talk_record
from discipline.services.tolerance import (
    rectification_complete,
    tolerance_decide,
    tolerance_request,
    tolerance_review,
)
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory
from tests.files import pdf_bytes

PDF = pdf_bytes()


def _decide(county, case, kinds, code="gov_demerit", day=date(2026, 5, 1), official=None):
    return decision_record(by=county.inspector, case=case, official=official or county.staff_official,
                           kind=kinds[code], effective_date=day, summary="决定书")


def test_the_default_catalogue_holds_the_eight_prohibitions_and_33_situations(kinds):
    assert DisciplineRule.objects.filter(category="prohibition").count() == 8
    assert DisciplineRule.objects.exclude(category="prohibition").count() == 33
    assert kinds["gov_demerit"].months_in_force == 12 and kinds["gov_warning"].months_in_force == 6
    assert kinds["party_post_removal"].grade_cap == "incompetent"


def test_the_default_caps_count_appraisal_years_and_migration_0003_ships_the_same():
    migration = import_module("discipline.migrations.0003_cap_years")
    shipped = {code: (cap, years, later) for code, _n, _g, _s, _m, _p, cap, years, later, _b in KINDS}
    assert {code: shipped[code] for code in migration.NEW_CAPS} == migration.NEW_CAPS
    added = migration.ADDED
    assert shipped[added["code"]] == (added["grade_cap"], added["cap_years"], added["later_cap"])
    assert set(shipped) == set(migration.NEW_CAPS) | {added["code"]} | {
        "reminder_talk", "criticism_education", "self_examination", "public_criticism"}
    assert migration.span_of_months(12) == 2 and migration.span_of_months(None) == 1


def test_registering_numbers_the_case_and_starts_its_timeline(county, open_case):
    assert open_case.number == "2026-0001" and next_number(2026) == "2026-0002"
    assert list(open_case.subjects.all()) == [county.staff_official]
    steps = list(open_case.transitions.values_list("from_status", "to_status", "by__username", "comment"))
    assert steps == [("", "registered", "inspector", ""), ("registered", "investigating", "inspector", "开始调查")]


def test_only_discipline_inspection_over_the_unit_registers_and_only_subjects_in_its_scope(county, kinds):
    town_inspector = UserFactory(username="town_inspector")
    RoleGrantFactory(user=town_inspector, unit=county.culture, role="discipline")
    fields = {"title": "t", "source": "complaint", "facts": "f"}
    for user in (county.head, county.orgadmin, county.staff):
        with pytest.raises(ApplicationError) as error:
            case_register(by=user, unit=county.culture, subjects=[county.staff_official], **fields)
        assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        case_register(by=town_inspector, unit=county.finance, subjects=[county.finance_official], **fields)
    with pytest.raises(ApplicationError) as error:
        case_register(by=town_inspector, unit=county.culture, subjects=[county.finance_official], **fields)
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError) as error:
        case_register(by=town_inspector, unit=county.culture, subjects=[], **fields)
    assert error.value.code == "required"
    with pytest.raises(ApplicationError) as error:
        case_register(by=town_inspector, unit=county.culture, subjects=[county.staff_official],
                      title="t", source="complaint", facts="  ")
    assert error.value.code == "required"
    assert not Case.objects.exists()


def test_the_workflow_refuses_skips_and_needs_a_reason_or_decisions(county, open_case, kinds):
    with pytest.raises(ApplicationError) as error:  # under investigation: pursued already
        case_transition(by=county.inspector, case=open_case, to="not_pursued", comment="查无实据")
    assert error.value.code == "invalid_transition"
    with pytest.raises(ApplicationError) as error:
        case_transition(by=county.inspector, case=open_case, to="decided")
    assert error.value.code == "undecided_subjects"
    with pytest.raises(ApplicationError) as error:  # closing with no sanction says why
        case_transition(by=county.inspector, case=open_case, to="closed", comment=" ")
    assert error.value.code == "required"
    with pytest.raises(ApplicationError):
        case_transition(by=county.head, case=open_case, to="closed", comment="x")
    _decide(county, open_case, kinds)
    with pytest.raises(ApplicationError) as error:  # with a decision recorded it is decided, then closed
        case_transition(by=county.inspector, case=open_case, to="closed", comment="x")
    assert error.value.code == "has_decision"
    case = case_transition(by=county.inspector, case=open_case, to="decided", today=date(2026, 5, 1))
    case = case_transition(by=county.inspector, case=case, to="closed", today=date(2026, 6, 1))
    assert (case.status, case.decided_on, case.closed_on) == ("closed", date(2026, 5, 1), date(2026, 6, 1))
    assert case.transitions.count() == 4


def test_not_pursued_keeps_the_reason(county):
    case = case_register(by=county.inspector, unit=county.culture, title="举报", subjects=[county.staff_official],
                         source="report", facts="匿名举报。", registered_on=date(2026, 3, 2))
    with pytest.raises(ApplicationError) as error:  # only an investigation closes
        case_transition(by=county.inspector, case=case, to="closed", comment="x")
    assert error.value.code == "invalid_transition"
    case = case_transition(by=county.inspector, case=case, to="not_pursued", comment="查无实据")
    assert case.not_pursued_reason == "查无实据" and case.closed_on is not None


def test_an_investigation_that_finds_nothing_closes_with_no_sanction(county, open_case):
    case = case_transition(by=county.inspector, case=open_case, to="closed", comment="经调查，问题不属实",
                           today=date(2026, 4, 1))
    assert (case.status, case.closed_on, case.not_pursued_reason) == ("closed", date(2026, 4, 1), "")
    assert case.transitions.last().comment == "经调查，问题不属实"


def test_editing_is_for_open_cases_and_keeps_decided_subjects(county, open_case, kinds):
    other = county.culture_official
    case = case_update(by=county.inspector, case=open_case, title="新标题", facts="补充事实", source="report",
                       subjects=[county.staff_official, other])
    assert set(case.subjects.all()) == {county.staff_official, other}
    _decide(county, case, kinds)
    with pytest.raises(ApplicationError) as error:
        case_update(by=county.inspector, case=case, title="x", facts="y", source="report", subjects=[other])
    assert error.value.code == "has_decision"


def test_dates_of_a_period_end_the_day_before_the_same_day_months_later():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert period_end(date(2026, 5, 1), 12) == date(2027, 4, 30)
    assert period_end(date(2026, 5, 1), None) is None


def test_a_decision_copies_the_kinds_effects(county, open_case, kinds):
    demerit = _decide(county, open_case, kinds)
    assert (demerit.points, demerit.grade_cap, demerit.cap_years, demerit.later_cap) == (
        Decimal(10), "undetermined", 1, "")
    assert demerit.in_force_until == date(2027, 4, 30)
    assert demerit.no_promotion_until == date(2027, 4, 30)  # a sanction bars promotion while in force
    assert list(demerit.capped_years()) == [2026]  # 记过: the year it takes effect only, though in force into 2027
    admonished = decision_record(by=county.inspector, case=open_case, official=county.staff_official,
                                 kind=kinds["admonishment"], effective_date=date(2026, 5, 10))
    assert admonished.no_promotion_until == date(2026, 11, 9)  # 诫勉: six months
    assert admonished.grade_cap == "competent" and list(admonished.capped_years()) == [2026]
    talk = decision_record(by=county.inspector, case=open_case, official=county.staff_official,
                           kind=kinds["reminder_talk"], effective_date=date(2026, 5, 10), points=Decimal("0.5"))
    assert (talk.points, talk.grade_cap, talk.no_promotion_until) == (Decimal("0.5"), "", None)
    assert Notification.objects.filter(user=county.staff, kind="discipline_decision").count() == 3


def test_a_decision_is_for_a_subject_of_an_open_case_and_once_per_kind(county, open_case, kinds):
    with pytest.raises(ApplicationError) as error:
        _decide(county, open_case, kinds, official=county.culture_official)
    assert error.value.code == "not_subject"
    _decide(county, open_case, kinds)
    with pytest.raises(ApplicationError) as error:
        _decide(county, open_case, kinds)
    assert error.value.code == "duplicate"
    case_transition(by=county.inspector, case=open_case, to="decided")
    case_transition(by=county.inspector, case=open_case, to="closed")
    with pytest.raises(ApplicationError) as error:
        _decide(county, open_case, kinds, code="gov_warning")
    assert error.value.code == "not_open"


def test_error_tolerance_runs_request_review_decision_and_rectification(county, open_case, kinds):
    decision = _decide(county, open_case, kinds)
    with pytest.raises(ApplicationError) as error:  # no ground ticked
        tolerance_request(by=county.staff, case=open_case, official=county.staff_official, statement="为公")
    assert error.value.code == "no_grounds"
    with pytest.raises(ApplicationError):  # not their official
        tolerance_request(by=county.outsider, case=open_case, official=county.staff_official, statement="x",
                          for_public_good=True)
    request = tolerance_request(by=county.head, case=open_case, official=county.staff_official,
                                statement="为推进项目，集体研究决定", for_public_good=True, followed_procedure=True)
    assert request.by_unit
    with pytest.raises(ApplicationError) as error:
        tolerance_request(by=county.staff, case=open_case, official=county.staff_official, statement="x",
                          for_public_good=True)
    assert error.value.code == "duplicate"
    with pytest.raises(ApplicationError) as error:  # decided before the review
        tolerance_decide(by=county.orgadmin, request=request, approve=True, note="同意")
    assert error.value.code == "conflict"
    with pytest.raises(ApplicationError):  # the organization department does not review
        tolerance_review(by=county.orgadmin, request=request, supports=True, opinion="x")
    request = tolerance_review(by=county.inspector, request=request, supports=True, opinion="符合三个区分开来")
    with pytest.raises(ApplicationError):  # discipline inspection does not decide
        tolerance_decide(by=county.inspector, request=request, approve=True, note="x")
    request = tolerance_decide(by=county.orgadmin, request=request, approve=True, note="同意免责",
                               rectification="完善审批流程", rectification_due=date(2026, 12, 31))
    assert request.status == ToleranceStatus.APPROVED
    decision.refresh_from_db()
    assert decision.exempted and not decision.has_effect and list(decision.capped_years()) == []
    assert request.rectification_status == RectificationStatus.PENDING
    request = rectification_complete(by=county.inspector, request=request, done_on=date(2026, 11, 1),
                                     note="流程已完善")
    assert request.rectification_status == RectificationStatus.DONE
    # A decision recorded after the exemption is exempted from the start.
    later = _decide(county, open_case, kinds, code="gov_warning")
    assert later.exempted
    assert Notification.objects.filter(user=county.head, kind="tolerance_decided").exists()


def test_a_rejected_request_leaves_the_effects_and_may_be_filed_again(county, open_case, kinds):
    decision = _decide(county, open_case, kinds)
    request = tolerance_request(by=county.staff, case=open_case, official=county.staff_official, statement="x",
                                corrected_promptly=True)
    assert not request.by_unit
    tolerance_review(by=county.inspector, request=request, supports=False, opinion="谋取私利")
    tolerance_decide(by=county.orgadmin, request=request, approve=False, note="不符合条件")
    decision.refresh_from_db()
    assert decision.has_effect
    tolerance_request(by=county.staff, case=open_case, official=county.staff_official, statement="补充材料",
                      corrected_promptly=True)


def test_appeals_are_the_subjects_within_the_window(county, open_case, kinds, settings):
    decision = _decide(county, open_case, kinds)
    with pytest.raises(ApplicationError) as error:
        appeal_file(by=county.head, decision=decision, grounds="x", today=date(2026, 5, 10))
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError) as error:
        appeal_file(by=county.staff, decision=decision, grounds="x", today=date(2026, 6, 1))
    assert error.value.code == "too_late"
    settings.DISCIPLINE_APPEAL_DAYS = 60
    appeal = appeal_file(by=county.staff, decision=decision, grounds="情节认定有误", today=date(2026, 6, 1))
    with pytest.raises(ApplicationError) as error:
        appeal_file(by=county.staff, decision=decision, grounds="again", today=date(2026, 6, 2))
    assert error.value.code == "duplicate"
    with pytest.raises(ApplicationError) as error:
        appeal_decide(by=county.inspector, appeal=appeal, outcome="changed", note="改为警告")
    assert error.value.code == "required"
    appeal = appeal_decide(by=county.inspector, appeal=appeal, outcome="changed", note="改为警告",
                           new_kind=kinds["gov_warning"])
    decision.refresh_from_db()
    assert (decision.kind.code, decision.points, decision.grade_cap) == ("gov_warning", Decimal(5), "competent")
    assert decision.in_force_until == date(2026, 10, 31)
    assert (appeal.previous_kind.code, appeal.new_kind.code) == ("gov_demerit", "gov_warning")
    second = appeal_file(by=county.staff, decision=decision, grounds="仍有异议", today=date(2026, 6, 3))
    appeal_decide(by=county.inspector, appeal=second, outcome="revoked", note="撤销")
    decision.refresh_from_db()
    assert decision.revoked and not decision.has_effect
    with pytest.raises(ApplicationError):
        appeal_file(by=county.staff, decision=decision, grounds="x", today=date(2026, 6, 4))
    assert decision.history.count() >= 3  # the trail: recorded, changed, revoked


def test_attachments_are_private_checked_and_size_limited(county, open_case, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.CASE_ATTACHMENT_MAX_BYTES = 1000
    attachment = attachment_add(by=county.inspector, case=open_case,
                                upload=SimpleUploadedFile("笔录.pdf", PDF, content_type="application/pdf"))
    assert (tmp_path / attachment.file.name).read_bytes() == PDF
    assert str(tmp_path) not in str(settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - no URL: only the permission-checked view serves it
    with pytest.raises(ApplicationError) as error:
        attachment_add(by=county.inspector, case=open_case, upload=SimpleUploadedFile("big.pdf", PDF * 20))
    assert error.value.code == "too_large"
    with pytest.raises(ApplicationError) as error:
        attachment_add(by=county.inspector, case=open_case, upload=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00"))
    assert error.value.code == "bad_file"
    with pytest.raises(ApplicationError):
        attachment_add(by=county.head, case=open_case, upload=SimpleUploadedFile("a.pdf", PDF))


def test_reads_are_logged_one_row_per_case(county, open_case, django_assert_num_queries):
    with django_assert_num_queries(1):
        record_access(user=county.orgadmin, cases=[open_case, open_case], action=CaseAccess.Action.EXPORT)
    record_access(user=county.inspector, cases=open_case, action=CaseAccess.Action.VIEW)
    assert CaseAccess.objects.filter(case=open_case).count() == 3


def test_talks_are_recorded_by_discipline_or_the_organization_department(county):
    talk = talk_record(by=county.orgadmin, official=county.staff_official, kind="care", occasion="family",
                       held_on=date(2026, 10, 1), talker=county.head_official, topic="家人住院，了解困难")
    assert talk.pk
    with pytest.raises(ApplicationError):
        talk_record(by=county.head, official=county.staff_official, kind="care", held_on=date(2026, 10, 1),
                    talker_name="王局长", topic="x")
    with pytest.raises(ApplicationError) as error:
        talk_record(by=county.inspector, official=county.staff_official, kind="reminder", held_on=date(2026, 10, 1),
                    topic="x")
    assert error.value.code == "required"


def test_the_catalogue_is_edited_by_county_level_discipline_inspection(county, kinds):
    rule = rule_save(by=county.inspector, code="ZF-05", category="style", text="新增情形")
    assert rule.pk
    with pytest.raises(ApplicationError) as error:
        rule_save(by=county.inspector, code="ZF-05", category="style", text="重复")
    assert error.value.code == "duplicate"
    town_inspector = UserFactory()
    RoleGrantFactory(user=town_inspector, unit=county.culture, role="discipline")
    for user in (town_inspector, county.orgadmin):
        with pytest.raises(ApplicationError):
            rule_save(by=user, code="ZF-06", category="style", text="x")
    kind = kind_configure(by=county.inspector, kind=kinds["gov_warning"], points=Decimal(6), grade_cap="competent",
                          cap_years=1, months_in_force=6, promotion_bar_months=None, is_active=True)
    assert kind.points == Decimal(6)


def test_a_decision_keeps_its_effects_when_the_kind_changes_later(county, open_case, kinds):
    decision = _decide(county, open_case, kinds, code="gov_warning")
    kind_configure(by=county.inspector, kind=kinds["gov_warning"], points=Decimal(8), grade_cap="basic",
                   cap_years=1, months_in_force=6, promotion_bar_months=None, is_active=True)
    decision.refresh_from_db()
    assert (decision.points, decision.grade_cap) == (Decimal(5), "competent")


def test_an_official_elsewhere_is_no_subject(county, open_case):
    stranger = OfficialFactory(unit=county.finance_office)
    assert not open_case.subjects.filter(pk=stranger.pk).exists()
    assert Decision.objects.count() == 0 and open_case.status == CaseStatus.INVESTIGATING
