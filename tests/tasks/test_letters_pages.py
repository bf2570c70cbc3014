"""Supervision letter pages: the scoped list with tabs (constant queries), the letter page with its reply form,
sign buttons and trail, and the issue form (keeps what was typed on error)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import LetterStatus, SupervisionLetter
from tasks.services.letters import letter_reply, letter_sign
from tests.factories import SupervisionLetterFactory, TaskFactory
from tests.tasks.letter_helpers import issue, replied

FUTURE = (timezone.localdate() + dt.timedelta(days=10)).isoformat()


def pks(response) -> set[int]:
    return {letter.pk for letter in response.context["page"].object_list}


def test_the_list_shows_only_letters_in_scope(county, client_for, finance_head):
    ours = issue(county)
    theirs = issue(county, unit=county.finance)
    response = client_for(county.head).get(reverse("tasks:letter_list"))
    assert response.status_code == 200
    assert pks(response) == {ours.pk}
    assert pks(client_for(finance_head).get(reverse("tasks:letter_list"))) == {theirs.pk}
    assert pks(client_for(county.orgadmin).get(reverse("tasks:letter_list"))) == {ours.pk, theirs.pk}
    assert pks(client_for(county.outsider).get(reverse("tasks:letter_list"))) == set()


def test_tabs_received_issued_open_and_overdue(county, client_for):
    to_culture = issue(county)
    from_culture = issue(county, by=county.head, unit=county.culture_tourism)
    late = SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture_office,
                                    reply_deadline=timezone.localdate() - dt.timedelta(days=1))
    done = replied(county)
    letter_sign(letter=done, by=county.orgadmin)
    letter_sign(letter=done, by=county.head)
    client = client_for(county.head)
    url = reverse("tasks:letter_list")
    assert pks(client.get(url, {"tab": "received"})) == {to_culture.pk, from_culture.pk, late.pk, done.pk}
    assert pks(client.get(url, {"tab": "issued"})) == {from_culture.pk}
    assert pks(client.get(url, {"tab": "open"})) == {to_culture.pk, from_culture.pk, late.pk}
    response = client.get(url, {"tab": "overdue"})
    assert pks(response) == {late.pk}
    assert 'data-testid="overdue-flag"' in response.content.decode()
    assert pks(client.get(url, {"tab": "nonsense"})) == {to_culture.pk, from_culture.pk, late.pk, done.pk}
    staff = client_for(county.staff)
    assert pks(staff.get(url, {"tab": "received"})) == set()


def test_tabs_by_htmx_return_the_table_only(county, client_for):
    issue(county)
    body = client_for(county.head).get(reverse("tasks:letter_list"), {"tab": "open"},
                                       HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="letter-table"' in body and "<html" not in body


def test_the_list_paginates(county, client_for):
    SupervisionLetterFactory.create_batch(30, issuer_unit=county.root, recipient_unit=county.culture)
    client = client_for(county.head)
    assert len(client.get(reverse("tasks:letter_list")).context["page"].object_list) == 25
    assert len(client.get(reverse("tasks:letter_list"), {"page": 2}).context["page"].object_list) == 5


def _count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


# The exact count of each tab (session, user, role grants and own official included).
LIST_QUERIES = {"all": 7, "received": 7, "overdue": 7}


@pytest.mark.parametrize("tab", ["all", "received", "overdue"])
def test_the_list_costs_the_same_queries_for_10_and_100_letters(county, client_for, django_assert_num_queries,
                                                                  tab):
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official)

    def make(n):
        SupervisionLetterFactory.create_batch(
            n, issuer_unit=county.root, recipient_unit=county.culture_tourism, task=task,
            recipient_official=county.staff_official, issued_by=county.orgadmin,
            reply_deadline=timezone.localdate() - dt.timedelta(days=2))

    make(10)
    url = reverse("tasks:letter_list")
    client = client_for(county.head)
    with django_assert_num_queries(LIST_QUERIES[tab]):
        small = _count(client, url, {"tab": tab})
    make(90)
    client = client_for(county.head)
    with django_assert_num_queries(small):
        client.get(url, {"tab": tab, "page": 2})


def test_a_letter_out_of_scope_is_404(county, client_for, finance_head):
    letter = issue(county)
    assert client_for(finance_head).get(reverse("tasks:letter_detail", args=[letter.pk])).status_code == 404
    assert client_for(county.staff).get(reverse("tasks:letter_detail", args=[letter.pk])).status_code == 404
    response = client_for(finance_head).post(reverse("tasks:letter_reply", args=[letter.pk]), {"reply": "x"})
    assert response.status_code == 404
    response = client_for(finance_head).post(reverse("tasks:letter_sign", args=[letter.pk]))
    assert response.status_code == 404
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED


def test_the_recipient_replies_on_the_page(county, client_for):
    letter = issue(county, official=county.staff_official)
    client = client_for(county.staff)
    page = client.get(reverse("tasks:letter_detail", args=[letter.pk]))
    assert page.context["reply_form"] is not None and page.context["sides"] == []
    assert 'data-testid="reply-form"' in page.content.decode()
    response = client.post(reverse("tasks:letter_reply", args=[letter.pk]), {"reply": "已于11月10日完成整改。"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REPLIED and letter.reply == "已于11月10日完成整改。"
    body = client.get(reverse("tasks:letter_detail", args=[letter.pk])).content.decode()
    assert 'data-testid="trail-replied"' in body and 'data-testid="reply-form"' not in body


def test_the_issuer_sees_no_reply_form(county, client_for):
    letter = issue(county)
    assert client_for(county.orgadmin).get(reverse("tasks:letter_detail", args=[letter.pk])).context[
        "reply_form"] is None


def test_a_refused_reply_keeps_what_was_typed(county, client_for):
    letter = issue(county, official=county.staff_official)
    client = client_for(county.staff)
    page = client.get(reverse("tasks:letter_detail", args=[letter.pk]))  # staff opens the page ...
    assert page.status_code == 200
    letter_reply(letter=letter, by=county.head, reply="负责人已回复")  # ... the head replies meanwhile
    response = client.post(reverse("tasks:letter_reply", args=[letter.pk]), {"reply": "我的回复草稿"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="form-error"' in body and "我的回复草稿" in body
    letter.refresh_from_db()
    assert letter.reply == "负责人已回复"
    # An empty reply shows the form again with the error.
    other = issue(county, official=county.staff_official)
    response = client.post(reverse("tasks:letter_reply", args=[other.pk]), {"reply": ""})
    assert response.status_code == 200 and response.context["reply_form"].errors


def test_a_reply_refused_by_the_service_shows_the_error_and_the_text(county, client_for, monkeypatch):
    from common.errors import ApplicationError
    from tasks.views import letters as views

    letter = issue(county, official=county.staff_official)

    def refuse(**kwargs):
        raise ApplicationError("冲突", code="conflict")

    monkeypatch.setattr(views.svc, "letter_reply", refuse)
    response = client_for(county.staff).post(reverse("tasks:letter_reply", args=[letter.pk]), {"reply": "草稿内容"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="form-error"' in body and "草稿内容" in body


def test_both_sides_sign_on_the_page(county, client_for):
    letter = replied(county)
    org = client_for(county.orgadmin)
    page = org.get(reverse("tasks:letter_detail", args=[letter.pk]))
    assert page.context["sides"] == ["issuer"] and 'data-testid="sign-issuer"' in page.content.decode()
    assert org.post(reverse("tasks:letter_sign", args=[letter.pk]), {"side": "issuer"}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REPLIED
    head = client_for(county.head)
    assert head.post(reverse("tasks:letter_sign", args=[letter.pk]), {"side": "recipient"}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CLOSED
    body = head.get(reverse("tasks:letter_detail", args=[letter.pk])).content.decode()
    for step in ("issued", "replied", "issuer-signed", "recipient-signed", "closed"):
        assert f'data-testid="trail-{step}"' in body
    assert 'data-testid="sign-' not in body


def test_a_refused_signature_is_a_message_not_a_change(county, client_for):
    letter = issue(county)
    response = client_for(county.orgadmin).post(reverse("tasks:letter_sign", args=[letter.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    letter.refresh_from_db()
    assert letter.issuer_signed_by is None


def test_the_letter_page_costs_a_fixed_number_of_queries(county, client_for, django_assert_max_num_queries):
    letter = replied(county, official=county.staff_official, task=TaskFactory(
        unit=county.culture_tourism, responsible=county.staff_official))
    letter_sign(letter=letter, by=county.orgadmin)
    client = client_for(county.head)
    # session, user, role grants, own official, the letter with everyone on it, the head's roles (sign check)
    with django_assert_max_num_queries(8):
        client.get(reverse("tasks:letter_detail", args=[letter.pk]))


# -- issue form --------------------------------------------------------------------------------------------
def test_only_issuers_see_the_issue_form(county, client_for):
    assert client_for(county.staff).get(reverse("tasks:letter_create")).status_code == 404
    assert client_for(county.inspector).get(reverse("tasks:letter_create")).status_code == 404
    assert client_for(county.head).get(reverse("tasks:letter_create")).status_code == 200
    url = reverse("tasks:letter_list")
    assert 'data-testid="issue-letter"' not in client_for(county.staff).get(url).content.decode()
    assert 'data-testid="issue-letter"' in client_for(county.head).get(url).content.decode()


def test_the_unit_choices_are_the_issuers_scope(county, client_for):
    form = client_for(county.head).get(reverse("tasks:letter_create")).context["form"]
    codes = {u.code for u in form.fields["recipient_unit"].queryset}
    assert codes == {"WL", "WL01", "WL02"}


def test_issuing_on_the_page(county, client_for):
    client = client_for(county.head)
    response = client.post(reverse("tasks:letter_create"), {
        "recipient_unit": county.culture_tourism.pk, "recipient_official": county.staff_official.pk,
        "title": "关于加快项目进度的督办函", "content": "请加快进度。", "reply_deadline": FUTURE, "number": "",
    })
    letter = SupervisionLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tasks:letter_detail", args=[letter.pk])
    assert letter.issuer_unit == county.culture and letter.recipient_official == county.staff_official
    assert letter.number.startswith("督办〔")


def test_the_issue_form_keeps_what_was_typed_on_error(county, client_for):
    client = client_for(county.head)
    data = {"recipient_unit": county.culture_tourism.pk, "title": "标题保留", "content": "正文保留",
            "reply_deadline": "", "number": ""}
    response = client.post(reverse("tasks:letter_create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "标题保留" in body and "正文保留" in body
    assert response.context["form"].errors["reply_deadline"]
    # A refusal from the service (a deadline in the past) also keeps the input.
    data["reply_deadline"] = "2020-01-01"
    response = client.post(reverse("tasks:letter_create"), data)
    body = response.content.decode()
    assert 'data-testid="form-error"' in body and "标题保留" in body and "正文保留" in body
    assert not SupervisionLetter.objects.exists()


def test_a_unit_outside_scope_cannot_be_chosen(county, client_for):
    response = client_for(county.head).post(reverse("tasks:letter_create"), {
        "recipient_unit": county.finance.pk, "title": "t", "content": "c", "reply_deadline": FUTURE})
    assert response.status_code == 200 and response.context["form"].errors["recipient_unit"]
    assert not SupervisionLetter.objects.exists()


def test_choosing_a_unit_narrows_the_officials_and_tasks(county, client_for):
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="旅游推介")
    TaskFactory(unit=county.culture_office, responsible=county.culture_official, title="办公室任务")
    client = client_for(county.head)
    response = client.get(reverse("tasks:letter_create"), {"recipient_unit": county.culture_tourism.pk},
                          HTTP_HX_REQUEST="true")
    form = response.context["form"]
    assert set(form.fields["recipient_official"].queryset) == {county.staff_official}
    assert set(form.fields["task"].queryset) == {task}
    body = response.content.decode()
    assert 'id="letter-dependent"' in body and "旅游推介" in body and "办公室任务" not in body


def test_the_form_is_prefilled_from_a_task(county, client_for):
    task = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="旅游推介")
    form = client_for(county.head).get(reverse("tasks:letter_create"), {"task": task.pk}).context["form"]
    assert form.initial["recipient_unit"] == county.culture_tourism.pk and form.initial["task"] == task.pk
    assert set(form.fields["task"].queryset) == {task}
