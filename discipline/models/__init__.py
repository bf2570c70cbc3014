"""Discipline and accountability (纪律与问责): the rule catalogue, cases, decisions, error tolerance, appeals, talks.

Everything here is confidential except a decision's *effect* (grade cap, points, promotion bar), which heads
see for officials in their scope. Who may read what is decided in ``discipline.selectors``; these modules hold
the data and its invariants, one per topic, all re-exported here (``from discipline.models import Case``). The
appraisal reads decisions in force (``Decision.objects.effective()``) to derive its ledger entries and grade
constraints — this app does not import the appraisal.
"""

from discipline.models.cases import (
    ATTACHMENT_EXTENSIONS,
    OPEN_CASE_STATUSES,
    Case,
    CaseAccess,
    CaseAttachment,
    CaseSource,
    CaseStatus,
    CaseTransition,
    PrivateStorage,
    attachment_path,
    private_storage,
)
from discipline.models.catalogue import (
    QUALIFIED_CAP_LABELS,
    DecisionGroup,
    DecisionKind,
    DisciplineRule,
    GradeCap,
    RuleCategory,
    cap_label,
    cap_years_field,
    later_cap_field,
)
from discipline.models.decisions import Appeal, AppealOutcome, Decision, DecisionQuerySet
from discipline.models.talks import Talk, TalkKind, TalkOccasion
from discipline.models.tolerance import RectificationStatus, ToleranceRequest, ToleranceStatus

__all__ = [
    "ATTACHMENT_EXTENSIONS", "OPEN_CASE_STATUSES", "QUALIFIED_CAP_LABELS", "Appeal", "AppealOutcome", "Case",
    "CaseAccess", "CaseAttachment", "CaseSource", "CaseStatus", "CaseTransition", "Decision", "DecisionGroup",
    "DecisionKind", "DecisionQuerySet", "DisciplineRule", "GradeCap", "PrivateStorage", "RectificationStatus",
    "RuleCategory", "Talk", "TalkKind", "TalkOccasion", "ToleranceRequest", "ToleranceStatus", "attachment_path",
    "cap_label", "cap_years_field", "later_cap_field", "private_storage",
]
