"""The demo's ballot codes (``seed_demo``): in the current quarter's check-up, codes issued to the culture bureau's
service recipients for its 班子 and 中层, most used; the printed unused codes open a ballot without a login."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Ballot, BallotBatch, BallotCode, CheckupResult
from appraisal.scoring.periods import QUARTER, period_key_for
from appraisal.selectors.ballots import code_digest

pytestmark = pytest.mark.django_db


def test_the_demo_issues_ballot_codes_most_used_and_prints_a_few_unused(settings) -> None:
    out = StringIO()
    call_command("seed_demo", officials=60, stdout=out)
    key = period_key_for(QUARTER, timezone.localdate())
    batch = BallotBatch.objects.select_related("round__period", "unit").get()
    assert batch.round.period.key == key and batch.round.status == "open"
    assert batch.group == "recipients" and batch.unit.code == "WL" and batch.status == "active"
    levels = set(batch.officials.values_list("rank_level", flat=True))
    assert levels == {"leadership", "middle"}
    assert all(o.unit.path.startswith(batch.unit.path) for o in batch.officials.select_related("unit"))
    used = BallotCode.objects.filter(batch=batch, is_used=True).count()
    assert batch.size == 60 and used == Ballot.objects.filter(batch=batch).count() == 48
    # The results count the group (48 of 60 = 80 % ≥ 2/3) for every official on the ballot.
    results = CheckupResult.objects.filter(round=batch.round, official__in=batch.officials.all())
    assert results.count() == batch.officials.count()
    assert {r.group_scores["recipients"]["dropped"] for r in results} == {False}
    # Three unused codes are printed with their short links, and they open a ballot without a login.
    printed = re.findall(r"/b/([A-Z2-9]{10})", out.getvalue())
    assert len(printed) == 3
    digests = dict(BallotCode.objects.filter(batch=batch).values_list("digest", "is_used"))
    cache.clear()
    for code in printed:
        assert digests[code_digest(code)] is False
        response = Client().get(reverse("appraisal:ballot", args=[code]))
        assert response.status_code == 200 and 'data-testid="ballot-form"' in response.content.decode()
