"""评语 and the head's proposed grade (审核评鉴): the head over the official (主管领导) writes the 评语 and proposes the
grade, beside the proposal of the scores; a proposal that differs from the scores needs a reason.

What the rules say must be written (公务员考核规定 2020 第25、28条):

- every graded official: a 评语 and a proposed grade;
- in probation (and any other 不确定等次 the rules impose, such as long leave): the 评语 only — the grade is
  not determined;
- under investigation (立案审查调查, not concluded): neither — 不写评语、不确定等次;
- not appraised (不参加考核): nothing.

The head who writes is the head over the unit that grades the official: for one who changed units during the
year, the unit ``appraisal.selectors.transfers`` names (考核规定 2020 第26条), not necessarily their present one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.display.grade_labels import grade_label
from appraisal.models import GRADE_ORDER, AnnualProcedure, GradeDecision, Stage
from appraisal.selectors.access import is_head_over
from appraisal.selectors.annual import CommentRule, comment_rule, procedure_for_grade
from appraisal.selectors.grades import apply_constraints
from appraisal.selectors.transfers import grading_unit_path
from appraisal.services.procedure import procedure_event, require, require_stage
from common.errors import ApplicationError
from common.history import save_as
from common.text_limits import check_values
from org.models import User


def comment_write(
    *, grade: GradeDecision, by: User, comment: str, head_grade: str = "", head_reason: str = "",
) -> GradeDecision:
    """Write the 评语 and the head's proposed grade of one official while the unit is at the 评语 stage."""
    procedure: AnnualProcedure = procedure_for_grade(grade)
    writer_unit = grading_unit_path(grade.official, procedure.period.start.year)  # after a transfer: 第26条
    require(is_head_over(by, grade.official, unit_path=writer_unit),
            _("Only a head over this official may write the comment."))
    comment, head_reason = (comment or "").strip(), (head_reason or "").strip()
    with transaction.atomic():
        locked = GradeDecision.objects.select_for_update().select_related("official", "official__unit").get(
            pk=grade.pk)
        require_stage(procedure, Stage.COMMENTS, action=_("Writing the comment"))
        rule = comment_rule(locked)
        if rule is CommentRule.NONE:
            raise ApplicationError(_("%(name)s is not appraised this year: there is nothing to write.")
                                   % {"name": locked.official.name}, code="not_appraised")
        if rule is CommentRule.FORBIDDEN:
            raise ApplicationError(
                _("%(name)s is under investigation: the rules say no comment and no grade until the case closes.")
                % {"name": locked.official.name}, code="under_investigation")
        if not comment:
            raise ApplicationError(_("Write the comment."), code="comment_required",
                                   extra={"fields": {"comment": [_("Required.")]}})
        check_values(GradeDecision, comment=comment, head_reason=head_reason)
        if rule is CommentRule.ONLY:
            head_grade, head_reason = "", ""  # the rules leave the grade undetermined
        else:
            head_grade = head_grade or locked.proposed
            if head_grade not in GRADE_ORDER:
                raise ApplicationError(_("Choose one of the four grades."), code="bad_grade",
                                       extra={"fields": {"head_grade": [_("Invalid.")]}})
            allowed = apply_constraints(head_grade, locked.constraints or [])
            if allowed != head_grade:
                raise ApplicationError(
                    _("The rules allow %(name)s at most %(grade)s this year.")
                    % {"name": locked.official.name,
                       "grade": grade_label(allowed, locked.official.personnel_category)},
                    code="grade_capped", extra={"fields": {"head_grade": [_("Above the cap.")]}})
            if head_grade != locked.proposed and not head_reason:
                raise ApplicationError(
                    _("Your proposal differs from the proposal of the scores (%(grade)s): give the reason.")
                    % {"grade": grade_label(locked.proposed, locked.official.personnel_category)},
                    code="reason_required", extra={"fields": {"head_reason": [_("Required.")]}})
            if head_grade == locked.proposed:
                head_reason = ""
        locked.comment, locked.head_grade, locked.head_reason = comment, head_grade, head_reason
        locked.commented_by, locked.commented_at = by, timezone.now()
        save_as(locked, by, update_fields=["comment", "head_grade", "head_reason", "commented_by", "commented_at"])
        procedure_event(procedure=procedure, action="comment", by=by, official=locked.official_id,
                        data={"head_grade": head_grade, "proposed": locked.proposed})
    return locked
