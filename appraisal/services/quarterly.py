"""平时考核 (quarterly grades): propose a quarter's grades from its scores, the head writes and confirms them with a
写实 comment, the official asks once to reconsider, the head answers.

Proposing is in ``appraisal.services.quarterly_propose``; the thresholds, the share of 好 and the reads in
``appraisal.selectors.quarterly``.

The head over the official (``appraisal.selectors.access.is_head_over``: a head or the organization
department over the official's unit, never the official themself) writes the grade and the comment and confirms
it; the share of 好 is checked on every write and confirmation. A confirmed grade is visible to the official, who
may ask once, with a reason, to reconsider it; the head answers, keeping the grade or changing it, with the answer
in writing. Every change is in the grade's history (who, when).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    AppraisalPeriod,
    QuarterGrade,
    QuarterlyGrade,
    QuarterlyRule,
    QuarterlyStatus,
    ReconsiderOutcome,
)
from appraisal.selectors.access import is_head_over, is_org_over
from appraisal.selectors.grades import share_percent
from appraisal.selectors.quarterly import gradable_q, quarter_parameters, share_size, unit_good_count
from appraisal.services.bulk import update_with_history
from appraisal.services.quarterly_propose import _require_quarter
from common.errors import ApplicationError
from common.history import save_as, set_actor
from common.notifications import Notice, notify, notify_many
from common.text_limits import check_values
from org.models import OrgUnit, User
from org.selectors import access_for, users_with_role_over

G = QuarterGrade
NAMES_SHOWN = 10


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
        update_with_history(objs=rows, model=QuarterlyGrade, fields=["grade", "status", "confirmed_by", "confirmed_at"],
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
