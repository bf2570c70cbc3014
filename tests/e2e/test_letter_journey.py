"""Journey: the organization department issues a supervision letter, the recipient official replies,
both sides sign, the letter closes; the recipients find it in their notifications."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks.models import LetterStatus, SupervisionLetter
from tests.e2e.conftest import sign_in
from tests.e2e.picker import pick_official
from tests.factories import SupervisionLetterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]




@pytest.fixture(autouse=True)
def bell_processor(settings):
    """The notifications page shows the unread count from the bell's context processor."""
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if "common.context_processors.notifications" not in processors:
        processors.append("common.context_processors.notifications")
    settings.TEMPLATES = templates


def test_a_letter_goes_from_issue_to_closing(county, live_server, page, screenshot):
    SupervisionLetterFactory.create_batch(3, issuer_unit=county.root, recipient_unit=county.culture_office,
                                          issued_by=county.orgadmin,
                                          reply_deadline=timezone.localdate() - dt.timedelta(days=2))
    deadline = (timezone.localdate() + dt.timedelta(days=14)).isoformat()

    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/letters/new/")
    with page.expect_response(lambda response: "/letters/new/?" in response.url):
        page.get_by_test_id("letter-recipient-unit").select_option(label="　旅游发展科")
    pick_official(page, "id_recipient_official", "李", "李科员")
    page.get_by_test_id("letter-title").fill("关于景区安全隐患整改的督办函")
    page.get_by_test_id("letter-content").fill("经督导发现，景区消防通道堵塞，请于期限内完成整改并书面回复。")
    page.get_by_test_id("letter-reply-deadline").fill(deadline)
    screenshot("letters-01-issue-form")
    page.get_by_test_id("letter-submit").click()
    page.wait_for_url(re.compile(r"/letters/\d+/$"))
    letter = SupervisionLetter.objects.get(title="关于景区安全隐患整改的督办函")
    assert page.get_by_test_id("letter-status").get_attribute("data-status") == "issued"
    screenshot("letters-02-issued")

    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/notifications/")
    assert page.get_by_test_id("notification").count() == 1
    screenshot("letters-03-notifications")
    page.get_by_test_id("notification-open").click()
    page.wait_for_url(re.compile(rf"/letters/{letter.pk}/$"))
    page.get_by_test_id("letter-reply-text").fill("已于本周疏通消防通道，并建立每日巡查制度。")
    page.get_by_test_id("reply-button").click()
    page.wait_for_url(re.compile(rf"/letters/{letter.pk}/$"))
    assert page.get_by_test_id("letter-status").get_attribute("data-status") == "replied"

    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/letters/{letter.pk}/")
    page.get_by_test_id("sign-issuer").click()
    page.wait_for_selector("[data-testid=trail-issuer-signed]")

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/letters/")
    screenshot("letters-04-list-head")
    page.get_by_role("link", name="关于景区安全隐患整改的督办函").click()
    page.wait_for_url(re.compile(rf"/letters/{letter.pk}/$"))
    screenshot("letters-05-awaiting-signature")
    page.get_by_test_id("sign-recipient").click()
    page.wait_for_selector("[data-testid=trail-closed]")
    assert page.get_by_test_id("letter-status").get_attribute("data-status") == "closed"
    screenshot("letters-06-closed")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CLOSED

    page.goto(f"{live_server.url}/letters/?tab=overdue")
    assert page.get_by_test_id("letter-row").count() == 3
    page.goto(f"{live_server.url}/notifications/")
    assert page.get_by_test_id("unread-summary").get_attribute("data-count") != "0"
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("unread-summary")).to_have_attribute("data-count", "0")
    screenshot("letters-07-notifications-read")
    assert not county.head.notifications.filter(read_at__isnull=True).exists()
