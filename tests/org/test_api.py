"""The API: authentication, scoped lists with filters and pagination, schema and docs."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import OfficialFactory


def test_token_authentication(county):
    token = Token.objects.create(user=county.head)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/officials/")
    assert response.status_code == 200 and response.json()["count"] == 3


def test_unauthenticated_is_refused_with_a_structured_error(db):
    response = APIClient().get("/api/v1/officials/")
    assert response.status_code in (401, 403)
    assert set(response.json()) >= {"code", "message"}


def test_pagination_and_page_size(county, client_for):
    OfficialFactory.create_batch(12, unit=county.culture_office)
    body = client_for(county.head).get("/api/v1/officials/", {"page_size": 5}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 15 and len(body["results"]) == 5 and "page=2" in body["next"]


def test_filters(county, client_for):
    client = client_for(county.orgadmin)

    def names(**params):
        return {o["name"] for o in client.get("/api/v1/officials/", params).json()["results"]}

    assert names(unit="WL") == {"王局长", "李科员", "赵主任"}
    assert names(q="钱") == {"钱科员"}
    assert names(rank_level="leadership") == {"王局长"}
    body = client.get("/api/v1/officials/", {"rank_level": "nonsense"})
    assert body.status_code == 400 and body.json()["code"] == "invalid" and "rank_level" in body.json()["fields"]


def test_official_payload(county, client_for):
    data = client_for(county.head).get(f"/api/v1/officials/{county.staff_official.pk}/").json()
    assert data["staff_number"] == county.staff_official.staff_number
    assert data["unit"]["code"] == "WL02" and data["rotation_due"] is False
    assert "id_number" not in data


def test_units_payload_has_parent_codes(county, client_for):
    results = client_for(county.orgadmin).get("/api/v1/units/", {"page_size": 100}).json()["results"]
    by_code = {u["code"]: u for u in results}
    assert by_code["WL01"]["parent"] == "WL" and by_code["QH"]["parent"] is None


def test_schema_and_docs_are_self_hosted(county, client_for):
    client = client_for(county.staff)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/officials/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower() and "jsdelivr" not in docs.lower()


@pytest.mark.parametrize("path", ["/api/v1/officials/", "/api/v1/units/"])
def test_api_write_methods_are_not_allowed(county, client_for, path):
    assert client_for(county.orgadmin).post(path, {}).status_code == 405


def test_an_official_who_has_left_is_found_in_the_api_as_on_the_page(county, client_for):
    county.culture_official.is_active = False
    county.culture_official.save()
    head, outsider = client_for(county.head), client_for(county.outsider)
    url = f"/api/v1/officials/{county.culture_official.pk}/"
    assert head.get(f"/officials/{county.culture_official.pk}/").status_code == 200
    assert head.get(url).status_code == 200 and head.get(url).json()["is_active"] is False
    assert outsider.get(url).status_code == 404  # out of scope: as if it did not exist
    listed = head.get("/api/v1/officials/").json()["results"]
    assert county.culture_official.pk not in {o["id"] for o in listed}  # the list defaults to active ones
    assert county.culture_official.pk in {o["id"] for o in head.get("/api/v1/officials/?status=left").json()["results"]}
