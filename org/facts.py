"""Facts changed: what a fact app says when something a score or a flag depends on has changed.

The fact apps (tasks, training, discipline) sit below the appraisal and may not import it, yet a changed
attendance record, report, task, letter or decision must move the official's ledger and score at once
(issue 15). So they announce the change here, in the lowest layer, and the appraisal listens
(``appraisal.services.consequences``, connected in ``AppraisalConfig.ready``).

``facts_changed(...)`` is called inside the writer's transaction, after the write: receivers run in it, so the
consequences commit or roll back with the fact, and queue slower work with ``transaction.on_commit``.

A change names:

- for each kind of fact that changed, as named in ``appraisal.scoring.facts.FACTS`` (``"study_absence"``,
  ``"report_timeliness"``…), the dates it counts on: a day (a session's, a letter's reply deadline) or a span
  (a report counts in its whole month, ``month_span``; training hours count in every period of the year that
  ends after them, ``rest_of_year``). Give the old and the new date of a fact that moved;
- ``officials``: the ids of the officials whose facts changed, or ``None`` for "many or unknown" (a monthly
  job flagging every missing report): the receiver then marks the periods stale instead of recomputing scores
  one official at a time.

Asked the other way, ``frozen_periods(span)`` tells a fact app which appraisal periods covering a date are
closed, so a change there no longer moves their scores (the page approving a report of a closed month warns,
a session's attendance is refused). The appraisal answers it (``register_frozen_periods``, in its ``ready``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from django.dispatch import Signal

# Sent with ``change=FactChange``; receivers must not raise for a change they do not care about.
fact_changed = Signal()

Span = tuple[date, date]


@dataclass(frozen=True)
class FactChange:
    spans: Mapping[str, tuple[Span, ...]]  # fact → the date ranges it counts in
    officials: frozenset[int] | None

    @property
    def facts(self) -> frozenset[str]:
        return frozenset(self.spans)


def month_span(day: date) -> Span:
    """Return the first and last day of ``day``'s month (a monthly report counts in the whole month)."""
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def rest_of_year(day: date) -> Span:
    """Return ``day`` to the year's last day (hours count towards the year's target from then on)."""
    return day, date(day.year, 12, 31)


def facts_changed(*, facts: Mapping[str, Iterable[date | Span | None]], officials: Iterable[int | None] | None,
                  ) -> None:
    """Announce that ``facts`` of ``officials`` changed on the given days or spans (see the module).

    Call it inside the write's transaction. ``None`` among the officials or dates is ignored, so a caller can
    pass an old and a new value without checking either.
    """
    spans: dict[str, tuple[Span, ...]] = {}
    for fact, dates in facts.items():
        found = {(d, d) if isinstance(d, date) else d for d in dates if d is not None}
        if found:
            spans[fact] = tuple(sorted(found))
    if not spans:
        return
    who = None if officials is None else frozenset(pk for pk in officials if pk is not None)
    fact_changed.send(sender=FactChange, change=FactChange(spans, who))


class FrozenLookup(Protocol):
    def __call__(self, span: Span, *, lock: bool = False) -> list[str]: ...


_frozen_lookup: list[FrozenLookup] = []


def register_frozen_periods(lookup: FrozenLookup) -> None:
    """Set the function answering ``frozen_periods`` (the appraisal's, registered once)."""
    _frozen_lookup[:] = [lookup]


def frozen_periods(span: Span, *, lock: bool = False) -> list[str]:
    """Return the keys of the closed or published appraisal periods overlapping ``span`` (one query), whose
    scores a change of a fact in it no longer moves; none while no appraisal is installed.

    With ``lock`` (inside a transaction) every period row covering the span is locked, open or not, so a close
    running at the same time waits for the caller, or the caller for it and then sees it closed.
    """
    return _frozen_lookup[0](span, lock=lock) if _frozen_lookup else []
