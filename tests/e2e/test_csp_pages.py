"""Pages outside the product's own templates work under the Content-Security-Policy too: the API browser
(Swagger UI, its init script served as a file) and the admin. A violation fails the test (see conftest)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_browser_renders_without_inline_script(county, live_server, page, screenshot):
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()  # the operations came from the schema
    screenshot("csp-01-api-docs")


def test_the_admin_renders_for_staff(county, live_server, page, screenshot):
    county.orgadmin.is_staff = True
    county.orgadmin.is_superuser = True
    county.orgadmin.save()
    sign_in(page, live_server, county.orgadmin.username)
    page.goto(f"{live_server.url}/admin/")
    page.locator("#content").wait_for()
    page.goto(f"{live_server.url}/admin/org/orgunit/")
    page.locator("#result_list, #changelist").first.wait_for()
    screenshot("csp-02-admin")
