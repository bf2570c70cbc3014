"""Ballot codes (民主测评 without accounts): issuing (random codes, stored only as a keyed hash), single use (also
under two racing submissions), no link between a ballot and its code, revoked batches and closed rounds, the
response-rate minimum that drops a group and scales the others up, the per-group trim, and an incomplete
check-up left out of the score by setting."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.components import PeriodWindow
from appraisal.components.checkup import checkup_evaluation
from appraisal.models import (
    Ballot,
    BallotBatch,
    BallotCode,
    BallotRating,
    CheckupResult,
    RaterAssignment,
    Scorecard,
)
from appraisal.selectors.ballots import ALPHABET, CODE_LENGTH, code_digest, code_lookup, code_normalize
from appraisal.services.ballots import ballot_cast, batch_issue, batch_revoke
from appraisal.services.checkup import round_close
from appraisal.services.checkup_results import round_compute
from appraisal.services.rollup import rollup_period
from common.errors import ApplicationError
from org.models import RankLevel
from tests.appraisal.test_checkup_services import assign, give, open_round, raters
from tests.conftest import require_service, statements
from tests.factories import OfficialFactory, OrgUnitFactory, RoleGrantFactory, UserFactory, period

LEADERS = (RankLevel.LEADERSHIP, RankLevel.MIDDLE)


# -- helpers shared with the page tests (no test_ names) ---------------------------------------------------------
def issue(county, checkup, size: int = 10, group: str = "recipients", unit=None, levels=LEADERS, **extra):
    return batch_issue(by=county.orgadmin, round=checkup, group=group, unit=unit or county.culture,
                       rank_levels=levels, size=size, **extra)


def vote(code: str, batch: BallotBatch, value: str | dict[int, str]) -> Ballot:
    officials = list(batch.officials.values_list("id", flat=True))
    ratings = value if isinstance(value, dict) else dict.fromkeys(officials, value)
    return ballot_cast(code=code, ratings=ratings)


# -- issuing ------------------------------------------------------------------------------------------------------
def test_codes_are_random_typable_and_stored_only_as_a_keyed_hash(county, settings):
    checkup = open_round(county)
    issued = issue(county, checkup, size=200, audience="窗口办事群众")
    batch = issued.batch
    assert len(issued.codes) == len(set(issued.codes)) == 200 == batch.size
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in issued.codes)
    assert not set("01IO") & set(ALPHABET) and len(ALPHABET) ** CODE_LENGTH == 2 ** 50
    # The officials are the unit's 班子 and 中层, kept on the batch; the ordinary cadre is not on it.
    assert set(batch.officials.all()) == {county.head_official, county.culture_official}
    assert batch.scores == {"good": 100, "fairly_good": 80, "average": 60, "poor": 0}
    digests = set(BallotCode.objects.filter(batch=batch).values_list("digest", flat=True))
    assert digests == {code_digest(code) for code in issued.codes}
    # Nowhere in clear: not in the code rows, not on the batch, not in its history.
    stored = " ".join(str(row) for model in (BallotCode, BallotBatch, BallotBatch.history.model)
                      for row in model.objects.values_list())
    assert not any(code in stored for code in issued.codes)
    # Keyed: another SECRET_KEY gives another hash; the old key stays accepted while it is a fallback.
    code = issued.codes[0]
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another-key-for-the-test-0123456789"
    assert code_digest(code) not in digests
    assert code_lookup(code).state == "invalid"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert code_lookup(code).state == "open"


def test_typed_codes_are_normalized():
    assert code_normalize(" abcde-fghjk ") == "ABCDEFGHJK"
    assert code_normalize("ABCDE FGHJK") == "ABCDEFGHJK"
    assert code_normalize("ABCDE-FGHJ") is None  # too short
    assert code_normalize("ABCDE-FGH0K") is None  # 0 is not in the alphabet


def test_only_the_organization_department_over_the_unit_issues_within_the_limits(county, settings):
    checkup = open_round(county)
    finance_org = UserFactory(username="finorg")
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    for user in (county.head, finance_org):
        with pytest.raises(ApplicationError) as error:
            batch_issue(by=user, round=checkup, group="recipients", unit=county.culture, rank_levels=LEADERS,
                        size=5)
        assert error.value.code == "forbidden"
    settings.APPRAISAL_BALLOT_MAX_CODES = 10
    refusals = {"bad_size": {"size": 11}, "invalid": {"levels": ()}, "bad_group": {"group": "nobody"},
                "no_officials": {"unit": county.finance, "levels": (RankLevel.LEADERSHIP,)}}
    for code, options in refusals.items():
        with pytest.raises(ApplicationError) as error:
            issue(county, checkup, **options)
        assert error.value.code == code
    assert not BallotBatch.objects.exists() and not BallotCode.objects.exists()
    big = OrgUnitFactory(code="BIG", parent=county.finance, kind="section")
    OfficialFactory.create_batch(41, unit=big, rank_level=RankLevel.MIDDLE)
    with pytest.raises(ApplicationError) as error:
        issue(county, checkup, unit=big)
    assert error.value.code == "too_many_officials"
    round_close(by=county.orgadmin, round=checkup)
    with pytest.raises(ApplicationError) as error:
        issue(county, checkup)
    assert error.value.code == "round_closed"


def test_issuing_costs_the_same_queries_for_10_and_1000_codes(county):
    checkup = open_round(county)
    with CaptureQueriesContext(connection) as few:
        issue(county, checkup, size=10)
    with CaptureQueriesContext(connection) as many:
        issue(county, checkup, size=1000)
    assert statements(many.captured_queries) == statements(few.captured_queries)
    assert BallotCode.objects.count() == 1010


# -- casting ------------------------------------------------------------------------------------------------------
def test_a_code_casts_one_ballot_that_does_not_point_at_the_code(county):
    checkup = open_round(county)
    issued = issue(county, checkup, size=3)
    batch = issued.batch
    code = issued.codes[0]
    assert code_lookup(code.lower()).state == "open"
    ballot = vote(code, batch, {county.head_official.pk: "good", county.culture_official.pk: "poor"})
    assert code_lookup(code).state == "used"
    assert sorted(BallotRating.objects.filter(ballot=ballot).values_list("official__name", "value")) == [
        ("王局长", "good"), ("赵主任", "poor")]
    with pytest.raises(ApplicationError) as error:
        vote(code, batch, "good")
    assert error.value.code == "used"
    assert Ballot.objects.count() == 1 and BallotRating.objects.count() == 2
    # No column pairs a ballot with its code: no reference to the code, and no time on either row.
    assert [f.name for f in Ballot._meta.concrete_fields] == ["id", "batch"]
    assert [f.name for f in BallotRating._meta.concrete_fields] == ["id", "ballot", "official", "value"]
    assert [f.name for f in BallotCode._meta.concrete_fields] == ["id", "batch", "digest", "is_used"]
    assert list(BallotCode.objects.filter(batch=batch, is_used=True).values_list("digest", flat=True)) == [
        code_digest(code)]


def test_a_ballot_rates_every_official_of_its_batch_and_nothing_else(county):
    checkup = open_round(county)
    issued = issue(county, checkup, size=1)
    code = issued.codes[0]
    for ratings in ({county.head_official.pk: "good"},  # one missing
                    {county.head_official.pk: "good", county.culture_official.pk: "splendid"}):
        with pytest.raises(ApplicationError) as error:
            ballot_cast(code=code, ratings=ratings)
        assert error.value.code == "incomplete_ballot"
    assert code_lookup(code).state == "open" and not Ballot.objects.exists()  # a refused ballot keeps the code
    # An official not on the ballot is ignored, never rated.
    vote(code, issued.batch, {county.head_official.pk: "good", county.culture_official.pk: "average",
                              county.staff_official.pk: "poor"})
    assert not BallotRating.objects.filter(official=county.staff_official).exists()


def test_wrong_revoked_and_closed_round_codes_are_all_just_invalid(county):
    checkup = open_round(county)
    first, second = issue(county, checkup, size=2), issue(county, checkup, size=2)
    batch_revoke(by=county.orgadmin, batch=first.batch, reason="样票遗失")
    codes = {"wrong": "ABCDE-FGHJK", "malformed": "not a code", "revoked": first.codes[0]}
    for kind, code in codes.items():
        assert code_lookup(code).state == "invalid", kind
        with pytest.raises(ApplicationError) as error:
            vote(code, second.batch, "good")
        assert error.value.code == "invalid_code", kind
    vote(second.codes[0], second.batch, "good")
    round_close(by=county.orgadmin, round=checkup)
    for code in second.codes:  # used or not: the round is closed
        assert code_lookup(code).state == "invalid"
        with pytest.raises(ApplicationError) as error:
            vote(code, second.batch, "good")
        assert error.value.code == "invalid_code"
    assert Ballot.objects.count() == 1


def test_revoking_needs_a_reason_the_right_department_and_happens_once(county):
    checkup = open_round(county)
    batch = issue(county, checkup).batch
    finance_org = UserFactory(username="finorg")
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    with pytest.raises(ApplicationError) as error:
        batch_revoke(by=finance_org, batch=batch, reason="误发")
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError) as error:
        batch_revoke(by=county.orgadmin, batch=batch, reason="  ")
    assert error.value.code == "reason_required"
    revoked = batch_revoke(by=county.orgadmin, batch=batch, reason="打印错误，重新发放")
    assert revoked.status == "revoked" and revoked.revoked_by == county.orgadmin
    assert revoked.history.first().history_user == county.orgadmin
    with pytest.raises(ApplicationError) as error:
        batch_revoke(by=county.orgadmin, batch=batch, reason="again")
    assert error.value.code == "conflict"


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_code_racing_on_postgresql_count_once(county):
    # CI runs on PostgreSQL, where this must run; on SQLite writers are serialized and the tests above cover it.
    require_service(connection.vendor == "postgresql", "parallel row locks need PostgreSQL (DATABASE_URL)")
    checkup = open_round(county)
    issued = issue(county, checkup, size=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cast(value: str) -> None:
        from django.db import connections

        try:
            assert code_lookup(issued.codes[0]).state == "open"  # both see an unused code
            barrier.wait()
            vote(issued.codes[0], issued.batch, value)
            outcomes.append("ok")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(value,)) for value in ("good", "poor")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "used"]
    assert Ballot.objects.count() == 1 and BallotRating.objects.count() == 2


# -- results --------------------------------------------------------------------------------------------------------
def test_ballots_count_in_the_group_score_like_ratings(county):
    checkup = open_round(county)
    issued = issue(county, checkup, size=3)
    [principal] = assign(county, checkup, county.head_official, "principal", raters(1, "p"))
    give(principal, 90)
    for code, value in zip(issued.codes, ("good", "fairly_good", "poor"), strict=True):
        vote(code, issued.batch, value)
    assert round_compute(round=checkup) == 2  # 王局长 and 赵主任 (ballots only)
    head = CheckupResult.objects.get(round=checkup, official=county.head_official)
    # recipients: (100 + 80 + 0) / 3 = 60; 3 of 3 codes used
    assert head.group_scores["recipients"] == {"score": 60.0, "responses": 3, "assigned": 0, "trimmed": False,
                                               "issued": 3, "used": 3, "rate": 1.0, "dropped": False}
    assert head.score == Decimal("78.00")  # (30 × 90 + 20 × 60) / 50
    assert head.dimension_scores == dict.fromkeys(("political", "moral", "discipline", "law", "style"), 90.0)
    middle = CheckupResult.objects.get(round=checkup, official=county.culture_official)
    assert middle.score == Decimal("60.00") and middle.dimension_scores == {} and middle.problems == []


def test_a_group_under_the_minimum_response_rate_is_dropped_and_the_others_scale_up(county, settings):
    checkup = open_round(county)
    issued = issue(county, checkup, size=6)
    [principal] = assign(county, checkup, county.head_official, "principal", raters(1, "p"))
    give(principal, 90)
    for code in issued.codes[:3]:  # 3 of 6: 50 % < 2/3
        vote(code, issued.batch, "poor")
    round_compute(round=checkup)
    head = CheckupResult.objects.get(round=checkup, official=county.head_official)
    assert head.group_scores["recipients"]["dropped"] is True and head.group_scores["recipients"]["rate"] == 0.5
    assert head.score == Decimal("90.00")  # recipients left out: the principal leader's weight is all there is
    assert head.is_incomplete is False
    # The score's evaluation component counts the result and names the group left out.
    value = checkup_evaluation(PeriodWindow(key="2026-Q3", kind="quarter", start=checkup.period.start,
                                            end=checkup.period.end))[county.head_official.pk]
    assert value.counts and value.inputs["groups_left_out"] == ["2026-Q3 服务对象 50%"]
    assert CheckupResult.objects.get(round=checkup, official=county.culture_official).score is None
    vote(issued.codes[3], issued.batch, "poor")  # 4 of 6 = 2/3 exactly: counts
    round_compute(round=checkup)
    head.refresh_from_db()
    assert head.group_scores["recipients"]["dropped"] is False and head.group_scores["recipients"]["rate"] == 0.6667
    assert head.score == Decimal("54.00")  # (30 × 90 + 20 × 0) / 50
    settings.APPRAISAL_BALLOT_MIN_RESPONSE_RATE = "0.7"
    round_compute(round=checkup)
    head.refresh_from_db()
    assert head.group_scores["recipients"]["dropped"] is True and head.score == Decimal("90.00")


def test_a_revoked_batch_does_not_count(county):
    checkup = open_round(county)
    kept, revoked = issue(county, checkup, size=1), issue(county, checkup, size=1)
    vote(kept.codes[0], kept.batch, "good")
    vote(revoked.codes[0], revoked.batch, "poor")
    batch_revoke(by=county.orgadmin, batch=revoked.batch, reason="发放过程不规范")
    round_compute(round=checkup)
    head = CheckupResult.objects.get(round=checkup, official=county.head_official)
    assert head.group_scores["recipients"]["issued"] == 1 and head.score == Decimal("100.00")


def test_dropping_the_highest_and_lowest_is_a_setting_per_group(county):
    values = ("good", "good", "fairly_good", "average", "poor")  # 100, 100, 80, 60, 0

    def recipients_score(key: str, trim: dict[str, bool] | None) -> dict:
        checkup = open_round(county, key=key, group_trim=trim)
        issued = issue(county, checkup, size=5)
        for code, value in zip(issued.codes, values, strict=True):
            vote(code, issued.batch, value)
        colleagues = assign(county, checkup, county.head_official, "colleagues", raters(5, key))
        for rating, value in zip(colleagues, (50, 70, 80, 90, 100), strict=True):
            give(rating, value)
        round_compute(round=checkup)
        return CheckupResult.objects.get(round=checkup, official=county.head_official).group_scores

    default = recipients_score("2026-Q1", None)  # every group trims, as before the setting
    assert default["recipients"]["score"] == 80.0 and default["recipients"]["trimmed"] is True  # 240 / 3
    assert default["colleagues"]["score"] == 80.0 and default["colleagues"]["trimmed"] is True
    mixed = recipients_score("2026-Q2", {"recipients": False})
    assert mixed["recipients"]["score"] == 68.0 and mixed["recipients"]["trimmed"] is False  # 340 / 5
    assert mixed["colleagues"]["trimmed"] is True  # groups not named keep trimming
    with pytest.raises(ApplicationError) as error:
        open_round(county, key="2026-Q3", group_trim={"nobody": False})
    assert error.value.code == "bad_trim"


def test_round_compute_with_ballots_costs_the_same_queries_for_few_and_many(county):
    def build(key: str, officials: int, codes: int):
        checkup = open_round(county, key=key)
        unit = OrgUnitFactory(code=f"U{key}", parent=county.culture, kind="section")
        OfficialFactory.create_batch(officials, unit=unit, rank_level=RankLevel.MIDDLE)
        issued = issue(county, checkup, size=codes, unit=unit, levels=(RankLevel.MIDDLE,))
        for code in issued.codes[: codes - 1]:
            vote(code, issued.batch, "fairly_good")
        return checkup

    small, large = build("2026-Q1", 2, 3), build("2026-Q2", 20, 30)
    with CaptureQueriesContext(connection) as few:
        assert round_compute(round=small) == 2
    with CaptureQueriesContext(connection) as many:
        assert round_compute(round=large) == 20
    assert statements(many.captured_queries) == statements(few.captured_queries)
    assert set(CheckupResult.objects.filter(round=large).values_list("score", flat=True)) == {Decimal("80.00")}


def test_an_incomplete_check_up_is_left_out_of_the_score_by_default(county, settings):
    """The rollup leaves the evaluation component out (the other weights scale up) and the scorecard says why."""
    checkup = open_round(county, key="2026-Q3", min_responses=2)
    [rating] = assign(county, checkup, county.staff_official, "principal", raters(1, "p"))
    give(rating, 40)
    round_compute(round=checkup)
    assert CheckupResult.objects.get(round=checkup, official=county.staff_official).is_incomplete is True
    quarter = period("2026-Q3")
    rollup_period(period=quarter)
    card = Scorecard.objects.get(period=quarter, official=county.staff_official)
    evaluation = card.components["evaluation"]
    assert evaluation["points"] is None and evaluation["inputs"] == {"left_out": ["2026-Q3"]}
    settings.APPRAISAL_CHECKUP_INCOMPLETE_COUNTS = True  # the behaviour before the setting
    rollup_period(period=quarter)
    card.refresh_from_db()
    assert card.components["evaluation"]["ratio"] == 0.4
    assert card.components["evaluation"]["inputs"]["incomplete"] is True


def test_ballot_rows_are_anonymous_even_to_the_results(county):
    """The results hold counts and means: never a ballot, a code or a person."""
    checkup = open_round(county)
    issued = issue(county, checkup, size=2)
    vote(issued.codes[0], issued.batch, "good")
    round_compute(round=checkup)
    text = str(list(CheckupResult.objects.values_list("group_scores", "problems")))
    assert issued.codes[0] not in text and code_digest(issued.codes[0]) not in text
    assert not RaterAssignment.objects.exists()  # ballots never become assignments
