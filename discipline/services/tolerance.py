"""Error tolerance (容错免责): request, review by discipline inspection, decision by the organization department,
and rectification (纠错) tracked to completion. Approval exempts the subject's decisions in the case: the
records stay, their effects on the appraisal go at the next rollup.

A request exempts a decision, so it needs one about its official in the case. Separation of duties: whoever
filed a request, and its subject, neither review nor decide it (``selectors.tolerance.tolerance_conflict``)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.notifications import notify
from discipline.models import (
    Case,
    CaseStatus,
    Decision,
    RectificationStatus,
    ToleranceRequest,
    ToleranceStatus,
)
from discipline.selectors.cases import can_handle
from discipline.selectors.tolerance import can_decide_tolerance, can_request_tolerance, tolerance_conflict
from discipline.services._common import forbidden, required, save_as
from discipline.services.decisions import decision_changed
from org.models import Official, Role, User
from org.selectors import access_for, users_with_role_over


def tolerance_request(
    *, by: User, case: Case, official: Official, statement: str, for_public_good: bool = False,
    followed_procedure: bool = False, no_personal_gain: bool = False, corrected_promptly: bool = False,
) -> ToleranceRequest:
    """File a request for an official who is a subject of the case (by them, their unit's head or inspection)."""
    if not can_request_tolerance(by, official) or not case.subjects.filter(pk=official.pk).exists():
        raise ApplicationError(_("You may not request error tolerance for this official."), code="forbidden")
    if case.status == CaseStatus.NOT_PURSUED:
        raise ApplicationError(_("The case was not pursued; there is nothing to exempt."), code="not_open")
    if not Decision.objects.effective().filter(case=case, official=official).exists():
        raise ApplicationError(_("There is no decision about this official in the case yet: error tolerance "
                                 "exempts a decision, so it can be requested once one is recorded."),
                               code="no_decision")
    if not any((for_public_good, followed_procedure, no_personal_gain, corrected_promptly)):
        raise ApplicationError(_("Tick the grounds that apply (the three distinctions)."), code="no_grounds")
    request = ToleranceRequest(
        case=case, official=official, requested_by=by, by_unit=access_for(by).official_id != official.pk,
        statement=required(statement, _("State the grounds of the request."), "statement"),
        for_public_good=for_public_good, followed_procedure=followed_procedure, no_personal_gain=no_personal_gain,
        corrected_promptly=corrected_promptly,
    )
    try:
        with transaction.atomic():
            save_as(request, by)
    except IntegrityError:
        raise ApplicationError(_("A request for this official in this case is already under way or approved."),
                               code="duplicate") from None
    notify(users=users_with_role_over(case.unit, Role.DISCIPLINE), kind="tolerance_request",
           title=_("Error tolerance requested in case %(number)s") % {"number": case.number},
           url=reverse("discipline:tolerance_detail", args=[request.pk]), dedupe_key=f"tolerance:{request.pk}")
    return request


def _check_separation(by: User, request: ToleranceRequest) -> None:
    """Separation of duties: whoever filed a request, or is its subject, neither reviews nor decides it."""
    conflict = tolerance_conflict(by, request)
    if conflict is not None:
        raise ApplicationError(conflict, code="separation_of_duties")


def _locked(request: ToleranceRequest) -> ToleranceRequest:
    return ToleranceRequest.objects.select_for_update(of=("self",)).select_related("case", "case__unit").get(
        pk=request.pk)


@transaction.atomic
def tolerance_review(*, by: User, request: ToleranceRequest, supports: bool, opinion: str) -> ToleranceRequest:
    """Discipline inspection's review: an opinion for or against, sent on to the organization department."""
    request = _locked(request)
    if not can_handle(by, request.case.unit):
        raise forbidden()
    _check_separation(by, request)
    if request.status != ToleranceStatus.SUBMITTED:
        raise ApplicationError(_("This request has already been reviewed; reload the page."), code="conflict")
    request.review_supports = supports
    request.review_opinion = required(opinion, _("Write the review opinion."), "opinion")
    request.reviewed_by, request.reviewed_at = by, timezone.now()
    request.status = ToleranceStatus.REVIEWED
    save_as(request, by)
    notify(users=users_with_role_over(request.case.unit, Role.ORG_DEPARTMENT), kind="tolerance_review",
           title=_("Error tolerance to decide in case %(number)s") % {"number": request.case.number},
           url=reverse("discipline:tolerance_detail", args=[request.pk]), dedupe_key=f"tolerance-review:{request.pk}")
    return request


@transaction.atomic
def tolerance_decide(
    *, by: User, request: ToleranceRequest, approve: bool, note: str, rectification: str = "",
    rectification_due: date | None = None,
) -> ToleranceRequest:
    """The organization department's decision; approval exempts the subject's decisions in the case."""
    request = _locked(request)
    if not can_decide_tolerance(by, request.case.unit):
        raise forbidden()
    _check_separation(by, request)
    if request.status != ToleranceStatus.REVIEWED:
        raise ApplicationError(_("Only a reviewed request can be decided."), code="conflict")
    request.decision_note = required(note, _("Write the reasons for the decision."), "note")
    request.decided_by, request.decided_at = by, timezone.now()
    request.status = ToleranceStatus.APPROVED if approve else ToleranceStatus.REJECTED
    if approve and rectification.strip():
        request.rectification = rectification.strip()
        request.rectification_due = rectification_due
        request.rectification_status = RectificationStatus.PENDING
    save_as(request, by)
    if approve:
        for decision in Decision.objects.select_for_update().filter(case=request.case, official=request.official):
            decision.exempted = True
            save_as(decision, by)
            decision_changed(decision)  # exempted: its deduction goes
    if request.requested_by_id:
        notify(users=[request.requested_by], kind="tolerance_decided",
               title=_("Error tolerance approved") if approve else _("Error tolerance rejected"),
               url=reverse("discipline:tolerance_detail", args=[request.pk]),
               dedupe_key=f"tolerance-decided:{request.pk}")
    return request


@transaction.atomic
def rectification_complete(*, by: User, request: ToleranceRequest, done_on: date, note: str) -> ToleranceRequest:
    """Record that the rectification (纠错) required with an exemption is done."""
    request = _locked(request)
    if not (can_handle(by, request.case.unit) or can_decide_tolerance(by, request.case.unit)):
        raise forbidden()
    if request.rectification_status != RectificationStatus.PENDING:
        raise ApplicationError(_("No rectification is pending for this request."), code="conflict")
    if done_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), code="invalid_date")
    request.rectification_note = required(note, _("Describe what was rectified."), "note")
    request.rectified_on, request.rectification_status = done_on, RectificationStatus.DONE
    save_as(request, by)
    return request
