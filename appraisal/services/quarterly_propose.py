"""Propose a quarter's 平时考核 grades from its scores (the head's writing, confirming and reconsidering are in
``appraisal.services.quarterly``).

How a quarter's grades are proposed (``quarterly_grades_propose``), for every appraised official with a scorecard of
the quarter, set-based (a few reads and one upsert, whatever the number of officials):

1. the quarter score against ``APPRAISAL_QUARTERLY_THRESHOLDS``: ≥ 85 may be 好, ≥ 70 较好, ≥ 60 一般, else 较差;
2. 好 goes to at most ``floor(APPRAISAL_QUARTERLY_GOOD_SHARE × appraised officials)`` of each top-level unit (40 %,
   a local practice), the highest scores first; the eligible ones beyond it are proposed 较好. **Ties at the
   boundary** are handled as the annual 优秀 quota handles them: when officials with the same score straddle the
   share, none of them is proposed 好 and each is flagged ``share_tie`` — the head decides, within the share;
3. an official who is not appraised gets no grade: one who left before the quarter ended, and one a discipline
   decision makes 不参加考核 for the year (开除);
4. a confirmed grade is never touched by a new proposal; a proposed one is brought up to date (the head's grade
   and comment stay); the proposed grades of officials no longer appraised are removed.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod, PeriodKind, QuarterGrade, QuarterlyGrade, QuarterlyStatus, Scorecard
from appraisal.selectors.quarterly import not_appraised, quarter_parameters, share_size
from common.errors import ApplicationError
from common.history import delete_as
from org.models import OrgUnit, User
from org.selectors import access_for, subtree_q

G = QuarterGrade
BATCH = 1000


def grade_for_score(score: Decimal, thresholds: dict[str, Decimal], *, good: bool = True) -> str:
    """Return the grade a score reaches before the share (好 means "eligible for 好"); ``good=False`` gives the best
    grade below 好."""
    for grade in (G.GOOD, G.FAIRLY_GOOD, G.AVERAGE):
        if (good or grade != G.GOOD) and score >= thresholds[grade]:
            return grade
    return G.POOR


def propose_unit(cards: list[tuple[int, Decimal]], thresholds: dict[str, Decimal], share: Decimal,
                 ) -> dict[int, tuple[str, bool]]:
    """Return ``{official_id: (grade, tied_at_the_share_boundary)}`` for one unit's ``(official_id, score)``.

    An eligible official is 好 when everyone with the same score or better fits in the share; when the group with
    their score straddles the boundary, none of the group is 好 (and all are flagged)."""
    quota = share_size(share, len(cards))
    # Scores of the eligible, ascending: how many are above a score, and how many at it or above.
    eligible = sorted(score for _oid, score in cards if score >= thresholds[G.GOOD])
    result: dict[int, tuple[str, bool]] = {}
    for official_id, score in cards:
        if score < thresholds[G.GOOD]:
            result[official_id] = (grade_for_score(score, thresholds), False)
            continue
        through = len(eligible) - bisect.bisect_left(eligible, score)  # at this score or above
        before = len(eligible) - bisect.bisect_right(eligible, score)  # strictly above
        if through <= quota:
            result[official_id] = (G.GOOD, False)
        else:
            result[official_id] = (grade_for_score(score, thresholds, good=False), before < quota)
    return result


# -- proposing ---------------------------------------------------------------------------------------------------
def _require_quarter(period: AppraisalPeriod) -> None:
    if period.kind != PeriodKind.QUARTER:
        raise ApplicationError(_("Quarterly grades are given for a quarter only."), code="not_a_quarter")


@dataclass(frozen=True)
class ProposeResult:
    proposed: int  # officials whose proposal now stands (not confirmed)
    kept_confirmed: int
    removed: int  # proposed grades of officials no longer appraised


def quarterly_grades_propose(*, period: AppraisalPeriod, by: User, unit: OrgUnit | None = None) -> ProposeResult:
    """Propose the quarter's grades from its scorecards: of every unit in the organization department's scope, or
    of one top-level ``unit`` (its head may do that too)."""
    _require_quarter(period)
    access = access_for(by)
    if unit is None:
        if not access.has_role("org"):
            raise ApplicationError(_("Only the organization department may propose the quarterly grades of every "
                                     "unit."), code="forbidden")
        scope = Q() if access.is_superuser else subtree_q(access.paths(("org",)), "unit__")
    else:
        if not access.covers(unit.path, ("org", "head")):
            raise ApplicationError(_("Only the organization department or the unit's head may propose its "
                                     "quarterly grades."), code="forbidden")
        scope = Q(unit=unit)
    now = timezone.now()
    with transaction.atomic():
        AppraisalPeriod.objects.select_for_update().get(pk=period.pk)  # one proposal of a quarter at a time
        excluded = not_appraised(period.start.year)
        cards = [(oid, unit_id, total) for oid, unit_id, total in Scorecard.objects.filter(scope, period=period).filter(
            Q(official__is_active=True) | Q(official__left_on__gt=period.end)).order_by().values_list(
            "official_id", "unit_id", "total") if oid not in excluded]
        if not cards:
            raise ApplicationError(
                _("There are no scores for %(quarter)s yet: run the quarter's rollup first.") % {"quarter": period.key},
                code="no_scorecards")
        existing = {oid: (pk, status) for pk, oid, status in QuarterlyGrade.objects.filter(scope, period=period)
                    .order_by().values_list("pk", "official_id", "status")}
        thresholds, share = quarter_parameters(period)
        by_unit: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        for oid, unit_id, total in cards:
            by_unit[unit_id].append((oid, total))
        scores = {oid: total for oid, _unit, total in cards}
        rows = [(oid, unit_id, scores[oid], grade, tie) for unit_id, members in by_unit.items()
                for oid, (grade, tie) in propose_unit(members, thresholds, share).items()]
        _upsert(period, rows, now)
        appraised = set(scores)
        stale = [pk for oid, (pk, status) in existing.items()
                 if oid not in appraised and status == QuarterlyStatus.PROPOSED]
        for start in range(0, len(stale), BATCH):
            # Few (officials who left or lost their scorecard since the last proposal): deleted one by one, so the
            # history records each removal and who made it.
            for grade in QuarterlyGrade.objects.filter(pk__in=stale[start:start + BATCH]):
                delete_as(grade, by)
        _history(period, now, by)
    kept = sum(1 for oid in appraised if existing.get(oid, (0, ""))[1] == QuarterlyStatus.CONFIRMED)
    return ProposeResult(proposed=len(appraised) - kept, kept_confirmed=kept, removed=len(stale))


# What a proposal writes per official, and what it writes the same for all of them.
VARYING = ["official", "unit", "score", "proposed", "share_tie"]
CONSTANT = ["period", "proposed_at", "status", "grade", "comment", "reconsider_reason", "answer_text",
            "answer_outcome", "answer_grade", "created_at", "updated_at"]
PROPOSAL_FIELDS = ["unit", "score", "proposed", "share_tie"]  # what a new proposal changes


def _upsert(period: AppraisalPeriod, rows: list[tuple[int, int, Decimal, str, bool]], now: datetime) -> None:
    """Insert the proposals ``(official, unit, score, proposed, share_tie)``; where the official already has a grade
    of the quarter, update the proposal only when it is not confirmed and something changed (``INSERT … ON CONFLICT
    … DO UPDATE … WHERE``, PostgreSQL and SQLite ≥ 3.24), stamping ``proposed_at`` with ``now``.

    On PostgreSQL the rows travel as five arrays expanded by ``unnest``: one statement, six parameters, whatever the
    number of officials."""
    if not rows:
        return
    fields = {f.name: f for f in QuarterlyGrade._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(QuarterlyGrade._meta.db_table)
    varying = [str(fields[name].column) for name in VARYING]
    constant = [str(fields[name].column) for name in CONSTANT]
    changed = [str(fields[name].column) for name in PROPOSAL_FIELDS]
    values = {"period": period.pk, "proposed_at": now, "status": QuarterlyStatus.PROPOSED, "created_at": now,
              "updated_at": now}
    postgres = connection.vendor == "postgresql"
    constants = [values.get(name, "") if postgres else _sqlite(fields[name])(values.get(name, "")) for name in CONSTANT]
    distinct = "IS DISTINCT FROM" if postgres else "IS NOT"
    column_list = ", ".join(quote(c) for c in [*varying, *constant])
    tail = (f" ON CONFLICT ({quote(str(fields['period'].column))}, {quote(str(fields['official'].column))}) "
            "DO UPDATE SET " + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}"
                                         for c in [*changed, "proposed_at", "updated_at"])
            + f" WHERE {table}.{quote('status')} = '{QuarterlyStatus.PROPOSED}' AND ("
            + " OR ".join(f"{table}.{quote(c)} {distinct} EXCLUDED.{quote(c)}" for c in changed) + ")")
    with connection.cursor() as cursor:
        if postgres:
            types = [fields[name].db_type(connection) or "text" for name in VARYING]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            params: list[Any] = [*constants, *(list(column) for column in zip(*rows, strict=True))]
            cursor.execute(
                f"INSERT INTO {table} ({column_list}) SELECT {', '.join(f'x.{quote(c)}' for c in varying)}, "
                + ", ".join(["%s"] * len(constant))
                + f" FROM unnest({arrays}) AS x({', '.join(quote(c) for c in varying)})" + tail, params)
            return
        prepare = [_sqlite(fields[name]) for name in VARYING]
        per_row = "(" + ", ".join(["%s"] * (len(varying) + len(constant))) + ")"
        limit = connection.features.max_query_params
        batch = min(BATCH, limit // (len(varying) + len(constant))) if limit else BATCH
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            params = [value for row in chunk for value in (
                *(adapt(v) for adapt, v in zip(prepare, row, strict=True)), *constants)]
            cursor.execute(f"INSERT INTO {table} ({column_list}) VALUES " + ", ".join([per_row] * len(chunk)) + tail,
                           params)


def _sqlite(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return lambda value: value


def _history(period: AppraisalPeriod, now: datetime, by: User) -> None:
    """Write the history rows of the grades this proposal inserted or changed (those stamped ``now``), in one
    ``INSERT … SELECT``."""
    historical = QuarterlyGrade.history.model
    quote = connection.ops.quote_name
    special = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    copied = [str(f.column) for f in historical._meta.concrete_fields if f.name not in special]
    fields = {f.name: f for f in QuarterlyGrade._meta.concrete_fields}
    stamp = connection.ops.adapt_datetimefield_value(now) if connection.vendor != "postgresql" else now
    sql = (f"INSERT INTO {quote(historical._meta.db_table)} ("
           + ", ".join(quote(c) for c in [*copied, "history_date", "history_change_reason", "history_type",
                                          "history_user_id"])
           + ") SELECT " + ", ".join(quote(c) for c in copied)
           + f", %s, NULL, CASE WHEN {quote(str(fields['created_at'].column))} = %s THEN '+' ELSE '~' END, %s"
           + f" FROM {quote(QuarterlyGrade._meta.db_table)} WHERE {quote(str(fields['period'].column))} = %s"
           + f" AND {quote(str(fields['proposed_at'].column))} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp, stamp, by.pk, period.pk, stamp])
