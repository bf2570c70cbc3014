"""Appeals (申诉): the subject appeals a decision within the window; the outcome updates its effects."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.notifications import notify
from discipline.models import Appeal, AppealOutcome, Decision, DecisionKind
from discipline.selectors.cases import can_handle
from discipline.selectors.decisions import appeal_deadline
from discipline.services._common import forbidden, required, save_as
from discipline.services.decisions import apply_kind, decision_changed
from org.models import Role, User
from org.selectors import access_for, users_with_role_over


def appeal_file(*, by: User, decision: Decision, grounds: str, today: date | None = None) -> Appeal:
    """The subject appeals their decision, within the window (``DISCIPLINE_APPEAL_DAYS`` from its effect)."""
    today = today or timezone.localdate()
    if access_for(by).official_id != decision.official_id:
        raise ApplicationError(_("Only the official the decision is about may appeal it."), code="forbidden")
    if decision.revoked:
        raise ApplicationError(_("This decision has been revoked."), code="conflict")
    if today > appeal_deadline(decision):
        raise ApplicationError(_("The time to appeal ended on %(day)s.") % {"day": appeal_deadline(decision)},
                               code="too_late")
    appeal = Appeal(decision=decision, filed_by=by, filed_on=today,
                    grounds=required(grounds, _("State the grounds of the appeal."), "grounds"))
    try:
        with transaction.atomic():
            save_as(appeal, by)
    except IntegrityError:
        raise ApplicationError(_("An appeal against this decision is already pending."), code="duplicate") from None
    notify(users=users_with_role_over(decision.case.unit, Role.DISCIPLINE), kind="appeal_filed",
           title=_("Appeal filed in case %(number)s") % {"number": decision.case.number},
           url=reverse("discipline:case_detail", args=[decision.case_id]), dedupe_key=f"appeal:{appeal.pk}")
    return appeal


@transaction.atomic
def appeal_decide(*, by: User, appeal: Appeal, outcome: str, note: str,
                  new_kind: DecisionKind | None = None) -> Appeal:
    """Uphold, change (to another kind, whose effects replace the old ones) or revoke the decision."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("decision__case__unit").get(pk=appeal.pk)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("kind", "official").get(
        pk=appeal.decision_id)
    if not can_handle(by, appeal.decision.case.unit):
        raise forbidden()
    if not appeal.is_pending:
        raise ApplicationError(_("This appeal has already been decided; reload the page."), code="conflict")
    if outcome not in AppealOutcome.values:
        raise ApplicationError(_("Choose the outcome of the appeal."), code="invalid")
    appeal.outcome_note = required(note, _("Write the reasons for the outcome."), "note")
    appeal.outcome, appeal.decided_by, appeal.decided_at = outcome, by, timezone.now()
    appeal.previous_kind = decision.kind
    if outcome == AppealOutcome.CHANGED:
        if new_kind is None or new_kind.pk == decision.kind_id:
            raise ApplicationError(_("Choose the kind of decision it is changed to."), code="required",
                                   extra={"fields": {"new_kind": [_("Choose the kind of decision it is changed to.")]}})
        appeal.new_kind = new_kind
        apply_kind(decision, new_kind)
        save_as(decision, by)
        decision_changed(decision)
    elif outcome == AppealOutcome.REVOKED:
        decision.revoked = True
        save_as(decision, by)
        decision_changed(decision)
    save_as(appeal, by)
    if decision.official.user_id:
        notify(users=[decision.official.user], kind="appeal_decided", title=_("Your appeal has been decided"),
               url=reverse("discipline:my_record"), dedupe_key=f"appeal-decided:{appeal.pk}")
    return appeal
