"""The monthly feed of training facts into the appraisal ledger, and the public criticism flags.

``training_feed(start=..., end=...)`` regenerates, idempotently and set-based, the derived ``ScoreEntry``
rows of the sessions held in the window:

- ``study_absence`` (−1 each): an unexcused absence (status absent) from a required collective study;
  source the attendance row, dated the session's day.
- ``lecture_given`` (the rule's points): a session given by an official lecturer; source the session.

Stored rows are compared with the wanted ones (``appraisal.services.derive``'s diff): new facts are
inserted, changed ones updated, rows whose fact no longer qualifies deleted. Running it twice changes
nothing the second time. The rules' caps per period are applied by the rollup, as for every rule.

It then flags a public criticism (通报批评) for officials with three or more unexcused absences from
required sessions in a quarter touched by the window, for a head over their unit to confirm
(``criticism_confirm``, which records the deduction by hand) or dismiss (``criticism_dismiss``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from appraisal.models import ScoreEntry, ScoreRule
from appraisal.periods import QUARTER, parse_period_key, period_key_for
from appraisal.services.derive import Derived, Key, apply_derived, clip_reason
from appraisal.services.entries import entry_add
from appraisal.services.periods import period_existing
from common.errors import ApplicationError
from common.notifications import Notice, notify_many
from common.text_limits import check_values
from org.models import Official, RoleGrant, User
from org.selectors import access_for, ancestor_paths
from training.models import Attendance, AttendanceStatus, CriticismFlag, SessionKind, TrainingSession

STUDY_ABSENCE, LECTURE_GIVEN, PUBLIC_CRITICISM = "study_absence", "lecture_given", "public_criticism"
FEED_RULES = (STUDY_ABSENCE, LECTURE_GIVEN)
# The fact each rule records (``appraisal.facts``). An unexcused absence is a breach of study discipline
# (the seed practice: 不参加集中学习…扣1-3分), a different fact from the hours the training component counts.
RULE_FACTS = {STUDY_ABSENCE: "study_absence", LECTURE_GIVEN: "lecture_given"}
ABSENCE_POINTS = Decimal(-1)  # "−1 each": the rule allows −1 to −3, the feed records −1
CRITICISM_POINTS = Decimal(-2)
CRITICISM_THRESHOLD = 3
BATCH = 1000


def _held_between(start: date, end: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_at__date__gte": start, f"{prefix}starts_at__date__lte": end})


def required_absences(start: date, end: date) -> QuerySet[Attendance]:
    """Unexcused absences from required sessions (any kind) held between ``start`` and ``end``."""
    return Attendance.objects.filter(_held_between(start, end, "session__"), status=AttendanceStatus.ABSENT,
                                     session__is_required=True)


def training_feed(*, start: date, end: date) -> dict[str, int]:
    """Regenerate the training entries of sessions held in [start, end] and flag public criticisms.

    Return the counts created, updated, deleted and unchanged, and ``flags`` (new criticism flags).
    """
    rules = {code: (pk, points) for pk, code, points in ScoreRule.objects.filter(
        code__in=FEED_RULES, is_active=True).values_list("pk", "code", "max_points")}
    all_rule_ids = list(ScoreRule.objects.filter(code__in=FEED_RULES).values_list("pk", flat=True))
    types = ContentType.objects.get_for_models(Attendance, TrainingSession)
    attendance_ct, session_ct = types[Attendance].pk, types[TrainingSession].pk

    absences = required_absences(start, end).filter(session__kind=SessionKind.COLLECTIVE_STUDY)
    lectures = TrainingSession.objects.filter(_held_between(start, end), lecturer__isnull=False)
    desired: dict[Key, Derived] = {}
    with translation.override(settings.LANGUAGE_CODE):  # reasons are stored in the interface's language
        if STUDY_ABSENCE in rules:
            rule_id = rules[STUDY_ABSENCE][0]
            for pk, official_id, title, starts_at in absences.order_by().values_list(
                    "pk", "official_id", "session__title", "session__starts_at"):
                day = timezone.localtime(starts_at).date()
                reason = _("Absent without leave from the collective study “%(title)s” on %(date)s") % {
                    "title": title, "date": day.isoformat()}
                desired[(rule_id, attendance_ct, pk, official_id)] = Derived(ABSENCE_POINTS, day, clip_reason(reason))
        if LECTURE_GIVEN in rules:
            rule_id, points = rules[LECTURE_GIVEN]
            for pk, official_id, title, starts_at in lectures.order_by().values_list(
                    "pk", "lecturer_id", "title", "starts_at"):
                day = timezone.localtime(starts_at).date()
                reason = _("Gave the lecture “%(title)s” on %(date)s") % {"title": title, "date": day.isoformat()}
                desired[(rule_id, session_ct, pk, official_id)] = Derived(points, day, clip_reason(reason))

    with transaction.atomic():
        existing = list(
            ScoreEntry.objects.select_for_update().filter(origin=ScoreEntry.Origin.DERIVED, rule_id__in=all_rule_ids)
            .filter(Q(occurred_on__gte=start, occurred_on__lte=end)
                    | Q(source_type_id=attendance_ct, source_id__in=absences.values("pk"))
                    | Q(source_type_id=session_ct, source_id__in=lectures.values("pk")))
            .order_by("pk")
        )
        counts = apply_derived(desired, existing)
        counts["flags"] = criticism_flag_quarters(start=start, end=end)
    return counts


def quarters_between(start: date, end: date) -> list[str]:
    keys = []
    day = start
    while day <= end:
        key = period_key_for(QUARTER, day)
        keys.append(key)
        day = parse_period_key(key).end.replace(day=1)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return keys


def criticism_flag_quarters(*, start: date, end: date) -> int:
    """Flag officials with three or more unexcused required absences in each quarter touching the window.

    Set-based: a count per quarter, the flags already there, one insert, and the heads told in one go.
    Return how many flags were created. A pending flag's absence count follows the facts.
    """
    created: list[CriticismFlag] = []
    for key in quarters_between(start, end):
        span = parse_period_key(key)
        counts = dict(required_absences(span.start, span.end).order_by().values("official_id")
                      .annotate(n=Count("pk")).filter(n__gte=CRITICISM_THRESHOLD).values_list("official_id", "n"))
        if not counts:
            continue
        stored = {f.official_id: f for f in CriticismFlag.objects.select_for_update().filter(
            quarter=key, official_id__in=list(counts))}
        changed = [f for oid, f in stored.items()
                   if f.status == CriticismFlag.Status.PENDING and f.absences != counts[oid]]
        for flag in changed:
            flag.absences = counts[flag.official_id]
        if changed:
            bulk_update_with_history(changed, CriticismFlag, ["absences"], batch_size=BATCH)
        new = [CriticismFlag(official_id=oid, quarter=key, absences=n)
               for oid, n in sorted(counts.items()) if oid not in stored]
        if new:
            created.extend(bulk_create_with_history(new, CriticismFlag, batch_size=BATCH))
    if created:
        _notify_heads(created)
    return len(created)


def _notify_heads(flags: list[CriticismFlag]) -> None:
    by_official = {flag.official_id: flag for flag in flags}
    officials = list(Official.objects.filter(pk__in=list(by_official)).values_list("pk", "name", "unit__path"))
    paths = sorted({p for _pk, _name, path in officials for p in ancestor_paths(path)})
    grants = list(RoleGrant.objects.filter(role="head", unit__path__in=paths, unit__is_active=True,
                                           user__is_active=True).values_list("user_id", "unit__path"))
    notices = []
    url = reverse("training:criticism_flags")
    with translation.override(settings.LANGUAGE_CODE):
        for official_id, name, path in officials:
            flag = by_official[official_id]
            title = _("%(name)s missed %(count)s required sessions without leave in %(quarter)s: "
                      "confirm or dismiss a public criticism") % {
                "name": name, "count": flag.absences, "quarter": flag.quarter}
            for user_id, unit_path in grants:
                if path.startswith(unit_path):
                    notices.append(Notice(user_id=user_id, kind="training", title=title, url=url,
                                          dedupe_key=f"training-criticism-{flag.pk}"))
    notify_many(notices)


def _locked_pending(by: User, flag: CriticismFlag) -> CriticismFlag:
    locked = CriticismFlag.objects.select_for_update().select_related("official__unit").get(pk=flag.pk)
    if not access_for(by).covers(locked.official.unit.path, roles=("head",)):
        raise ApplicationError(_("Only a head over this official's unit may decide on a public criticism."),
                               code="forbidden")
    if locked.status != CriticismFlag.Status.PENDING:
        raise ApplicationError(_("This public criticism has already been decided."), code="conflict")
    return locked


@transaction.atomic
def criticism_confirm(*, by: User, flag: CriticismFlag, today: date | None = None) -> CriticismFlag:
    """Confirm a flagged public criticism: record the manual −2 (``public_criticism``) in the quarter."""
    today = today or timezone.localdate()
    locked = _locked_pending(by, flag)
    period = period_existing(locked.quarter)
    rule = ScoreRule.objects.get(code=PUBLIC_CRITICISM)
    entry_add(by=by, official=locked.official, period=period, rule=rule, points=CRITICISM_POINTS,
              occurred_on=min(period.end, today), today=today,
              reason=_("Public criticism: %(count)s unexcused absences from required sessions in %(quarter)s") % {
                  "count": locked.absences, "quarter": locked.quarter})
    return _decide(locked, by, CriticismFlag.Status.CONFIRMED, "")


@transaction.atomic
def criticism_dismiss(*, by: User, flag: CriticismFlag, note: str) -> CriticismFlag:
    """Dismiss a flagged public criticism, with the reason."""
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Give the reason for dismissing the public criticism."), code="note_required")
    check_values(CriticismFlag, note=note)
    locked = _locked_pending(by, flag)
    return _decide(locked, by, CriticismFlag.Status.DISMISSED, note)


def _decide(flag: CriticismFlag, by: User, status: str, note: str) -> CriticismFlag:
    flag.status, flag.decided_by, flag.decided_at, flag.note = status, by, timezone.now(), note
    flag.full_clean()
    flag._history_user = by  # type: ignore[attr-defined]  # simple-history's actor outside a request
    flag.save()
    return flag

