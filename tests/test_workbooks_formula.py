"""Issue 14, item 2: no workbook the product writes ever holds a formula.

Every workbook — the task ledger, the training ledger, the case register, the appraisal register, the annual
results lists, the registration forms (one workbook and the zip), and the import templates — is exported with
formula-like text (``=HYPERLINK(…)``, ``=1+1``, ``+cmd``, ``@SUM(1)``, ``-2+3``, a leading tab or carriage
return) in every text column that holds user text, then read back with openpyxl: no cell is a formula, no
string starts like one, and each planted text is in the file (escaped), so the column is really exported.
The setups are those of the tests of each export; the texts are planted on top of them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import AnnualSummary, GradeDecision, GradeNotice
from appraisal.selectors.results import ResultList
from appraisal.services import registration
from appraisal.services.exports import register_write
from common.excel import FORMULA_STARTS
from discipline.excel import write_case_register
from discipline.models import Case, DecisionKind, DisciplineRule
from org.excel import calendar_template, roster_template
from org.models import Official, OrgUnit, User
from tasks.excel import task_template
from tasks.services.progress import weekly_update_post
from tasks.services.tasks import task_create
from tests.discipline.test_api import build_cases
from tests.training.test_ledger import _data as training_ledger_data
from training.excel import sign_in_template, write_ledger
from training.models import SessionKind, TrainingSession

# The shapes of formula injection; each planted text is one of them followed by a tag naming its column.
FORMS = ('=HYPERLINK("http://x","点此"){}', "=1+1{}", "+cmd{}", "@SUM(1){}", "-2+3{}")
TAB, CR = "\t{}", "\r{}"


class Planted:
    """Hands out formula-like texts, one per column, and remembers them."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, tag: str, form: str | None = None) -> str:
        text = (form or FORMS[len(self.texts) % len(FORMS)]).format(tag)
        self.texts.append(text)
        return text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def read_back(source: str | Path | io.BytesIO) -> list[str]:
    """Open a workbook as a spreadsheet would and return its strings; fail on any formula or formula-like
    string."""
    strings: list[str] = []
    workbook = load_workbook(source)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{ws.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{where} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    value = cell.value.replace("_x000D_", "\r")  # a carriage return as stored by the writer
                    assert not value.startswith(FORMULA_STARTS), f"{where} starts like a formula: {value!r}"
                    strings.append(value)
    return strings


# Words a header or title may hold in Latin letters; anything else not planted is English reaching the user.
ALLOWED_WORDS = {"Excel", "PDF", "ID"}
LATIN_WORD = re.compile(r"(?<![\w.@/-])[A-Za-z][A-Za-z_']+(?![\w@/-])")


def assert_chinese(strings: list[str], planted: Planted) -> None:
    """The workbook's own text (headers, titles, labels, choices) is Chinese (issue 15, item 4)."""
    own = [s for s in strings if not any(text in s for text in planted.texts)]
    english = sorted({s for s in own if set(LATIN_WORD.findall(s)) - ALLOWED_WORDS})
    assert not english, f"English in the workbook: {english}"


def assert_exported(strings: list[str], planted: Planted) -> None:
    assert_chinese(strings, planted)
    missing = [text for text in planted.texts if not any(text in s for s in strings)]
    assert not missing, f"planted texts missing from the workbook (is the column exported?): {missing}"
    escaped = [s for s in strings if s.startswith("'") and s[1:].startswith(FORMULA_STARTS)]
    assert escaped, "no planted text starts a cell: nothing was checked to be escaped"


def rename_unit(unit: OrgUnit, name: str) -> None:
    OrgUnit.objects.filter(pk=unit.pk).update(name=name)


def rename_official(official: Official, **values: str) -> None:
    Official.objects.filter(pk=official.pk).update(**values)


# --- tasks ------------------------------------------------------------------------------------------------------


def test_the_task_ledger(county, client_for):
    p = Planted()
    task = task_create(by=county.head, unit=county.culture_tourism, title=p("任务名称"), goal=p("标准要求"),
                       source_ref=p("来源编号"), responsible=county.staff_official,
                       leading_leader=county.head_official, start_date=dt.date(2026, 1, 1),
                       deadline=dt.date(2026, 12, 31),
                       milestones=[{"name": p("节点"), "due_date": dt.date(2026, 3, 1)}])
    weekly_update_post(task=task, by=county.staff, progress=30, done=p("周报"))
    rename_unit(county.culture, p("局"))  # the title row
    rename_unit(county.culture_tourism, p("责任单位", CR))
    rename_official(county.staff_official, name=p("责任人"))
    rename_official(county.head_official, name=p("牵头领导", TAB))
    response = client_for(county.head).get(reverse("tasks:task_export"), {"unit": "WL"})
    assert response.status_code == 200
    assert_exported(read_back(io.BytesIO(response.content)), p)


# --- training ---------------------------------------------------------------------------------------------------


def test_the_training_ledger(county, tmp_path):
    training_ledger_data(county)
    p = Planted()
    TrainingSession.objects.filter(kind=SessionKind.COLLECTIVE_STUDY, organiser=county.culture).update(
        title=p("学习"), place=p("地点", TAB))  # its lecturer is an official (赵主任)
    TrainingSession.objects.filter(kind=SessionKind.PARTY_CLASS).update(
        title=p("党课"), place=p("会议室"), lecturer_name=p("外请教师"))
    for unit, tag in ((county.culture, "局"), (county.culture_office, "办公室"), (county.culture_tourism, "科")):
        rename_unit(unit, p(tag))
    rename_official(county.staff_official, name=p("科员"), staff_number=p("工号", "+86{}"))
    rename_official(county.head_official, name=p("局长", CR))
    rename_official(county.culture_official, name=p("主讲"))
    target = tmp_path / "ledger.xlsx"
    assert write_ledger(str(target), unit=county.culture, year=2026, today=date(2026, 12, 31)) == 3
    assert_exported(read_back(target), p)


# --- discipline -------------------------------------------------------------------------------------------------


def test_the_case_register(county, kinds):
    [case] = build_cases(county, kinds, 1)
    p = Planted()
    Case.objects.filter(pk=case.pk).update(number=p("号", "=1+1{}"), source_reference=p("来源"))
    for rule in case.rules.all():
        DisciplineRule.objects.filter(pk=rule.pk).update(code=p(f"R{rule.pk}", "@SUM(1){}"))
    for code in ("gov_warning", "admonishment"):
        DecisionKind.objects.filter(pk=kinds[code].pk).update(name=p(code))
    User.objects.filter(pk=county.inspector.pk).update(first_name=p("办案人"), last_name="")
    rename_unit(county.culture, p("立案单位"))
    for index, subject in enumerate(case.subjects.all()):
        rename_official(subject, name=p(f"被调查人{index}", TAB if index else None))
    stream = io.BytesIO()
    write_case_register(Case.objects.all(), stream)
    stream.seek(0)
    assert_exported(read_back(stream), p)


# --- appraisal --------------------------------------------------------------------------------------------------


def _plant_people(county, p: Planted, *, sections: bool, posts: bool, numbers: bool) -> None:
    """Unit names (the bureaus, and their sections when ``sections``), officials' names, staff numbers and posts."""
    units = [(county.culture, "局"), (county.finance, "财政局")]
    if sections:
        units += [(county.culture_office, "办公室"), (county.culture_tourism, "科"), (county.finance_office, "财政办")]
    for unit, tag in units:
        rename_unit(unit, p(tag))
    for official, tag in ((county.head_official, "王"), (county.staff_official, "李"),
                          (county.culture_official, "赵"), (county.finance_official, "钱")):
        values = {"name": p(tag)}
        if numbers:
            values["staff_number"] = p(f"{tag}号", "-{}")
        if posts:
            values["position_title"] = p(f"{tag}职务", TAB)
        rename_official(official, **values)


def test_the_appraisal_register(county, year, tmp_path):
    p = Planted()
    # The register's rows and summary name the unit the scorecard ranks in (the bureau), not the section.
    _plant_people(county, p, sections=False, posts=False, numbers=True)
    GradeDecision.objects.filter(official=county.culture_official, period=year).update(override_reason=p("理由"))
    target = tmp_path / "register.xlsx"
    assert register_write(period=year, target=str(target)) == 4
    assert_exported(read_back(target), p)


def test_the_results_lists(county, people, client_for):
    p = Planted()
    OrgUnit.objects.filter(pk=county.root.pk).update(name=p("县"))  # the scope line names the org grant's unit
    for unit, tag in ((county.culture_office, "办公室"), (county.culture_tourism, "科"),
                      (county.finance_office, "财政办")):
        rename_unit(unit, p(tag))
    for key in ("three_excellent", "excellent", "finance_excellent"):  # the commendation list
        rename_official(people[key], name=p(key), position_title=p(f"{key}职务", TAB if key == "excellent" else None))
    client = client_for(county.orgadmin)
    for kind in ResultList.values:
        response = client.get(reverse("appraisal:results_export"), {"year": "2026", "list": kind})
        assert response.status_code == 200
        strings = read_back(io.BytesIO(b"".join(response.streaming_content)))
        if kind == ResultList.COMMENDATION:
            assert_exported(strings, p)


def test_the_registration_forms(county, year, tmp_path):
    p = Planted()
    _plant_people(county, p, sections=True, posts=True, numbers=False)  # the form shows no staff number
    staff = AnnualSummary.objects.get(procedure__period=year, official=county.staff_official)
    AnnualSummary.objects.filter(pk=staff.pk).update(
        morality=p("德"), ability=p("能"), diligence=p("勤"), achievement=p("绩"), integrity=p("廉"),
        oral_at=dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC), oral_place=p("述职地点"))
    GradeDecision.objects.filter(official=county.staff_official, period=year).update(comment=p("评语"))
    GradeDecision.objects.filter(official=county.culture_official, period=year).update(override_reason=p("理由"))
    GradeNotice.objects.filter(official=county.staff_official).update(opinion=p("本人意见"))

    one = tmp_path / "forms.xlsx"
    assert registration.registration_forms_write(period=year, unit=county.culture, target=str(one)) == 3
    culture_texts = [t for t in p.texts if not any(k in t for k in ("财政", "钱"))]
    assert_exported(read_back(one), _only(culture_texts))

    everything = tmp_path / "forms.zip"
    assert registration.registration_forms_write(period=year, unit=None, target=str(everything)) == 4
    strings: list[str] = []
    with zipfile.ZipFile(everything) as archive:
        assert len(archive.namelist()) == 2  # one workbook per top-level unit
        for name in archive.namelist():
            strings += read_back(io.BytesIO(archive.read(name)))
    assert_exported(strings, p)


def _only(texts: list[str]) -> Planted:
    planted = Planted()
    planted.texts = texts
    return planted


# --- import templates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", [task_template, sign_in_template, roster_template, calendar_template])
def test_the_import_templates(template):
    strings = read_back(io.BytesIO(template()))
    assert any(s.endswith("*") for s in strings)  # the header row, required columns marked


# --- one writer -------------------------------------------------------------------------------------------------

WORKBOOK_OPENED = re.compile(r"\b(?:xlsxwriter\.Workbook|openpyxl\.Workbook|Workbook)\(")


def test_only_common_excel_opens_a_workbook_for_writing():
    """Every workbook is written through ``common.excel.streaming_workbook``: no other module opens one."""
    base = Path(settings.BASE_DIR)
    sources = [d for d in base.iterdir() if (d / "apps.py").exists() or d.name in ("cadre_mgmt", "bench")]
    offenders = [str(path.relative_to(base)) for d in sources for path in d.rglob("*.py")
                 if "migrations" not in path.parts and WORKBOOK_OPENED.search(path.read_text(encoding="utf-8"))]
    assert offenders == ["common/excel.py"]
