"""Notifications: the bell's unread count (context processor), the notifications page (paginated, constant
queries), marking one or all read (plain POST and htmx), and e-mail when it is switched on."""

from __future__ import annotations

import copy

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from common.context_processors import notifications as notifications_processor
from common.models import Notification
from common.notifications import notify
from tasks.services.letters import letter_issue
from tests.tasks.letter_helpers import DEADLINE

PROCESSOR = "common.context_processors.notifications"


@pytest.fixture(autouse=True)
def bell_processor(settings):
    """Switch the bell's context processor on, as the project settings do once it is wired in."""
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if PROCESSOR not in processors:
        processors.append(PROCESSOR)
    settings.TEMPLATES = templates


def make(user, n, **extra):
    Notification.objects.bulk_create(
        [Notification(user=user, kind="test", title=f"通知{i}", url="/letters/", **extra) for i in range(n)])


# -- the bell ------------------------------------------------------------------------------------------------
def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_count_is_one_query_and_only_when_used(county, django_assert_num_queries):
    make(county.staff, 3)
    make(county.staff, 2, read_at=timezone.now())
    make(county.head, 4)
    with django_assert_num_queries(0):
        context = notifications_processor(_request(county.staff))
    with django_assert_num_queries(1):
        assert context["unread_notification_count"]() == 3
        assert context["unread_notification_count"]() == 3  # cached for the rest of the request


def test_anonymous_users_get_no_count(db):
    from django.contrib.auth.models import AnonymousUser

    assert notifications_processor(_request(AnonymousUser())) == {}


def test_the_bell_shows_the_unread_count(county):
    make(county.staff, 3)
    html = render_to_string("common/_bell.html", request=_request(county.staff))
    assert 'data-testid="notification-bell"' in html and 'data-count="3"' in html
    assert reverse("common:notification_list") in html
    make(county.staff, 120)
    assert ">99+<" in render_to_string("common/_bell.html", request=_request(county.staff))
    Notification.objects.update(read_at=timezone.now())
    html = render_to_string("common/_bell.html", request=_request(county.staff))
    assert 'data-testid="notification-bell"' in html and 'data-testid="unread-count"' not in html


def test_the_bell_is_empty_for_anonymous_users(db):
    from django.contrib.auth.models import AnonymousUser

    assert render_to_string("common/_bell.html", request=_request(AnonymousUser())).strip() == ""


# -- the page ------------------------------------------------------------------------------------------------
def test_the_page_lists_only_ones_own_notifications(county, client_for):
    make(county.staff, 2)
    make(county.head, 5)
    response = client_for(county.staff).get(reverse("common:notification_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert response.content.decode().count('data-testid="notification"') == 2
    assert 'data-count="2"' in response.content.decode()


def test_the_page_paginates_and_filters_unread(county, client_for):
    make(county.staff, 30)
    make(county.staff, 4, read_at=timezone.now())
    client = client_for(county.staff)
    assert len(client.get(reverse("common:notification_list")).context["page"].object_list) == 25
    assert len(client.get(reverse("common:notification_list"), {"page": 2}).context["page"].object_list) == 9
    unread = client.get(reverse("common:notification_list"), {"show": "unread", "page": 2})
    assert len(unread.context["page"].object_list) == 5


def test_the_page_costs_the_same_queries_for_10_and_100(county, client_for, django_assert_num_queries):
    make(county.staff, 10)
    client = client_for(county.staff)
    with django_assert_num_queries(7) as ctx:
        client.get(reverse("common:notification_list"))
    make(county.staff, 90)
    client = client_for(county.staff)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(reverse("common:notification_list"))


def test_mark_one_read(county, client_for):
    make(county.staff, 2)
    first, second = Notification.objects.filter(user=county.staff).order_by("pk")
    client = client_for(county.staff)
    response = client.post(reverse("common:notification_read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("common:notification_list")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_mark_one_read_by_htmx_returns_the_page_with_the_new_count(county, client_for):
    make(county.staff, 3)
    target = Notification.objects.filter(user=county.staff).first()
    response = client_for(county.staff).post(
        reverse("common:notification_read", args=[target.pk]) + "?show=unread", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="notification-panel"' in body
    assert 'data-count="2"' in body and body.count('data-testid="notification"') == 2  # the unread list


def test_opening_a_notification_marks_it_read_and_follows_its_link(county, client_for):
    make(county.staff, 1)
    notification = Notification.objects.get(user=county.staff)
    response = client_for(county.staff).post(reverse("common:notification_read", args=[notification.pk]),
                                             {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/letters/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_foreign_link_is_not_followed(county, client_for):
    notification = Notification.objects.create(user=county.staff, kind="x", title="t", url="https://evil.example/")
    response = client_for(county.staff).post(reverse("common:notification_read", args=[notification.pk]),
                                             {"open": "1"})
    assert response["Location"] == reverse("common:notification_list")


def test_one_cannot_mark_someone_elses_notification(county, client_for):
    make(county.head, 1)
    theirs = Notification.objects.get(user=county.head)
    response = client_for(county.staff).post(reverse("common:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_ones_own(county, client_for):
    make(county.staff, 5)
    make(county.head, 2)
    client = client_for(county.staff)
    assert client.get(reverse("common:notification_read_all")).status_code == 405  # a write is a POST
    response = client.post(reverse("common:notification_read_all"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-count="0"' in response.content.decode()
    assert not Notification.objects.filter(user=county.staff, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=county.head, read_at__isnull=True).count() == 2


def test_the_page_needs_a_sign_in(db, client):
    response = client.get(reverse("common:notification_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- e-mail --------------------------------------------------------------------------------------------------
def test_a_new_letter_is_emailed_when_email_is_on(county, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_BY_EMAIL = True
    settings.SITE_URL = "https://cadre.example.gov.cn"
    county.head.email = "wang@example.gov.cn"
    county.head.save()
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_issue(by=county.orgadmin, recipient_unit=county.culture, title="关于整改的督办函",
                              content="请整改", reply_deadline=DEADLINE)
    assert [m.to for m in mail.outbox] == [["wang@example.gov.cn"]]
    assert "关于整改的督办函" in mail.outbox[0].subject
    assert f"https://cadre.example.gov.cn/letters/{letter.pk}/" in mail.outbox[0].body


def test_no_email_when_it_is_off(county, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_BY_EMAIL = False
    county.head.email = "wang@example.gov.cn"
    county.head.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[county.head], kind="x", title="t")
    assert mail.outbox == []
    assert Notification.objects.filter(user=county.head).count() == 1
