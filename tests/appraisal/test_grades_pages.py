"""Grades and export pages and API: scope (heads read only, outsiders 404), propose, confirm with overrides
(reason required, input kept), the quota form, the export start → progress → download, constant queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import ExportJob, Grade, GradeDecision, QuotaApproval
from appraisal.services.grades import grades_propose
from tests.appraisal.annual_helpers import ready_to_confirm
from tests.appraisal.factories import ExportJobFactory, staff_in
from tests.factories import period


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def proposed(county):
    people = staff_in(county.culture_office, county.culture, [99, 80, 80, 80, 80])
    staff_in(county.finance_office, county.finance, [70])
    grades_propose(period=period("2026"), by=county.orgadmin)
    ready_to_confirm(county, county.culture)
    return people


def test_org_department_sees_grades_with_forms_and_heads_read_only(county, client_for, proposed):
    url = reverse("appraisal:grades")
    org = client_for(county.orgadmin).get(url, {"period": "2026", "unit": "WL"})
    assert org.status_code == 200
    assert {r.official_id for r, *_ in org.context["confirm_form"].pairs()} == {p.pk for p in proposed}
    assert org.context["quota_form"] is not None and b'data-testid="propose-grades"' in org.content
    head = client_for(county.head).get(url, {"period": "2026"})
    assert head.status_code == 200
    assert [u.code for u in head.context["units"]] == ["WL"]  # not finance
    assert head.context["confirm_form"] is None and head.context["quota_form"] is None
    assert b'data-testid="read-only"' in head.content and b'data-testid="propose-grades"' not in head.content
    assert client_for(county.outsider).get(url).status_code == 404
    assert client_for(county.staff).get(url).status_code == 404


def test_propose_from_the_page(county, client_for):
    staff_in(county.culture_office, county.culture, [80])
    response = client_for(county.orgadmin).post(reverse("appraisal:grades_propose"), {"period": "2026"})
    assert response.status_code == 302
    assert GradeDecision.objects.count() == 1
    assert client_for(county.head).post(reverse("appraisal:grades_propose"), {"period": "2026"}).status_code == 404


def _confirm_data(people, changes: dict[int, tuple[str, str]] | None = None) -> dict[str, str]:
    data = {"period": "2026", "unit": "WL", "page": "1"}
    for p in people:
        row = GradeDecision.objects.get(official=p)
        grade, reason = (changes or {}).get(p.pk, (row.proposed, ""))
        data[f"grade_{p.pk}"] = grade
        data[f"reason_{p.pk}"] = reason
    return data


def test_confirm_keeps_the_input_when_a_reason_is_missing_then_confirms(county, client_for, proposed):
    client = client_for(county.orgadmin)
    url = reverse("appraisal:grades_confirm")
    target = proposed[1]
    response = client.post(url, _confirm_data(proposed, {target.pk: (Grade.BASIC, "")}))
    assert response.status_code == 200
    assert b'data-testid="reason-error"' in response.content
    assert response.context["confirm_form"][f"grade_{target.pk}"].value() == Grade.BASIC  # kept
    assert not GradeDecision.objects.filter(confirmed_at__isnull=False).exists()

    response = client.post(url, _confirm_data(proposed, {target.pk: (Grade.BASIC, "通报批评两次")}))
    assert response.status_code == 302
    row = GradeDecision.objects.get(official=target)
    assert (row.final, row.override_reason) == (Grade.BASIC, "通报批评两次")
    assert GradeDecision.objects.filter(unit=county.culture, confirmed_at__isnull=False).count() == 5


def test_confirm_over_the_quota_shows_the_error(county, client_for, proposed):
    response = client_for(county.orgadmin).post(
        reverse("appraisal:grades_confirm"), _confirm_data(proposed, {proposed[1].pk: (Grade.EXCELLENT, "创新")}))
    assert response.status_code == 200
    assert b'data-testid="confirm-errors"' in response.content
    assert not GradeDecision.objects.filter(confirmed_at__isnull=False).exists()


def test_quota_form(county, client_for, proposed):
    client = client_for(county.orgadmin)
    url = reverse("appraisal:grades_quota")
    response = client.post(url, {"period": "2026", "unit": "WL", "share": "40", "reason": ""})
    assert response.status_code == 200 and response.context["quota_form"].errors
    response = client.post(url, {"period": "2026", "unit": "WL", "share": "40", "reason": "批复〔2026〕3号"})
    assert response.status_code == 200 and "25%" in response.content.decode()  # past the ceiling
    assert response.context["quota_form"]["share"].value() == "40"  # kept
    response = client.post(url, {"period": "2026", "unit": "WL", "share": "25", "reason": "批复〔2026〕3号"})
    assert response.status_code == 302
    assert QuotaApproval.objects.get().share == Decimal("0.250")
    page = client.get(reverse("appraisal:grades"), {"period": "2026", "unit": "WL"})
    assert page.context["summary"].quota == 1  # 25 % of 5, rounded down
    assert client_for(county.head).post(url, {"period": "2026", "unit": "WL", "share": "50",
                                              "reason": "x"}).status_code == 404


def test_grades_page_query_count_is_constant(county, client_for, django_assert_num_queries):
    client = client_for(county.orgadmin)
    counts = []
    for n in (10, 100):
        GradeDecision.objects.all().delete()
        staff_in(county.culture_office, county.culture, [80] * (n - GradeDecision.objects.count()))
        grades_propose(period=period("2026"), by=county.orgadmin)
        with django_assert_num_queries(12) as ctx:
            response = client.get(reverse("appraisal:grades"), {"period": "2026", "unit": "WL"})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_export_start_progress_and_download(county, client_for, proposed, django_capture_on_commit_callbacks):
    client = client_for(county.orgadmin)
    assert client.get(reverse("appraisal:exports")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appraisal:export_start"), {"period": "2026", "unit": "WL"},
                               HTTP_HX_REQUEST="true")
    # The page answers with the progress bar (the job runs once the request's transaction commits) ...
    assert response.status_code == 200 and b'data-testid="export-progress"' in response.content
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.rows == 5
    # ... and the next poll shows the download link.
    progress = client.get(reverse("appraisal:export_progress", args=[job.pk]))
    assert b'data-status="done"' in progress.content and b'data-testid="export-download"' in progress.content
    download = client.get(reverse("appraisal:export_download", args=[job.pk]))
    assert download.status_code == 200
    book = load_workbook(__import__("io").BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0].max_row >= 8
    # Someone else's export is not found; a head cannot start one.
    assert client_for(county.head).get(reverse("appraisal:export_download", args=[job.pk])).status_code == 404
    assert client_for(county.head).get(reverse("appraisal:export_progress", args=[job.pk])).status_code == 404
    assert client_for(county.head).post(reverse("appraisal:export_start"), {"period": "2026"}).status_code == 404


def test_a_queued_export_polls_and_a_refused_one_keeps_the_form(county, client_for, proposed):
    client = client_for(county.orgadmin)
    job = ExportJobFactory(period=period("2026"), created_by=county.orgadmin)
    response = client.get(reverse("appraisal:export_progress", args=[job.pk]))
    assert b'hx-trigger="every 1s"' in response.content
    response = client.post(reverse("appraisal:export_start"), {"period": "2026-10"})  # no such period yet
    assert response.status_code == 200 and response.context["form"].errors
    period("2026-09")
    response = client.post(reverse("appraisal:export_start"), {"period": "2026-09"})
    assert response.status_code == 200 and b'data-testid="export-errors"' in response.content


def test_grades_api_is_scoped(county, client_for, proposed):
    url = "/api/v1/grades/"
    org = client_for(county.orgadmin).get(url, {"period": "2026"}).json()
    assert org["count"] == 6
    head = client_for(county.head).get(url, {"period": "2026"}).json()
    assert head["count"] == 5 and {r["unit"] for r in head["results"]} == {"WL"}
    assert client_for(county.outsider).get(url).json()["count"] == 0
    assert client_for(county.orgadmin).get(url, {"period": "nonsense"}).status_code == 400


def test_export_jobs_api(county, client_for, proposed, django_capture_on_commit_callbacks):
    client = client_for(county.orgadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/export-jobs/", {"period": "2026", "unit": "WL"},
                               content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["period"] == "2026" and body["unit"] == "WL"
    poll = client.get(f"/api/v1/export-jobs/{body['id']}/").json()
    assert poll["status"] == "done" and poll["rows"] == 5 and poll["progress"] == 100
    assert poll["download_url"].endswith("/download/")
    download = client.get(poll["download_url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    refused = client_for(county.head).post("/api/v1/export-jobs/", {"period": "2026"},
                                           content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    assert client_for(county.head).get(f"/api/v1/export-jobs/{body['id']}/").status_code == 404
    bad = client.post("/api/v1/export-jobs/", {"period": "2099"}, content_type="application/json")
    assert bad.status_code == 400
