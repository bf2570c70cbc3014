"""Talks (谈心谈话): records of reminder and care talks, kept by discipline inspection and the organization
department — records, not scores."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from discipline.models import Case, Talk, TalkKind, TalkOccasion
from discipline.selectors.cases import cases_visible_to
from discipline.selectors.scope import CASE_ROLES
from discipline.services._common import required, save_as
from org.models import Official, User
from org.selectors import access_for


def _check(by: User, official: Official) -> None:
    if not access_for(by).covers(official.unit.path, CASE_ROLES):
        raise ApplicationError(_("You may not record talks for this official."), code="forbidden")


@transaction.atomic
def talk_record(
    *, by: User, official: Official, kind: str, held_on: date, topic: str, occasion: str = TalkOccasion.OTHER,
    talker: Official | None = None, talker_name: str = "", follow_up: str = "", case: Case | None = None,
) -> Talk:
    _check(by, official)
    if case is not None and not cases_visible_to(by).filter(pk=case.pk).exists():
        raise ApplicationError(_("You may not link a talk to this case."), code="forbidden")
    if kind not in TalkKind.values or occasion not in TalkOccasion.values:
        raise ApplicationError(_("Choose the kind and occasion of the talk."), code="invalid")
    if held_on > timezone.localdate():
        raise ApplicationError(_("The date of the talk cannot be in the future."), code="invalid_date")
    if talker is None and not talker_name.strip():
        raise ApplicationError(_("Say who held the talk."), code="required",
                               extra={"fields": {"talker": [_("Say who held the talk.")]}})
    talk = Talk(official=official, kind=kind, occasion=occasion, held_on=held_on, talker=talker,
                talker_name=talker_name.strip(), topic=required(topic, _("Write the topic of the talk."), "topic"),
                follow_up=follow_up.strip(), case=case, recorded_by=by)
    save_as(talk, by)
    return talk


@transaction.atomic
def talk_follow_up(*, by: User, talk: Talk, follow_up: str, done: bool) -> Talk:
    talk = Talk.objects.select_for_update(of=("self",)).select_related("official__unit").get(pk=talk.pk)
    _check(by, talk.official)
    talk.follow_up, talk.follow_up_done = follow_up.strip(), done
    save_as(talk, by)
    return talk
