"""Supervision letter services: issue (numbering, scope), reply, the two sign-offs, overdue; refused paths."""

from __future__ import annotations

import datetime as dt

import pytest

from common.errors import ApplicationError
from common.models import Notification
from tasks.models import LetterStatus, SupervisionLetter
from tasks.selectors.letters import signable_sides
from tasks.services import letters as svc
from tasks.services.letters import letter_reply, letter_sign
from tests.factories import RoleGrantFactory, SupervisionLetterFactory, TaskFactory, UserFactory
from tests.tasks.letter_helpers import DEADLINE, TODAY, issue, replied


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


# -- issue -------------------------------------------------------------------------------------------------
def test_the_organization_department_issues_a_numbered_letter_and_the_recipients_are_told(county):
    letter = issue(county, official=county.staff_official)
    assert letter.number == f"督办〔{TODAY.year}〕1号"
    assert letter.status == LetterStatus.ISSUED
    assert letter.issuer_unit == county.root and letter.issued_by == county.orgadmin
    assert kinds(county.head) == ["letter_issued"]  # the head over the recipient unit
    assert kinds(county.staff) == ["letter_issued"]  # the recipient official
    assert kinds(county.orgadmin) == []
    assert Notification.objects.get(user=county.head).url == f"/letters/{letter.pk}/"
    assert letter.history.count() == 1 and letter.history.first().history_user == county.orgadmin


def test_numbers_follow_the_highest_of_the_year(county):
    day, deadline = dt.date(2026, 11, 2), dt.date(2026, 11, 20)
    SupervisionLetterFactory(number="督办〔2026〕9号", issuer_unit=county.root, recipient_unit=county.culture)
    SupervisionLetterFactory(number="督办〔2026〕10号", issuer_unit=county.root, recipient_unit=county.culture)
    SupervisionLetterFactory(number="督办〔2025〕40号", issuer_unit=county.root, recipient_unit=county.culture)
    SupervisionLetterFactory(number="督办〔2026〕补1号", issuer_unit=county.root, recipient_unit=county.culture)
    assert issue(county, today=day, reply_deadline=deadline).number == "督办〔2026〕11号"
    assert issue(county, today=day, reply_deadline=deadline).number == "督办〔2026〕12号"
    assert issue(county, today=dt.date(2027, 1, 4), reply_deadline=dt.date(2027, 1, 20)).number == "督办〔2027〕1号"


def test_a_given_number_is_kept_and_a_taken_one_refused(county):
    assert issue(county, number="文旅督〔2026〕3号").number == "文旅督〔2026〕3号"
    with pytest.raises(ApplicationError) as refused:
        issue(county, number="文旅督〔2026〕3号")
    assert refused.value.code == "duplicate_number"
    assert SupervisionLetter.objects.count() == 1


def test_a_number_taken_meanwhile_is_retried_with_the_next(county, monkeypatch):
    first = issue(county).number
    proposals = iter([first, "督办〔2026〕99号"])  # as if another letter took the number after our look-up
    monkeypatch.setattr(svc, "_next_number", lambda year: next(proposals))
    assert issue(county).number == "督办〔2026〕99号"
    assert SupervisionLetter.objects.count() == 2


def test_a_head_issues_in_the_name_of_their_unit(county):
    letter = issue(county, by=county.head, unit=county.culture_tourism, official=county.staff_official)
    assert letter.issuer_unit == county.culture
    assert kinds(county.head) == []  # not told about their own letter
    assert kinds(county.staff) == ["letter_issued"]


def test_the_closest_covering_grant_names_the_issuer(county):
    RoleGrantFactory(user=county.orgadmin, unit=county.culture, role="head")
    letter = issue(county, unit=county.culture_tourism)
    assert letter.issuer_unit == county.culture


@pytest.mark.parametrize("who", ["staff", "inspector", "outsider"])
def test_people_without_an_issuing_role_cannot_issue(county, who):
    with pytest.raises(ApplicationError) as refused:
        issue(county, by=getattr(county, who))
    assert refused.value.code == "forbidden"
    assert not SupervisionLetter.objects.exists()


def test_a_head_cannot_issue_to_another_bureau(county):
    with pytest.raises(ApplicationError) as refused:
        issue(county, by=county.head, unit=county.finance)
    assert refused.value.code == "forbidden"


def test_issue_checks_official_task_and_deadline(county):
    with pytest.raises(ApplicationError) as refused:
        issue(county, unit=county.culture_office, official=county.staff_official)  # staff works in WL02
    assert refused.value.code == "official_not_in_unit"
    task = TaskFactory(unit=county.finance_office, responsible=county.finance_official)
    with pytest.raises(ApplicationError) as refused:
        issue(county, task=task)
    assert refused.value.code == "task_not_in_unit"
    with pytest.raises(ApplicationError) as refused:
        issue(county, reply_deadline=TODAY - dt.timedelta(days=1))
    assert refused.value.code == "invalid_deadline"
    with pytest.raises(ApplicationError):
        issue(county, title="   ")
    assert not SupervisionLetter.objects.exists()
    culture_task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official)
    assert issue(county, task=culture_task).task == culture_task


# -- reply -------------------------------------------------------------------------------------------------
def test_the_recipient_official_replies_and_the_issuer_is_told(county):
    letter = issue(county, official=county.staff_official)
    replied_letter = letter_reply(letter=letter, by=county.staff, reply="  已整改完毕。 ")
    assert replied_letter.status == LetterStatus.REPLIED
    assert replied_letter.reply == "已整改完毕。"
    assert replied_letter.replied_by == county.staff and replied_letter.replied_at is not None
    assert kinds(county.orgadmin) == ["letter_replied"]
    assert letter.history.count() == 2


def test_another_units_head_cannot_reply(county, finance_head):
    letter = issue(county)
    for user in (finance_head, county.staff, county.inspector):  # staff is not addressed by this letter
        with pytest.raises(ApplicationError) as refused:
            letter_reply(letter=letter, by=user, reply="回复")
        assert refused.value.code == "forbidden"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED and letter.reply == ""


def test_the_issuer_cannot_answer_their_own_letter(county):
    letter = issue(county, by=county.head, unit=county.culture_tourism)
    with pytest.raises(ApplicationError) as refused:
        letter_reply(letter=letter, by=county.head, reply="自己回复")
    assert refused.value.code == "forbidden"


def test_a_second_reply_is_a_conflict_and_records_nothing(county):
    letter = issue(county, official=county.staff_official)
    stale = SupervisionLetter.objects.get(pk=letter.pk)  # the page another person still has open
    letter_reply(letter=letter, by=county.head, reply="第一份回复")
    with pytest.raises(ApplicationError) as refused:
        letter_reply(letter=stale, by=county.staff, reply="第二份回复")
    assert refused.value.code == "conflict"
    letter.refresh_from_db()
    assert letter.reply == "第一份回复" and letter.replied_by == county.head
    assert letter.history.count() == 2


def test_an_empty_reply_is_refused(county):
    letter = issue(county)
    with pytest.raises(ApplicationError) as refused:
        letter_reply(letter=letter, by=county.head, reply="   ")
    assert refused.value.code == "reply_required"


# -- sign --------------------------------------------------------------------------------------------------
def test_both_sides_sign_and_the_letter_closes(county):
    letter = replied(county)
    assert signable_sides(letter, county.orgadmin) == ["issuer"]
    assert signable_sides(letter, county.head) == ["recipient"]
    once = letter_sign(letter=letter, by=county.orgadmin)
    assert once.status == LetterStatus.REPLIED and once.closed_at is None  # a single signature does not close
    assert once.issuer_signed_by == county.orgadmin and once.issuer_signed_at is not None
    closed = letter_sign(letter=letter, by=county.head)
    assert closed.status == LetterStatus.CLOSED and closed.closed_at is not None
    assert closed.recipient_signed_by == county.head
    assert "letter_closed" in kinds(county.orgadmin)
    assert letter.history.count() == 4  # issued, replied, signed, signed and closed


def test_the_recipient_side_may_sign_first(county):
    letter = replied(county)
    assert letter_sign(letter=letter, by=county.head).status == LetterStatus.REPLIED
    assert letter_sign(letter=letter, by=county.orgadmin).status == LetterStatus.CLOSED


def test_no_signature_before_the_reply(county):
    letter = issue(county)
    with pytest.raises(ApplicationError) as refused:
        letter_sign(letter=letter, by=county.orgadmin)
    assert refused.value.code == "not_replied"
    assert signable_sides(letter, county.orgadmin) == []


def test_another_units_head_and_the_recipient_official_cannot_sign(county, finance_head):
    letter = replied(county, official=county.staff_official)
    for user in (finance_head, county.staff, county.inspector):
        with pytest.raises(ApplicationError) as refused:
            letter_sign(letter=letter, by=user)
        assert refused.value.code == "forbidden"
    letter.refresh_from_db()
    assert letter.issuer_signed_by is None and letter.recipient_signed_by is None


def test_a_side_signs_once(county):
    letter = replied(county)
    letter_sign(letter=letter, by=county.orgadmin)
    other_org = UserFactory(username="org2")
    RoleGrantFactory(user=other_org, unit=county.root, role="org")
    with pytest.raises(ApplicationError) as refused:
        letter_sign(letter=letter, by=other_org)
    assert refused.value.code == "conflict"
    letter.refresh_from_db()
    assert letter.issuer_signed_by == county.orgadmin and letter.history.count() == 3


def test_a_closed_letter_takes_no_more_signatures(county):
    letter = replied(county)
    letter_sign(letter=letter, by=county.orgadmin)
    letter_sign(letter=letter, by=county.head)
    with pytest.raises(ApplicationError) as refused:
        letter_sign(letter=letter, by=county.head)
    assert refused.value.code == "conflict"


def test_one_person_cannot_sign_for_both_sides(county):
    # The culture head issues to a section and so belongs to both sides; a section head signs for it.
    letter = issue(county, by=county.head, unit=county.culture_tourism, official=county.staff_official)
    letter = letter_reply(letter=letter, by=county.staff, reply="已整改")
    assert signable_sides(letter, county.head) == ["issuer", "recipient"]
    letter_sign(letter=letter, by=county.head, side="issuer")
    with pytest.raises(ApplicationError) as refused:
        letter_sign(letter=letter, by=county.head, side="recipient")
    assert refused.value.code == "same_signer"
    letter.refresh_from_db()
    assert signable_sides(letter, county.head) == []
    section_head = UserFactory(username="section_head")
    RoleGrantFactory(user=section_head, unit=county.culture_tourism, role="head")
    assert letter_sign(letter=letter, by=section_head).status == LetterStatus.CLOSED


def test_signing_a_side_one_does_not_hold_is_refused(county):
    letter = replied(county)
    with pytest.raises(ApplicationError) as refused:
        letter_sign(letter=letter, by=county.orgadmin, side="recipient")
    assert refused.value.code == "forbidden"


# -- overdue -----------------------------------------------------------------------------------------------
def test_overdue_means_not_replied_by_the_deadline(county):
    letter = issue(county)
    assert not letter.is_overdue(DEADLINE)
    assert letter.is_overdue(DEADLINE + dt.timedelta(days=1))
    letter = letter_reply(letter=letter, by=county.head, reply="回复")
    assert not letter.is_overdue(DEADLINE + dt.timedelta(days=1))
