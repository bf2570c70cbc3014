"""A county with something to do for every role, for the home page's tests (pages and browser journeys).

Everything is dated from today, so the world means the same whatever day the tests run: last month's report is
the one due, a task falls due in three days, a case was registered forty days ago (past its 30-day limit).
Each kind of record also has a twin outside the head's bureau (in finance), which no culture head may count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from appraisal.models import PeriodStatus
from appraisal.scoring.periods import QUARTER, period_key_for
from discipline.defaults import ensure_defaults as ensure_discipline_defaults
from discipline.models import Case, CaseTransition, DecisionKind
from discipline.services.appeals import appeal_file
from discipline.services.cases import case_register, case_transition
from discipline.services.decisions import decision_record
from discipline.services.tolerance import tolerance_request
from org.home import TodoItem, todos_for
from org.models import Official, User
from tasks.models import ReportStatus, Task, TaskStatus
from tasks.selectors.tasks import week_monday
from tests.appraisal.factories import ScorecardFactory
from tests.conftest import County
from tests.factories import (
    MonthlyReportFactory,
    MonthlyReportItemFactory,
    OfficialFactory,
    QuarterlyGradeFactory,
    TaskFactory,
    UserFactory,
    WeeklyUpdateFactory,
    period,
)
from tests.training.factories import AttendanceFactory, CriticismFlagFactory, ExternalTrainingFactory, make_session
from training.models import AttendanceStatus, ExternalStatus


@dataclass
class World:
    county: County
    today: date
    last_month: date
    colleague: Official  # culture office: last month's report submitted on time
    signer: Official  # culture office: last month's report approved, to sign
    soon: Task  # staff's task due in three days
    overdue: Task  # staff's overdue task
    old_case: Case  # registered forty days ago, past its limit
    long_case: Case  # under investigation for a hundred days, past its limit
    fresh_case: Case  # under investigation since today


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _tasks(county: County, today: date) -> tuple[Task, Task]:
    started = today - timedelta(days=40)
    staff = county.staff_official
    soon = TaskFactory(unit=county.culture_tourism, responsible=staff, title="智慧景区二期验收", start_date=started,
                       deadline=today + timedelta(days=3), status=TaskStatus.IN_PROGRESS, progress=60)
    overdue = TaskFactory(unit=county.culture_tourism, responsible=staff, title="景区安全隐患整改",
                          start_date=started, deadline=today - timedelta(days=2), status=TaskStatus.IN_PROGRESS,
                          progress=40)
    later = TaskFactory(unit=county.culture_tourism, responsible=staff, title="冰雪旅游季筹备", start_date=started,
                        deadline=today + timedelta(days=40), status=TaskStatus.IN_PROGRESS)
    WeeklyUpdateFactory(task=later, week=week_monday(today), progress=20, done="完成方案初稿",
                        author=county.staff)
    TaskFactory(unit=county.culture_office, responsible=county.culture_official, title="办公室档案整理",
                start_date=started, deadline=today - timedelta(days=5), status=TaskStatus.OVERDUE)
    TaskFactory(unit=county.finance_office, responsible=county.finance_official, title="预算执行分析",
                start_date=started, deadline=today - timedelta(days=5), status=TaskStatus.OVERDUE)
    return soon, overdue


def _reports(county: County, month: date) -> tuple[Official, Official]:
    submitted_at = timezone.now() - timedelta(days=2)
    colleague = OfficialFactory(unit=county.culture_office, name="周晓峰")
    signer = OfficialFactory(unit=county.culture_office, name="吴海燕")
    MonthlyReportFactory(official=county.staff_official, month=month, status=ReportStatus.DRAFT)
    for official, late in ((county.culture_official, True), (colleague, False), (county.finance_official, False),
                           (county.head_official, False)):
        report = MonthlyReportFactory(official=official, month=month, status=ReportStatus.SUBMITTED,
                                      submitted_at=submitted_at, is_late=late)
        MonthlyReportItemFactory(report=report, content="完成文旅项目调度", indicator="4 次")
    MonthlyReportFactory(official=signer, month=month, status=ReportStatus.APPROVED, submitted_at=submitted_at,
                         rating="good", reviewed_by=county.head, reviewed_at=submitted_at)
    return colleague, signer


def _training(county: County, today: date) -> None:
    quarter = period_key_for(QUARTER, today)
    CriticismFlagFactory(official=county.culture_official, quarter=quarter, absences=3)
    CriticismFlagFactory(official=county.finance_official, quarter=quarter, absences=4)
    for official in (county.staff_official, county.finance_official):
        ExternalTrainingFactory(official=official, title="县委党校专题培训", provider="县委党校",
                                started_on=today - timedelta(days=20), ended_on=today - timedelta(days=18),
                                hours=Decimal("16"), status=ExternalStatus.SUBMITTED)
    past = timezone.make_aware(datetime.combine(today - timedelta(days=3), time(9)))
    make_session(county.head, county.culture, when=past, title="文旅局周五集中学习")
    recorded = make_session(county.head, county.culture, when=past - timedelta(days=7), title="文旅局专题党课")
    AttendanceFactory(session=recorded, official=county.staff_official, status=AttendanceStatus.PRESENT,
                      hours=Decimal("2"))
    make_session(county.orgadmin, county.finance, when=past, title="财政局周五集中学习")
    make_session(county.head, county.culture, when=past + timedelta(days=30), title="下月集中学习")  # not yet held


def _quarterly(county: County, today: date) -> None:
    quarter = period(period_key_for(QUARTER, today))
    QuarterlyGradeFactory(period=quarter, official=county.staff_official, unit=county.culture)
    QuarterlyGradeFactory(period=quarter, official=county.culture_official, unit=county.culture, comment="写实")
    QuarterlyGradeFactory(period=quarter, official=county.finance_official, unit=county.finance)


def _discipline(county: County, today: date) -> tuple[Case, Case, Case]:
    ensure_discipline_defaults()
    inspector = county.inspector
    old = case_register(by=inspector, unit=county.culture, title="违规发放津贴补贴", subjects=[county.culture_official],
                        source="report", facts="群众举报其违规发放津贴。", registered_on=today - timedelta(days=40))
    long = case_register(by=inspector, unit=county.finance, title="公车私用", subjects=[county.finance_official],
                         source="complaint", facts="群众反映其周末驾驶公车办私事。",
                         registered_on=today - timedelta(days=120))
    long = case_transition(by=inspector, case=long, to="investigating", comment="开始调查")
    began = timezone.now() - timedelta(days=100)
    CaseTransition.objects.filter(case=long, to_status="investigating").update(at=began)
    fresh = case_register(by=inspector, unit=county.culture, title="工作日饮酒", subjects=[county.staff_official],
                          source="inspection", facts="检查发现其工作日午间饮酒。")
    fresh = case_transition(by=inspector, case=fresh, to="investigating", comment="开始调查")
    # A decided case whose subject appeals.
    appealed = case_register(by=inspector, unit=county.finance, title="违规报销", subjects=[county.finance_official],
                             source="inspection", facts="审计发现违规报销差旅费。",
                             registered_on=today - timedelta(days=60))
    appealed = case_transition(by=inspector, case=appealed, to="investigating")
    decision = decision_record(by=inspector, case=appealed, official=county.finance_official,
                               kind=DecisionKind.objects.get(code="gov_warning"),
                               effective_date=today - timedelta(days=3), summary="给予警告处分")
    case_transition(by=inspector, case=appealed, to="decided")
    subject = UserFactory(username="qianky")
    county.finance_official.user = subject
    county.finance_official.save(update_fields=["user"])
    appeal_file(by=subject, decision=decision, grounds="报销经单位审批，不应由本人承担。")
    tolerance_request(by=subject, case=appealed, official=county.finance_official,
                      statement="为抢抓项目进度，经集体研究后先行垫付。", for_public_good=True, followed_procedure=True)
    return old, long, fresh


def _scores(county: County, today: date) -> None:
    published = period(f"{previous_month(previous_month(today)):%Y-%m}")
    published.status = PeriodStatus.PUBLISHED
    published.save(update_fields=["status"])
    for rank, official in enumerate((county.culture_official, county.staff_official, county.head_official), start=1):
        ScorecardFactory(period=published, official=official, unit=county.culture, total=Decimal(95 - rank * 3),
                         rank_in_unit=rank)
    ScorecardFactory(period=published, official=county.finance_official, unit=county.finance, rank_in_unit=1)


def build_world(county: County) -> World:
    """Seed the county with the work of a busy day for every role."""
    today = timezone.localdate()
    last_month = previous_month(today)
    soon, overdue = _tasks(county, today)
    colleague, signer = _reports(county, last_month)
    _training(county, today)
    _quarterly(county, today)
    old, long, fresh = _discipline(county, today)
    _scores(county, today)
    period(f"{last_month:%Y-%m}")  # the month at hand exists as a period, never rolled up
    return World(county=county, today=today, last_month=last_month, colleague=colleague, signer=signer, soon=soon,
                 overdue=overdue, old_case=old, long_case=long, fresh_case=fresh)


def todo_items(user: User) -> dict[str, dict[str, TodoItem]]:
    """``{role: {key: item}}`` as the home page builds them for the user (fetched afresh: no cached access)."""
    fresh = User.objects.get(pk=user.pk)
    return {block.role: {item.key: item for item in block.items} for block in todos_for(fresh)}
