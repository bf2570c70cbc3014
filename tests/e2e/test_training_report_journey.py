"""Journey: a bureau's head opens the training report. The officials are listed unit by unit, as in the unit tree,
each marked when behind the pro-rata target whatever their hours; "Only those behind target" leaves just those
behind, in the same order. At phone width the table scrolls inside the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from org.models import Official
from tests.e2e.conftest import sign_in
from tests.training.factories import ExternalTrainingFactory
from training.models import ExternalStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def row_ids(page) -> list[int]:
    return [int(row.get_attribute("data-testid").removeprefix("report-row-"))
            for row in page.locator("[data-testid^=report-row-]").all()]


def test_head_reads_the_report_in_tree_order_and_filters_who_is_behind(county, live_server, page, screenshot):
    year = timezone.localdate().year
    ExternalTrainingFactory(official=county.staff_official, started_on=dt.date(year, 1, 10), hours=Decimal("200"),
                            status=ExternalStatus.APPROVED)  # far ahead of the target: no badge, but in its place
    in_tree_order = list(Official.objects.filter(county.culture.subtree_q("unit__"), is_active=True)
                         .order_by("unit__path", "name", "pk").values_list("pk", flat=True))

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/training/report/")
    page.get_by_test_id("report-table").wait_for()
    assert page.get_by_text("干部按单位树的顺序逐个单位列出").is_visible()
    assert row_ids(page) == in_tree_order
    staff = county.staff_official.pk
    assert page.get_by_test_id(f"behind-{staff}").count() == 0
    assert all(page.get_by_test_id(f"behind-{pk}").count() == 1 for pk in in_tree_order if pk != staff)
    screenshot("training-report-01-tree-order")

    page.get_by_label("只看进度落后的").check()
    page.get_by_test_id("report-filter").get_by_role("button", name="查看").click()
    page.wait_for_url("**behind=1**")
    assert row_ids(page) == [pk for pk in in_tree_order if pk != staff]
    assert page.get_by_label("只看进度落后的").is_checked()
    screenshot("training-report-02-behind-only")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_test_id("report-table").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at phone width"
    screenshot("training-report-03-phone")
