"""Creates happen once (issue 14, item 7): a create form sent again — double click, back button — or an API create
retried with its Idempotency-Key makes one record, and the repeat gets the first submission's answer.

Here, in sequence: the four forms of the report (a bonus, a supervision letter, a task, an external training
record), a refused form that keeps its token, an error message on the way out, htmx, the API (replay, another body,
a refusal, expiry, multipart), and what the token costs. The two lists that keep it so (every page view that answers
a POST, every API create): tests/test_idempotency_covered.py. The same requests at once, against the live server:
tests/test_idempotency_parallel.py.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.test import APIClient

from appraisal.models import AnnualProcedure, ExportJob, ScoreEntry
from appraisal.scoring.periods import MONTH, period_key_for
from appraisal.services.grades import grades_propose
from common.idempotency import FORM_FIELD, HEADER
from common.models import IdempotencyKey
from tasks.models import SupervisionLetter, Task
from tests.appraisal.factories import staff_in
from tests.files import pdf_bytes, png_bytes
from training.models import ExternalTraining

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FUTURE = (TODAY + timedelta(days=10)).isoformat()
TOKEN = re.compile(rf'name="{FORM_FIELD}" value="([^"]+)"')
ALREADY = "This form was already submitted; this is what the first submission led to."


def token_of(client: Client, url: str) -> str:
    """The one-time token of the form on the page at ``url``, as a browser would send it back."""
    page = client.get(url)
    assert page.status_code == 200
    found = TOKEN.findall(page.content.decode())
    assert len(found) == 1, found
    return found[0]


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- the four forms of the report --------------------------------------------------------------------------------

def _entry(county: Any) -> dict[str, Any]:
    from tests.factories import period

    period(period_key_for(MONTH, TODAY))  # the organization department opened the month
    return {"official": county.staff_official.pk, "rule": "innovation", "points": "2", "reason": "提出创新建议",
            "occurred_on": TODAY.isoformat()}


def _letter(county: Any) -> dict[str, Any]:
    return {"recipient_unit": county.culture_tourism.pk, "recipient_official": county.staff_official.pk,
            "title": "关于加快项目进度的督办函", "content": "请加快进度。", "reply_deadline": FUTURE, "number": ""}


def _task(county: Any) -> dict[str, Any]:
    return {"title": "乡村旅游节", "unit": "WL02", "responsible": county.staff_official.staff_number,
            "source": "own_key", "kind": "ad_hoc", "start_date": TODAY.isoformat(), "deadline": FUTURE,
            "weight": "1", "milestones": ""}


def _external(county: Any) -> dict[str, Any]:
    return {"title": "网络学院专题", "provider": "干部网络学院", "started_on": "2025-05-01",
            "ended_on": "2025-05-02", "hours": "6", "certificate": SimpleUploadedFile("c.pdf", pdf_bytes())}


# url name, who submits it (a County attribute), the form's data, what it creates
REPORTED: dict[str, tuple[str, Callable[[Any], dict[str, Any]], type[Model]]] = {
    "appraisal:entry_add": ("head", _entry, ScoreEntry),
    "tasks:letter_create": ("head", _letter, SupervisionLetter),
    "tasks:task_create": ("head", _task, Task),
    "training:mine": ("staff", _external, ExternalTraining),
}


@pytest.mark.parametrize("name", REPORTED)
def test_a_form_sent_twice_creates_once_and_the_repeat_leads_to_the_first_result(county, client_for, name):
    who, data, model = REPORTED[name]
    client = client_for(getattr(county, who))
    url = reverse(name)
    token = token_of(client, url)
    assert token != token_of(client, url)  # every page shows a new token

    first = client.post(url, {**data(county), FORM_FIELD: token})
    assert first.status_code == 302, first.content.decode()[:2000]
    again = client.post(url, {**data(county), FORM_FIELD: token})  # the back button, a double click
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert model._default_manager.count() == 1
    assert said(again)[-1] == gettext(ALREADY)
    # A new page is a new form: it creates again.
    assert client.post(url, {**data(county), FORM_FIELD: token_of(client, url)}).status_code == 302
    assert model._default_manager.count() == 2


def test_a_refused_form_keeps_its_token_and_the_corrected_one_goes_through(county, client_for):
    client = client_for(county.head)
    url = reverse("tasks:letter_create")
    token = token_of(client, url)
    refused = client.post(url, {**_letter(county), "reply_deadline": "2020-01-01", FORM_FIELD: token})
    assert refused.status_code == 200 and refused.context["form"].errors  # the service refused a past deadline
    assert not IdempotencyKey.objects.exists()
    assert TOKEN.search(refused.content.decode())  # the form shown again still has a token
    done = client.post(url, {**_letter(county), FORM_FIELD: token})
    assert done.status_code == 302 and SupervisionLetter.objects.count() == 1
    assert IdempotencyKey.objects.get().location == done["Location"]


def test_a_refusal_said_on_the_way_out_keeps_the_token(county, client_for):
    """Opening a unit's year redirects in both cases; refused, it says why in an error message."""
    from tests.factories import period

    period("2026")
    client = client_for(county.orgadmin)
    data = {"period": "2026", "unit": "WL", FORM_FIELD: "t" * 32}
    refused = client.post(reverse("appraisal:procedure_open"), data)  # no grades proposed yet
    assert refused.status_code == 302 and not AnnualProcedure.objects.exists()
    staff_in(county.culture_office, county.culture, [90, 80])
    grades_propose(period=period("2026"), by=county.orgadmin)
    opened = client.post(reverse("appraisal:procedure_open"), data)
    procedure = AnnualProcedure.objects.get()
    assert opened["Location"] == reverse("appraisal:procedure_detail", args=[procedure.pk])
    assert client.post(reverse("appraisal:procedure_open"), data)["Location"] == opened["Location"]


def test_htmx_gets_the_first_result_as_a_client_redirect(county, client_for, django_capture_on_commit_callbacks):
    """The export form is htmx: its answer is the progress bar (a 2xx), its refusals 422; a repeat reloads the
    exports page instead of starting a second export."""
    from tests.factories import period

    staff_in(county.culture_office, county.culture, [90, 80])
    period("2026-10")
    client = client_for(county.orgadmin)
    url = reverse("appraisal:export_start")
    token = token_of(client, reverse("appraisal:exports"))
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/appraisal/grades/exports/"}
    refused = client.post(url, {"period": "2026-10", FORM_FIELD: token}, **htmx)  # no scorecards that month
    assert refused.status_code == 422 and not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"period": "2026", FORM_FIELD: token}, **htmx)
    assert started.status_code == 200 and b'data-testid="export-progress"' in started.content
    again = client.post(url, {"period": "2026", FORM_FIELD: token}, **htmx)
    assert again.status_code == 200 and again["HX-Redirect"] == "/appraisal/grades/exports/"
    assert ExportJob.objects.count() == 1


def test_tokens_are_per_user_and_forgotten_after_the_ttl(county, client_for):
    url = reverse("tasks:letter_create")
    token = "x" * 32
    head = client_for(county.head)
    assert head.post(url, {**_letter(county), FORM_FIELD: token}).status_code == 302
    # Someone else's form with the same token is theirs.
    assert client_for(county.orgadmin).post(url, {**_letter(county), FORM_FIELD: token}).status_code == 302
    assert SupervisionLetter.objects.count() == 2
    # A day later the token is forgotten (and purged when its user next submits).
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS,
                                                                        minutes=1))
    assert head.post(url, {**_letter(county), FORM_FIELD: token}).status_code == 302
    assert SupervisionLetter.objects.count() == 3
    assert IdempotencyKey.objects.filter(user=county.head).count() == 1  # the old one went
    assert IdempotencyKey.objects.filter(user=county.orgadmin).count() == 1  # not its user's: kept till then


def test_a_form_without_a_token_is_served_as_before(county, client_for):
    """A page rendered before an upgrade has no token: its submission still goes through, unprotected."""
    client = client_for(county.head)
    for _twice in (1, 2):
        assert client.post(reverse("tasks:letter_create"), _letter(county)).status_code == 302
    assert SupervisionLetter.objects.count() == 2 and not IdempotencyKey.objects.exists()


# -- the API -----------------------------------------------------------------------------------------------------

def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def entry_body(county: Any, **changes: Any) -> dict[str, Any]:
    from tests.factories import period

    key = period_key_for(MONTH, TODAY)
    period(key)
    return {"official": county.staff_official.pk, "period": key, "rule": "innovation", "points": "2",
            "reason": "提出创新建议", **changes}


def test_an_api_create_repeated_with_its_key_answers_the_first_response(county):
    client = api(county.head)
    key = str(uuid.uuid4())
    first = client.post("/api/v1/score-entries/", entry_body(county), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = client.post("/api/v1/score-entries/", entry_body(county), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content and ScoreEntry.objects.count() == 1
    # Without a key, or with a new one, it is a new entry.
    assert client.post("/api/v1/score-entries/", entry_body(county), format="json").status_code == 201
    assert client.post("/api/v1/score-entries/", entry_body(county), format="json",
                       HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 201
    assert ScoreEntry.objects.count() == 3
    # The key is the caller's: another user's same key is another request.
    assert api(county.orgadmin).post("/api/v1/score-entries/", entry_body(county), format="json",
                                     HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    assert ScoreEntry.objects.count() == 4


def test_the_same_key_with_another_request_is_a_422(county):
    client = api(county.head)
    key = "order-2026-0001"
    assert client.post("/api/v1/score-entries/", entry_body(county), format="json",
                       HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    other = client.post("/api/v1/score-entries/", entry_body(county, points="3"), format="json",
                        HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 422
    assert other.json() == {"code": "idempotency_key_reused", "message": other.json()["message"]}
    assert other.json()["message"]
    elsewhere = client.post("/api/v1/tasks/", {"title": "x"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert elsewhere.status_code == 422 and ScoreEntry.objects.count() == 1 and not Task.objects.exists()
    # The same body with its fields in another order is the same request.
    reordered = dict(reversed(list(entry_body(county).items())))
    assert client.post("/api/v1/score-entries/", reordered, format="json",
                       HTTP_IDEMPOTENCY_KEY=key)["Idempotent-Replayed"] == "true"


def test_a_refused_api_request_keeps_no_answer(county):
    client = api(county.head)
    key = str(uuid.uuid4())
    refused = client.post("/api/v1/score-entries/", entry_body(county, points="9"), format="json",
                          HTTP_IDEMPOTENCY_KEY=key)  # outside the rule's range
    assert refused.status_code == 400 and not IdempotencyKey.objects.exists()
    done = client.post("/api/v1/score-entries/", entry_body(county), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert done.status_code == 201 and ScoreEntry.objects.count() == 1


def test_keys_expire_and_must_be_well_formed(county):
    client = api(county.head)
    key = str(uuid.uuid4())
    client.post("/api/v1/score-entries/", entry_body(county), format="json", HTTP_IDEMPOTENCY_KEY=key)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS,
                                                                        minutes=1))
    later = client.post("/api/v1/score-entries/", entry_body(county), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert later.status_code == 201 and "Idempotent-Replayed" not in later and ScoreEntry.objects.count() == 2
    for bad in ("k" * 256, "中文键", "two words"):
        answer = client.post("/api/v1/score-entries/", entry_body(county), format="json", HTTP_IDEMPOTENCY_KEY=bad)
        assert answer.status_code == 400 and answer.json()["fields"] == {HEADER: [answer.json()["message"]]}
    assert ScoreEntry.objects.count() == 2


def test_a_multipart_create_is_the_same_request_only_with_the_same_file(county, client_for):
    client = client_for(county.staff)
    url = reverse("external-training-list")
    fields = {"title": "党校", "provider": "市委党校", "started_on": "2025-06-01", "ended_on": "2025-06-05",
              "hours": "20"}
    key = str(uuid.uuid4())

    def send(content: bytes, name: str = "c.pdf") -> Any:
        return client.post(url, {**fields, "certificate": SimpleUploadedFile(name, content)},
                           HTTP_IDEMPOTENCY_KEY=key)

    first = send(pdf_bytes())
    assert first.status_code == 201, first.content
    assert send(pdf_bytes())["Idempotent-Replayed"] == "true"
    assert send(png_bytes(), "c.png").status_code == 422
    assert ExternalTraining.objects.count() == 1


def test_the_token_costs_the_same_few_statements_however_many_keys_a_user_has(county, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(county.head)
    url = reverse("tasks:letter_create")

    def statements(token: str | None) -> int:
        data = _letter(county) if token is None else {**_letter(county), FORM_FIELD: token}
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data).status_code == 302
        return len(queries.captured_queries)

    statements(None)  # warm up (the unit tree, the number sequence)
    plain = statements(None)
    first = statements("a" * 32)
    old = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1)
    IdempotencyKey.objects.bulk_create(IdempotencyKey(user=county.head, kind="form", key=f"{n:032d}", location="/")
                                       for n in range(60))
    IdempotencyKey.objects.filter(key__endswith="0").update(created_at=old)
    many = statements("b" * 32)
    # The outer atomic (a savepoint in a test) and its release; the purge; a savepoint, the insert and its release;
    # where it led. However many keys the user has: the purge is one statement.
    assert first == many == plain + 7
    assert IdempotencyKey.objects.filter(user=county.head).count() == 60 - 6 + 2
