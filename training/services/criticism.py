"""Public criticism flags (通报批评): officials with three or more unexcused absences from required sessions in a
quarter, flagged for a head over their unit to confirm (``criticism_confirm``: the appraisal records the −2, see
``training.signals``) or dismiss (``criticism_dismiss``).

The flags are raised by the training feed (``appraisal.services.derive_training.training_feed``, which calls
``criticism_flag_quarters``) and follow the facts: a flag waiting for the head whose absences fall below three is
withdrawn (status ``withdrawn``, with a note; it comes back to the head if the absences reach three again), and the
heads over an official whose criticism was already confirmed are told the absences it rests on have changed — the
decision is theirs, so the −2 they recorded stays until they remove it from the ledger. A dismissed flag stays
dismissed.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.dates import quarters_between
from common.errors import ApplicationError
from common.history import save_as
from common.notifications import Notice, notify_many
from common.text_limits import check_values
from org.models import Official, RoleGrant, User
from org.selectors import access_for, ancestor_paths
from training.models import CriticismFlag
from training.selectors.facts import required_absences
from training.signals import criticism_confirmed

CRITICISM_THRESHOLD = 3
BATCH = 1000


def criticism_flag_quarters(*, start: date, end: date) -> int:
    """Flag officials with three or more unexcused required absences in each quarter touching the window.

    Set-based: a count per quarter, the quarter's flags, one insert, one update, and the heads told in one go.
    Return how many flags were created. A pending flag's absence count follows the facts, and so does the flag
    itself (see the module: withdrawn below three, back to the head at three again).
    """
    created: list[CriticismFlag] = []
    again: list[CriticismFlag] = []
    basis_changed: dict[CriticismFlag, int] = {}  # confirmed flags below three now, with the count now
    for key, first, last in quarters_between(start, end):
        per_official = required_absences(first, last).order_by().values("official_id").annotate(
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
    """Confirm a flagged public criticism: the appraisal records the manual −2 (``public_criticism``) in the
    quarter on ``training.signals.criticism_confirmed``, in this transaction."""
    today = today or timezone.localdate()
    locked = _locked_pending(by, flag)
    criticism_confirmed.send(sender=CriticismFlag, by=by, flag=locked, today=today)
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
    save_as(flag, by)
    return flag

