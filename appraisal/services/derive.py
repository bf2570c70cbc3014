"""Derived ledger entries: the points that facts from the tasks app move, regenerated idempotently.

``derive_entries(period=...)`` rebuilds every derived ``ScoreEntry`` whose date lies in the period:

- ``letter_overdue`` (−1): a supervision letter not replied to by its reply deadline, or replied after it;
  for the recipient official, or when the letter has none, for the officials of the users holding the
  head role on the recipient unit; dated the reply deadline.
- ``discipline_decision`` (−the decision's points): a discipline decision with effect (neither exempted
  under error tolerance nor revoked on appeal) and points; dated its effective date. An exemption or a
  revocation removes the entry at the next rollup.

One fact, one consequence (``appraisal.scoring.facts``): a task done late or not at all counts in the work component
and a report submitted late or not at all in the timeliness component, so neither is also a ledger row. The
rules that once deducted for them (``task_overdue``, ``report_late``, ``report_missing``) are retired: their
rows are removed from open periods at the next derivation and stay in closed ones, whose ledger is frozen.

Points are the rule's ``min_points`` (these rules have a fixed value), except for decisions, whose points are
their own (within the rule's range). The work is set-based — a fixed
number of queries however many officials and facts — and a diff against what is stored: new facts are
inserted, changed ones updated, and entries whose fact no longer qualifies deleted, each change with its
history row (who: the system). Running it twice changes nothing the second time.

The partial unique index ``scoreentry_derived_unique`` (``WHERE origin = 'derived'``) cannot be the target
of ``bulk_create(update_conflicts=True)``: Django does not emit the index predicate, and both PostgreSQL
and SQLite refuse an ``ON CONFLICT`` target that does not match a unique index exactly. Hence the diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod, ScoreEntry, ScoreRule
from discipline.models import Decision, DecisionQuerySet
from org.models import RoleGrant
from tasks.models import LetterStatus, SupervisionLetter
from tasks.selectors.reports import report_deadline

LETTER_OVERDUE, DISCIPLINE_DECISION = "letter_overdue", "discipline_decision"
DERIVED_RULES = (LETTER_OVERDUE, DISCIPLINE_DECISION)
# Counted by a component instead (one fact, one consequence); their rows leave open periods.
RETIRED_RULES = ("task_overdue", "report_late", "report_missing")
# The fact each derived rule records (see ``appraisal.scoring.facts``).
RULE_FACTS = {LETTER_OVERDUE: "letter_reply_deadline", DISCIPLINE_DECISION: "discipline_decision"}
BATCH = 1000
DELETE_CHUNK = 900  # ids per DELETE: under SQLite's historical limit of 999 parameters
REASON_MAX = 300

Key = tuple[int, int, int, int]  # rule id, source content type id, source id, official id


@dataclass(frozen=True)
class Derived:
    points: Decimal
    occurred_on: date
    reason: str


def report_months_due_in(start: date, end: date) -> list[date]:
    """Return the first days of the months whose report deadline falls between ``start`` and ``end``."""
    month = (start.replace(day=1) - timedelta(days=1)).replace(day=1)
    months = []
    while month <= end:
        if start <= report_deadline(month) <= end:
            months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def derive_entries(*, period: AppraisalPeriod, today: date | None = None) -> dict[str, int]:
    """Regenerate the derived entries dated in ``period``; return counts created, updated, deleted, unchanged."""
    return derive_window(start=period.start, end=period.end, today=today)


def derive_window(*, start: date, end: date, today: date | None = None,
                  touched: set[int] | None = None) -> dict[str, int]:
    """Regenerate the derived entries dated between ``start`` and ``end`` (a period, or the day of a changed
    fact); add the officials whose entries changed to ``touched``. Return the counts as ``derive_entries``."""
    today = today or timezone.localdate()
    rules = {code: (pk, low) for pk, code, low in ScoreRule.objects.filter(
        code__in=DERIVED_RULES, is_active=True).values_list("pk", "code", "min_points")}
    all_rule_ids = list(ScoreRule.objects.filter(code__in=DERIVED_RULES + RETIRED_RULES).values_list("pk", flat=True))
    types = ContentType.objects.get_for_models(SupervisionLetter, Decision)
    letter_ct, decision_ct = types[SupervisionLetter].pk, types[Decision].pk

    letters = SupervisionLetter.objects.filter(reply_deadline__gte=start, reply_deadline__lte=end)
    decisions = Decision.objects.filter(effective_date__gte=start, effective_date__lte=end)

    desired: dict[Key, Derived] = {}
    with translation.override(settings.LANGUAGE_CODE):  # reasons are stored in the interface's language
        if LETTER_OVERDUE in rules:
            _derive_letters(desired, letters, rules[LETTER_OVERDUE], letter_ct, today)
        if DISCIPLINE_DECISION in rules:
            _derive_decisions(desired, decisions, rules[DISCIPLINE_DECISION], decision_ct)

    with transaction.atomic():
        # What is stored for this window: entries dated in it, and entries of facts that are in it now
        # (a fact whose date moved into the window keeps its row, updated, instead of a second one).
        existing = list(
            ScoreEntry.objects.select_for_update().filter(origin=ScoreEntry.Origin.DERIVED, rule_id__in=all_rule_ids)
            .filter(
                Q(occurred_on__gte=start, occurred_on__lte=end)
                | Q(source_type_id=letter_ct, source_id__in=letters.values("pk"))
                | Q(source_type_id=decision_ct, source_id__in=decisions.values("pk"))
            )
            .order_by("pk")
        )
        return apply_derived(desired=desired, existing=existing, touched=touched)


def apply_derived(*, desired: dict[Key, Derived], existing: list[ScoreEntry],
                  touched: set[int] | None = None) -> dict[str, int]:
    """Write the difference between the ``desired`` entries and the ``existing`` ones (see the module); add the
    officials of every entry created, changed or deleted to ``touched``."""
    stored = {(e.rule_id, e.source_type_id or 0, e.source_id or 0, e.official_id): e for e in existing}
    gone = [e for key, e in stored.items() if key not in desired]
    changed = []
    for key, entry in stored.items():
        want = desired.get(key)
        if want and (entry.points != want.points or entry.occurred_on != want.occurred_on
                     or entry.reason != want.reason):
            entry.points, entry.occurred_on, entry.reason = want.points, want.occurred_on, want.reason
            changed.append(entry)
    new = [
        ScoreEntry(rule_id=rule_id, source_type_id=ct, source_id=source_id, official_id=official_id,
                   origin=ScoreEntry.Origin.DERIVED, points=d.points, occurred_on=d.occurred_on, reason=d.reason)
        for (rule_id, ct, source_id, official_id), d in sorted(desired.items())
        if (rule_id, ct, source_id, official_id) not in stored
    ]
    if touched is not None:
        touched.update(e.official_id for e in gone + changed)
        touched.update(e.official_id for e in new)
    history: Any = ScoreEntry.history.model
    now = timezone.now()
    if gone:
        history.objects.bulk_create([_history_row(history, e, "-", now) for e in gone], batch_size=BATCH)
        # A plain DELETE: ``QuerySet.delete()`` would send post_delete per row, and django-simple-history
        # would write one history row per entry with a query each (ours are written in bulk just above).
        ids = [e.pk for e in gone]
        for chunk in range(0, len(ids), DELETE_CHUNK):
            ScoreEntry.objects.filter(pk__in=ids[chunk:chunk + DELETE_CHUNK])._raw_delete(ScoreEntry.objects.db)
    if changed:
        ScoreEntry.objects.bulk_update(changed, ["points", "occurred_on", "reason"], batch_size=BATCH)
        history.objects.bulk_create([_history_row(history, e, "~", now) for e in changed], batch_size=BATCH)
    if new:
        created = ScoreEntry.objects.bulk_create(new, batch_size=BATCH)
        if created and created[0].pk is None:  # a backend that does not return ids: read them back
            created = list(ScoreEntry.objects.filter(origin=ScoreEntry.Origin.DERIVED, created_at__gte=now))
        history.objects.bulk_create([_history_row(history, e, "+", now) for e in created], batch_size=BATCH)
    return {"created": len(new), "updated": len(changed), "deleted": len(gone),
            "unchanged": len(stored) - len(gone) - len(changed)}


def _history_row(history: Any, entry: ScoreEntry, kind: str, now: datetime) -> Any:
    return history(
        history_date=now, history_user=None, history_type=kind,
        history_change_reason=_("Derived from facts"),
        **{field.attname: getattr(entry, field.attname) for field in history.tracked_fields},
    )


def _derive_letters(desired: dict[Key, Derived], letters: QuerySet[SupervisionLetter], rule: tuple[int, Decimal],
                    ct: int, today: date) -> None:
    rule_id, points = rule
    qualifying = letters.filter(
        Q(status=LetterStatus.ISSUED, reply_deadline__lt=today) | Q(replied_at__date__gt=F("reply_deadline"))
    )
    rows = list(qualifying.order_by().values_list(
        "pk", "number", "reply_deadline", "status", "recipient_official_id", "recipient_unit_id"))
    # The heads' officials for letters addressed to a unit only: one query for all such letters.
    heads: dict[int, set[int]] = {}
    for unit_id, official_id in RoleGrant.objects.filter(
        role="head", unit_id__in=qualifying.filter(recipient_official__isnull=True).values("recipient_unit_id"),
        user__is_active=True, user__official__isnull=False, user__official__is_active=True,
    ).values_list("unit_id", "user__official__id"):
        heads.setdefault(unit_id, set()).add(official_id)
    for pk, number, deadline, status, official_id, unit_id in rows:
        values = {"number": number, "date": deadline.isoformat()}
        if status == LetterStatus.ISSUED:
            reason = _("Supervision letter %(number)s was not replied to by %(date)s") % values
        else:
            reason = _("Supervision letter %(number)s was replied to after its deadline (%(date)s)") % values
        for recipient in [official_id] if official_id else sorted(heads.get(unit_id, ())):
            desired[(rule_id, ct, pk, recipient)] = Derived(points, deadline, clip_reason(reason))


def _derive_decisions(desired: dict[Key, Derived], decisions: DecisionQuerySet, rule: tuple[int, Decimal],
                      ct: int) -> None:
    """Decisions with effect and points: minus their points (no lower than the rule allows), dated when they
    take effect. The reason names no kind, case or fact (heads see the ledger of their officials)."""
    rule_id, lowest = rule
    rows = decisions.effective().filter(points__gt=0).order_by().values_list(
        "pk", "official_id", "effective_date", "points")
    for pk, official_id, effective, points in rows:
        reason = _("Discipline decision effective %(date)s") % {"date": effective.isoformat()}
        desired[(rule_id, ct, pk, official_id)] = Derived(max(-points, lowest), effective, clip_reason(reason))


def clip_reason(text: str) -> str:
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"
