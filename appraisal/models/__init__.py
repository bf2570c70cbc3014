"""The scoring model (DESIGN §4), one module per topic; every model is re-exported here so that
``from appraisal.models import X`` works and Django finds them all under ``appraisal.models``.

- ``schemes``: the weighted components, schemes and the rule catalogue;
- ``periods``: periods, their events and rollup runs;
- ``ledger``: the score ledger;
- ``checkup``: the quarterly multi-rater check-up (季度多维体检);
- ``ballots``: its one-time ballot codes (民主测评 without accounts);
- ``scorecards``: officials' and units' scorecards and ranks;
- ``grades``: annual grades and 优秀 quota approvals;
- ``annual``: the annual procedure (个人总结 → 评语 → 确认 → 公示 → 书面通知 → 复核/申诉), its events and summaries;
- ``notices``: its 公示 and the objections;
- ``verdicts``: its written notices, 复核 and 申诉;
- ``quarterly``: 平时考核, the quarterly grades;
- ``exports``: register exports.
"""

from appraisal.models.annual import (
    STAGE_ORDER,
    SUMMARY_SECTIONS,
    AnnualProcedure,
    AnnualSummary,
    EventAction,
    ProcedureEvent,
    Stage,
    SummaryStatus,
)
from appraisal.models.ballots import Ballot, BallotBatch, BallotChoice, BallotCode, BallotRating
from appraisal.models.checkup import (
    DEFAULT_GROUP_WEIGHTS,
    CheckupResult,
    CheckupRound,
    Dimension,
    RaterAssignment,
    RaterGroup,
)
from appraisal.models.exports import ExportJob
from appraisal.models.grades import GRADE_ORDER, Grade, GradeDecision, GradeStatus, QuotaApproval
from appraisal.models.ledger import ScoreEntry
from appraisal.models.notices import NoticeCandidate, Objection, ObjectionStatus, PublicNotice
from appraisal.models.periods import AppraisalPeriod, PeriodEvent, PeriodKind, PeriodStatus, RollupRun
from appraisal.models.quarterly import (
    QUARTER_GRADE_ORDER,
    QuarterGrade,
    QuarterlyGrade,
    QuarterlyRule,
    QuarterlyStatus,
    ReconsiderOutcome,
)
from appraisal.models.schemes import DEFAULT_WEIGHTS, Component, Scheme, SchemeComponent, ScoreRule
from appraisal.models.scorecards import Scorecard, UnitScorecard
from appraisal.models.verdicts import AppealOutcome, GradeAppeal, GradeNotice, GradeReview, ReviewOutcome, SignStatus

__all__ = [
    "DEFAULT_GROUP_WEIGHTS", "DEFAULT_WEIGHTS", "GRADE_ORDER", "QUARTER_GRADE_ORDER", "STAGE_ORDER",
    "SUMMARY_SECTIONS", "AnnualProcedure", "AnnualSummary", "AppealOutcome", "AppraisalPeriod", "Ballot",
    "BallotBatch", "BallotChoice", "BallotCode", "BallotRating", "CheckupResult", "CheckupRound", "Component",
    "Dimension", "EventAction", "ExportJob", "Grade", "GradeAppeal", "GradeDecision", "GradeNotice", "GradeReview",
    "GradeStatus", "NoticeCandidate", "Objection", "ObjectionStatus", "PeriodEvent", "PeriodKind", "PeriodStatus",
    "ProcedureEvent", "PublicNotice", "QuarterGrade", "QuarterlyGrade", "QuarterlyRule", "QuarterlyStatus",
    "QuotaApproval", "RaterAssignment", "RaterGroup", "ReconsiderOutcome", "ReviewOutcome", "RollupRun", "Scheme",
    "SchemeComponent", "ScoreEntry", "ScoreRule", "Scorecard", "SignStatus", "Stage", "SummaryStatus",
    "UnitScorecard",
]
