"""Journey: a head issues a supervision letter with a double click, then goes back and sends the form again — one
letter (督办〔2026〕N号, not N and N+1), and the second time the page says the form was already sent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tasks.models import SupervisionLetter
from tests.e2e.conftest import sign_in
from tests.e2e.picker import pick_official

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ALREADY = "This form was already submitted; this is what the first submission led to."


def test_a_double_click_and_the_back_button_issue_one_letter(county, live_server, page, screenshot):
    sign_in(page, live_server, "head")
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live_server.url}/letters/new/")
    with page.expect_response(lambda response: "/letters/new/?" in response.url):
        page.get_by_test_id("letter-recipient-unit").select_option(label="　旅游发展科")
    pick_official(page, "id_recipient_official", "李", "李科员")
    page.get_by_test_id("letter-title").fill("关于加快项目进度的督办函")
    page.get_by_test_id("letter-content").fill("请加快进度，按期回复。")
    page.get_by_test_id("letter-reply-deadline").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.get_by_test_id("letter-submit").dblclick()
    page.wait_for_url(re.compile(r"/letters/\d+/$"))
    letter = SupervisionLetter.objects.get()
    assert page.url.endswith(f"/letters/{letter.pk}/")
    screenshot("double-submit-01-issued")

    # Back to the form: the browser fetches it again (a new token in the page) and puts back what was typed;
    # static/js/form_token.js puts back the token the form was sent with.
    page.go_back()
    page.wait_for_url(re.compile(r"/letters/new/$"))
    assert page.get_by_test_id("letter-title").input_value() == "关于加快项目进度的督办函"
    page.get_by_test_id("letter-submit").click()
    page.wait_for_url(re.compile(rf"/letters/{letter.pk}/$"))
    with translation.override("zh-hans"):
        assert page.get_by_role("alert").filter(has_text=gettext(ALREADY)).count() == 1
    screenshot("double-submit-02-sent-again")
    assert SupervisionLetter.objects.count() == 1
    assert len([url for url in posts if url.endswith("/letters/new/")]) >= 2  # the browser did send it again
