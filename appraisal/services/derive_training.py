"""The training facts in the appraisal ledger: derived entries, and the head's confirmed public criticism.

``training_feed(start=..., end=...)`` regenerates, idempotently and set-based, the derived ``ScoreEntry``
rows of the sessions held in the window, reading the facts through ``training.selectors.facts``:

- ``study_absence`` (−1 each): an unexcused absence (status absent) from a required collective study;
  source the attendance row, dated the session's day.
- ``lecture_given`` (the rule's points): a session given by an official lecturer; source the session.

Stored rows are compared with the wanted ones (``appraisal.services.derive``'s diff): new facts are
inserted, changed ones updated, rows whose fact no longer qualifies deleted. Running it twice changes
nothing the second time. The rules' caps per period are applied by the rollup, as for every rule.

It then has the training app flag public criticisms (通报批评) for officials with three or more unexcused
absences from required sessions in a quarter touched by the window (``training.services.criticism``). A head
confirming one sends ``training.signals.criticism_confirmed``; ``criticism_record`` (connected in
``AppraisalConfig.ready``) records the head's −2 (``public_criticism``, a manual entry) in the quarter.

The training app sits below the appraisal and imports nothing of it (DESIGN §3): the appraisal derives.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraisal.models import ScoreEntry, ScoreRule
from appraisal.selectors.periods import period_existing
from appraisal.services.derive import Derived, Key, apply_derived, clip_reason
from appraisal.services.entries import entry_add
from org.models import User
from training.models import Attendance, CriticismFlag, TrainingSession
from training.selectors.facts import lectures_given, study_absences
from training.services.criticism import criticism_flag_quarters

STUDY_ABSENCE, LECTURE_GIVEN, PUBLIC_CRITICISM = "study_absence", "lecture_given", "public_criticism"
FEED_RULES = (STUDY_ABSENCE, LECTURE_GIVEN)
# The fact each rule records (``appraisal.scoring.facts``). An unexcused absence is a breach of study discipline
# (the seed practice: 不参加集中学习…扣1-3分), a different fact from the hours the training component counts.
RULE_FACTS = {STUDY_ABSENCE: "study_absence", LECTURE_GIVEN: "lecture_given"}
ABSENCE_POINTS = Decimal(-1)  # "−1 each": the rule allows −1 to −3, the feed records −1
CRITICISM_POINTS = Decimal(-2)


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

    absences = study_absences(start, end)
    lectures = lectures_given(start, end)
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
        counts = apply_derived(desired=desired, existing=existing, touched=touched)
        counts["flags"] = criticism_flag_quarters(start=start, end=end)
    return counts


def criticism_record(sender: object, *, by: User, flag: CriticismFlag, today: date, **kwargs: Any) -> None:
    """Record the head's confirmed public criticism: the manual −2 (``public_criticism``) in the flag's quarter
    (receives ``training.signals.criticism_confirmed``, inside the confirming transaction)."""
    period = period_existing(flag.quarter)
    rule = ScoreRule.objects.get(code=PUBLIC_CRITICISM)
    entry_add(by=by, official=flag.official, period=period, rule=rule, points=CRITICISM_POINTS,
              occurred_on=min(period.end, today), today=today,
              reason=_("Public criticism: %(count)s unexcused absences from required sessions in %(quarter)s") % {
                  "count": flag.absences, "quarter": flag.quarter})
