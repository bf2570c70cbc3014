"""Issue 14, item 9: an export never cuts a text.

A spreadsheet cell holds 32,767 characters and xlsxwriter cuts a longer string without a word. Every text the
product stores is shorter (``common.text_limits``; tests/test_text_limits.py checks every column), so each
workbook is exported here with the longest text each of its user-text columns takes and read back: every text is
in the file whole. The one column that joins many texts — a task's milestones in the ledger — is bounded by the
number of milestones a task may have, and is exported at that bound. Should a cell still be too long, the export
stops with a message rather than cut it (``common.excel.safe_text``).

The setups are those of tests/test_workbooks_formula.py, with the longest texts planted instead of formulas.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from datetime import date

import pytest
from django.db import models
from django.urls import reverse

from appraisal.models import AnnualSummary, GradeDecision, GradeNotice
from appraisal.services import registration
from appraisal.services.exports import register_write
from common.errors import ApplicationError
from common.excel import CELL_MAX, safe_text
from common.text_limits import limit_of
from discipline.excel import write_case_register
from discipline.models import Case, DecisionKind, DisciplineRule
from org.models import Official, OrgUnit, User
from tasks.models import MAX_MILESTONES, Milestone, Task, WeeklyUpdate
from tasks.services.progress import weekly_update_post
from tasks.services.tasks import task_create
from tests.discipline.test_api import build_cases
from tests.test_workbooks_formula import read_back
from tests.training.test_ledger import _data as training_ledger_data
from training.excel import write_ledger
from training.models import SessionKind, TrainingSession


class Longest:
    """Hands out, per column, the longest text it takes (a tag naming the column, then 长 up to the column's
    maximum), and remembers them."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, tag: str, model: type[models.Model], field: str) -> str:
        limit = limit_of(model, field)
        text = (tag + "长" * limit)[:limit]
        self.texts.append(text)
        return text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_whole(strings: list[str], planted: Longest) -> None:
    # A text may share its cell ("2026-03-02周：…"), never lose a character.
    cut = [text[:12] for text in planted.texts if not any(text in s for s in strings)]
    assert not cut, f"texts not in the workbook whole: {cut}"


def rename_unit(unit: OrgUnit, p: Longest, tag: str) -> None:
    OrgUnit.objects.filter(pk=unit.pk).update(name=p(tag, OrgUnit, "name"))


def rename_official(official: Official, p: Longest, tag: str, *fields: str) -> None:
    Official.objects.filter(pk=official.pk).update(**{f: p(f"{tag}{f}", Official, f) for f in ("name", *fields)})


def test_a_cell_too_long_stops_the_export_rather_than_being_cut():
    assert safe_text("长" * CELL_MAX) == "长" * CELL_MAX
    with pytest.raises(ApplicationError) as refused:
        safe_text("长" * (CELL_MAX + 1))
    assert refused.value.code == "cell_too_long"
    with pytest.raises(ApplicationError):  # the quote that escapes a formula counts too
        safe_text("=" + "长" * (CELL_MAX - 1))


def test_the_task_ledger(county, client_for):
    p = Longest()
    milestones = [{"name": p(f"节点{i}", Milestone, "name"), "due_date": dt.date(2026, 3, 1) + dt.timedelta(days=i)}
                  for i in range(MAX_MILESTONES)]
    task = task_create(by=county.head, unit=county.culture_tourism, title=p("任务", Task, "title"),
                       goal=p("标准", Task, "goal"), source_ref=p("来源", Task, "source_ref"),
                       responsible=county.staff_official, leading_leader=county.head_official,
                       start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31), milestones=milestones)
    weekly_update_post(task=task, by=county.staff, progress=30, done=p("周报", WeeklyUpdate, "done"))
    rename_unit(county.culture, p, "局")
    rename_unit(county.culture_tourism, p, "科")
    rename_official(county.staff_official, p, "责任人")
    rename_official(county.head_official, p, "牵头领导")
    response = client_for(county.head).get(reverse("tasks:task_export"), {"unit": "WL"})
    assert response.status_code == 200
    strings = read_back(io.BytesIO(response.content))
    assert_whole(strings, p)
    assert max(len(s) for s in strings) > 10_000  # the milestones, all of them, in one cell


def test_the_training_ledger(county, tmp_path):
    training_ledger_data(county)
    p = Longest()
    TrainingSession.objects.filter(kind=SessionKind.COLLECTIVE_STUDY, organiser=county.culture).update(
        title=p("学习", TrainingSession, "title"), place=p("地点", TrainingSession, "place"))
    TrainingSession.objects.filter(kind=SessionKind.PARTY_CLASS).update(
        lecturer_name=p("外请教师", TrainingSession, "lecturer_name"))
    rename_unit(county.culture, p, "局")
    rename_unit(county.culture_office, p, "办公室")
    rename_official(county.staff_official, p, "科员", "staff_number")
    rename_official(county.culture_official, p, "主讲")
    target = tmp_path / "ledger.xlsx"
    assert write_ledger(str(target), unit=county.culture, year=2026, today=date(2026, 12, 31)) == 3
    assert_whole(read_back(target), p)


def test_the_case_register(county, kinds):
    [case] = build_cases(county, kinds, 1)
    p = Longest()
    Case.objects.filter(pk=case.pk).update(number=p("号", Case, "number"),
                                           source_reference=p("来源", Case, "source_reference"))
    for rule in case.rules.all():
        DisciplineRule.objects.filter(pk=rule.pk).update(code=p(f"R{rule.pk}", DisciplineRule, "code"))
    for code in ("gov_warning", "admonishment"):
        DecisionKind.objects.filter(pk=kinds[code].pk).update(name=p(code, DecisionKind, "name"))
    User.objects.filter(pk=county.inspector.pk).update(first_name=p("办案人", User, "first_name"), last_name="")
    rename_unit(county.culture, p, "立案单位")
    for index, subject in enumerate(case.subjects.all()):
        rename_official(subject, p, f"被调查人{index}")
    stream = io.BytesIO()
    write_case_register(Case.objects.all(), stream)
    stream.seek(0)
    assert_whole(read_back(stream), p)


def test_the_appraisal_register(county, year, tmp_path):
    p = Longest()
    rename_unit(county.culture, p, "局")
    for official, tag in ((county.head_official, "王"), (county.staff_official, "李")):
        rename_official(official, p, tag, "staff_number")
    GradeDecision.objects.filter(official=county.culture_official, period=year).update(
        override_reason=p("理由", GradeDecision, "override_reason"))
    target = tmp_path / "register.xlsx"
    assert register_write(period=year, target=str(target)) == 4
    assert_whole(read_back(target), p)


def test_the_results_lists(county, people, client_for):
    p = Longest()
    rename_unit(county.culture_office, p, "办公室")
    for key in ("three_excellent", "excellent"):
        rename_official(people[key], p, key, "position_title")
    response = client_for(county.orgadmin).get(reverse("appraisal:results_export"),
                                               {"year": "2026", "list": "commendation"})
    assert response.status_code == 200
    assert_whole(read_back(io.BytesIO(b"".join(response.streaming_content))), p)


def test_the_registration_forms(county, year, tmp_path):
    """The summary's sections are split over rows (a row shows only so much); put back together, each is whole."""
    p = Longest()
    rename_unit(county.culture_office, p, "办公室")
    rename_official(county.staff_official, p, "李", "position_title")
    staff = AnnualSummary.objects.get(procedure__period=year, official=county.staff_official)
    sections = {name: p(name, AnnualSummary, name)
                for name in ("morality", "ability", "diligence", "achievement", "integrity")}
    AnnualSummary.objects.filter(pk=staff.pk).update(**sections, oral_place=p("地点", AnnualSummary, "oral_place"),
                                                     oral_at=dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC))
    GradeDecision.objects.filter(official=county.staff_official, period=year).update(
        comment=p("评语", GradeDecision, "comment"), override_reason=p("理由", GradeDecision, "override_reason"))
    GradeNotice.objects.filter(official=county.staff_official).update(opinion=p("意见", GradeNotice, "opinion"))
    target = tmp_path / "forms.xlsx"
    assert registration.registration_forms_write(period=year, unit=county.culture, target=str(target)) == 3
    strings = read_back(target)
    joined = "".join(strings).replace("\n", "")
    split = [text[:12] for text in p.texts if text not in joined]
    assert not split, f"texts not in the forms whole: {split}"
    assert not any(len(s) > CELL_MAX for s in strings)


def test_the_registration_forms_zip_holds_the_same(county, year, tmp_path):
    staff = AnnualSummary.objects.get(procedure__period=year, official=county.staff_official)
    text = "绩" * limit_of(AnnualSummary, "achievement")
    AnnualSummary.objects.filter(pk=staff.pk).update(achievement=text)
    target = tmp_path / "forms.zip"
    assert registration.registration_forms_write(period=year, unit=None, target=str(target)) == 4
    with zipfile.ZipFile(target) as archive:
        strings = [s for name in archive.namelist() for s in read_back(io.BytesIO(archive.read(name)))]
    assert text in "".join(strings).replace("\n", "")
