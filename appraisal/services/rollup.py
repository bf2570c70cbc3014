"""The rollup: scorecards for every active official and every top-level unit of a period.

For one period, in a fixed number of queries however many officials there are:

1. the derived ledger entries and criticism flags of the period are regenerated while it is open
   (``appraisal.services.consequences.rederive``: letters, decisions and the training feed), and the period's
   stale mark is cleared if no fact changed since the run began;
2. every registered component provider computes its ratios for the period (a few aggregate queries each);
3. the officials, their top-level units, the schemes and the ledger sums per official and rule are read;
4. each official's score is computed in memory:

   - the scheme is the most specific of (category, rank level) > (category, any) > (any, rank level) >
     default, from the live tables while the period is open, from its frozen snapshot once closed;
   - component total = Σ weight × ratio over the components that have a value, scaled up to the scheme's
     total weight (a component without facts does not lower the score);
   - ledger: per rule, the sum of the official's entries dated in the period, clamped to the rule's cap
     (|sum| ≤ cap); bonus = the positive sums, deduction = the negative ones (≤ 0);
   - total = component total + bonus + deduction;
   - ranks use competition ranking ("1, 2, 2, 4": tied totals share a rank, the next rank skips): in the
     official's top-level unit, and among officials of the same unit category and rank level (同类同比);
5. scorecards are upserted in bulk (``ON CONFLICT (period, official) DO UPDATE``) and the scorecards of
   officials no longer active deleted; unit scorecards likewise (headcount, average total, rank among the
   units of the same category).

The top-level unit of an official is the depth-2 ancestor of their unit (a bureau, town or park under the
county), or the depth-1 unit itself for an official placed directly on the root. Their unit for the period
comes from their posts (``appraisal.selectors.transfers.period_unit_paths``, one query): for a week, month or
quarter the unit where they worked the most days of it — a month's scores stay with the unit they were in at the
time — and for the year the unit that grades them (考核规定 2020 第26条); an official who stayed in one unit, or
has no posts, is in ``Official.unit``. Re-running gives the same totals and ranks; only ``computed_at`` moves (one
timestamp per run).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import appraisal.components.builtin  # noqa: F401  # registers the built-in providers
from appraisal.components import PeriodWindow, registered_providers
from appraisal.models import AppraisalPeriod, PeriodStatus, RollupRun, Scorecard, UnitScorecard
from appraisal.scoring.parameters import parameters_for
from appraisal.selectors.rollup import ledger_sums, rollup_officials, scheme_weights
from appraisal.services.bulk import upsert_changed
from appraisal.services.consequences import facts_counted, rederive
from appraisal.services.rollup_scores import Card, Schemes, UnitCard, cents, rank_competition, score_card
from common.errors import ApplicationError
from org.models import User
from org.selectors import access_for

logger = logging.getLogger(__name__)

STALE_RUN_MINUTES = 30  # a queued or running run older than this no longer blocks a new one


# -- starting a run ------------------------------------------------------------------------------------


@transaction.atomic
def rollup_start(*, period: AppraisalPeriod, by: User, final: bool = False) -> RollupRun:
    """Queue a rollup of ``period`` (organization department only); the job starts when this commits.

    A published period is frozen and refused; so is a second run while one of the period's runs is queued
    or running.
    """
    from appraisal.jobs import rollup_job  # the job module imports this one

    if not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may run rollups."), code="forbidden")
    current = AppraisalPeriod.objects.select_for_update().get(pk=period.pk)
    _check_rollable(current, final)
    recent = timezone.now() - timedelta(minutes=STALE_RUN_MINUTES)
    if current.rollups.filter(status__in=(RollupRun.Status.QUEUED, RollupRun.Status.RUNNING),
                              created_at__gte=recent).exists():
        raise ApplicationError(_("A rollup of this period is already running; wait for it to finish."),
                               code="conflict")
    run = RollupRun.objects.create(period=current, final=final or current.is_frozen, started_by=by)
    transaction.on_commit(lambda: rollup_job.delay(run.pk))
    return run


def _check_rollable(period: AppraisalPeriod, final: bool) -> None:
    if period.status == PeriodStatus.PUBLISHED:
        raise ApplicationError(_("A published period is frozen; re-open it to recalculate its scores."),
                               code="frozen")
    if final and period.status == PeriodStatus.OPEN:
        raise ApplicationError(_("Only a closed period has final scores; close the period to compute them."),
                               code="invalid_transition")


# -- the rollup ----------------------------------------------------------------------------------------


def rollup_period(
    *, period: AppraisalPeriod, final: bool = False, run: RollupRun | None = None, derive: bool | None = None,
) -> RollupRun:
    """Compute and store the scorecards of ``period`` for every active official and top-level unit.

    A closed period's rollup is always final (its scorecards are not provisional) and uses the scheme and the
    score parameters frozen when it was closed. Its ledger is frozen with it too: the derived entries are
    regenerated while the period is open (``derive`` None) and by the close itself (``derive=True``), never
    by a later recalculation, which therefore gives the same scores. A published period is refused (code
    ``frozen``); so is ``final`` for an open one.
    """
    period.refresh_from_db()
    _check_rollable(period, final)
    if derive is None:
        derive = not period.is_frozen
    final = final or period.is_frozen
    if run is None:
        run = RollupRun.objects.create(period=period, final=final)
    step = _stepper(run)
    started = timezone.now()  # facts changed before this are in the scores of this run
    try:
        step(5, gettext_lazy("Deriving ledger entries"), status=RollupRun.Status.RUNNING)
        if derive:
            # Every derivation, the training feed's included: the button counts the facts as they are now.
            rederive(start=period.start, end=period.end)

        step(30, gettext_lazy("Computing components"))
        window = PeriodWindow(key=period.key, kind=period.kind, start=period.start, end=period.end,
                              parameters=parameters_for(period))
        values = {code: provider(window) for code, provider in sorted(registered_providers().items())}

        step(55, gettext_lazy("Computing scores and ranks"))
        officials = rollup_officials(period)
        schemes = Schemes(scheme_weights(period))
        # The scorecards count the ledger as read now: entries derived above are in, and the "why is my
        # score" page flags as "not in the total yet" only rows recorded after this moment.
        counted_at = timezone.now()
        ledger = ledger_sums(period)
        nothing = (Decimal(0), Decimal(0))
        cards = [score_card(o, schemes, values, ledger.get(o.pk, nothing)) for o in officials]
        rank_competition(cards, lambda c: c.official.unit_id, "rank_in_unit")
        rank_competition(cards, lambda c: (c.official.category_id, c.official.rank_level), "rank_in_category")

        step(75, gettext_lazy("Saving scorecards"))
        with transaction.atomic():
            # Lock the period so a provisional run finishing after the period was closed cannot overwrite
            # the final scores; the close holds this lock while its final rollup runs.
            current = AppraisalPeriod.objects.select_for_update().get(pk=period.pk)
            if not final and current.status != PeriodStatus.OPEN:
                raise ApplicationError(_("The period was closed while this rollup ran; its final scores stand."),
                                       code="conflict")
            _save(period, cards, computed_at=counted_at, final=final)
            AppraisalPeriod.objects.filter(pk=period.pk).update(last_rollup_at=counted_at)
            facts_counted(period=period, since=started)
        period.last_rollup_at = counted_at
        RollupRun.objects.filter(pk=run.pk).update(
            status=RollupRun.Status.DONE, progress=100, step=_label(gettext_lazy("Done")), finished_at=timezone.now(),
            officials=len(cards), error="")
    except Exception as error:
        try:
            RollupRun.objects.filter(pk=run.pk).update(
                status=RollupRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        except DatabaseError:  # the caller's transaction is broken; it rolls the run back with everything else
            logger.exception("could not mark rollup run %s failed", run.pk)
        raise
    run.refresh_from_db()
    return run


def _label(text: object) -> str:
    """Return a step label in the interface's language (the run is shown to everyone in it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)[:100]


def _stepper(run: RollupRun) -> Callable[..., None]:
    """Return a function recording the run's progress (one UPDATE, visible to the progress bar at once)."""

    def step(progress: int, label: object, **extra: Any) -> None:
        RollupRun.objects.filter(pk=run.pk).update(progress=progress, step=_label(label), **extra)

    return step


def _save(period: AppraisalPeriod, cards: list[Card], *, computed_at: datetime, final: bool) -> None:
    """Upsert the scorecards and unit scorecards; delete those of officials and units no longer rolled up.

    A scorecard's ``computed_at`` is the run that last changed it; ``period.last_rollup_at`` the last run.
    """
    at = computed_at
    # Only the cards that changed travel to the database: the stored fingerprints say which (one narrow read,
    # where sending all 10,000 cards of 8 MB for the database to compare cost 0.3-0.6 s).
    stored = dict(Scorecard.objects.filter(period=period).values_list("official_id", "fingerprint"))
    rows = (card.row(period_id=period.pk, provisional=not final) for card in cards)
    changed = [{**row, "computed_at": at} for row in rows if stored.get(row["official"]) != row["fingerprint"]]
    upsert_changed(model=Scorecard, unique=["period", "official"], rows=changed, stamp="computed_at")
    Scorecard.objects.filter(period=period).exclude(official__is_active=True).delete()

    units: dict[int, list[Card]] = defaultdict(list)
    for card in cards:
        units[card.official.unit_id].append(card)
    unit_cards = [
        UnitCard(pk=unit_id, category_id=members[0].official.category_id, headcount=len(members),
                 total=cents(sum((c.total for c in members), Decimal(0)) / len(members)))
        for unit_id, members in sorted(units.items())
    ]
    rank_competition(unit_cards, lambda u: u.category_id, "rank_in_category")
    upsert_changed(model=UnitScorecard, unique=["period", "unit"], rows=[
        {"period": period.pk, "unit": u.pk, "category": u.category_id, "headcount": u.headcount,
         "average_total": u.total, "rank_in_category": u.rank_in_category, "is_provisional": not final,
         "computed_at": at}
        for u in unit_cards
    ], stamp="computed_at")
    UnitScorecard.objects.filter(period=period).exclude(unit_id__in=[u.pk for u in unit_cards]).delete()

