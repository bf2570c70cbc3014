"""The heads' page of public criticism flags: scope, confirm (a −2 in the ledger), dismiss (a note)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal.models import ScoreEntry
from common.models import Notification
from org.models import Official
from tests.conftest import statements
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory, period
from tests.training.factories import AttendanceFactory, CriticismFlagFactory, make_session
from training.models import AttendanceStatus, CriticismFlag
from training.services.criticism import criticism_flag_quarters

URL = "training:criticism_flags"


def flag_for(official: Official, quarter: str = "2026-Q3", absences: int = 3) -> CriticismFlag:
    period(quarter)  # the quarter the deduction is recorded in exists
    return CriticismFlagFactory(official=official, quarter=quarter, absences=absences)


def test_head_sees_pending_flags_in_scope_only(county, client_for):
    mine = flag_for(county.staff_official)
    other = flag_for(county.finance_official)
    decided = flag_for(county.culture_official, "2026-Q2")
    decided.status, decided.note, decided.decided_by = CriticismFlag.Status.DISMISSED, "已补假", county.head
    decided.save()
    response = client_for(county.head).get(reverse(URL))
    assert response.status_code == 200
    assert [f.pk for f in response.context["page"].object_list] == [mine.pk]
    body = response.content.decode()
    assert f'data-testid="confirm-{mine.pk}"' in body and f"flag-{other.pk}" not in body
    decided_page = client_for(county.head).get(reverse(URL) + "?status=decided")
    assert [f.pk for f in decided_page.context["page"].object_list] == [decided.pk]
    assert "已补假" in decided_page.content.decode()


def test_page_is_for_heads_only(county, client_for):
    for user in (county.staff, county.orgadmin, county.inspector, county.outsider):
        assert client_for(user).get(reverse(URL)).status_code == 404


def test_confirm_records_the_deduction(county, client_for):
    flag = flag_for(county.staff_official)
    response = client_for(county.head).post(reverse("training:criticism_confirm", args=[flag.pk]), follow=True)
    assert response.status_code == 200
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by) == (CriticismFlag.Status.CONFIRMED, county.head)
    entry = ScoreEntry.objects.get(rule__code="public_criticism")
    assert (entry.official, entry.points, entry.origin) == (county.staff_official, Decimal("-2"), "manual")
    assert entry.occurred_on <= date(2026, 9, 30)
    assert "李科员" in response.content.decode()  # the success message names the official

    again = client_for(county.head).post(reverse("training:criticism_confirm", args=[flag.pk]), follow=True)
    assert "已" in next(str(m) for m in again.context["messages"])  # already decided, in Chinese
    assert ScoreEntry.objects.filter(rule__code="public_criticism").count() == 1


def test_dismiss_needs_a_note(county, client_for):
    flag = flag_for(county.staff_official)
    client = client_for(county.head)
    url = reverse("training:criticism_dismiss", args=[flag.pk])
    response = client.post(url, {"note": "  "}, follow=True)
    assert "请填写不予通报批评的理由。" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == CriticismFlag.Status.PENDING

    client.post(url, {"note": "因公出差，已补假"})
    flag.refresh_from_db()
    assert (flag.status, flag.note, flag.decided_by) == (
        CriticismFlag.Status.DISMISSED, "因公出差，已补假", county.head)
    assert not ScoreEntry.objects.filter(rule__code="public_criticism").exists()


def test_head_of_another_unit_gets_404(county, client_for):
    flag = flag_for(county.staff_official)
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    client = client_for(finance_head)
    assert client.get(reverse(URL)).status_code == 200
    assert client.post(reverse("training:criticism_confirm", args=[flag.pk])).status_code == 404
    assert client.post(reverse("training:criticism_dismiss", args=[flag.pk]), {"note": "x"}).status_code == 404
    assert client_for(county.staff).post(reverse("training:criticism_confirm", args=[flag.pk])).status_code == 404
    flag.refresh_from_db()
    assert flag.status == CriticismFlag.Status.PENDING


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(URL)).status_code == 200
    return statements(captured.captured_queries)


def test_list_costs_a_constant_number_of_queries(county, client_for, django_assert_num_queries):
    client = client_for(county.head)
    flag_for(county.staff_official)
    with django_assert_num_queries(7):
        small = _list_queries(client)
    for i in range(30):
        flag_for(OfficialFactory(unit=county.culture_office, name=f"甲{i}"))
    assert _list_queries(client) == small


def test_the_heads_notification_links_to_the_page(county):
    for month in (7, 8, 9):
        when = timezone.make_aware(datetime(2026, month, 3, 9))
        session = make_session(county.head, county.culture, when=when, title=f"{month}月集中学习")
        AttendanceFactory(session=session, official=county.staff_official, status=AttendanceStatus.ABSENT)
    assert criticism_flag_quarters(start=date(2026, 9, 1), end=date(2026, 9, 30)) == 1
    notice = Notification.objects.get(user=county.head, kind="training")
    assert notice.url == reverse(URL)
