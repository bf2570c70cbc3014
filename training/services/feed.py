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

Flags follow the facts too (the appraisal re-runs the feed for the day of a changed attendance record,
``appraisal.consequences``): a flag waiting for the head whose absences fall below three is withdrawn (status
``withdrawn``, with a note; it comes back to the head if the absences reach three again), and the heads over an
official whose criticism was already confirmed are told the absences it rests on have changed — the decision is
theirs, so the −2 they recorded stays until they remove it from the ledger. A dismissed flag stays dismissed.
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


def training_feed(*, start: date, end: date, touched: set[int] | None = None) -> dict[str, int]:
    """Regenerate the training entries of sessions held in [start, end] and flag public criticisms.

    Return the counts created, updated, deleted and unchanged, and ``flags`` (new criticism flags); add the
    officials whose entries changed to ``touched``.
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
        counts = apply_derived(desired, existing, touched=touched)
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

    Set-based: a count per quarter, the quarter's flags, one insert, one update, and the heads told in one go.
    Return how many flags were created. A pending flag's absence count follows the facts, and so does the flag
    itself (see the module: withdrawn below three, back to the head at three again).
    """
    created: list[CriticismFlag] = []
    again: list[CriticismFlag] = []
    basis_changed: dict[CriticismFlag, int] = {}  # confirmed flags below three now, with the count now
    for key in quarters_between(start, end):
        span = parse_period_key(key)
        per_official = required_absences(span.start, span.end).order_by().values("official_id").annotate(
            n=Count("pk"))
        counts = dict(per_official.filter(n__gte=CRITICISM_THRESHOLD).values_list("official_id", "n"))
        stored = {f.official_id: f for f in CriticismFlag.objects.select_for_update().filter(quarter=key)}
        below_ids = [oid for oid, f in stored.items()
                     if oid not in counts and f.status != CriticismFlag.Status.DISMISSED]
        below = (dict(per_official.filter(official_id__in=below_ids).values_list("official_id", "n"))
                 if below_ids else {})
        changed = []
        for official_id, flag in stored.items():
            was = flag.status
            if _follow(flag, counts.get(official_id, below.get(official_id, 0))):
                changed.append(flag)
                if was == CriticismFlag.Status.WITHDRAWN and flag.status == CriticismFlag.Status.PENDING:
                    again.append(flag)
            elif flag.status == CriticismFlag.Status.CONFIRMED and official_id not in counts:
                basis_changed[flag] = below.get(official_id, 0)
        if changed:
            bulk_update_with_history(changed, CriticismFlag, ["absences", "status", "note", "decided_at"],
                                     batch_size=BATCH)
        new = [CriticismFlag(official_id=oid, quarter=key, absences=n)
               for oid, n in sorted(counts.items()) if oid not in stored]
        if new:
            created.extend(bulk_create_with_history(new, CriticismFlag, batch_size=BATCH))
    if created or again or basis_changed:
        _notify_heads(created, again, basis_changed)
    return len(created)


def _follow(flag: CriticismFlag, absences: int) -> bool:
    """Bring a pending or withdrawn flag in line with the official's absences now; return whether it changed."""
    Status = CriticismFlag.Status
    if flag.status == Status.PENDING and absences < CRITICISM_THRESHOLD:
        with translation.override(settings.LANGUAGE_CODE):  # stored, and shown to heads in the interface's language
            flag.note = _("Withdrawn: the unexcused absences were corrected to %(count)s.") % {"count": absences}
        flag.status, flag.absences, flag.decided_at = Status.WITHDRAWN, absences, timezone.now()
        return True
    if flag.status == Status.WITHDRAWN and absences >= CRITICISM_THRESHOLD:
        flag.status, flag.absences, flag.note, flag.decided_at = Status.PENDING, absences, "", None
        return True
    if flag.status in (Status.PENDING, Status.WITHDRAWN) and flag.absences != absences:
        flag.absences = absences
        return True
    return False


def _notify_heads(created: list[CriticismFlag], again: list[CriticismFlag] | None = None,
                  basis_changed: dict[CriticismFlag, int] | None = None) -> None:
    """Tell the heads over each official: a new flag, a flag back after a withdrawal, or a confirmed criticism
    whose absences fell below three (``basis_changed``: the count now; told once per flag and count)."""
    again, basis_changed = again or [], basis_changed or {}
    flags = [*created, *again, *basis_changed]
    officials = {pk: (name, path) for pk, name, path in Official.objects.filter(
        pk__in=sorted({f.official_id for f in flags})).values_list("pk", "name", "unit__path")}
    paths = sorted({p for _name, path in officials.values() for p in ancestor_paths(path)})
    grants = list(RoleGrant.objects.filter(role="head", unit__path__in=paths, unit__is_active=True,
                                           user__is_active=True).values_list("user_id", "unit__path"))
    notices = []
    url = reverse("training:criticism_flags")
    with translation.override(settings.LANGUAGE_CODE):
        for kind, group in (("new", created), ("again", again), ("basis", list(basis_changed))):
            for flag in group:
                name, path = officials[flag.official_id]
                values = {"name": name, "count": flag.absences, "quarter": flag.quarter}
                if kind == "basis":
                    values["count"] = basis_changed[flag]
                    title = _("The public criticism of %(name)s in %(quarter)s was confirmed, but the unexcused "
                              "absences are now %(count)s: review the deduction in the ledger") % values
                    dedupe, link = f"training-criticism-{flag.pk}-basis-{values['count']}", f"{url}?status=decided"
                else:
                    title = _("%(name)s missed %(count)s required sessions without leave in %(quarter)s: "
                              "confirm or dismiss a public criticism") % values
                    dedupe = f"training-criticism-{flag.pk}" + (f"-again-{flag.absences}" if kind == "again" else "")
                    link = url
                for user_id, unit_path in grants:
                    if path.startswith(unit_path):
                        notices.append(Notice(user_id=user_id, kind="training", title=title, url=link,
                                              dedupe_key=dedupe))
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

