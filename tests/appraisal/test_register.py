"""The Excel appraisal register: rows, title rows, frozen header, number formats, the summary sheet, formula
escaping, the command, the job with its progress, and a query count that does not grow with the rows."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from appraisal.models import ExportJob, Grade
from appraisal.services import exports
from appraisal.services.exports import export_start, register_write
from appraisal.services.grades import grades_propose
from appraisal.services.grades_confirm import grade_confirm_unit
from common.errors import ApplicationError
from common.excel import safe_text
from tests.appraisal.annual_helpers import ready_to_confirm
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.factories import OfficialFactory, period


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def read(path):
    return load_workbook(path)  # not read-only: freeze panes and number formats are checked


def data_rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=4, values_only=True) if any(v is not None for v in row)]


def test_the_register_has_title_rows_a_frozen_header_and_one_row_per_official(county, tmp_path):
    month = period("2026-10")
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=month, total=Decimal("88.50"),
                     bonus=Decimal("2"), deduction=Decimal("1"), rank_in_unit=1, rank_in_category=3,
                     is_provisional=True)
    ScorecardFactory(official=county.finance_official, unit=county.finance, period=month, total=Decimal("70"))
    out = tmp_path / "r.xlsx"
    assert register_write(period=month, target=str(out)) == 2

    wb = read(out)
    ws = wb.worksheets[0]
    assert "2026-10" in ws["A1"].value
    assert ws["A2"].value  # the unit line and the time of export
    assert ws.freeze_panes == "A4"
    header = [c.value for c in ws[3]]
    assert len(header) == 15 and header[-1] and header[-2]
    rows = data_rows(ws)
    assert [r[1] for r in rows] == ["钱科员", "李科员"]  # by unit path: CZ before WL
    staff = rows[1]
    assert staff[0] == "文化和旅游局" and staff[2] == county.staff_official.staff_number
    assert staff[4:8] == (35.4, 8.85, 26.55, 17.7)  # each component's points
    assert staff[8:13] == (2, 1, 88.5, 1, 3)  # bonus, deductions, total, rank in unit, rank in category
    assert staff[13] is None  # no grade outside a year
    assert staff[14]  # the provisional marker
    assert ws.cell(row=5, column=11).number_format == "0.00"
    assert ws.cell(row=5, column=12).number_format == "0"

    summary = wb.worksheets[1]
    assert summary.freeze_panes == "A2"
    units = {r[0]: r for r in summary.iter_rows(min_row=2, values_only=True)}
    assert units["文化和旅游局"][1:5] == (1, 88.5, 88.5, 88.5)
    assert len(units) == 3  # two units and the total
    assert next(r for name, r in units.items() if name not in ("文化和旅游局", "财政局"))[1] == 2


def test_user_text_never_becomes_a_formula(county, tmp_path):
    evil = OfficialFactory(name='=HYPERLINK("http://evil.example","点我")', unit=county.culture_office,
                           staff_number="+86-1")
    ScorecardFactory(official=evil, unit=county.culture, period=period("2026-10"))
    out = tmp_path / "r.xlsx"
    register_write(period=period("2026-10"), target=str(out))
    cell = read(out).worksheets[0]["B4"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example","点我")'
    assert read(out).worksheets[0]["C4"].value == "'+86-1"
    assert [safe_text(v) for v in ("-1", "@x", "\tx", "\rx", "ok", None)] == ["'-1", "'@x", "'\tx", "'\rx", "ok", ""]


def test_a_year_register_shows_grades_and_the_constraints_in_the_remarks(county, tmp_path):
    people = staff_in(county.culture_office, county.culture, [99, 80, 80, 80, 80])
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    ready_to_confirm(county, county.culture)
    grade_confirm_unit(period=year, unit=county.culture, by=county.orgadmin,
                       overrides={people[1].pk: (Grade.BASIC, "通报批评")})
    out = tmp_path / "y.xlsx"
    register_write(period=year, target=str(out), unit=county.culture)
    wb = read(out)
    rows = {r[1]: r for r in data_rows(wb.worksheets[0])}
    assert rows[people[0].name][13] == str(Grade.EXCELLENT.label)
    assert rows[people[1].name][13] == str(Grade.BASIC.label)
    assert "通报批评" in rows[people[1].name][14]
    summary = list(wb.worksheets[1].iter_rows(min_row=1, values_only=True))
    header, culture = summary[0], summary[1]
    assert culture[header.index(str(Grade.EXCELLENT.label))] == 1
    assert culture[header.index(str(Grade.BASIC.label))] == 1
    assert culture[header.index(str(Grade.COMPETENT.label))] == 3


def test_a_unit_register_has_only_that_unit(county, tmp_path):
    month = period("2026-10")
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=month)
    ScorecardFactory(official=county.culture_official, unit=county.culture, period=month)
    ScorecardFactory(official=county.finance_official, unit=county.finance, period=month)
    out = tmp_path / "u.xlsx"
    assert register_write(period=month, target=str(out), unit=county.culture_tourism) == 1
    assert [r[1] for r in data_rows(read(out).worksheets[0])] == ["李科员"]


@pytest.mark.parametrize("n", [10, 100])
def test_the_query_count_does_not_grow_with_the_rows(county, tmp_path, n):
    staff_in(county.culture_office, county.culture, [80] * n, key="2026")
    year = period("2026")
    grades_propose(period=year, by=county.orgadmin)
    with CaptureQueriesContext(connection) as ctx:
        assert register_write(period=year, target=str(tmp_path / "q.xlsx")) == n
    # count, grades, rows, summary by unit, summary of all: the same five for 10 and 100 rows.
    assert len(ctx.captured_queries) == 5


def test_the_command_writes_the_register(county, tmp_path):
    ScorecardFactory(official=county.staff_official, unit=county.culture, period=period("2026-10"))
    ScorecardFactory(official=county.finance_official, unit=county.finance, period=period("2026-10"))
    out = tmp_path / "cmd.xlsx"
    stdout = StringIO()
    call_command("export_register", "2026-10", "--out", str(out), "--unit", "CZ", stdout=stdout)
    assert "1" in stdout.getvalue()
    assert [r[1] for r in data_rows(read(out).worksheets[0])] == ["钱科员"]
    with pytest.raises(CommandError):
        call_command("export_register", "2031", "--out", str(out))
    with pytest.raises(CommandError):
        call_command("export_register", "2026-10", "--out", str(out), "--unit", "NOPE")
    with pytest.raises(CommandError):
        call_command("export_register", "bad", "--out", str(out))


def test_the_job_records_progress_and_saves_the_file(county, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 3)
    staff_in(county.culture_office, county.culture, [80] * 7, key="2026-10")
    seen: list[tuple[int, int]] = []
    real_write = exports.register_write

    def watched(**kwargs):  # read the job back after each progress update, as the page's poll would
        progress = kwargs.pop("progress")

        def spy(done: int, total: int) -> None:
            progress(done, total)
            seen.append(ExportJob.objects.values_list("progress", "rows").get())

        return real_write(progress=spy, **kwargs)

    monkeypatch.setattr(exports, "register_write", watched)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = export_start(by=county.orgadmin, period=period("2026-10"))
    assert job.status == ExportJob.Status.QUEUED and len(callbacks) == 1
    callbacks[0]()  # the Celery job (eager): register_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100 and job.rows == 7
    assert job.finished_at is not None and job.file.name.endswith(".xlsx")
    # Updates at 3 and 6 rows (42 %, 85 %) and at the end (99 % until the file is saved).
    assert seen == [(42, 3), (85, 6), (99, 7)]
    with job.file.open("rb") as handle:
        assert len(data_rows(load_workbook(handle).worksheets[0])) == 7
    # A second delivery of the same job does nothing.
    assert exports.export_run(job_id=job.pk) is None


def test_a_failing_export_is_recorded(county, monkeypatch, django_capture_on_commit_callbacks):
    staff_in(county.culture_office, county.culture, [80], key="2026-10")

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "register_write", boom)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(by=county.orgadmin, period=period("2026-10"))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "disk full" in job.error


def test_only_the_organization_department_exports_within_its_scope(county):
    staff_in(county.culture_office, county.culture, [80], key="2026-10")
    with pytest.raises(ApplicationError) as refused:
        export_start(by=county.head, period=period("2026-10"))
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        export_start(by=county.orgadmin, period=period("2026-09"))
    assert refused.value.code == "no_scorecards"
    assert not ExportJob.objects.exists()
