"""平时考核 (quarterly grades): propose a quarter's grades from its scores, the head writes and confirms them with a
写实 comment, the official asks once to reconsider, the head answers.

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

Then the head over the official (``appraisal.services.procedure.is_head_over``: a head or the organization
department over the official's unit, never the official themself) writes the grade and the comment and confirms
it; the share of 好 is checked on every write and confirmation. A confirmed grade is visible to the official, who
may ask once, with a reason, to reconsider it; the head answers, keeping the grade or changing it, with the answer
in writing. Every change is in the grade's history (who, when).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.constraints.discipline import discipline_constraints
from appraisal.models import (
    AppraisalPeriod,
    Grade,
    PeriodKind,
    QuarterGrade,
    QuarterlyGrade,
    QuarterlyRule,
    QuarterlyStatus,
    ReconsiderOutcome,
    Scorecard,
)
from appraisal.scoring.parameters import parameter_for, score_parameter
from appraisal.selectors.quarterly import gradable_q, unit_good_count
from appraisal.services.bulk import update_with_history
from appraisal.services.procedure import is_head_over, is_org_over
from common.errors import ApplicationError
from common.history import delete_as, save_as, set_actor
from common.notifications import Notice, notify, notify_many
from common.text_limits import check_values
from org.models import OrgUnit, User
from org.selectors import access_for, subtree_q, users_with_role_over

G = QuarterGrade
DEFAULT_THRESHOLDS: dict[str, Decimal] = {G.GOOD: Decimal(85), G.FAIRLY_GOOD: Decimal(70), G.AVERAGE: Decimal(60)}
DEFAULT_GOOD_SHARE = Decimal("0.40")
NAMES_SHOWN = 10
BATCH = 1000


# -- settings --------------------------------------------------------------------------------------------------
def quarterly_thresholds() -> dict[str, Decimal]:
    """Return the score each grade needs (settings ``APPRAISAL_QUARTERLY_THRESHOLDS`` over the defaults)."""
    configured = getattr(settings, "APPRAISAL_QUARTERLY_THRESHOLDS", {}) or {}
    return {grade: Decimal(str(configured.get(grade, default))) for grade, default in DEFAULT_THRESHOLDS.items()}


def good_share() -> Decimal:
    """Return the share of a unit's appraised officials that may be 好."""
    return Decimal(str(getattr(settings, "APPRAISAL_QUARTERLY_GOOD_SHARE", DEFAULT_GOOD_SHARE)))


@score_parameter("quarterly")
def _quarterly_parameter(period: AppraisalPeriod) -> dict[str, Any] | None:
    """A quarter's thresholds and share of 好, frozen when the quarter closes (``appraisal.scoring.parameters``)."""
    if period.kind != PeriodKind.QUARTER:
        return None
    return {"thresholds": {grade: str(v) for grade, v in quarterly_thresholds().items()}, "share": str(good_share())}


def quarter_parameters(period: AppraisalPeriod) -> tuple[dict[str, Decimal], Decimal]:
    """Return the thresholds and the share of 好 a quarter is graded with: frozen once it is closed."""
    values = parameter_for(period, "quarterly") or _quarterly_parameter(period)
    if not values:
        return quarterly_thresholds(), good_share()
    return {grade: Decimal(v) for grade, v in values["thresholds"].items()}, Decimal(values["share"])


def share_size(share: Decimal, appraised: int) -> int:
    """How many officials may be 好: the share of the appraised, rounded down."""
    return math.floor(share * appraised)


def share_percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}"


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


def not_appraised(year: int) -> set[int]:
    """Officials a discipline decision makes 不参加考核 in ``year`` (开除). Leavers are judged by the quarter, in the
    proposal's query. The discipline provider is asked alone: the whole registry would also compute every official's
    training progress (two seconds for a county), and only the rules' 不参加考核 matters here."""
    return {c.official_id for c in discipline_constraints(year, None) if c.max_grade == Grade.NOT_APPRAISED}


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


# -- writing and confirming ----------------------------------------------------------------------------------------
def _require_head(by: User, grade: QuarterlyGrade) -> None:
    if not is_head_over(by, grade.official):
        raise ApplicationError(_("Only a head over this official may grade them; nobody grades themself."),
                               code="forbidden")


def _lock(grade: QuarterlyGrade) -> QuarterlyGrade:
    return QuarterlyGrade.objects.select_for_update(of=("self",)).select_related(
        "official", "official__unit", "official__user", "unit", "period").get(pk=grade.pk)


def _check_share(row: QuarterlyGrade) -> None:
    """Refuse ``row`` at 好 when it would take the unit past its share. The unit's row is locked first, so two heads
    of one unit grading at the same moment take their turns."""
    list(OrgUnit.objects.select_for_update().filter(pk=row.unit_id).values_list("pk", flat=True))
    appraised = QuarterlyGrade.objects.filter(period_id=row.period_id, unit_id=row.unit_id).count()
    _thresholds, share = quarter_parameters(row.period)
    quota = share_size(share, appraised)
    taken = unit_good_count(row.period, row.unit_id, exclude=row.pk) + 1
    if taken > quota:
        raise ApplicationError(
            _("%(unit)s may grade at most %(quota)s officials 好 in %(quarter)s (%(share)s%% of %(n)s appraised, "
              "rounded down), and %(taken)s would be: lower another grade first.")
            % {"unit": row.unit.name, "quota": quota, "quarter": row.period.key, "share": share_percent(share),
               "n": appraised, "taken": taken},
            code="share_exceeded", extra={"fields": {"grade": [_("Beyond the share of 好.")]}})


def _clean_grade(value: str) -> str:
    if value not in G.values:
        raise ApplicationError(_("Choose one of the four grades."), code="bad_grade",
                               extra={"fields": {"grade": [_("Invalid.")]}})
    return value


def _clean_comment(comment: str) -> str:
    comment = (comment or "").strip()
    check_values(QuarterlyGrade, comment=comment)
    return comment


def _write(row: QuarterlyGrade, by: User, value: str | None, comment: str | None, now: datetime) -> list[str]:
    """Apply a head's grade and comment to a locked proposed row; return the fields that changed."""
    if row.status != QuarterlyStatus.PROPOSED:
        raise ApplicationError(
            _("The %(quarter)s grade of %(name)s is confirmed: it changes only when the official asks to "
              "reconsider it.") % {"quarter": row.period.key, "name": row.official.name}, code="already_confirmed")
    changed: list[str] = []
    if value is not None:
        value = _clean_grade(value)
        if value == G.GOOD and row.current != G.GOOD:
            _check_share(row)
        if value != row.grade:
            row.grade = value
            changed.append("grade")
    if comment is not None:
        comment = _clean_comment(comment)
        if comment != row.comment:
            row.comment = comment
            changed.append("comment")
    if changed:
        row.graded_by, row.graded_at = by, now
        changed += ["graded_by", "graded_at"]
    return changed


def quarterly_grade_write(*, grade: QuarterlyGrade, by: User, value: str, comment: str) -> QuarterlyGrade:
    """Write the head's grade and 写实 comment of a grade not yet confirmed (the comment may still be empty)."""
    _require_head(by, grade)
    with transaction.atomic():
        row = _lock(grade)
        changed = _write(row, by, value, comment, timezone.now())
        if changed:
            save_as(row, by, update_fields=[*changed, "updated_at"])
    return row


def _confirm_notice(row: QuarterlyGrade) -> Notice | None:
    if row.official.user_id is None:
        return None
    return Notice(user_id=row.official.user_id, kind="quarterly_confirmed", url=reverse("appraisal:quarterly_mine"),
                  title=_("Your %(quarter)s quarterly grade: %(grade)s") % {
                      "quarter": row.period.key, "grade": G(row.grade).label},
                  dedupe_key=f"quarterly-confirmed:{row.pk}")


def quarterly_grade_confirm(
    *, grade: QuarterlyGrade, by: User, value: str | None = None, comment: str | None = None,
) -> QuarterlyGrade:
    """Confirm one official's grade (writing ``value`` and ``comment`` first when given); the 写实 comment is
    required. The official is notified and sees the grade from now on."""
    _require_head(by, grade)
    now = timezone.now()
    with transaction.atomic():
        row = _lock(grade)
        changed = _write(row, by, value, comment, now)
        if not row.comment:
            raise ApplicationError(_("Write the comment (写实) before confirming the grade."),
                                   code="comment_required", extra={"fields": {"comment": [_("Required.")]}})
        if row.current == G.GOOD and "grade" not in changed:
            _check_share(row)
        row.grade = row.current
        row.status, row.confirmed_by, row.confirmed_at = QuarterlyStatus.CONFIRMED, by, now
        save_as(row, by,
                update_fields=sorted({*changed, "grade", "status", "confirmed_by", "confirmed_at", "updated_at"}))
        notice = _confirm_notice(row)
        if notice is not None:
            notify_many([notice])
    return row


def _names(names: Iterable[str], total: int) -> str:
    shown = "、".join(list(names)[:NAMES_SHOWN])
    return shown + (_(" and %(n)s more") % {"n": total - NAMES_SHOWN} if total > NAMES_SHOWN else "")


def quarterly_grades_confirm_unit(*, period: AppraisalPeriod, unit: OrgUnit, by: User) -> int:
    """Confirm every grade of the unit's quarter that the head may confirm and has not yet; each needs its comment.
    Return how many were confirmed."""
    _require_quarter(period)
    with transaction.atomic():
        rows = list(QuarterlyGrade.objects.select_for_update(of=("self",)).filter(gradable_q(by))
                    .filter(period=period, unit=unit, status=QuarterlyStatus.PROPOSED)
                    .select_related("official", "period", "unit").order_by("official__name", "official_id"))
        if not rows:
            raise ApplicationError(_("There is no grade of %(unit)s in %(quarter)s left for you to confirm.")
                                   % {"unit": unit.name, "quarter": period.key}, code="nothing_to_confirm")
        missing = [r.official.name for r in rows if not r.comment]
        if missing:
            raise ApplicationError(
                _("%(n)s officials have no comment (写实) yet: %(names)s.")
                % {"n": len(missing), "names": _names(missing, len(missing))},
                code="comments_missing", extra={"missing": len(missing)})
        good = [r for r in rows if r.current == G.GOOD]
        if good:
            _check_share(good[0])
        now = timezone.now()
        for row in rows:
            row.grade = row.current
            row.status, row.confirmed_by, row.confirmed_at = QuarterlyStatus.CONFIRMED, by, now
        update_with_history(rows, QuarterlyGrade, ["grade", "status", "confirmed_by", "confirmed_at"],
                            default_user=by)
        notify_many(n for n in (_confirm_notice(r) for r in rows) if n is not None)
    return len(rows)


# -- reconsideration -----------------------------------------------------------------------------------------------
def quarterly_reconsider_request(*, grade: QuarterlyGrade, by: User, reason: str) -> QuarterlyGrade:
    """The official asks the head to reconsider a confirmed grade, once, with a reason."""
    if access_for(by).official_id != grade.official_id:
        raise ApplicationError(_("Only the official may ask to reconsider their own grade."), code="forbidden")
    reason = (reason or "").strip()
    with transaction.atomic():
        row = _lock(grade)
        if row.status != QuarterlyStatus.CONFIRMED:
            raise ApplicationError(_("The grade is not confirmed yet."), code="not_confirmed")
        if row.reconsider_asked_at is not None:
            raise ApplicationError(_("You have already asked to reconsider this grade; it may be asked once."),
                                   code="already_asked")
        if not reason:
            raise ApplicationError(_("Give the reason for asking."), code="reason_required",
                                   extra={"fields": {"reason": [_("Required.")]}})
        check_values(QuarterlyGrade, names={"reconsider_reason": "reason"}, reconsider_reason=reason)
        row.reconsider_reason, row.reconsider_asked_at = reason, timezone.now()
        save_as(row, by, update_fields=["reconsider_reason", "reconsider_asked_at", "updated_at"])
        notify(users=users_with_role_over(row.official.unit, "head").exclude(pk=by.pk), kind="quarterly_reconsider",
               url=reverse("appraisal:quarterly_requests"),
               title=_("%(name)s asks to reconsider the %(quarter)s quarterly grade")
               % {"name": row.official.name, "quarter": row.period.key},
               dedupe_key=f"quarterly-reconsider:{row.pk}")
    return row


def quarterly_reconsider_answer(
    *, grade: QuarterlyGrade, by: User, outcome: str, text: str, value: str = "",
) -> QuarterlyGrade:
    """The head answers a request: keeps the grade or changes it to ``value``, with the answer in writing."""
    _require_head(by, grade)
    text = (text or "").strip()
    with transaction.atomic():
        row = _lock(grade)
        if row.reconsider_asked_at is None:
            raise ApplicationError(_("The official has not asked to reconsider this grade."), code="not_asked")
        if row.answered_at is not None:
            raise ApplicationError(_("This request has already been answered."), code="already_answered")
        if outcome not in ReconsiderOutcome.values:
            raise ApplicationError(_("Keep the grade or change it."), code="bad_outcome",
                                   extra={"fields": {"outcome": [_("Invalid.")]}})
        if not text:
            raise ApplicationError(_("Write the answer."), code="answer_required",
                                   extra={"fields": {"text": [_("Required.")]}})
        check_values(QuarterlyGrade, names={"answer_text": "text"}, answer_text=text)
        if outcome == ReconsiderOutcome.CHANGED:
            if value not in G.values or value == row.grade:
                raise ApplicationError(_("Choose the new grade: it must differ from the present one."),
                                       code="bad_grade", extra={"fields": {"grade": [_("Invalid.")]}})
            if value == G.GOOD:
                _check_share(row)
            row.grade = value
        row.answer_outcome, row.answer_grade, row.answer_text = outcome, row.grade, text
        row.answered_by, row.answered_at = by, timezone.now()
        set_actor(row, by)
        row.save(update_fields=["grade", "answer_outcome", "answer_grade", "answer_text", "answered_by",
                                "answered_at", "updated_at"])
        if row.official.user is not None:
            notify(users=[row.official.user], kind="quarterly_answered", url=reverse("appraisal:quarterly_mine"),
                   title=_("Your request to reconsider the %(quarter)s grade was answered: %(grade)s")
                   % {"quarter": row.period.key, "grade": G(row.grade).label},
                   dedupe_key=f"quarterly-answered:{row.pk}")
    return row


# -- the unit's choice for the annual grading ------------------------------------------------------------------
def quarterly_rule_set(*, unit: OrgUnit, year: int, require_good: bool, by: User) -> QuarterlyRule:
    """Record whether, in ``unit`` and ``year``, an official without a 好 quarter may not be proposed 优秀
    (the organization department over the unit)."""
    if not is_org_over(by, unit):
        raise ApplicationError(_("Only the organization department over this unit may set its rule."),
                               code="forbidden")
    if not getattr(settings, "APPRAISAL_QUARTERLY_NO_GOOD_RULE", True):
        raise ApplicationError(_("This rule is switched off in the settings."), code="rule_off")
    with transaction.atomic():
        rule = QuarterlyRule.objects.select_for_update().filter(unit=unit, year=year).first() or QuarterlyRule(
            unit=unit, year=year)
        rule.require_good, rule.set_by = require_good, by
        save_as(rule, by)
    return rule
