"""Journey: a head signs in, reads the roster statistics, opens the officials list, filters it and opens an
official."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import OfficialFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]




def test_head_filters_officials_and_opens_one(county, live_server, page, screenshot):
    OfficialFactory.create_batch(30, unit=county.culture_office, name="文旅干部")
    OfficialFactory(unit=county.culture_tourism, name="张旅游", rank_level="middle", position_title="科长")

    sign_in(page, live_server, "head")
    page.get_by_test_id("nav-statistics").click()  # the roster statistics moved off the home page
    page.wait_for_url(re.compile(r"/statistics/$"))
    assert page.get_by_test_id("officials-count").inner_text() == "34"
    expect(page.locator("#rankChart")).not_to_have_js_property("width", 0)
    screenshot("01-statistics-head")

    page.get_by_role("link", name="干部", exact=True).click()
    page.wait_for_url(re.compile(r"/officials/"))
    assert "共 34 名干部" in page.get_by_test_id("result-count").inner_text()
    assert "钱科员" not in page.content()  # another bureau's official stays hidden
    screenshot("02-officials-list")

    page.get_by_label("单位（含下级）").select_option(label="　旅游发展科")
    expect(page.get_by_test_id("result-count")).to_contain_text("共 2 名")
    page.get_by_label("姓名或工号").fill("张")
    expect(page.get_by_test_id("result-count")).to_contain_text("共 1 名")
    assert "unit=WL02" in page.url and "q=" in page.url  # the filter is in the address, shareable
    screenshot("03-officials-filtered")

    page.get_by_role("link", name="张旅游").click()
    assert page.get_by_test_id("official-name").inner_text() == "张旅游"
    assert "中层干部" in page.content() and "旅游发展科" in page.content()
    screenshot("04-official-detail")


def test_staff_sees_only_their_own_profile(county, live_server, page, screenshot):
    sign_in(page, live_server, "staff")
    page.get_by_role("link", name="我的档案").first.click()
    assert page.get_by_test_id("official-name").inner_text() == "李科员"
    page.goto(f"{live_server.url}/officials/{county.head_official.pk}/")
    assert "未找到" in page.content()
    screenshot("05-staff-404")
