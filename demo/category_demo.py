"""Build the demo's personnel categories (issue 13, item 4).

- The subordinate institutions (县图书馆, 县文化馆, …; a county of a few hundred officials has none yet) are 事业单位,
  graded 优秀 / 合格 / 基本合格 / 不合格; the 综合执法大队 among them are 参照公务员法管理.
- In the culture bureau (the ``head`` login's) a few ordinary staff of one section hold 事业编制 posts (事业编制人员
  在机关工作, common in counties), whatever the size of the demo.
- The contract staff (编外聘用) are 编外, left out of the annual appraisal by default
  (``APPRAISAL_APPRAISED_CATEGORIES``).
- One of the culture bureau's 事业单位 staff had a 事业单位 警告 last year, which caps last year's grade at 合格 — on
  the grades page, the written notice and the register the head and the organization department see.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from demo.org_data import HEAD_UNIT_CODE
from discipline.models import Case, CaseStatus, CaseTransition, Decision, DecisionKind, DisciplineRule
from discipline.selectors.cases import next_number
from discipline.services.decisions import apply_kind
from org.models import Official, OrgUnit, PersonnelCategory, RankLevel, StaffingType, User

WARNING_KIND = "inst_warning"
RULES = ("WJ-11", "BZ-7")  # 工作日午间饮酒或酒后上岗; 不准迟到早退旷工或擅离职守
INSTITUTION_CATEGORY = "INST"  # the unit category of the planned institutions (demo.org_plan.add_institution)
MANAGED_AS_CIVIL_SERVANT_MARK = "执法"  # 综合执法大队: law-enforcement units are managed as civil servants
BUREAU_INSTITUTION_STAFF = 4  # 事业单位 staff in one section of the head's bureau


class CategoryBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        # A copy of the seed's generator: this builder does not shift what the later builders draw.
        self.rng = random.Random()
        self.rng.setstate(rng.getstate())
        self.today, self.stdout, self.style = today, stdout, style

    def build(self) -> None:
        officials = Official.objects.all()
        in_institutions = officials.filter(unit__category__code=INSTITUTION_CATEGORY)
        managed = in_institutions.filter(unit__name__contains=MANAGED_AS_CIVIL_SERVANT_MARK).update(
            personnel_category=PersonnelCategory.MANAGED_AS_CIVIL_SERVANT)
        institution = in_institutions.exclude(unit__name__contains=MANAGED_AS_CIVIL_SERVANT_MARK).update(
            personnel_category=PersonnelCategory.INSTITUTION)
        institution += self._bureau_staff()
        # Contract staff are 编外 (the demo has no contract civil servants, 聘任制公务员).
        outside = officials.filter(staffing_type=StaffingType.CONTRACT).update(
            personnel_category=PersonnelCategory.NON_ESTABLISHMENT)
        warned = self._warning()
        self.stdout.write(self.style.SUCCESS(
            f"人员类别已设置：事业单位 {institution} 人、参照公务员法管理 {managed} 人、编外 {outside} 人"
            + (f"；{warned} 受事业单位警告处分（{self.today.year - 1}年度等次最高为合格）。" if warned else "。")))

    def _bureau_staff(self) -> int:
        """Make a few ordinary, established staff of one section of the head's bureau 事业单位 staff."""
        head_unit = OrgUnit.objects.filter(code=HEAD_UNIT_CODE).first()
        if head_unit is None:
            return 0
        rows = list(Official.objects.filter(
            unit__path__startswith=head_unit.path, unit__depth=head_unit.depth + 1, rank_level=RankLevel.ORDINARY,
            staffing_type=StaffingType.ESTABLISHED, is_active=True, user__isnull=True,
            personnel_category=PersonnelCategory.CIVIL_SERVANT).exclude(unit__name__contains="办公室")
            .order_by("unit__path", "id").values_list("id", "unit_id"))
        by_section: dict[int, list[int]] = {}
        for official_id, unit_id in rows:
            by_section.setdefault(unit_id, []).append(official_id)
        if not by_section:
            return 0
        section = max(by_section, key=lambda unit_id: (len(by_section[unit_id]), -unit_id))
        chosen = self.rng.sample(by_section[section], k=min(BUREAU_INSTITUTION_STAFF, len(by_section[section])))
        return Official.objects.filter(pk__in=chosen).update(personnel_category=PersonnelCategory.INSTITUTION)

    def _warning(self) -> str:
        """A 事业单位 警告 in September last year for an ordinary librarian of the head's bureau; their name."""
        head_unit = OrgUnit.objects.filter(code=HEAD_UNIT_CODE).first()
        kind = DecisionKind.objects.filter(code=WARNING_KIND).first()
        inspector = User.objects.filter(username="inspector").first()
        if head_unit is None or kind is None:
            return ""
        busy = Case.subjects.through.objects.values("official_id")  # anyone already in a case is left alone
        candidates = list(Official.objects.filter(
            unit__path__startswith=head_unit.path, personnel_category=PersonnelCategory.INSTITUTION, is_active=True,
            user__isnull=True, joined_on__lt=date(self.today.year - 2, 1, 1))
            .exclude(pk__in=busy).order_by("unit__path", "id").select_related("unit")[:20])
        if not candidates:
            return ""
        person = self.rng.choice(candidates)
        year = self.today.year - 1
        registered, decided, closed = date(year, 8, 4), date(year, 9, 15), date(year, 10, 9)
        case = Case.objects.create(
            number=next_number(year), title="工作日饮酒后上岗", unit=head_unit, source="inspection",
            source_reference=f"文旅系统作风督查〔{year}〕6号", investigator=inspector, created_by=inspector,
            facts=f"{year}年7月，{person.name}（{person.unit.name}）工作日午间饮酒后上岗，在作风督查中被发现。",
            status=CaseStatus.CLOSED, registered_on=registered, decided_on=decided, closed_on=closed)
        case.subjects.add(person)
        case.rules.add(*DisciplineRule.objects.filter(code__in=RULES))
        steps = [("", CaseStatus.REGISTERED, registered, "作风督查移交线索，予以登记。"),
                 (CaseStatus.REGISTERED, CaseStatus.INVESTIGATING, registered + timedelta(days=3), "开展核查。"),
                 (CaseStatus.INVESTIGATING, CaseStatus.DECIDED, decided, "经研究，给予警告处分。"),
                 (CaseStatus.DECIDED, CaseStatus.CLOSED, closed, "处分决定已送达，案件办结。")]
        transitions = CaseTransition.objects.bulk_create([
            CaseTransition(case=case, from_status=old, to_status=new, by=inspector, comment=comment)
            for old, new, _day, comment in steps])
        for transition, (_old, _new, day, _comment) in zip(transitions, steps, strict=True):
            transition.at = self._at(day)
        CaseTransition.objects.bulk_update(transitions, ["at"])
        decision = Decision(case=case, official=person, effective_date=decided, decided_by=inspector,
                            summary=f"经研究，决定给予{person.name}警告处分（事业单位工作人员处分）。")
        apply_kind(decision, kind)
        decision.save()
        Case.objects.filter(pk=case.pk).update(created_at=self._at(registered), updated_at=self._at(closed))
        Decision.objects.filter(pk=decision.pk).update(created_at=self._at(decided), updated_at=self._at(decided))
        return person.name

    @staticmethod
    def _at(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(10, 0)))
