"""Consequences follow the facts: a changed fact moves the official's ledger, flags and score at once.

The fact apps announce each change (``org.facts.facts_changed``, inside their transaction); ``fact_changed``
below receives it (connected in ``AppraisalConfig.ready``) and, for the periods the change touches:

1. locks them (so a close running at the same time waits, or is waited for and then seen closed) and leaves
   alone any change whose dates fall in a closed or published period — its ledger is frozen;
2. re-derives, in the same transaction, the ledger rows and criticism flags of the changed dates when the
   fact is one that derives some (``rederive``: the letters, decisions and training feed, set-based over the
   day of the fact — a fixed number of queries, whichever and however many officials it concerns). An absence
   corrected to leave loses its −1 and, below three, the 通报批评 flag waiting for the head (``appraisal.services
   .derive_training``, ``training.services.criticism``);
3. marks the open periods stale (``AppraisalPeriod.facts_changed_at``): their scorecards do not show the
   change yet;
4. once the transaction commits, queues the recomputation of the officials' scorecards in the open periods
   already rolled up (``appraisal.jobs.scorecards_refresh_job`` → ``appraisal.services.rescore``),
   which clears the stale mark when no later change came in: one job for all the changes of a transaction (a
   task import announces each task), at most ``REFRESH_PERIODS_MAX`` periods, the longest first (the others
   stay marked stale). Eager in the embedded default, a worker's job in production. A change
   without a list of officials (a job flagging a whole month's missing reports) or a transaction touching
   more than ``REFRESH_MAX`` of them only marks the periods stale: the organization department's rollup
   button, or the next scheduled rollup, catches up in one set-based pass.

A criticism flag already decided is the head's: a confirmed one whose absences fall below three stays, with
its −2, and the heads are told to review it (``training.services.criticism``). The staleness is read with
``appraisal.selectors.periods.period_is_stale``; the period pages show it.

Facts counted by a component (reports, tasks, training hours, check-ups) derive no ledger row; steps 3 and 4
are their consequences. The rollup re-derives before it computes (``rederive`` over the period) and clears
the stale mark (``facts_counted``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from appraisal.models import AppraisalPeriod, PeriodKind, PeriodStatus
from appraisal.scoring.facts import FACTS
from appraisal.services.derive import RULE_FACTS, derive_window
from appraisal.services.derive_training import RULE_FACTS as TRAINING_RULE_FACTS
from appraisal.services.derive_training import training_feed
from org.facts import FactChange

REFRESH_MAX = 200  # officials recomputed one change at a time; beyond this a rollup is cheaper
REFRESH_PERIODS_MAX = 8  # periods recomputed per transaction: year, quarter, month and the first weeks
KIND_ORDER: list[str] = [PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.WEEK]
TRAINING_FACTS = frozenset(TRAINING_RULE_FACTS.values())
LETTER_AND_DECISION_FACTS = frozenset(RULE_FACTS.values())

Derivation = Callable[..., dict[str, int]]


def _training_feed(**kwargs: Any) -> dict[str, int]:
    return training_feed(**{k: v for k, v in kwargs.items() if k != "today"})


def _derivations(facts: Collection[str] | None) -> list[Derivation]:
    """The derivations that record ``facts`` as ledger rows or flags (all of them for ``None``)."""
    found: list[Derivation] = []
    if facts is None or LETTER_AND_DECISION_FACTS & set(facts):
        found.append(derive_window)
    if facts is None or TRAINING_FACTS & set(facts):
        found.append(_training_feed)
    return found


def rederive(*, start: date, end: date, facts: Collection[str] | None = None, today: date | None = None,
             touched: set[int] | None = None) -> None:
    """Regenerate the derived ledger rows and criticism flags of the facts dated between ``start`` and ``end``
    (of the kinds ``facts``, or all); add the officials whose rows changed to ``touched``."""
    for derivation in _derivations(facts):
        derivation(start=start, end=end, today=today, touched=touched)


def facts_counted(*, period: AppraisalPeriod, since: datetime) -> None:
    """Clear the period's stale mark unless a fact changed after ``since`` (what the scores have counted)."""
    AppraisalPeriod.objects.filter(pk=period.pk, facts_changed_at__lte=since).update(facts_changed_at=None)


def fact_changed(sender: object, *, change: FactChange, **kwargs: Any) -> None:
    """Receive ``org.facts.fact_changed`` (see the module)."""
    facts_follow(change=change)


@transaction.atomic
def facts_follow(*, change: FactChange, today: date | None = None) -> None:
    """Make the consequences of ``change`` follow it (see the module). Call inside the fact's transaction."""
    unknown = change.facts - FACTS.keys()
    if unknown:
        raise ValueError(f"unknown facts {sorted(unknown)}: name them as appraisal.scoring.facts.FACTS does")
    touches = Q()
    for start, end in {span for spans in change.spans.values() for span in spans}:
        touches |= Q(start__lte=end, end__gte=start)
    periods = list(AppraisalPeriod.objects.select_for_update().filter(touches).order_by("start", "pk"))
    still_open = [p for p in periods if p.status == PeriodStatus.OPEN]
    if not still_open:
        return  # no period, or only frozen ones: their scores and ledger stay as they were closed

    touched = set(change.officials or ())
    # Facts counted by a component have no derivation: no ledger row, no flag.
    work = {(span, derivation) for fact, spans in change.spans.items() for derivation in _derivations([fact])
            for span in spans}
    for (start, end), derivation in sorted(work, key=lambda item: (item[0], item[1].__name__)):
        if any(p.is_frozen and p.start <= end and p.end >= start for p in periods):
            continue  # a closed period's ledger is frozen, and these rows are dated in it
        derivation(start=start, end=end, today=today, touched=touched)

    changed_at = timezone.now()
    AppraisalPeriod.objects.filter(pk__in=[p.pk for p in still_open]).update(facts_changed_at=changed_at)
    rolled_up = [p for p in still_open if p.last_rollup_at is not None]
    if rolled_up and touched:
        _pending().add(rolled_up, None if change.officials is None else touched, changed_at)


class _Pending:
    """The scorecards to recompute when the transaction commits: one job for every change it made (a task
    import announces each task; the job recomputes each official once)."""

    def __init__(self) -> None:
        self.periods: dict[int, tuple[int, date]] = {}  # pk → (kind's order, start)
        self.officials: set[int] | None = set()  # None: too many, or unknown — the periods stay stale
        self.changed_at: datetime | None = None
        self.flushed = False

    def add(self, periods: list[AppraisalPeriod], officials: set[int] | None, changed_at: datetime) -> None:
        self.periods.update({p.pk: (KIND_ORDER.index(p.kind), p.start) for p in periods})
        if self.officials is not None and officials is not None and len(self.officials | officials) <= REFRESH_MAX:
            self.officials |= officials
        else:
            self.officials = None
        self.changed_at = changed_at

    def flush(self) -> None:
        self.flushed = True
        if not self.officials or self.changed_at is None:
            return  # a rollup's work: the periods stay marked stale
        from appraisal.jobs import scorecards_refresh_job  # the jobs import the services

        # The longest periods first; weeks beyond the limit stay marked stale (an attendance record counts towards
        # the year's hours in every later week, and weeks are seldom closed).
        periods = sorted(self.periods, key=lambda pk: self.periods[pk])[:REFRESH_PERIODS_MAX]
        scorecards_refresh_job.delay(periods, sorted(self.officials), self.changed_at.isoformat())


def _pending() -> _Pending:
    """Return this transaction's pending recomputation, registering it to run on commit the first time.

    Kept on the connection; one that ran, or whose callback is gone (its savepoint or transaction rolled back),
    is replaced.
    """
    connection = transaction.get_connection()
    pending: _Pending | None = getattr(connection, "_appraisal_scores_pending", None)
    if pending is None or pending.flushed or not any(entry[1] == pending.flush for entry in connection.run_on_commit):
        pending = _Pending()
        connection._appraisal_scores_pending = pending
        # robust: the fact is saved whatever happens to the job; a failure is logged and the period stays stale.
        transaction.on_commit(pending.flush, robust=True)
    return pending
