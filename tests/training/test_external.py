"""External training: submit with a checked certificate, approve/return by a head in scope, the certificate
served only to those in scope, "my training", the review queue and the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.errors import ApplicationError
from common.models import Notification
from common.text_limits import NOTE
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory
from tests.files import pdf_bytes, png_bytes
from tests.training.factories import ExternalTrainingFactory
from tests.training.test_progress import YEAR, attend, make_session
from training.models import ExternalStatus, ExternalTraining
from training.services.external import external_approve, external_return, external_submit

PDF = pdf_bytes()
PNG = png_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def submit(county, *, by=None, official=None, certificate=None, hours="8"):
    return external_submit(by=by or county.staff, official=official or county.staff_official, title="党校轮训",
                           provider="县委党校", started_on=date(YEAR, 4, 1), ended_on=date(YEAR, 4, 3),
                           hours=Decimal(hours), certificate=certificate)


def test_submit_by_self_or_head_notifies_heads(county):
    record = submit(county, certificate=SimpleUploadedFile("cert.pdf", PDF))
    assert record.status == ExternalStatus.SUBMITTED and record.certificate
    assert Notification.objects.filter(user=county.head, kind="training_external").count() == 1
    by_head = submit(county, by=county.head)
    assert by_head.official == county.staff_official
    with pytest.raises(ApplicationError) as refused:
        submit(county, by=county.outsider)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        submit(county, by=county.head, official=county.finance_official)
    assert ExternalTraining.objects.count() == 2


@pytest.mark.parametrize("name,content", [
    ("cert.pdf", b"MZ\x90\x00 not a pdf"),   # PDF name, other content
    ("cert.png", PDF),                        # PNG name, PDF content
    ("cert.exe", PDF),                        # wrong type
    ("cert.jpg", PNG),
])
def test_certificate_type_refused(county, name, content):
    with pytest.raises(ApplicationError) as refused:
        submit(county, certificate=SimpleUploadedFile(name, content))
    assert refused.value.code == "bad_file"
    assert not ExternalTraining.objects.exists()


def test_certificate_size_refused(county, settings):
    settings.TRAINING_CERTIFICATE_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as refused:
        submit(county, certificate=SimpleUploadedFile("cert.pdf", PDF + b"x" * 200))
    assert refused.value.code == "too_large"
    assert submit(county, certificate=SimpleUploadedFile("cert.png", PNG)).certificate


def test_certificate_served_only_in_scope(county, client_for):
    record = submit(county, certificate=SimpleUploadedFile("cert.pdf", PDF))
    url = reverse("training:certificate", args=[record.pk])
    for user in (county.staff, county.head, county.orgadmin):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    for user in (county.outsider, finance_head):
        assert client_for(user).get(url).status_code == 404
    no_file = submit(county)
    assert client_for(county.staff).get(reverse("training:certificate", args=[no_file.pk])).status_code == 404


def test_approve_and_return_rules(county):
    record = submit(county)
    with pytest.raises(ApplicationError) as refused:
        external_approve(by=county.staff, record=record)  # not a head
    assert refused.value.code == "forbidden"
    approved = external_approve(by=county.head, record=record)
    assert approved.status == ExternalStatus.APPROVED and approved.reviewed_by == county.head
    assert Notification.objects.filter(user=county.staff, kind="training_external").count() == 1
    with pytest.raises(ApplicationError) as conflict:
        external_return(by=county.head, record=ExternalTraining.objects.get(pk=record.pk), reason="重复")
    assert conflict.value.code == "conflict"
    assert ExternalTraining.objects.get(pk=record.pk).status == ExternalStatus.APPROVED
    assert approved.history.count() == 2  # created, approved: recorded once


def test_return_needs_reason_and_never_for_oneself(county):
    record = submit(county)
    with pytest.raises(ApplicationError):
        external_return(by=county.head, record=record, reason="  ")
    returned = external_return(by=county.head, record=record, reason="缺少证书")
    assert returned.status == ExternalStatus.RETURNED and returned.return_reason == "缺少证书"
    own = submit(county, by=county.head, official=county.head_official)
    with pytest.raises(ApplicationError) as refused:
        external_approve(by=county.head, record=own)
    assert refused.value.code == "forbidden"


def test_mine_page_submit_and_keep_input(county, client_for):
    client = client_for(county.staff)
    session = make_session(county.culture)
    attend(session, county.staff_official)
    response = client.get(reverse("training:mine") + f"?year={YEAR}")
    assert response.status_code == 200
    assert b'data-testid="hours-bar"' in response.content and b'data-testid="prorata-marker"' in response.content
    assert response.context["progress"].hours == Decimal(4)
    data = {"title": "网络学院专题", "provider": "干部网络学院", "started_on": "2025-05-01",
            "ended_on": "2025-05-02", "hours": "6"}
    bad = client.post(reverse("training:mine"), {**data, "certificate": SimpleUploadedFile("c.pdf", b"nope")})
    assert bad.status_code == 200
    assert "网络学院专题".encode() in bad.content  # what was typed is kept
    assert not ExternalTraining.objects.exists()
    good = client.post(reverse("training:mine"), {**data, "certificate": SimpleUploadedFile("c.pdf", PDF)})
    assert good.status_code == 302
    assert ExternalTraining.objects.get().official == county.staff_official
    assert client_for(county.outsider).get(reverse("training:mine")).status_code == 200


@pytest.mark.parametrize("count", [10, 100])
def test_review_queue_constant_queries(county, client_for, django_assert_num_queries, count):
    for official in OfficialFactory.create_batch(count, unit=county.culture_office):
        ExternalTrainingFactory(official=official, title="t", provider="p", started_on=date(YEAR, 1, 1),
                                ended_on=date(YEAR, 1, 1), hours=Decimal(2))
    client = client_for(county.head)
    client.get(reverse("training:external_review"))
    with django_assert_num_queries(7):
        response = client.get(reverse("training:external_review"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert client_for(county.staff).get(reverse("training:external_review")).status_code == 404


def test_review_page_actions(county, client_for):
    record = submit(county)
    client = client_for(county.head)
    response = client.post(reverse("training:external_approve", args=[record.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'data-testid="review-status"' in response.content
    again = client.post(reverse("training:external_return", args=[record.pk]), {"reason": "x"},
                        HTTP_HX_REQUEST="true")
    assert again.status_code == 422 and b'data-testid="review-error"' in again.content
    # A reason past its length: the row says so, naming the field, and keeps what was typed.
    other = submit(county)
    long = "缺" * (NOTE + 1)  # a reason is a note (common.text_limits)
    refused = client.post(reverse("training:external_return", args=[other.pk]), {"reason": long},
                          HTTP_HX_REQUEST="true")
    body = refused.content.decode()
    assert refused.status_code == 422 and 'data-testid="review-error"' in body and str(NOTE) in body
    assert f'value="{long}"' in body and "退回原因" in body
    other.refresh_from_db()
    assert other.status == "submitted"
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    assert client_for(finance_head).post(reverse("training:external_approve", args=[other.pk])).status_code == 404


def test_api_submit_list_approve_return(county, client_for):
    staff = client_for(county.staff)
    response = staff.post(reverse("external-training-list"), {
        "title": "党校", "provider": "市委党校", "started_on": "2025-06-01", "ended_on": "2025-06-05",
        "hours": "20", "certificate": SimpleUploadedFile("c.pdf", PDF)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["certificate_url"] == reverse("training:certificate", args=[body["id"]])
    refused = staff.post(reverse("external-training-approve", args=[body["id"]]))
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    head = client_for(county.head)
    assert [r["id"] for r in head.get(reverse("external-training-list")).json()["results"]] == [body["id"]]
    assert client_for(county.outsider).get(reverse("external-training-list")).json()["count"] == 0
    assert head.post(reverse("external-training-return", args=[body["id"]]), {},
                     content_type="application/json").status_code == 400
    returned = head.post(reverse("external-training-return", args=[body["id"]]), {"reason": "证书不清"},
                         content_type="application/json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    assert client_for(finance_head).post(reverse("external-training-approve", args=[body["id"]])).status_code == 404
