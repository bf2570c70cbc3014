"""Cases: register, edit while open, move through the workflow, attach files, log every read of a file.

Workflow: registered (立案) → investigating → decided → closed; registered → not pursued (不予立案, with a
reason): a case under investigation is already pursued, so when it finds nothing to sanction it is closed with no
sanction (investigating → closed, with a reason, only while no decision is recorded). "Decided" needs a decision
for every subject; every step is a ``CaseTransition``.

Every read of a case file is logged (``record_access``); a reload of the case page by the same reader within
``DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES`` adds no row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.uploads import check_upload
from discipline.models import (
    ATTACHMENT_EXTENSIONS,
    Case,
    CaseAccess,
    CaseAttachment,
    CaseSource,
    CaseStatus,
    CaseTransition,
    DisciplineRule,
)
from discipline.selectors.cases import attachment_max_bytes, can_handle, next_number
from discipline.services._common import forbidden, required, save_as
from org.models import Official, OrgUnit, Role, User
from org.selectors import officials_visible_to

NUMBER_ATTEMPTS = 5
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.REGISTERED: (CaseStatus.INVESTIGATING, CaseStatus.NOT_PURSUED),
    CaseStatus.INVESTIGATING: (CaseStatus.DECIDED, CaseStatus.CLOSED),
    CaseStatus.DECIDED: (CaseStatus.CLOSED,),
    CaseStatus.CLOSED: (),
    CaseStatus.NOT_PURSUED: (),
}


def _check_subjects(by: User, unit: OrgUnit, subjects: list[Official]) -> None:
    if not subjects:
        message = _("Name at least one official the case is about.")
        raise ApplicationError(message, code="required", extra={"fields": {"subjects": [message]}})
    visible = set(officials_visible_to(by, roles=[Role.DISCIPLINE], include_self=False)
                  .filter(pk__in=[s.pk for s in subjects]).values_list("pk", flat=True))
    if len(visible) != len({s.pk for s in subjects}):
        raise ApplicationError(_("Some of these officials are outside your scope."), code="forbidden")


def case_register(
    *, by: User, unit: OrgUnit, title: str, subjects: Iterable[Official], source: str, facts: str,
    source_reference: str = "", rules: Iterable[DisciplineRule] = (), investigator: User | None = None,
    registered_on: date | None = None, comment: str = "",
) -> Case:
    """Register (立案) a case under ``unit``; the actor must hold discipline inspection over it."""
    if not can_handle(by, unit):
        raise forbidden()
    subjects = list(subjects)
    _check_subjects(by, unit, subjects)
    if source not in CaseSource.values:
        raise ApplicationError(_("Choose the source of the case."), code="invalid")
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        raise ApplicationError(_("The registration date cannot be in the future."), code="invalid_date")
    for attempt in range(NUMBER_ATTEMPTS):
        case = Case(
            number=next_number(registered_on.year), unit=unit, source=source,
            title=required(title, _("Give the case a title."), "title"),
            facts=required(facts, _("Describe the facts."), "facts"),
            source_reference=source_reference.strip(), investigator=investigator or by,
            registered_on=registered_on, created_by=by,
        )
        try:
            with transaction.atomic():
                save_as(case, by)
                case.subjects.set(subjects)
                case.rules.set(list(rules))
                CaseTransition.objects.create(case=case, to_status=CaseStatus.REGISTERED, by=by,
                                              comment=comment.strip())
        except IntegrityError:  # another case took the number meanwhile: take the next one
            if attempt == NUMBER_ATTEMPTS - 1:
                raise ApplicationError(_("Too many cases are being registered at once; try again."),
                                       code="conflict") from None
            continue
        return case
    raise AssertionError("unreachable")  # pragma: no cover


def _locked(case: Case, by: User) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
    if not can_handle(by, locked.unit):
        raise forbidden()
    return locked


@transaction.atomic
def case_update(
    *, by: User, case: Case, title: str, facts: str, source: str, source_reference: str = "",
    subjects: Iterable[Official], rules: Iterable[DisciplineRule] = (), investigator: User | None = None,
) -> Case:
    """Edit an open case's file; a subject who already has a decision cannot be removed."""
    case = _locked(case, by)
    if case.status not in (CaseStatus.REGISTERED, CaseStatus.INVESTIGATING):
        raise ApplicationError(_("Only an open case can be edited."), code="not_open")
    subjects = list(subjects)
    _check_subjects(by, case.unit, subjects)
    decided = set(case.decisions.values_list("official_id", flat=True))
    if decided - {s.pk for s in subjects}:
        raise ApplicationError(_("An official with a decision in this case cannot be removed from it."),
                               code="has_decision")
    case.title = required(title, _("Give the case a title."), "title")
    case.facts = required(facts, _("Describe the facts."), "facts")
    case.source, case.source_reference = source, source_reference.strip()
    case.investigator = investigator or case.investigator
    save_as(case, by)
    case.subjects.set(subjects)
    case.rules.set(list(rules))
    return case


@transaction.atomic
def case_transition(*, by: User, case: Case, to: str, comment: str = "", today: date | None = None) -> Case:
    """Move a case one step; "not pursued" needs a reason (the comment), "decided" a decision per subject."""
    case = _locked(case, by)
    if to not in TRANSITIONS.get(case.status, ()):
        raise ApplicationError(
            _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {"from": CaseStatus(case.status).label, "to": CaseStatus(to).label if to in CaseStatus.values else to},
            code="invalid_transition")
    today = today or timezone.localdate()
    comment = comment.strip()
    if to == CaseStatus.NOT_PURSUED:
        case.not_pursued_reason = required(comment, _("Give the reason the case is not pursued."), "comment")
        case.closed_on = today
    elif to == CaseStatus.DECIDED:
        subjects = set(case.subjects.values_list("pk", flat=True))
        decided = set(case.decisions.values_list("official_id", flat=True))
        if subjects - decided:
            raise ApplicationError(_("Record a decision for every subject before marking the case decided."),
                                   code="undecided_subjects")
        case.decided_on = today
    elif to == CaseStatus.CLOSED:
        if case.status == CaseStatus.INVESTIGATING:  # closed with no sanction
            if case.decisions.exists():
                raise ApplicationError(_("Decisions are recorded: mark the case decided, then close it."),
                                       code="has_decision")
            required(comment, _("Give the reason the case is closed with no sanction."), "comment")
        case.closed_on = today
    previous, case.status = case.status, to
    save_as(case, by)
    CaseTransition.objects.create(case=case, from_status=previous, to_status=to, by=by, comment=comment)
    return case


@transaction.atomic
def attachment_add(*, by: User, case: Case, upload: UploadedFile) -> CaseAttachment:
    """Attach a file (PDF, image or Office document, size-limited) to a case, stored privately."""
    case = _locked(case, by)
    check_upload(upload, max_bytes=attachment_max_bytes(), kinds=ATTACHMENT_EXTENSIONS,
                 too_large=_("The file is too large (at most %(mb)s MB)."),
                 bad_kind=_("Attach a PDF, image, Word or Excel file."))
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    attachment = CaseAttachment(case=case, name=name, size=upload.size or 0, uploaded_by=by)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


# Reads that a reload repeats: logged once per reader and case within the window. An attachment download, an
# export and an API answer each take the file away, so each of them is always logged.
DEDUPED_ACTIONS = frozenset({CaseAccess.Action.VIEW})


def record_access(*, user: User, cases: Iterable[Case] | Case, action: str) -> None:
    """Write the access-log rows of a read of case files (one insert, however many cases); a page view the same
    reader logged within ``DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES`` is not logged again."""
    items = [cases] if isinstance(cases, Case) else list(cases)
    minutes = settings.DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES
    if action in DEDUPED_ACTIONS and minutes > 0 and items:
        since = timezone.now() - timedelta(minutes=minutes)
        recent = set(CaseAccess.objects.filter(user=user, action=action, at__gte=since,
                                               case_id__in=[c.pk for c in items]).values_list("case_id", flat=True))
        items = [c for c in items if c.pk not in recent]
    if items:
        CaseAccess.objects.bulk_create([CaseAccess(case_id=c.pk, user=user, action=action) for c in items])
