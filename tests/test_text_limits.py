"""Issue 14, item 9: no text field takes 1 MB.

Every text the product stores or accepts has a maximum from ``common.text_limits`` (a line, a short note, a note, a
long text), and it holds on every way in — the pages' forms, the API (tests/api/test_text_limits_api.py), the
services and the imports — with one message that says the limit and the length ("最多 2000 个字（当前 2001 个字）。").
The structural tests below fail when a model text field, a form field or an API field is added without one.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from decimal import Decimal
from io import BytesIO

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from openpyxl import Workbook
from rest_framework import serializers

from appraisal.models import AnnualSummary
from common.api import LimitedCharField
from common.errors import ApplicationError
from common.excel import CELL_MAX
from common.imports import RowErrors
from common.text_limits import (
    CHECKED_APPS,
    LONG,
    NOTE,
    STORED_RESPONSE,
    LimitedFormField,
    LimitedTextField,
    check_values,
    too_long,
)
from discipline.models import Case
from org.excel import read_roster
from org.models import LeaveRecord
from tasks.excel import read_task_rows
from tasks.models import LetterStatus, MonthlyReport, ReportStatus, ReportTransition, SupervisionLetter, WeeklyUpdate
from tasks.services.letters import letter_reply
from tasks.services.reports import report_return
from tasks.services.tasks import task_create
from tests.appraisal.annual_helpers import open_procedure
from tests.appraisal.factories import ScorecardFactory
from tests.factories import MonthlyReportFactory, MonthlyReportItemFactory
from tests.org.roster_files import workbook as roster_book
from tests.tasks.letter_helpers import issue
from tests.tasks.test_tasks_excel import row as task_row
from tests.tasks.test_tasks_excel import workbook as task_book
from training.excel import SIGN_IN_COLUMNS, SIGN_IN_SHEET, read_sign_in_sheet
from training.models import StudyPlan

MEGABYTE = "x" * 1_000_000


def over(limit: int) -> str:
    """A Chinese text one character longer than ``limit``."""
    return "长" * (limit + 1)


# --- every field has a maximum ------------------------------------------------------------------------------


def product_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label in CHECKED_APPS]


def test_every_text_column_has_a_maximum_that_is_enforced():
    """A ``TextField`` without ``max_length`` took 1 MB; with ``max_length`` alone Django checks nothing
    (``full_clean`` checks it on ``CharField`` only): every text column is a ``LimitedTextField`` or a
    ``CharField``. (simple-history keeps a file's name as a ``TextField(max_length=100)``: the file field's own
    limit guards it.)"""
    unbounded, unchecked = [], []
    for model in product_models():
        history_of = getattr(model, "instance_type", None)
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            name = f"{model._meta.label}.{field.name}"
            if not field.max_length:
                unbounded.append(name)
            elif isinstance(field, models.TextField) and not isinstance(field, LimitedTextField):
                original = history_of._meta.get_field(field.name) if history_of else None
                if not isinstance(original, models.FileField):
                    unchecked.append(name)
    assert len(product_models()) > 50
    assert unbounded == [] and unchecked == []


def test_every_stored_text_fits_a_spreadsheet_cell():
    """So that an export never has to cut one (the one larger column is the stored answer of an API create,
    which no workbook shows)."""
    too_big = [f"{model._meta.label}.{field.name}" for model in product_models()
               for field in model._meta.concrete_fields
               if getattr(field, "max_length", None) and field.max_length >= CELL_MAX  # a leading ' may be added
               and field.max_length != STORED_RESPONSE]
    assert too_big == []


def _project_forms() -> list[type[forms.BaseForm]]:
    for app in CHECKED_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in CHECKED_APPS:
            found.append(cls)
    return found


def test_every_form_text_field_has_a_maximum_and_the_message():
    """Every text field of every form: a ``LimitedFormField`` (a ``maxlength`` in the page, the message with the
    length)."""
    checked, wrong = 0, []
    for form in _project_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField):
                checked += 1
                if not isinstance(field, LimitedFormField) or not field.max_length:
                    wrong.append(f"{form.__module__}.{form.__name__}.{name}")
    assert checked > 80
    assert wrong == []


def _request_serializers() -> list[tuple[str, serializers.Serializer]]:
    """Every serializer an operation of the API reads a request body with."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = []
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.view, schema.path, schema.path_regex, schema.method = view, path, path_regex, method
        request = schema.get_request_serializer()
        if isinstance(request, type) and issubclass(request, serializers.BaseSerializer):
            request = request()
        if isinstance(request, serializers.BaseSerializer):
            found.append((f"{method} {path}", request))
    return found


def _unbounded(where: str, field: serializers.Field) -> list[str]:
    if field.read_only:
        return []
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return _unbounded(f"{where}[]", field.child)
    if isinstance(field, serializers.Serializer):
        return [problem for name, child in field.fields.items() for problem in _unbounded(f"{where}.{name}", child)]
    if isinstance(field, serializers.CharField):
        plain = isinstance(field, LimitedCharField | serializers.RegexField)
        return [] if field.max_length and plain else [where]
    return []


def test_every_api_text_field_has_a_maximum_and_the_message():
    """Every text an operation of the API reads (nested ones too): a maximum, in the schema as ``maxLength``, with
    the product's message (``LimitedCharField``; a quarter key is a ``RegexField`` as long as the key)."""
    operations = _request_serializers()
    assert len(operations) > 60
    problems = [problem for operation, serializer in operations for problem in _unbounded(operation, serializer)]
    assert problems == []


# --- the message --------------------------------------------------------------------------------------------


def test_the_message_gives_the_limit_and_the_length():
    form_field = LimitedFormField(max_length=NOTE)
    with pytest.raises(forms.ValidationError) as refused:
        form_field.clean(over(NOTE))
    assert refused.value.messages == [too_long(over(NOTE), NOTE)]
    assert "2000" in refused.value.messages[0] and "2001" in refused.value.messages[0]
    api_field = LimitedCharField(max_length=NOTE)
    with pytest.raises(serializers.ValidationError) as refused_api:
        api_field.run_validation(over(NOTE))
    assert refused_api.value.detail == [too_long(over(NOTE), NOTE)]
    assert too_long("长" * NOTE, NOTE) is None


def test_a_line_break_counts_once_as_in_the_browser():
    """The browser's ``maxlength`` counts a line break once and sends it as two characters: a text the page let
    the user type is not refused."""
    typed = ("长" * 99 + "\r\n") * 20  # 2,000 characters in the page, 2,020 as sent
    assert LimitedFormField(max_length=NOTE).clean(typed) == typed.replace("\r\n", "\n").strip()


# --- services and every save ------------------------------------------------------------------------------


def test_a_service_refuses_a_megabyte_and_writes_nothing(county):
    letter = issue(county)
    with pytest.raises(ApplicationError) as refused:
        letter_reply(letter=letter, by=county.head, reply=MEGABYTE)
    assert refused.value.code == "too_long"
    assert refused.value.extra["fields"] == {"reply": [too_long(MEGABYTE, LONG)]}
    assert str(SupervisionLetter._meta.get_field("reply").verbose_name) in refused.value.message
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED and letter.reply == ""
    assert letter.history.count() == 1  # the issue only


def test_a_service_checks_before_it_writes_under_the_callers_names(county):
    report = MonthlyReportFactory(official=county.staff_official, status=ReportStatus.SUBMITTED)
    MonthlyReportItemFactory(report=report)
    with pytest.raises(ApplicationError) as refused:
        report_return(report=report, by=county.head, reason=over(NOTE))
    # Under the name the form and the API use, not the column's (return_reason).
    assert refused.value.extra["fields"] == {"reason": [too_long(over(NOTE), NOTE)]}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and not ReportTransition.objects.exists()


def test_every_save_of_a_product_model_is_checked(county, kinds):
    """Whatever path a write takes (a job, an import, a service that forgot), the save is refused."""
    case = Case(unit=county.culture, title="案", source="report", facts=MEGABYTE, registered_on=dt.date(2026, 3, 2))
    with pytest.raises(ApplicationError) as refused:
        case.save()
    assert refused.value.extra["fields"] == {"facts": [too_long(MEGABYTE, LONG)]}
    assert not Case.objects.exists()
    with pytest.raises(ApplicationError):  # a CharField too, which SQLite would store whole
        task_create(by=county.head, unit=county.culture_tourism, title=over(200), responsible=county.staff_official,
                    deadline=timezone.localdate())


def test_check_values_knows_only_text_columns():
    with pytest.raises(KeyError):
        check_values(Case, no_such_column="x")


# --- a form of each app -------------------------------------------------------------------------------------


def test_org_the_leave_form(county, client_for):
    response = client_for(county.head).post(f"/officials/{county.staff_official.pk}/leave/",
                                            {"kind": "sick", "start_date": "2026-03-02", "end_date": "2026-03-06",
                                             "note": over(200)}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 400 and too_long(over(200), 200) in body
    assert 'maxlength="200"' in body and over(200) in body  # what was typed is kept
    assert not LeaveRecord.objects.exists()


def test_tasks_the_weekly_update(county, client_for):
    task = task_create(by=county.head, unit=county.culture_tourism, title="景区提升", responsible=county.staff_official,
                       deadline=timezone.localdate() + dt.timedelta(days=30))
    response = client_for(county.staff).post(reverse("tasks:task_weekly_update", args=[task.pk]),
                                             {"progress": "35", "done": over(NOTE)}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 422 and too_long(over(NOTE), NOTE) in body and over(NOTE) in body
    assert f'maxlength="{NOTE}"' in body
    assert not WeeklyUpdate.objects.exists()


def test_training_the_study_plan(county, client_for):
    response = client_for(county.head).post(reverse("training:plan_create"), {
        "unit": county.culture.pk, "year": 2026, "title": "2026年学习计划", "notes": over(NOTE)})
    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == [too_long(over(NOTE), NOTE)]
    assert not StudyPlan.objects.exists()


def test_discipline_a_new_case(county, client_for, kinds):
    client = client_for(county.inspector)
    rule = client.get(reverse("discipline:case_create")).context["rule_groups"][0][1][0]
    response = client.post(reverse("discipline:case_create"), {
        "unit": county.culture.pk, "title": "违规收受礼品", "subjects": [county.staff_official.pk], "source": "report",
        "rules": [rule.pk], "facts": over(LONG)})
    assert response.status_code == 200
    assert response.context["form"].errors["facts"] == [too_long(over(LONG), LONG)]
    assert not Case.objects.exists()


def test_appraisal_the_annual_summary(county, client_for):
    ScorecardFactory(official=county.staff_official, unit=county.culture, total=Decimal(90))
    procedure = open_procedure(county, county.culture)
    summary = AnnualSummary.objects.get(procedure=procedure, official=county.staff_official)
    client = client_for(county.staff)
    saved = client.post(reverse("appraisal:summary_autosave", args=[summary.pk]), {"morality": over(LONG)},
                        HTTP_HX_REQUEST="true")
    assert too_long(over(LONG), LONG) in saved.content.decode()  # the autosave says why, with the section's name
    refused = client.post(reverse("appraisal:summary_mine"), {"year": "2026", "morality": over(LONG), "action": "save"})
    assert refused.status_code in (200, 400) and too_long(over(LONG), LONG) in refused.content.decode()
    summary.refresh_from_db()
    assert summary.morality == ""


def test_the_report_autosave_names_the_field(county, client_for):
    """The monthly report's autosave said only "the form could not be read"."""
    month = timezone.localdate().strftime("%Y-%m")
    response = client_for(county.staff).post(reverse("tasks:report_autosave", args=[month]),
                                             {"next_month_plan": over(LONG)}, HTTP_HX_REQUEST="true")
    assert too_long(over(LONG), LONG) in response.content.decode()
    assert not MonthlyReport.objects.filter(next_month_plan__startswith="长").exists()


# --- imports: a cell too long is a row error with its column, never cut --------------------------------------


def test_the_task_import_reports_a_long_goal(county):
    errors = RowErrors()
    read_task_rows(task_book([task_row(county, **{"标准要求": over(LONG)})]), errors)
    assert [(e.row, e.column, e.message) for e in errors] == [(2, "标准要求", too_long(over(LONG), LONG))]


def test_the_sign_in_sheet_reports_a_long_reason_rather_than_cut_it():
    """The reason for leave used to be cut to 200 characters without a word."""
    book = Workbook()
    sheet = book.active
    sheet.title = SIGN_IN_SHEET
    sheet.append([name for name, _required, _width in SIGN_IN_COLUMNS])
    sheet.append(["S0001", "李科员", "请假", None, over(200), None])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    errors = RowErrors()
    [row] = read_sign_in_sheet(buffer, errors)
    assert row.excuse_reason == over(200)  # whole, and refused
    assert [(e.row, e.column, e.message) for e in errors] == [(2, "请假事由", too_long(over(200), 200))]


def test_the_roster_import_reports_a_long_name_with_its_length():
    officials = [["A0001", over(50), "男", "", "QH", "", "一般干部", "在编", "否", "", "", "", "在职"]]
    roster = read_roster(roster_book(units=[["QH", "清河县", "", "其他", "", 0, "是"]], officials=officials))
    assert [(e.sheet, e.row, e.column, e.message) for e in roster.errors] == [
        ("人员", 2, "姓名", too_long(over(50), 50))]
